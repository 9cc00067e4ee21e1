package sheaf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The years a period may fall in. Anything outside is a typo or a date
// serial read as a year, not a reporting period.
const (
	MinYear = 1900
	MaxYear = 2100
)

// periodRE is the normalised form of a period: "YYYY", "YYYYQn" or
// "YYYYMaa-bb".
var periodRE = regexp.MustCompile(`^([0-9]{4})(?:Q([1-4])|M(0[1-9]|1[0-2])-(0[1-9]|1[0-2]))?$`)

// ParsePeriod reads a period in normalised form, "2024", "2024Q2" or a
// part of a year counted from its start, "2024M01-11" (January to
// November): its year, and its quarter (0 for a whole year or a part of
// one; see PeriodMonths). It checks the form only, not the year's range
// (see ValidPeriod).
func ParsePeriod(s string) (year, quarter int, ok bool) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	if m[3] != "" && (m[3] > m[4] || m[3]+m[4] == "0112") {
		// Months running backwards are no period; January to December is
		// the year, written "2024".
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		quarter, _ = strconv.Atoi(m[2])
	}
	return year, quarter, true
}

// PeriodMonths is the months a part-of-year period "2024M01-11" covers,
// or ok false for any other period. Such a figure is never the year's:
// "2024M01-11" and "2024" are different periods, compared as strings.
func PeriodMonths(s string) (from, to int, ok bool) {
	if !strings.Contains(s, "M") {
		return 0, 0, false // a year or a quarter: no regexp for every figure of a cycle
	}
	m := periodRE.FindStringSubmatch(s)
	if m == nil || m[3] == "" {
		return 0, 0, false
	}
	from, _ = strconv.Atoi(m[3])
	to, _ = strconv.Atoi(m[4])
	return from, to, true
}

// ValidPeriod reports whether s is a period in normalised form: "YYYY",
// "YYYYQn" with n from 1 to 4, or "YYYYMaa-bb" with months aa to bb of the
// year, not the whole year, and a year from MinYear to MaxYear.
func ValidPeriod(s string) bool {
	y, _, ok := ParsePeriod(s)
	return ok && y >= MinYear && y <= MaxYear
}

// PeriodWord writes a normalised period for people: "2024年", "2024年第2季度",
// "2024年1-11月".
func PeriodWord(p string) string {
	if from, to, ok := PeriodMonths(p); ok {
		if from == to {
			return fmt.Sprintf("%s年%d月", p[:4], from)
		}
		return fmt.Sprintf("%s年%d-%d月", p[:4], from, to)
	}
	if y, q, ok := strings.Cut(p, "Q"); ok {
		return y + "年第" + q + "季度"
	}
	return p + "年"
}
