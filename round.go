package sheaf

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// significant is how many significant digits of a float64 are taken as
// the number; the digits after them are binary noise of a conversion or a
// division (27216.8 / 56366 * 100), dropped before rounding, so that 48.285
// rounds to 48.29 as it does on paper. Round and RoundDecimal are one rule,
// so a draft shows a rate exactly as the rule that checked it computed it.
const significant = 15

// RoundDecimal writes x rounded half away from zero to n decimals (0 to
// 15), without separators: RoundDecimal(48.285, 2) is "48.29" although the
// float64 nearest 48.285 is 48.28499999….
func RoundDecimal(x float64, n int) string {
	n = max(0, min(n, significant))
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		if x != 0 {
			return strconv.FormatFloat(x, 'f', n, 64)
		}
		return strconv.FormatFloat(0, 'f', n, 64)
	}
	// "d.dddddddddddddde±XX": the significant digits and the exponent.
	s := strconv.FormatFloat(math.Abs(x), 'e', significant-1, 64)
	mant, exp, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exp)
	digits := mant[:1] + mant[2:]
	// The value is 0.digits × 10^(e+1); keep is how many of the digits lie
	// left of the cut at n decimals.
	keep := e + 1 + n
	m := new(big.Int)
	switch {
	case keep <= 0:
		// Below half a unit of the last place kept, unless exactly at the
		// first digit after it.
		if keep == 0 && digits[0] >= '5' {
			m.SetInt64(1)
		}
	case keep >= len(digits):
		m.SetString(digits+strings.Repeat("0", keep-len(digits)), 10)
	default:
		m.SetString(digits[:keep], 10)
		if digits[keep] >= '5' {
			m.Add(m, big.NewInt(1))
		}
	}
	out := m.String()
	if n > 0 {
		if len(out) <= n {
			out = strings.Repeat("0", n-len(out)+1) + out
		}
		out = out[:len(out)-n] + "." + out[len(out)-n:]
	}
	if x < 0 && m.Sign() != 0 {
		out = "-" + out
	}
	return out
}

// Round rounds x to n decimals (0 to 15) half away from zero (四舍五入), in
// decimal, as RoundDecimal writes it: Round(48.285, 2) is 48.29. The rules'
// round() and the draft's numbers use this one rule, so a stated rate and
// the quotient it is checked against round alike.
func Round(x float64, n int) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, _ := strconv.ParseFloat(RoundDecimal(x, n), 64)
	return r
}
