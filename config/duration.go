package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration written in the configuration as a Go
// duration ("90s", "2m", "1h30m") or in days ("7d", "1d12h").
type Duration time.Duration

// UnmarshalYAML reads a duration such as "90s" or "7d". A bare number is
// refused: "90" could mean seconds or minutes.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected a duration such as 90s, 2m or 7d, found %s", describe(n))
	}
	v, err := parseDuration(n.Value)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration the way it is read.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// String formats the duration as time.Duration does ("1m0s").
func (d Duration) String() string { return time.Duration(d).String() }

// ParseLead parses a reminder lead time, how long before a deadline a
// reminder goes out: "7d", "3d", "1d", "4h", "30m" (any Go duration, plus
// whole days written with "d"). The lead time must be positive.
func ParseLead(s string) (time.Duration, error) {
	d, err := parseDuration(s)
	if err != nil {
		return 0, err
	}
	if d <= 0 {
		return 0, fmt.Errorf("lead time %q must be more than zero", s)
	}
	return d, nil
}

// parseDuration is time.ParseDuration with a leading number of days: "7d",
// "1d12h". A day is 24 hours; a reminder "1d" before a deadline is the same
// clock time on the day before, except across a daylight-saving change,
// which the cycle's zones (Asia/Shanghai) do not have.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a duration (write e.g. 90s, 2m, 1h30m or 7d)", s)
	if s == "" {
		return 0, bad
	}
	sign := time.Duration(1)
	rest := s
	if strings.HasPrefix(rest, "-") {
		sign, rest = -1, rest[1:]
	}
	var days time.Duration
	if num, after, ok := strings.Cut(rest, "d"); ok {
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || n > 100000 {
			return 0, bad
		}
		days, rest = time.Duration(n)*24*time.Hour, after
		if rest == "" {
			return sign * days, nil
		}
	}
	d, err := time.ParseDuration(rest)
	if err != nil || d < 0 {
		return 0, bad
	}
	return sign * (days + d), nil
}
