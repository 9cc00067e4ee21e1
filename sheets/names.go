package sheets

import "fmt"

// CellName is the reference of a zero-based column and a one-based row:
// (0, 7) → "A7", (26, 1) → "AA1".
func CellName(col, row int) string {
	return colName(col) + fmt.Sprint(row)
}

// colName is a zero-based column's letters: 0 → A, 26 → AA.
func colName(col int) string {
	name := ""
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		name = string(rune('A'+(c-1)%26)) + name
	}
	return name
}

// Quote marks raw cell text or a sheet's name in a message with 「」
// corner brackets, which keep Chinese readable where %q would escape it.
func Quote(s string) string { return "「" + s + "」" }
