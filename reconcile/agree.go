package reconcile

import (
	"github.com/sheaf-dev/sheaf"
)

// Agree reports whether two values given for the same figure agree; the
// rule is sheaf.Agree, shared with extraction.
func Agree(a, b sheaf.Observation, tolerance *float64) bool {
	return sheaf.Agree(a, b, tolerance)
}
