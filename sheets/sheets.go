// Package sheets reads department spreadsheets (the bytes a source of
// package sources opens) into sheets of rows of cells: it recognises the
// file type, applies the limits, decrypts, reads CSV, and reads workbooks
// with the fast streaming reader (fastread*.go, on the XML scanner of
// package sheets/xmlscan) or the careful one built
// on excelize (careful*.go), and legacy Excel 97–2003 workbooks (.xls,
// a WPS .et holding the same format) with the record reader of package
// sheets/xls (xls.go). What the rows mean (headers, indicators,
// values, periods) is package extract's concern.
package sheets

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
	Percent bool // number format shows a percentage (0.108 → 10.8%)
	Date    bool // number format shows a date or time
	// Date1904 is set on a date cell (Date) of a workbook in Excel's 1904
	// date system (<workbookPr date1904="1"/>, old Mac workbooks): its
	// serial counts days from 1904-01-01, not 1900 (see
	// extract.SerialDate). Raw stays the stored serial.
	Date1904 bool
	Formula  string // formula text without "=", if any
	// Fixed is set when the cell's number format fixes how many decimals
	// it shows (0.00, #,##0, 0.0%); Decimals is that count, of the shown
	// number (of the percentage for a % format). Without Fixed the format
	// is General: the cell shows what Excel's General shows (at most 11
	// characters).
	Fixed    bool
	Decimals int
	// Grouped is set when the number format groups thousands (#,##0).
	Grouped bool
	// Format is what the number format shows besides the digits when that
	// changes what the number means: a unit (0"万元"), a word ("约"0), a
	// scale (0!.0000, #,##0,). Zero for most cells. Both readers fill it
	// from the same classification.
	Format NumberFormat
}

// NumberFormat is what a number cell's format shows around and instead of
// the stored digits. Extraction reads the number as the cell shows it: the
// literal text as if typed with the number, the scaled number as written.
type NumberFormat struct {
	// Code is the format code, quoted in messages: `0"万元"`.
	Code string
	// Prefix and Suffix are the literal text the format shows before and
	// after the number ("约", "万元"), without spacing and currency signs.
	Prefix, Suffix string
	// Scale: the format shows the stored number divided by 10^Scale: 4 for
	// 0!.0000 (a literal point among integer digits: 682110000 shows
	// "68211.0000"), 3 for #,##0, and 6 for 0.0,, (trailing commas).
	// Decimals are those of the shown number.
	Scale int
	// Unreadable is set when the format shows the number in a way sheaf
	// cannot read back as one number: text among its digits (000-0000),
	// or sections chosen by conditions that show text or scale.
	Unreadable bool
}

// Sheet is one worksheet as a grid of rows. Rows[i] is the (i+1)th row of
// the sheet; a row's cells are in column order, with empty cells possibly
// omitted (use Col to find a column).
type Sheet struct {
	SheetInfo
	Rows []Row
}

// Sheet visibility as the workbook stores it.
const (
	Visible    = ""
	Hidden     = "hidden"
	VeryHidden = "veryHidden"
)

// SheetInfo is what a reader knows of a sheet before its rows: its name,
// whether it is hidden, and its merged ranges (which a file lists after
// the rows, so readers find them first).
type SheetInfo struct {
	Name string
	// Hidden is Visible, Hidden or VeryHidden.
	Hidden string
	// Merges are the sheet's merged ranges. Readers report a covered cell
	// (any but a range's top-left one) as empty, as Excel shows it.
	Merges []Merge
	// Kind is Worksheet, or what else the sheet is (ChartSheet,
	// MacroSheet, DialogSheet): such a sheet holds no table, readers give
	// it no rows, and extraction lists it as not read.
	Kind string
	// Problem says why a worksheet cannot be read (its part is missing or
	// damaged), in words a department understands; "" for a readable
	// one. Readers give such a sheet no rows and read the file's other
	// sheets; extraction flags it, naming the sheet.
	Problem string
	// Damage, for a worksheet read only in part (a legacy .xls whose
	// records break off), says where its records stop being readable;
	// readers give the rows before, as LibreOffice salvages them, and
	// extraction reads them and flags the sheet, so that nothing partial
	// passes silently.
	Damage string
}

// Sheet kinds (SheetInfo.Kind), from the workbook's relationship to the
// sheet's part.
const (
	Worksheet   = ""
	ChartSheet  = "chart"
	MacroSheet  = "macro"  // an Excel 4.0 macro sheet (xl/macrosheets)
	DialogSheet = "dialog" // an Excel 5 dialog sheet (xl/dialogsheets)
)

// Merge is one merged range: rows are 1-based like Row.Num, columns
// 0-based like Row.Col; both ends inclusive.
type Merge struct {
	Top, Left, Bottom, Right int
}

// Covers reports whether the range holds the cell at row, col.
func (m Merge) Covers(row, col int) bool {
	return row >= m.Top && row <= m.Bottom && col >= m.Left && col <= m.Right
}

// Row is one row of a sheet. Cells are indexed by zero-based column; missing
// trailing cells are empty.
type Row struct {
	Num   int // 1-based row number in the sheet
	Cells []Cell
	// Hidden is set for a row the sheet hides; its values are read.
	Hidden bool
}

// Col returns the cell in zero-based column c, or an empty cell.
func (r Row) Col(c int) Cell {
	if c < 0 || c >= len(r.Cells) {
		return Cell{}
	}
	return r.Cells[c]
}
