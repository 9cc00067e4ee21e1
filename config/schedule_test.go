package config

import "testing"

func TestCheckSchedule(t *testing.T) {
	tests := []struct {
		spec string
		ok   bool
	}{
		{"*/15 * * * *", true},
		{"0 9 * * 1-5", true},
		{"0 9 * * MON-FRI", true},
		{"30 8 1,15 JAN,JUL ?", true},
		{"  0 8 * * *  ", true},
		{"@daily", true},
		{"@midnight", true},
		{"@annually", true},
		{"@every 2h", true},
		{"@every 1h30m", true},
		{"0 8 * *", false},
		{"0 0 8 * * *", false}, // six fields: seconds are not supported
		{"0 8 * * 1#2", false},
		{"0 H * * *", false}, // letters only in month and day of week
		{"@fortnightly", false},
		{"@every", false},
		{"@every 1d", false}, // the cron library reads Go durations only
		{"@every -1h", false},
		{"daily", false},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			err := checkSchedule(tt.spec)
			if (err == nil) != tt.ok {
				t.Errorf("checkSchedule(%q) = %v, want ok %v", tt.spec, err, tt.ok)
			}
		})
	}
}
