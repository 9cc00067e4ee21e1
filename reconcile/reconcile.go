// Package reconcile turns observations from many files and departments into
// one figure per indicator and period, and into flags for what is missing,
// doubtful or unreadable. It is pure: it reads values, not the database.
package reconcile

import (
	"time"

	"github.com/sheaf-dev/sheaf"
)

// Version changes whenever reconcile would decide the same input
// differently, so that stored figures are reconciled again.
const Version = "4"

// Observation is a stored observation with the file it came from.
type Observation struct {
	sheaf.Observation
	ID         int64
	Department string
	Source     string
	File       string // the file's path inside its source
	FileID     int64
	// FirstSeen is when this value (indicator, period, value) first
	// appeared in this file: the start of the sync that first read it,
	// however often the file was saved again since. FirstModTime is the
	// file's modification time at that read. Together they decide which of
	// a department's values counts: the one that appeared last (see newer).
	FirstSeen    time.Time
	FirstModTime time.Time
	// Seq orders observations within one read (row order).
	Seq int
}

// Finding is a stored extraction finding with the file it came from.
type Finding struct {
	sheaf.Finding
	Department string
	Source     string
	File       string
	FileID     int64
	// Content identifies the file by its first-seen content (the change key
	// it had when first read), not by its path: a flag about the whole file
	// keeps its identity when the file is renamed or moved.
	Content string
	// Received and ModTime date the finding as Observation's do a value:
	// when the department's files first held it, and the file's
	// modification time then. A newer file's readable value supersedes it.
	Received time.Time
	ModTime  time.Time
}

// SourceStatus is the state of one source after the latest sync.
type SourceStatus struct {
	Department string
	Source     string
	Error      string    // empty when the last listing worked
	Since      time.Time // when the error started
	LastOK     time.Time // the last listing that worked; zero if none ever did
}

// Input is everything reconcile looks at.
type Input struct {
	Observations []Observation
	Findings     []Finding
	Sources      []SourceStatus
	// Files counts each department's present files; a department with none
	// gets one flag listing everything it owes.
	Files map[string]int
	// Accepted maps the key of each accepted flag to the digest of the
	// values it was accepted for. An accepted flag whose values are the same
	// no longer makes its figures doubtful.
	Accepted map[string]string
}

// Superseded is the history message of a flag resolved because a newer
// file of the same department gives a readable value instead.
const Superseded = "已由较新的文件更正"

// Result is what reconcile decides.
type Result struct {
	Figures []sheaf.Figure
	Flags   []sheaf.Flag
	Rules   []RuleOutcome
	// Closed gives, for a flag key not among Flags, why it no longer
	// applies (Superseded), written in the flag's history when it resolves.
	Closed map[string]string
}
