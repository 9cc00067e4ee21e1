package reconcile

import (
	"testing"

	"github.com/sheaf-dev/sheaf"
)

func TestAgree(t *testing.T) {
	val := func(v float64, dec int) sheaf.Observation {
		return sheaf.Observation{Value: v, Decimals: dec, HasValue: true}
	}
	over := func(v float64, dec int) sheaf.Observation {
		o := val(v, dec)
		o.Approx = sheaf.Over
		return o
	}
	about := func(v float64, dec int) sheaf.Observation {
		o := val(v, dec)
		o.Approx = sheaf.About
		return o
	}
	five := 5.0
	tests := []struct {
		name string
		a, b sheaf.Observation
		tol  *float64
		want bool
	}{
		{"same count", val(4141, 0), val(4141, 0), nil, true},
		{"counts one apart", val(4141, 0), val(4140, 0), nil, false},
		{"68211万元 vs 682110000元", val(68211, 0), val(68211.0000, 4), nil, true},
		{"68211万元 vs 682114000元: within half a 万", val(68211, 0), val(68211.4, 4), nil, true},
		{"68211万元 vs 682116000元: beyond half a 万", val(68211, 0), val(68211.6, 4), nil, false},
		{"48.29% vs 48.3%: the less precise decides", val(48.29, 2), val(48.3, 1), nil, true},
		{"48.29% vs 48.4%", val(48.29, 2), val(48.4, 1), nil, false},
		{"3.6万余 agrees with 36614", over(36000, -3), val(36614, 0), nil, true},
		{"3.6万余 does not agree with 37614", over(36000, -3), val(37614, 0), nil, false},
		{"3.6万余 does not agree with 35000", over(36000, -3), val(35000, 0), nil, false},
		{"约3.6万 agrees with 35500", about(36000, -3), val(35500, 0), nil, true},
		{"840余万元 vs 845万元", over(840, 0), val(845, 0), nil, true},
		{"explicit tolerance", val(100, 0), val(104, 0), &five, true},
		{"explicit tolerance exceeded", val(100, 0), val(106, 0), &five, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := sheaf.Agree(tc.a, tc.b, tc.tol); got != tc.want {
				t.Errorf("Agree = %v, want %v", got, tc.want)
			}
			if got := sheaf.Agree(tc.b, tc.a, tc.tol); got != tc.want {
				t.Errorf("Agree (swapped) = %v, want %v", got, tc.want)
			}
		})
	}
}
