package config

import (
	"slices"
	"testing"
)

func TestIndicatorPeriods(t *testing.T) {
	cfg := &Config{Cycle: Cycle{Period: "2024"}}
	tests := []struct {
		name     string
		declared []string
		periods  []string
		def      string
	}{
		{"none declared: the cycle's", nil, []string{"2024"}, "2024"},
		{"one declared: it", []string{"2023"}, []string{"2023"}, "2023"},
		{"several declared: the cycle's by default", []string{"2023", "2024"}, []string{"2023", "2024"}, "2024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind := &Indicator{ID: "x", Periods: tt.declared}
			if got := cfg.Periods(ind); !slices.Equal(got, tt.periods) {
				t.Errorf("Periods = %v, want %v", got, tt.periods)
			}
			if got := cfg.DefaultPeriod(ind); got != tt.def {
				t.Errorf("DefaultPeriod = %q, want %q", got, tt.def)
			}
		})
	}
}
