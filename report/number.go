package report

import (
	"strings"

	"github.com/sheaf-dev/sheaf"
)

// formatNumber writes x rounded half away from zero (四舍五入) to decimals
// places, in decimal, with thousands separators: 68211 → "68,211",
// 97987.6 with 2 decimals → "97,987.60". A result that rounds to zero is
// written without a sign.
func formatNumber(x float64, decimals int) string {
	digits := sheaf.RoundDecimal(x, decimals)
	neg := strings.HasPrefix(digits, "-")
	digits = strings.TrimPrefix(digits, "-")
	intPart, frac, _ := strings.Cut(digits, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
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
