package sheaf

import (
	"fmt"
	"testing"
)

func TestRound(t *testing.T) {
	tests := []struct {
		name string
		x    float64
		n    int
		want float64
	}{
		{"48.285 is stored as 48.28499999…", 48.285, 2, 48.29},
		{"2.675 is stored as 2.67499999…", 2.675, 2, 2.68},
		{"1.005 is stored as 1.00499999…", 1.005, 2, 1.01},
		{"negative half goes away from zero", -1.5, 0, -2},
		{"negative 2.675", -2.675, 2, -2.68},
		{"half to a whole number", 0.5, 0, 1},
		{"2.5 up, not to even", 2.5, 0, 3},
		{"below half", 52.4999, 0, 52},
		{"a quotient", 2556.0 / 4862 * 100, 0, 53},
		{"a progress rate", 27216.8 / 56366 * 100, 2, 48.29},
		{"carry into a new digit", 9.995, 2, 10},
		{"binary noise of a sum", 0.1 + 0.2, 15, 0.3},
		{"fewer decimals than asked", 2587.8, 2, 2587.8},
		{"far below the last place", 0.0004, 2, 0},
		{"half of the last place", 0.005, 2, 0.01},
		{"negative rounds to zero, not -0", -0.001, 2, 0},
		{"large", 123456789.125, 2, 123456789.13},
		{"zero", 0, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Round(tt.x, tt.n)
			if got != tt.want || (got == 0 && fmt.Sprint(got) != "0") {
				t.Errorf("Round(%v, %d) = %v, want %v", tt.x, tt.n, got, tt.want)
			}
		})
	}
}

// TestRoundHalves: Round and RoundDecimal are one rule, and halves go away
// from zero however the float64 stores them.
func TestRoundHalves(t *testing.T) {
	tests := []struct {
		name  string
		x     float64
		want  float64
		shown string
	}{
		{"2.345 is stored below the half", 2.345, 2.35, "2.35"},
		{"-2.345 away from zero", -2.345, -2.35, "-2.35"},
		{"0.125 is stored exactly", 0.125, 0.13, "0.13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Round(tt.x, 2); got != tt.want {
				t.Errorf("Round(%v, 2) = %v, want %v", tt.x, got, tt.want)
			}
			if got := RoundDecimal(tt.x, 2); got != tt.shown {
				t.Errorf("RoundDecimal(%v, 2) = %q, want %q", tt.x, got, tt.shown)
			}
		})
	}
}

// The figures list and pages (FormatValue) round as the draft and the
// rules do: half away from zero on the written decimal, not on the binary
// float nearest it.
func TestFormatValueRoundsAsTheDraft(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		n    int
		want string
	}{{48.285, 2, "48.29"}, {2.345, 2, "2.35"}, {-2.345, 2, "-2.35"}, {0.125, 2, "0.13"}, {4141, 0, "4141"}, {36614, -3, "36614"}} {
		if got := FormatValue(tt.v, tt.n); got != tt.want {
			t.Errorf("FormatValue(%v, %d) = %s, want %s", tt.v, tt.n, got, tt.want)
		}
	}
}
