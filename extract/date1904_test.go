package extract

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"

	"github.com/xuri/excelize/v2"
)

func TestSerialDate(t *testing.T) {
	tests := []struct {
		serial   float64
		date1904 bool
		want     string // yyyy-mm-dd, or "error"
	}{
		// 1900: serial 0 is shown as 1900-01-00; 60 is the 1900-02-29
		// that never was; below it serials are one day off the count
		// from 1899-12-30 that holds from 61 on.
		{0, false, "1900-01-00"},
		{1, false, "1900-01-01"},
		{31, false, "1900-01-31"},
		{59, false, "1900-02-28"},
		{60, false, "1900-02-29"},
		{61, false, "1900-03-01"},
		{45292, false, "2024-01-01"},
		{45657, false, "2024-12-31"},
		{45657.99, false, "2024-12-31"},
		{2958465, false, "9999-12-31"},
		{2958466, false, "error"},
		{-1, false, "error"},
		// 1904: serial 0 is 1904-01-01, and a day's serial is 1462 less.
		{0, true, "1904-01-01"},
		{1, true, "1904-01-02"},
		{44195, true, "2024-12-31"},
		{43830, true, "2024-01-01"},
		{45657 - 1462, true, "2024-12-31"},
		{2958465 - 1462, true, "9999-12-31"},
		{2958465, true, "error"},
		{-0.5, true, "error"},
	}
	for _, tt := range tests {
		y, m, d, err := SerialDate(tt.serial, tt.date1904)
		got := "error"
		if err == nil {
			got = time.Date(2000, m, 1, 0, 0, 0, 0, time.UTC).Format("01")
			got = pad4(y) + "-" + got + "-" + pad2(d)
		}
		if got != tt.want {
			t.Errorf("SerialDate(%v, 1904 %v) = %s (%v), want %s", tt.serial, tt.date1904, got, err, tt.want)
		}
	}
	if _, _, _, err := SerialDate(-1, false); err == nil || err.Error() != "Excel 的日期序号应在 0 到 2958465 之间" {
		t.Errorf("error %v", err)
	}
}

func pad2(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }
func pad4(n int) string { return pad2(n/100) + pad2(n%100) }

func TestNormalizePeriodDate1904(t *testing.T) {
	for _, tt := range []struct {
		cell sheets.Cell
		want string
	}{
		{sheets.Cell{Kind: sheets.CellNumber, Raw: "44195", Date: true, Date1904: true}, "2024"},
		{sheets.Cell{Kind: sheets.CellNumber, Raw: "44195", Date: true}, "2020"},
		{sheets.Cell{Kind: sheets.CellNumber, Raw: "45657", Date: true}, "2024"},
		{sheets.Cell{Kind: sheets.CellNumber, Raw: "0", Date: true, Date1904: true}, "1904"},
		{sheets.Cell{Kind: sheets.CellNumber, Raw: "60", Date: true}, "1900"},
	} {
		got, err := normalizePeriod(tt.cell)
		if err != nil || got != tt.want {
			t.Errorf("%+v: %q, %v; want %q", tt.cell, got, err, tt.want)
		}
	}
}

// excelize1904Book writes, with excelize, a workbook in the 1904 date
// system whose year cells hold 2024-12-31 and 2024-01-01 as 1904 serials,
// formatted yyyy"年".
func excelize1904Book(t *testing.T, date1904 bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetName("Sheet1", "数据"); err != nil {
		t.Fatal(err)
	}
	code := `yyyy"年"`
	year, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		t.Fatal(err)
	}
	serial := func(d time.Time) float64 {
		epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		if date1904 {
			epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return d.Sub(epoch).Hours() / 24
	}
	rows := [][]any{
		{"指标名称", "年度", "数值", "单位"},
		{"在校生数", serial(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)), 4141, "人"},
		{"学校总数", serial(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), 44, "所"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("数据", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellStyle("数据", "B2", "B3", year); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDate1904Workbooks: a year typed as a date in a 1904 workbook, saved
// by LibreOffice and by excelize, is its own year with both readers, not
// four years earlier; the same book in the 1900 system reads the same.
func TestDate1904Workbooks(t *testing.T) {
	cfg := loadTestConfig(t)
	lo, err := os.ReadFile("../sheets/testdata/dates/lo_date1904.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	books := []struct {
		name     string
		data     []byte
		date1904 bool
		b2       string
	}{
		{"lo_date1904.xlsx", lo, true, "44195"},
		{"excelize_1904.xlsx", excelize1904Book(t, true), true, "44195"},
		{"excelize_1900.xlsx", excelize1904Book(t, false), false, "45657"},
	}
	for _, b := range books {
		for _, how := range []string{"stream", "whole"} {
			t.Run(b.name+"/"+how, func(t *testing.T) {
				dept, _ := cfg.Department("edu")
				var obs []sheaf.Observation
				var fs []sheaf.Finding
				x := NewExtractor(cfg, dept).Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { fs = append(fs, f) })
				h := &cellSpy{x: x}
				if how == "stream" {
					st, err := sheets.StreamWorkbook(b.name, b.data, sheets.Limits{}, h)
					if err != nil || st.FellBack {
						t.Fatal(err, st)
					}
				} else {
					shs, err := sheets.ReadWorkbook(b.name, b.data, sheets.Limits{})
					if err != nil {
						t.Fatal(err)
					}
					for _, sh := range shs {
						if h.Sheet(sh.SheetInfo) {
							for _, r := range sh.Rows {
								h.Row(r)
							}
						}
					}
				}
				x.Finish()
				want := sheets.Cell{Ref: "B2", Raw: b.b2, Kind: sheets.CellNumber, Date: true, Date1904: b.date1904}
				if got := h.cells["B2"]; got != want {
					t.Errorf("B2 %+v, want %+v", got, want)
				}
				assertObs(t, obs,
					"数据!C2 students.total@2024 = 4141/0 raw 4141",
					"数据!C3 schools.total@2024 = 44/0 raw 44",
				)
				if len(fs) != 0 {
					t.Errorf("findings %+v", fs)
				}
			})
		}
	}
}

// cellSpy hands rows to an extraction and keeps their cells by reference.
type cellSpy struct {
	x     *FileExtraction
	cells map[string]sheets.Cell
}

func (s *cellSpy) Sheet(info sheets.SheetInfo) bool { return s.x.Sheet(info) }
func (s *cellSpy) Row(r sheets.Row) error {
	if s.cells == nil {
		s.cells = map[string]sheets.Cell{}
	}
	for _, c := range r.Cells {
		s.cells[c.Ref] = c
	}
	s.x.Row(r)
	return nil
}
func (s *cellSpy) Reset() { s.cells = nil }
