package config

import (
	"testing"
	"time"
)

func TestDueTime(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		due  string
		loc  *time.Location
		want string // RFC 3339, in UTC
	}{
		// 2025-03-31 23:59:59 in Shanghai (UTC+8).
		{"date alone is the end of the day", "2025-03-31", shanghai, "2025-03-31T15:59:59Z"},
		{"date and time", "2025-03-31 17:00", shanghai, "2025-03-31T09:00:00Z"},
		{"midnight", "2025-04-01 00:00", shanghai, "2025-03-31T16:00:00Z"},
		{"end of year", "2024-12-31", shanghai, "2024-12-31T15:59:59Z"},
		// Clocks go forward on 2025-03-09 in New York: the day has 23 hours
		// and ends at 23:59:59 EDT (UTC-4), not EST.
		{"short day", "2025-03-09", newYork, "2025-03-10T03:59:59Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Deadline{Due: tt.due}.DueTime(tt.loc)
			if err != nil {
				t.Fatal(err)
			}
			if s := got.UTC().Format(time.RFC3339); s != tt.want {
				t.Errorf("DueTime(%q) = %s, want %s", tt.due, s, tt.want)
			}
			if got.Location() != tt.loc {
				t.Errorf("DueTime in %v, want %v", got.Location(), tt.loc)
			}
		})
	}
}

func TestDueTimeErrors(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		due  string
		loc  *time.Location
	}{
		{"slashes", "2025/03/31", shanghai},
		{"no zero padding", "2025-3-31", shanghai},
		{"no such day", "2025-02-30", shanghai},
		{"seconds", "2025-03-31 17:00:00", shanghai},
		{"empty", "", shanghai},
		{"no time zone", "2025-03-31", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := (Deadline{Due: tt.due}).DueTime(tt.loc); err == nil {
				t.Errorf("DueTime(%q) = %v, want an error", tt.due, got)
			}
		})
	}
}
