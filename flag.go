package sheaf

// Status is how far a figure can be trusted; its word is Status.Word.
type Status string

// Figure statuses.
const (
	StatusOK          Status = "ok"
	StatusMissing     Status = "missing"
	StatusConflict    Status = "conflict"
	StatusApproximate Status = "approximate"
	StatusInvalid     Status = "invalid"
	StatusFailing     Status = "failing"
	StatusUnverified  Status = "unverified"
	StatusAccepted    Status = "accepted"
	// StatusDoubtful: a unit, range or 疑似小数形式 flag is open for the
	// value; it is read but not to be trusted until someone confirms it.
	StatusDoubtful Status = "doubtful"
)

// FigureStatuses lists every status a figure can have, ok first, then
// from most to least serious.
var FigureStatuses = []Status{StatusOK, StatusMissing, StatusInvalid, StatusConflict, StatusFailing, StatusDoubtful, StatusUnverified, StatusApproximate, StatusAccepted}

// Flag kinds beyond the extraction findings (KindVersion, shared with
// them, is beside those).
const (
	KindMissing  Kind = "missing"
	KindConflict Kind = "conflict"
	KindRule     Kind = "rule"
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
	Status   Status
	Statuses []Status
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
	Kind       Kind
	Severity   Severity
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
	return string(f.Kind) + "\x1f" + f.Department + "\x1f" + f.Indicator + "\x1f" + f.Period + "\x1f" + f.Rule + "\x1f" + subject
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

// Subjects of a missing flag whose figure the department may well have
// sent: on a hidden sheet sheaf does not read, or in a file it cannot read.
// They word the reminder and the draft's mark; a missing flag's identity
// does not depend on them.
const (
	MissingHiddenSheet = "hidden_sheet"
	MissingUnreadFile  = "unread_file"
	// MissingUnrecognisedRow: a row of the department's file that matches
	// no indicator probably is the figure.
	MissingUnrecognisedRow = "unrecognised_row"
)

// SourceSubject prefixes the subject of a flag about a whole source.
const SourceSubject = "source:"

// FlagKinds lists every kind a flag can have, in the order people read
// them: what most needs a person first (a file nobody can read, then what
// is owed, then what disagrees, then what is merely doubtful).
var FlagKinds = []Kind{KindFile, KindMissing, KindConflict, KindVersion, KindRule, KindLayout, KindInvalid, KindUnit, KindRange, KindApproximate, KindUnknown}

// Rank is the kind's place in FlagKinds; an unknown kind ranks last.
func (k Kind) Rank() int {
	for i, o := range FlagKinds {
		if o == k {
			return i
		}
	}
	return len(FlagKinds)
}
