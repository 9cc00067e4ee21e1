package extract

import (
	"math"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf/sheets"
)

// shownNumber is the number a number cell shows and its decimals: of the
// percentage for a % format. A formula's result is stored with all its
// binary digits (48.2858460774226); the department sees, checks and means
// what the format shows (48.29), so that is the figure and its precision.
func shownNumber(c sheets.Cell) (float64, int, error) {
	v, d, err := storedNumber(strings.TrimSpace(c.Raw))
	if err != nil {
		return 0, 0, err
	}
	if c.Format.Scale != 0 {
		// 0!.0000 shows 682110000 as 68211.0000, #,##0, shows thousands:
		// shift the decimal point in decimal, exactly.
		v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'f', -1, 64)+"e-"+strconv.Itoa(c.Format.Scale), 64)
		d += c.Format.Scale
	}
	if c.Percent {
		v = roundDecimals(v*100, max(0, d-2)+noiseDigits)
		d = max(0, d-2)
	}
	switch {
	case c.Fixed:
		return roundHalfAway(v, c.Decimals), max(0, c.Decimals), nil
	case c.Percent:
		return v, d, nil
	}
	return generalNumber(v)
}

// generalWidth is how many characters Excel's General format shows a
// number in.
const generalWidth = 11

// generalNumber is a number as Excel's General format shows it: rounded to
// fit 11 characters, sign and decimal point included, with no trailing
// zeros (48.2858460774226 → 48.28584608, 0.30000000000000004 → 0.3).
// Excel shows a number of more than 11 integer digits in scientific
// notation; its integer is kept, never its mantissa.
func generalNumber(v float64) (float64, int, error) {
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	if frac == "" {
		return v, 0, nil
	}
	room := generalWidth - len(intPart) - 1
	if v < 0 {
		room--
	}
	if room < 0 {
		room = 0
	}
	if len(frac) <= room {
		return v, len(frac), nil
	}
	r := roundHalfAway(v, room)
	_, d, err := storedNumber(strconv.FormatFloat(r, 'f', -1, 64))
	return r, d, err
}

// roundHalfAway rounds v to places decimals, half away from zero, in
// decimal as the number is written (1.005 → 1.01), as Excel rounds what it
// shows.
func roundHalfAway(v float64, places int) float64 {
	if places < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	i := strings.IndexByte(s, '.')
	if i < 0 || len(s)-i-1 <= places {
		return v
	}
	cut := i + 1 + places
	up := s[cut] >= '5'
	t, _ := strconv.ParseFloat(strings.TrimSuffix(s[:cut], "."), 64)
	if up {
		t += math.Pow10(-places)
	}
	t, _ = strconv.ParseFloat(strconv.FormatFloat(t, 'f', places, 64), 64)
	if v < 0 && t != 0 {
		t = -t
	}
	return t
}

// shownText is what a number cell shows: "48.29", "10.8%", "1,234",
// "68211万元" (0"万元"), "68211.0000" (0!.0000).
func shownText(c sheets.Cell) string {
	v, d, err := shownNumber(c)
	if err != nil {
		return c.Raw
	}
	s := strconv.FormatFloat(v, 'f', d, 64)
	if c.Grouped {
		s = groupThousands(s)
	}
	if c.Percent {
		s += "%"
	}
	return c.Format.Prefix + s + c.Format.Suffix
}

// groupThousands puts commas between groups of three integer digits.
func groupThousands(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	out := sign + b.String()
	if hasFrac {
		out += "." + frac
	}
	return out
}
