// Package reconcile turns observations from many files and departments into
// one figure per indicator and period, and into flags for what is missing,
// doubtful or unreadable. It is pure: it reads values, not the database.
package reconcile

import (
	"time"

	"github.com/sheaf-dev/sheaf/sheets"
)

// Version changes whenever reconcile would decide the same input
// differently, so that stored figures are reconciled again.
const Version = "4"

// Observation is a stored observation with the file it came from.
type Observation struct {
	sheets.Observation
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
	sheets.Finding
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

// Figure statuses.
const (
	StatusOK          = "ok"
	StatusMissing     = "missing"
	StatusConflict    = "conflict"
	StatusApproximate = "approximate"
	StatusInvalid     = "invalid"
	StatusFailing     = "failing"
	StatusUnverified  = "unverified"
	StatusAccepted    = "accepted"
	// StatusDoubtful: a unit, range or 疑似小数形式 flag is open for the
	// value; it is read but not to be trusted until someone confirms it.
	StatusDoubtful = "doubtful"
)

// Flag kinds beyond the extraction findings of package sheets.
const (
	KindMissing  = "missing"
	KindConflict = "conflict"
	KindRule     = "rule"
	// KindVersion: two current files of one department give different
	// values for one figure; the newer counts.
	KindVersion = "version"
)

// Figure is the value that counts for one indicator and period.
type Figure struct {
	Indicator string
	Name      string
	Period    string
	Value     float64
	HasValue  bool
	Decimals  int
	Unit      string
	// Status is the most serious of Statuses; Statuses lists every status
	// that applies (a value can be both approximate and unverified).
	Status   string
	Statuses []string
	// Where the value came from.
	Department    string
	File          string
	Sheet         string
	Cell          string
	Raw           string
	Note          string
	ObservationID int64
	// Reason says why the figure has this value when it is not simply the
	// owner's latest submission ("责任单位未报送，取自市统计局").
	Reason string
}

// Evidence is one cell a flag points at.
type Evidence struct {
	Department string   `json:"department"`
	File       string   `json:"file"`
	Sheet      string   `json:"sheet"`
	Cell       string   `json:"cell"`
	Raw        string   `json:"raw"`
	Value      *float64 `json:"value"`
	Note       string   `json:"note"`
	// HiddenRow: the value's row is hidden in the sheet.
	HiddenRow bool `json:"hidden_row,omitempty"`
}

// Flag is a finding shown to people. Its identity is Key().
type Flag struct {
	Kind       string
	Severity   string
	Department string
	Indicator  string
	Period     string
	Rule       string
	// Subject narrows the identity of a flag that is about no figure: a
	// whole file (FileSubject: its first-seen content, never its path), a
	// source (SourceSubject) or a department ("department"). A flag about a
	// figure is identified by its indicator and period alone: the subject
	// of such a flag is ignored by Key.
	Subject  string
	Message  string
	Evidence []Evidence
	// Digest identifies the values the flag is about: accepting a flag holds
	// while its digest stays the same.
	Digest string
}

// Key is the flag's identity: the same key in two syncs is the same flag.
// It holds kind, department, indicator, period, rule and, for a flag about
// no figure, the subject; never a file's path or a cell, so that a file
// renamed, or a row moved down, keeps its flags and their explanations.
func (f Flag) Key() string {
	subject := f.Subject
	if f.Indicator != "" {
		subject = ""
	}
	return f.Kind + "\x1f" + f.Department + "\x1f" + f.Indicator + "\x1f" + f.Period + "\x1f" + f.Rule + "\x1f" + subject
}

// FileSubject is the subject of a flag about a whole file, or one sheet of
// it: the file's first-seen content, and the sheet's name.
func FileSubject(content, sheet string) string {
	s := "file:" + content
	if sheet != "" {
		s += "!" + sheet
	}
	return s
}

// Superseded is the history message of a flag resolved because a newer
// file of the same department gives a readable value instead.
const Superseded = "已由较新的文件更正"

// Result is what reconcile decides.
type Result struct {
	Figures []Figure
	Flags   []Flag
	Rules   []RuleOutcome
	// Closed gives, for a flag key not among Flags, why it no longer
	// applies (Superseded), written in the flag's history when it resolves.
	Closed map[string]string
}
