package report

import "testing"

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		name     string
		x        float64
		decimals int
		want     string
	}{
		{"integer", 68211, 0, "68,211"},
		{"small", 44, 0, "44"},
		{"exactly thousands", 1000, 0, "1,000"},
		{"millions", 1234567.891, 2, "1,234,567.89"},
		{"padded decimals", 97987.6, 2, "97,987.60"},
		{"half up in decimal", 48.285, 2, "48.29"},
		{"2.345 half away from zero, as the rules round", 2.345, 2, "2.35"},
		{"-2.345 half away from zero, as the rules round", -2.345, 2, "-2.35"},
		{"0.125 half away from zero, as the rules round", 0.125, 2, "0.13"},
		{"quotient noise", 27216.8 / 56366 * 100, 2, "48.29"},
		{"half away from zero", -2.5, 0, "-3"},
		{"rounds to zero without sign", -0.004, 2, "0.00"},
		{"below the last place", 0.0004, 2, "0.00"},
		{"first dropped digit rounds up", 0.005, 2, "0.01"},
		{"carry", 999.995, 2, "1,000.00"},
		{"zero", 0, 1, "0.0"},
		{"negative thousands", -47000, 0, "-47,000"},
		{"tiny", 0.0689, 2, "0.07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatNumber(tt.x, tt.decimals); got != tt.want {
				t.Errorf("formatNumber(%v, %d) = %q, want %q", tt.x, tt.decimals, got, tt.want)
			}
		})
	}
}
