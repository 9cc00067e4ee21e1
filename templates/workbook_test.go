package templates_test

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/templates"
)

// financeTemplate writes the example's finance template, with last
// cycle's figures when prev is not nil, and opens it.
func financeTemplate(t *testing.T, prev templates.Previous) (*config.Config, templates.Template, *excelize.File) {
	t.Helper()
	cfg := exampleCopy(t, false)
	d, _ := cfg.Department("finance")
	tm, err := (&templates.Writer{Config: cfg, Previous: prev}).Write(t.TempDir(), d, false)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(tm.File)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return cfg, tm, f
}

func line(t *testing.T, tm templates.Template, key string) templates.Line {
	t.Helper()
	for _, l := range tm.Lines {
		if l.Indicator+"@"+l.Period == key {
			return l
		}
	}
	t.Fatalf("no line %s", key)
	return templates.Line{}
}

// TestLayout: the title names the cycle, the department and its deadline;
// the header is extraction's built-in words; one row per indicator and
// period the department owns, with code, name, period and unit.
func TestLayout(t *testing.T) {
	cfg, tm, f := financeTemplate(t, nil)
	title, _ := f.GetCellValue(templates.DataSheet, "A1")
	for _, want := range []string{cfg.Cycle.Name, "市财政局", "自评数据报送", "2025年1月15日 17:00"} {
		if !strings.Contains(title, want) {
			t.Errorf("title %q lacks %q", title, want)
		}
	}
	if len(tm.Deadlines) != 1 || tm.Deadlines[0].Shown != "2025年1月15日 17:00" {
		t.Errorf("deadlines %+v", tm.Deadlines)
	}
	rows, err := f.GetRows(templates.DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[1], "|"); got != "指标编码|指标名称|年度|数值|单位|备注" {
		t.Errorf("header %q", got)
	}
	// Catalogue order, each period of an indicator in its own row.
	var want []string
	for _, ind := range cfg.Indicators {
		if ind.Owner != "finance" {
			continue
		}
		for _, p := range cfg.Periods(&ind) {
			unit := ind.Unit
			want = append(want, strings.Join([]string{ind.ID, ind.Name, sheaf.PeriodWord(p), "", unit}, "|"))
		}
	}
	if len(rows)-2 != len(want) || len(tm.Lines) != len(want) {
		t.Fatalf("%d rows, %d lines, want %d", len(rows)-2, len(tm.Lines), len(want))
	}
	for i, w := range want {
		r := rows[i+2]
		for len(r) < 5 {
			r = append(r, "")
		}
		if got := strings.Join(r[:5], "|"); got != w {
			t.Errorf("row %d = %q, want %q", i+3, got, w)
		}
	}
	if l := line(t, tm, "fund.edu_spend@2022"); l.Cell != "D3" {
		t.Errorf("first value cell %s", l.Cell)
	}
	if l := line(t, tm, "fund.edu_spend@2023"); l.Cell != "D4" || !l.Required || l.Unit != "万元" {
		t.Errorf("fund.edu_spend 2023: %+v", l)
	}
	sheets := f.GetSheetList()
	if len(sheets) != 2 || sheets[0] != templates.DataSheet || sheets[1] != templates.InstructionsSheet {
		t.Errorf("sheets %v", sheets)
	}
	// The 说明 sheet: Chinese lines in one column.
	notes, _ := f.GetRows(templates.InstructionsSheet)
	text := ""
	for _, r := range notes {
		if len(r) > 1 {
			t.Errorf("说明 row with %d cells: %q", len(r), r)
		}
		text += strings.Join(r, "") + "\n"
	}
	for _, want := range []string{"填表说明", "数值", "备注", "锁定", "百分比", "2025年1月15日 17:00"} {
		if !strings.Contains(text, want) {
			t.Errorf("说明 lacks %q:\n%s", want, text)
		}
	}
}

// sheetXML is the data sheet's XML as stored.
func sheetXML(t *testing.T, path string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, zf := range z.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			r, _ := zf.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			return string(b)
		}
	}
	t.Fatal("no sheet1.xml")
	return ""
}

// TestLocked: the data sheet is protected without a password; code, name,
// period, unit and header cells are locked, value and note cells not.
func TestLocked(t *testing.T) {
	_, tm, f := financeTemplate(t, nil)
	x := sheetXML(t, tm.File)
	prot := regexp.MustCompile(`<sheetProtection[^>]*>`).FindString(x)
	if !strings.Contains(prot, `sheet="1"`) && !strings.Contains(prot, `sheet="true"`) {
		t.Errorf("the sheet is not protected: %q", prot)
	}
	for _, attr := range []string{"password", "hashValue"} {
		if strings.Contains(prot, attr) {
			t.Errorf("the protection has a %s: %q", attr, prot)
		}
	}
	locked := func(cell string) bool {
		id, err := f.GetCellStyle(templates.DataSheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		// No protection element is Excel's default: locked.
		return st.Protection == nil || st.Protection.Locked
	}
	for _, l := range tm.Lines {
		r := l.Cell[1:]
		for _, col := range []string{tm.Column(templates.HeaderCode), tm.Column(templates.HeaderName), tm.Column(templates.HeaderPeriod), tm.Column(templates.HeaderUnit)} {
			if !locked(col + r) {
				t.Errorf("%s%s is not locked", col, r)
			}
		}
		for _, col := range []string{tm.Column(templates.HeaderValue), tm.Column(templates.HeaderNote)} {
			if locked(col + r) {
				t.Errorf("%s%s (%s) is locked", col, r, l.Indicator)
			}
		}
	}
	for _, cell := range []string{"A1", "A2", "D2"} {
		if !locked(cell) {
			t.Errorf("%s is not locked", cell)
		}
	}
}

// TestValidation: every value cell, and only those, has one decimal
// validation; an indicator's range bounds its cells.
func TestValidation(t *testing.T) {
	cfg, tm, f := financeTemplate(t, nil)
	dvs, err := f.GetDataValidations(templates.DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		for _, ref := range strings.Fields(dv.Sqref) {
			if byCell[ref] != nil {
				t.Errorf("%s has two validations", ref)
			}
			byCell[ref] = dv
		}
	}
	if len(byCell) != len(tm.Lines) {
		t.Errorf("%d cells validated, want %d value cells", len(byCell), len(tm.Lines))
	}
	for _, l := range tm.Lines {
		dv := byCell[l.Cell]
		if dv == nil {
			t.Errorf("%s (%s) has no validation", l.Cell, l.Indicator)
			continue
		}
		if dv.Type != "decimal" || dv.Operator != "between" || !dv.AllowBlank {
			t.Errorf("%s: validation %s %s blank %v", l.Cell, dv.Type, dv.Operator, dv.AllowBlank)
		}
		ind, _ := cfg.Indicator(l.Indicator)
		lo, hi := "-1000000000000000", "1000000000000000"
		style := "stop"
		if len(ind.Range) == 2 {
			lo, hi = ftoa(ind.Range[0]), ftoa(ind.Range[1])
			style = "warning"
		}
		if dv.Formula1 != lo || dv.Formula2 != hi {
			t.Errorf("%s (%s): between %s and %s, want %s and %s", l.Cell, l.Indicator, dv.Formula1, dv.Formula2, lo, hi)
		}
		if dv.ErrorStyle == nil || *dv.ErrorStyle != style {
			t.Errorf("%s (%s): error style %v, want %s", l.Cell, l.Indicator, dv.ErrorStyle, style)
		}
	}
	if dv := byCell[line(t, tm, "fund.edu_spend@2022").Cell]; dv == nil || dv.Formula1 != "1000" || dv.Formula2 != "1000000" {
		t.Errorf("fund.edu_spend's range is not on its cells: %+v", dv)
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// TestComment: an indicator's definition (口径, its note) is a comment on
// its name; an indicator without one has none.
func TestComment(t *testing.T) {
	cfg, tm, f := financeTemplate(t, nil)
	cms, err := f.GetComments(templates.DataSheet)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]string{}
	for _, c := range cms {
		text := c.Text
		for _, r := range c.Paragraph {
			text += r.Text
		}
		byCell[c.Cell] = text
	}
	nameCol := tm.Column(templates.HeaderName)
	for _, l := range tm.Lines {
		ind, _ := cfg.Indicator(l.Indicator)
		got, ok := byCell[nameCol+l.Cell[1:]]
		switch {
		case ind.Note == "" && ok:
			t.Errorf("%s: a comment %q without a note", l.Indicator, got)
		case ind.Note != "" && !strings.Contains(got, ind.Note):
			t.Errorf("%s: comment %q, want the note %q", l.Indicator, got, ind.Note)
		}
	}
	if got := byCell[nameCol+line(t, tm, "fund.per_pupil_spend@2023").Cell[1:]]; !strings.Contains(got, "两个只增不减的第二项") {
		t.Errorf("fund.per_pupil_spend comment %q", got)
	}
}

// TestPrevious: --previous puts last cycle's figure of the preceding
// period in the 上期数值 column beside the value, locked, and leaves the
// previous database as it was.
func TestPrevious(t *testing.T) {
	path := previousDB(t)
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := templates.LoadPrevious(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("reading the previous database changed it")
	}
	_, tm, f := financeTemplate(t, prev)
	rows, _ := f.GetRows(templates.DataSheet)
	if got := strings.Join(rows[1], "|"); got != "指标编码|指标名称|年度|数值|上期数值|单位|备注" {
		t.Errorf("header %q", got)
	}
	col := tm.Column(templates.HeaderPrevious)
	for key, want := range map[string]string{"fund.edu_spend@2023": "68211", "fund.edu_spend@2022": ""} {
		l := line(t, tm, key)
		got, _ := f.GetCellValue(templates.DataSheet, col+l.Cell[1:])
		if got != want {
			t.Errorf("%s: 上期数值 %q, want %q", key, got, want)
		}
		if v, _ := f.GetCellValue(templates.DataSheet, l.Cell); v != "" {
			t.Errorf("%s: value cell %q, want it blank", key, v)
		}
	}
	id, _ := f.GetCellStyle(templates.DataSheet, col+line(t, tm, "fund.edu_spend@2023").Cell[1:])
	if st, _ := f.GetStyle(id); st.Protection != nil && !st.Protection.Locked {
		t.Error("the 上期数值 cell is not locked")
	}

	if _, err := templates.LoadPrevious(context.Background(), path+".absent"); err == nil {
		t.Error("a previous database that does not exist is no error")
	}
}

// TestFileName: the department's name and the cycle's, without characters
// a file system refuses.
func TestFileName(t *testing.T) {
	cfg := &config.Config{Cycle: config.Cycle{Name: "2024年度 自评/复核"}}
	if got := templates.FileName(cfg, &config.Department{ID: "edu", Name: "市教育局"}); got != "市教育局_2024年度 自评_复核.xlsx" {
		t.Errorf("file name %q", got)
	}
	if got := templates.FileName(cfg, &config.Department{ID: "edu"}); got != "edu_2024年度 自评_复核.xlsx" {
		t.Errorf("file name %q", got)
	}
}

// TestNoOverwrite: an existing file, perhaps a department's filled copy,
// is not overwritten unless asked.
func TestNoOverwrite(t *testing.T) {
	cfg := exampleCopy(t, false)
	d, _ := cfg.Department("hrss")
	w := &templates.Writer{Config: cfg}
	dir := t.TempDir()
	if _, err := w.Write(dir, d, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(dir, d, false); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second write: %v", err)
	}
	if _, err := w.Write(dir, d, true); err != nil {
		t.Errorf("overwrite: %v", err)
	}
}
