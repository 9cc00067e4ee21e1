package config

import (
	"strings"
	"testing"
)

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
		// Right shape, but no schedule the daemon's parser accepts.
		{"61 * * * *", false},
		{"0 25 * * *", false},
		{"*/0 * * * *", false},
		{"5-2 * * * *", false},
		{"0 9 * * XYZ", false},
		{"0 9 32 * *", false},
		{"0 9 * 13 *", false},
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

// TestScheduleErrorNamesTheField checks that a bad field is named with the
// values it may hold.
func TestScheduleErrorNamesTheField(t *testing.T) {
	for spec, want := range map[string]string{
		"61 * * * *":  `the minute field "61" is not valid (0–59)`,
		"0 25 * * *":  `the hour field "25" is not valid (0–23)`,
		"0 9 * * XYZ": `the day of week field "XYZ" is not valid (0–6 or SUN–SAT)`,
	} {
		err := checkSchedule(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("checkSchedule(%q) = %v, want it to say %s", spec, err, want)
		}
	}
}
