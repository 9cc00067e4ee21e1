package sheaf

import "fmt"

// FormatValue writes a value with its decimals (negative decimals write it
// as an integer).
func FormatValue(v float64, decimals int) string {
	if decimals < 0 {
		decimals = 0
	}
	return fmt.Sprintf("%.*f", decimals, v)
}
