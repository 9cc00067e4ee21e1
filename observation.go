package sheaf

import "time"

// FileRef identifies one file in a source.
type FileRef struct {
	// Path is the file's path inside its source, with forward slashes.
	Path string
	// Size in bytes and modification time as the source reports them.
	Size    int64
	ModTime time.Time
	// ChangeKey changes whenever the content changes; for a folder it is the
	// SHA-256 of the content, so identical copies share it.
	ChangeKey string
	// Unstable is set when the file changed while it was being listed (it is
	// still being written); such a file waits for the next sync.
	Unstable bool
}

// Approximation says how a value was qualified in the text.
type Approximation string

// The approximation qualifiers.
const (
	Exact Approximation = ""
	// Over is "余", "多", "以上": at least the value, less than one more unit
	// of its last written digit.
	Over Approximation = "over"
	// About is "约", "左右", "近", "大约": around the value.
	About Approximation = "about"
)

// Observation is one value a department gave for one indicator and period,
// with exactly where it came from.
type Observation struct {
	Indicator string
	Period    string
	// Value is normalised to the indicator's unit. HasValue is false for a
	// blank, "—", "/" or "无": the row is present but gives no value.
	Value    float64
	HasValue bool
	// Decimals is the precision as written, expressed in the indicator's
	// unit: 2 for "48.29", 0 for "4141", -3 for "3.6万" persons. Used to
	// judge whether two values agree.
	Decimals int
	Approx   Approximation
	Unit     string // the indicator's unit the value is expressed in
	Raw      string // the text as read, before normalisation
	Note     string // the row's 备注/说明, a department's explanation
	Sheet    string
	Cell     string // the value cell, "D7"
	Label    string // the row's name or code as written
	// HiddenRow is set when the value's row is hidden in the sheet.
	HiddenRow bool
	// Fraction is set for a % indicator's value between 0 and 1 written
	// without a % sign or a % format: it may be a fraction (0.9675) typed
	// for a percentage (96.75%).
	Fraction bool
}

// Finding is something extraction noticed that a person must see: an
// unreadable value, an unknown row, an approximate figure, or a file that
// could not be read. Findings become flags.
type Finding struct {
	Kind      Kind
	Severity  Severity
	Indicator string
	Period    string
	Sheet     string
	Cell      string
	Raw       string
	Note      string
	Message   string
}

// Kind is what a finding or a flag is about; its word is Kind.Word.
type Kind string

// Severity is how much a flag matters: error, warning or info.
type Severity string

// Finding kinds and severities, as stored in flags.
const (
	KindInvalid     Kind = "invalid"
	KindUnknown     Kind = "unknown"
	KindApproximate Kind = "approximate"
	KindFile        Kind = "file"
	// KindUnit: a unit taken only from a table note or header converted
	// the value between scales (a 万元 note above a 元 figure).
	KindUnit Kind = "unit"
	// KindRange: a value outside the indicator's plausible range.
	KindRange Kind = "range"
	// KindHiddenSheet is not a flag of its own: it records that a skipped
	// hidden sheet holds a row for an indicator, so that a missing figure
	// says where it is instead of "未报送".
	KindHiddenSheet Kind = "hidden_sheet"
	// KindUnrecognisedRow is not a flag of its own either: it records
	// that a row outside the catalogue probably is an indicator, so that
	// a missing figure asks about that row instead of saying "未报送".
	KindUnrecognisedRow Kind = "unrecognised_row"
	// KindVersion: two current files of one department give different
	// values for one figure (the newer counts), or a skipped hidden sheet
	// gives another value than a visible sheet of the same file.
	KindVersion Kind = "version"
	// KindLayout: a form's mapped label or cell moved or vanished; the
	// flag says what changed and where the label went, if found.
	KindLayout Kind = "layout"

	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
)

// SheetOutcome is what became of one sheet of a file: read (with the rows
// taken), or skipped and why. Every sheet of a read file has one.
type SheetOutcome struct {
	Sheet   string `json:"sheet"`
	Outcome string `json:"outcome"` // one of the SheetRead… constants
	Rows    int    `json:"rows"`    // observations taken from it
	Reason  string `json:"reason,omitempty"`
}

// Sheet outcomes.
const (
	SheetRead     = "read"     // a table was found and read
	SheetHidden   = "hidden"   // a hidden sheet, not read (extraction.hidden_sheets)
	SheetExcluded = "excluded" // not among extraction.sheets
	SheetEmpty    = "empty"    // nothing in it
	SheetNotes    = "notes"    // only titles or notes, no table
	SheetNoTable  = "no_table" // content, but no table sheaf recognises (flagged)
	// SheetNotWorksheet: a chart, macro or dialog sheet, not read.
	SheetNotWorksheet = "not_worksheet"
	// SheetUnreadable: a worksheet whose part is missing or damaged
	// (flagged); the file's other sheets are read.
	SheetUnreadable = "unreadable"
)
