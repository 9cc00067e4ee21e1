package config

import (
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestDurationUnmarshal(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    time.Duration
		wantErr bool
	}{
		{"seconds", "90s", 90 * time.Second, false},
		{"minutes", "2m", 2 * time.Minute, false},
		{"hours and minutes", "1h30m", 90 * time.Minute, false},
		{"days", "7d", 7 * 24 * time.Hour, false},
		{"days and hours", "1d12h", 36 * time.Hour, false},
		{"quoted", `"45s"`, 45 * time.Second, false},
		{"zero", "0s", 0, false},
		{"negative", "-1m", -time.Minute, false}, // Validate refuses it where it matters
		{"bare number", "90", 0, true},
		{"word", "7days", 0, true},
		{"fractional days", "1.5d", 0, true},
		{"d alone", "d", 0, true},
		{"weeks", "1w", 0, true},
		{"list", "[1m]", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Duration
			err := yaml.Unmarshal([]byte(tt.yaml), &d)
			if tt.wantErr {
				if err == nil {
					t.Errorf("got %v, want an error", time.Duration(d))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if time.Duration(d) != tt.want {
				t.Errorf("got %v, want %v", time.Duration(d), tt.want)
			}
		})
	}
}

func TestDurationRoundTrip(t *testing.T) {
	out, err := yaml.Marshal(struct{ Settle Duration }{Duration(90 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	var back struct{ Settle Duration }
	if err := yaml.Unmarshal(out, &back); err != nil || back.Settle != Duration(90*time.Second) {
		t.Errorf("%s read back as %v, %v", out, back.Settle, err)
	}
}

func TestParseLead(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"7d", 7 * 24 * time.Hour, false},
		{"3d", 72 * time.Hour, false},
		{"1d", 24 * time.Hour, false},
		{"4h", 4 * time.Hour, false},
		{"30m", 30 * time.Minute, false},
		{" 1d ", 24 * time.Hour, false},
		{"0d", 0, true},
		{"-1h", 0, true},
		{"", 0, true},
		{"1 day", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLead(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseLead(%q) error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseLead(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
