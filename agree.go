package sheaf

import "math"

// Agree reports whether two values given for the same figure agree: they
// differ by no more than half a unit in the last written digit of the less
// precise one (4141 and 4140 do not agree; 68211万元 and 682110000元 do), an
// approximate value counting as its whole range ("3.6万余" agrees with
// 36614). A tolerance set on the indicator replaces the half unit. It is the
// one rule for two files, two departments and a hidden sheet beside a
// visible one.
func Agree(a, b Observation, tolerance *float64) bool {
	tol := 0.5 * math.Pow10(-min(a.Decimals, b.Decimals))
	if tolerance != nil {
		tol = *tolerance
	}
	alo, ahi := valueInterval(a)
	blo, bhi := valueInterval(b)
	gap := 0.0
	switch {
	case ahi < blo:
		gap = blo - ahi
	case bhi < alo:
		gap = alo - bhi
	}
	// Compare with a relative epsilon: values were converted between units
	// in binary floating point.
	return gap <= tol*(1+1e-9)+1e-9*math.Max(math.Abs(a.Value), math.Abs(b.Value))
}

// valueInterval is the range of true values a written value stands for,
// before rounding tolerance: an exact value is a point, "3.6万余" is
// [36000, 37000], "约3.6万" is [35000, 37000].
func valueInterval(o Observation) (lo, hi float64) {
	unit := math.Pow10(-o.Decimals) // one unit of the last written digit
	if o.Approx != Exact {
		// Trailing zeros of a round number are not written precision:
		// "840余万元" is 840 up to 850, "800余" is 800 up to 900.
		for unit < math.Abs(o.Value) && math.Mod(o.Value, unit*10) == 0 {
			unit *= 10
		}
	}
	switch o.Approx {
	case Over:
		return o.Value, o.Value + unit
	case About:
		return o.Value - unit, o.Value + unit
	}
	return o.Value, o.Value
}
