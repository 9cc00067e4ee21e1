package report

import (
	"regexp"
	"strings"

	"github.com/sheaf-dev/sheaf"
)

// formatNumber writes x rounded half away from zero (四舍五入) to decimals
// places, in decimal, with thousands separators: 68211 → "68,211",
// 97987.6 with 2 decimals → "97,987.60". A result that rounds to zero is
// written without a sign.
func formatNumber(x float64, decimals int) string {
	return formatDigits(x, decimals, true)
}

// formatDigits writes x rounded half away from zero to decimals places,
// with thousands separators when group is set.
func formatDigits(x float64, decimals int, group bool) string {
	digits := sheaf.RoundDecimal(x, decimals)
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	intPart, frac, _ := strings.Cut(digits, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if group && i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// trimZeros drops the trailing zeros of a number's decimals, and the point
// when none is left: "68,211.0000" → "68,211", "0.070" → "0.07".
func trimZeros(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Number styles (report.number_style): how thousands are grouped.
const (
	styleAsWritten = "as_written"
	stylePlain     = "plain"
	styleGrouped   = "grouped"
)

var (
	writtenNumber  = regexp.MustCompile(`[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?`)
	writtenGroups  = regexp.MustCompile(`[0-9０-９][,，][0-9０-９]{3}`)
	writtenScaled  = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)?[万亿][余多]?$`)
	fullWidthDigit = strings.NewReplacer("０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9", "．", ".")
)

// writtenDecimals is how many decimals the text a department wrote shows:
// the most any number in it shows ("97,987.60" → 2, "1:4.1" → 1, "36614"
// → 0); false when the text holds no number.
func writtenDecimals(raw string) (int, bool) {
	nums := writtenNumber.FindAllString(fullWidthDigit.Replace(raw), -1)
	if len(nums) == 0 {
		return 0, false
	}
	most := 0
	for _, n := range nums {
		if _, frac, ok := strings.Cut(n, "."); ok {
			most = max(most, len(frac))
		}
	}
	return most, true
}

// writtenGrouped reports whether the text a department wrote, or its cell
// showed, groups thousands: "97,987.60", "68,258".
func writtenGrouped(raw string) bool {
	return writtenGroups.MatchString(raw)
}
