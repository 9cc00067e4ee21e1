// Package sheets finds department spreadsheets where they live, reads them,
// and extracts normalised observations with their provenance.
package sheets

import (
	"context"
	"io"
	"time"
)

// Source is one place a department's spreadsheets live: a folder today,
// a Google Drive folder or a Google Sheet later. Every kind passes the same
// test suite (see sourcetest).
type Source interface {
	// Name identifies the source in messages and in the database,
	// e.g. "dir:inbox/教育局".
	Name() string
	// List returns the files the source holds now.
	List(ctx context.Context) (Listing, error)
	// Open returns the content of a listed file.
	Open(ctx context.Context, ref FileRef) (io.ReadCloser, error)
}

// Listing is what a source holds at one moment.
type Listing struct {
	Files []FileRef
	// Complete is false when the source could not be listed to the end; a
	// partial listing must never be taken as files having disappeared.
	Complete bool
}

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

// CellKind is what a cell held as stored in the file.
type CellKind int

// The cell kinds a reader reports.
const (
	CellEmpty CellKind = iota
	CellNumber
	CellText
	CellBool
	CellError
)

// Cell is one cell as read: its reference, the raw stored value (numbers
// unformatted), and what its style and formula say about it.
type Cell struct {
	Ref     string // "B7"
	Raw     string // stored value: "0.4829", "2024年", cached result of a formula
	Kind    CellKind
	Percent bool   // number format shows a percentage (0.108 → 10.8%)
	Date    bool   // number format shows a date or time
	Formula string // formula text without "=", if any
}

// Sheet is one worksheet as a grid of rows. Rows[i] is the (i+1)th row of
// the sheet; a row's cells are in column order, with empty cells possibly
// omitted (use Col to find a column).
type Sheet struct {
	Name string
	Rows []Row
}

// Row is one row of a sheet. Cells are indexed by zero-based column; missing
// trailing cells are empty.
type Row struct {
	Num   int // 1-based row number in the sheet
	Cells []Cell
}

// Col returns the cell in zero-based column c, or an empty cell.
func (r Row) Col(c int) Cell {
	if c < 0 || c >= len(r.Cells) {
		return Cell{}
	}
	return r.Cells[c]
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
}

// Finding is something extraction noticed that a person must see: an
// unreadable value, an unknown row, an approximate figure, or a file that
// could not be read. Findings become flags.
type Finding struct {
	Kind      string // invalid | unknown | approximate | file
	Severity  string // error | warning | info
	Indicator string
	Period    string
	Sheet     string
	Cell      string
	Raw       string
	Note      string
	Message   string
}

// Finding kinds and severities, as stored in flags.
const (
	KindInvalid     = "invalid"
	KindUnknown     = "unknown"
	KindApproximate = "approximate"
	KindFile        = "file"

	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)
