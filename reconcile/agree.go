package reconcile

import (
	"github.com/sheaf-dev/sheaf/sheets"
)

// Agree reports whether two values given for the same figure agree; the
// rule is sheets.Agree, shared with extraction.
func Agree(a, b sheets.Observation, tolerance *float64) bool {
	return sheets.Agree(a, b, tolerance)
}
