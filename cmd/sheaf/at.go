package main

import (
	"fmt"
	"time"
)

// atLayouts are the forms --at accepts besides RFC 3339, read in the
// cycle's time zone: the forms the configuration writes times in.
var atLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02"}

// parseAt reads an --at time: RFC 3339 ("2026-12-03T09:00:00+08:00"), or
// "2026-12-03 09:00" or "2026-12-03" (midnight) in loc.
func parseAt(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range atLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf(`--at %q: write the time as "2026-12-03 09:00", "2026-12-03" (in the cycle's time zone, %s) or RFC 3339 ("2026-12-03T09:00:00+08:00")`, s, loc)
}
