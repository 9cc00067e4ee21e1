package sheaf

import (
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

// periodRE is the normalised form of a period: "YYYY" or "YYYYQn".
var periodRE = regexp.MustCompile(`^([0-9]{4})(?:Q([1-4]))?$`)

// ParsePeriod reads a period in normalised form, "2024" or "2024Q2": its
// year, and its quarter (0 for a whole year). It checks the form only, not
// the year's range (see ValidPeriod).
func ParsePeriod(s string) (year, quarter int, ok bool) {
	m := periodRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	if m[2] != "" {
		quarter, _ = strconv.Atoi(m[2])
	}
	return year, quarter, true
}

// ValidPeriod reports whether s is a period in normalised form: "YYYY" or
// "YYYYQn" with a year from MinYear to MaxYear and n from 1 to 4.
func ValidPeriod(s string) bool {
	y, _, ok := ParsePeriod(s)
	return ok && y >= MinYear && y <= MaxYear
}

// PeriodWord writes a normalised period for people: "2024年", "2024年第2季度".
func PeriodWord(p string) string {
	if y, q, ok := strings.Cut(p, "Q"); ok {
		return y + "年第" + q + "季度"
	}
	return p + "年"
}
