package sheets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/sheets/xls"
)

// xlsTwins are the Excel 97–2003 fixtures (testdata/xls, saved by
// LibreOffice) and their .xlsx twins, saved by LibreOffice from the same
// source.
var xlsTwins = map[string]string{
	"lo_cases.xls":         "lo_cases.xlsx",
	"lo_hidden_merged.xls": "lo_hidden_merged.xlsx",
	"lo_numformat.xls":     "lo_numformat.xlsx",
	"lo_tables.xls":        "lo_tables.xlsx",
	"lo_header_unit.xls":   "lo_header_unit.xlsx",
	"lo_date1904.xls":      "dates/lo_date1904.xlsx",
	"small.xls":            "small.xlsx",
}

// TestXLSReadsAsItsXLSXTwin is the differential test: each .xls fixture
// reads to the same sheets, rows and cells as its .xlsx twin through the
// careful reader, through ReadWorkbook and StreamWorkbook alike.
func TestXLSReadsAsItsXLSXTwin(t *testing.T) {
	for xlsName, twin := range xlsTwins {
		t.Run(xlsName, func(t *testing.T) {
			want := readFixture(t, twin)
			got := readFixture(t, filepath.Join("xls", xlsName))
			if xlsName == "lo_hidden_merged.xls" {
				// The .xlsx twin's sheet was made very hidden after
				// conversion (LibreOffice cannot write one).
				for i := range want {
					if want[i].Hidden == VeryHidden {
						want[i].Hidden = Hidden
					}
				}
			}
			streamed := streamFixture(t, filepath.Join("xls", xlsName))
			if d := firstDifference(got, streamed); d != "" {
				t.Errorf("StreamWorkbook differs from ReadWorkbook: %s", d)
			}
			sameDoubles(want, got)
			if d := firstDifference(want, got); d != "" {
				t.Error(d)
			}
		})
	}
}

// sameDoubles sets a number cell's raw value of got to want's where both
// are the same double written to 15 significant digits, as LibreOffice
// writes .xlsx numbers: the .xls holds the double itself (33.333333333333336
// where the .xlsx says 33.3333333333333).
func sameDoubles(want, got []Sheet) {
	for i := range min(len(want), len(got)) {
		for j := range min(len(want[i].Rows), len(got[i].Rows)) {
			wr, gr := want[i].Rows[j], got[i].Rows[j]
			for k := range min(len(wr.Cells), len(gr.Cells)) {
				w, g := wr.Cells[k], &gr.Cells[k]
				if w.Kind != CellNumber || g.Kind != CellNumber || w.Raw == g.Raw {
					continue
				}
				x, err1 := strconv.ParseFloat(w.Raw, 64)
				y, err2 := strconv.ParseFloat(g.Raw, 64)
				if err1 == nil && err2 == nil && strconv.FormatFloat(y, 'g', 15, 64) == strconv.FormatFloat(x, 'g', 15, 64) {
					g.Raw = w.Raw
				}
			}
		}
	}
}

func readFixture(t *testing.T, name string) []Sheet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	shs, err := ReadWorkbook(filepath.Base(name), data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return shs
}

type xlsRows struct{ out []Sheet }

func (c *xlsRows) Sheet(info SheetInfo) bool {
	c.out = append(c.out, Sheet{SheetInfo: info})
	return true
}
func (c *xlsRows) Row(r Row) error {
	c.out[len(c.out)-1].Rows = append(c.out[len(c.out)-1].Rows, r)
	return nil
}
func (c *xlsRows) Reset() { c.out = nil }

func streamFixture(t *testing.T, name string) []Sheet {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var c xlsRows
	if _, err := StreamWorkbook(filepath.Base(name), data, Limits{}, &c); err != nil {
		t.Fatal(err)
	}
	return c.out
}

// cellAt finds a cell by sheet and reference.
func cellAt(t *testing.T, shs []Sheet, sheet, ref string) Cell {
	t.Helper()
	for _, sh := range shs {
		if sh.Name != sheet {
			continue
		}
		for _, r := range sh.Rows {
			for _, c := range r.Cells {
				if c.Ref == ref {
					return c
				}
			}
		}
	}
	t.Fatalf("no cell %s!%s", sheet, ref)
	return Cell{}
}

// TestXLSCarelessReaderCases: what a reader that takes a BIFF cell's bits
// at face value gets wrong. Numbers stored as RK (LibreOffice writes small
// integers and two-decimal numbers so) and percent cells read exactly as
// in the .xlsx twin; a date cell is a date, not a bare serial number.
func TestXLSCarelessReaderCases(t *testing.T) {
	var percents int
	for xlsName, twinName := range xlsTwins {
		twin, got := readFixture(t, twinName), readFixture(t, filepath.Join("xls", xlsName))
		percents += sameNumbers(t, twin, got)
	}
	if percents == 0 {
		t.Error("no percent cell in the fixtures: the test checks nothing")
	}
}

// xlsDates: a date cell of a 1904 workbook.
func TestXLSDates(t *testing.T) {
	// Dates: stored as serial numbers in a date format; the 1904 system
	// is the workbook's.
	dates := readFixture(t, "xls/lo_date1904.xls")
	var seen bool
	for _, sh := range dates {
		for _, r := range sh.Rows {
			for _, c := range r.Cells {
				if c.Kind == CellNumber && c.Date {
					seen = true
					if !c.Date1904 {
						t.Errorf("%s: a date of a 1904 workbook read without Date1904", c.Ref)
					}
				}
			}
		}
	}
	if !seen {
		t.Error("no date cell read in lo_date1904.xls")
	}
}

// sameNumbers checks every number cell of twin reads the same in got, and
// counts the percent cells.
func sameNumbers(t *testing.T, twin, got []Sheet) (percents int) {
	t.Helper()
	for _, sh := range twin {
		for _, r := range sh.Rows {
			for _, w := range r.Cells {
				if w.Kind != CellNumber {
					continue
				}
				g := cellAt(t, got, sh.Name, w.Ref)
				x, _ := strconv.ParseFloat(w.Raw, 64)
				y, _ := strconv.ParseFloat(g.Raw, 64)
				if math.Abs(x-y) > 1e-12*math.Abs(x) || g.Percent != w.Percent || g.Decimals != w.Decimals || g.Fixed != w.Fixed {
					t.Errorf("%s!%s: got %s, want %s", sh.Name, w.Ref, showCell(g), showCell(w))
				}
				if w.Percent {
					percents++
				}
			}
		}
	}
	return percents
}

// TestXLSRefusals: a compound file that is not a readable workbook says
// what it is.
func TestXLSRefusals(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("testdata", "xls", "small.xls"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"header.xls", append([]byte(nil), oleMagic...), "文件已损坏"},
		{"half.xls", good[:len(good)/2], "已损坏"},
		{"tiny.et", good[:600], "已损坏"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadWorkbook(tc.name, tc.data, Limits{})
			var ue *UnreadableError
			if !errors.As(err, &ue) || !strings.Contains(ue.Reason, tc.want) {
				t.Errorf("got %v, want an UnreadableError saying %q", err, tc.want)
			}
		})
	}
	// A WPS .et holding BIFF8 is read.
	if _, err := ReadWorkbook("报表.et", good, Limits{}); err != nil {
		t.Errorf(".et with BIFF8 inside: %v", err)
	}
	// A partial stream limit: the workbook stream is over the part limit.
	_, err = ReadWorkbook("big.xls", good, Limits{PartSize: 100})
	var ue *UnreadableError
	if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "过大") {
		t.Errorf("over the part limit: %v", err)
	}
}

// TestXLSDamagedSheet: a workbook stream cut inside its last sheet reads
// the sheets before it whole, and the cut sheet as LibreOffice salvages it:
// the rows before the cut, with Damage saying where it broke off, which
// extraction flags, so nothing half-read passes silently.
func TestXLSDamagedSheet(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "xls", "lo_hidden_merged.xls"))
	if err != nil {
		t.Fatal(err)
	}
	stream, _, err := xls.Stream(data, MaxPartSize)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := xls.Parse(stream, "")
	if err != nil || len(whole.Sheets) < 2 {
		t.Fatalf("%v, %d sheets", err, len(whole.Sheets))
	}
	// The last sheet's substream starts after every other: cut 40 bytes
	// before the stream's end.
	cut := append(append([]byte(nil), decryptedXLS...), stream[:len(stream)-40]...)
	shs, err := ReadWorkbook("坏.xls", cut, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	want := readFixture(t, filepath.Join("xls", "lo_hidden_merged.xls"))
	last := len(shs) - 1
	if d := firstDifference(want[:last], shs[:last]); d != "" {
		t.Errorf("sheets before the damage: %s", d)
	}
	got := shs[last]
	if got.Problem != "" || !strings.Contains(got.Damage, "截断") {
		t.Errorf("cut sheet: problem %q, damage %q; want no problem and the cut named", got.Problem, got.Damage)
	}
	intact := want[last].Rows
	if len(got.Rows) == 0 || len(got.Rows) > len(intact) {
		t.Errorf("cut sheet gives %d rows, the whole sheet %d: want the rows before the cut", len(got.Rows), len(intact))
	}
	if d := firstDifference([]Sheet{{SheetInfo: want[last].SheetInfo, Rows: intact[:min(len(got.Rows), len(intact))]}},
		[]Sheet{{SheetInfo: want[last].SheetInfo, Rows: got.Rows}}); d != "" {
		t.Errorf("the rows before the cut differ from the whole sheet's: %s", d)
	}
}
