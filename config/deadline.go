package config

import (
	"errors"
	"fmt"
	"time"
)

// OverdueEvery is how often overdue notices go after the deadline: the
// overdue key, or once a day.
func (d Deadline) OverdueEvery() time.Duration {
	if every, err := ParseLead(d.Overdue); err == nil {
		return every
	}
	return 24 * time.Hour
}

// DueTime is the moment the deadline passes, in loc (the cycle's time
// zone). A date alone ("2025-03-31") means the end of that day, 23:59:59,
// because "due on the 31st" lets people send figures all that day; a date
// and time ("2025-03-31 17:00") means that minute.
func (d Deadline) DueTime(loc *time.Location) (time.Time, error) {
	if loc == nil {
		return time.Time{}, errors.New("no time zone to read the deadline in")
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04", d.Due, loc); err == nil {
		return t, nil
	}
	day, err := time.ParseInLocation("2006-01-02", d.Due, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (write 2025-03-31 or 2025-03-31 17:00)", d.Due)
	}
	// The next midnight, less a second; time.Date, not Add(24h), so that a
	// day of 23 or 25 hours still ends at its own midnight.
	next := time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
	return next.Add(-time.Second), nil
}
