package sheaf

// FormatValue writes a value with its decimals (negative decimals write it
// as an integer).
func FormatValue(v float64, decimals int) string {
	// The one rounding rule (RoundDecimal): the figures list, the pages and
	// the draft show 48.285 to two places as 48.29, as the rules compute it.
	return RoundDecimal(v, decimals)
}
