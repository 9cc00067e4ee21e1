package sheets

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/sheets/xls"
)

// kindsBook is a workbook with a table among a macro sheet, a dialog
// sheet, a worksheet whose part is missing and a damaged one.
func kindsBook(t *testing.T) []byte {
	is := func(ref, s string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + s + `</t></is></c>` }
	table := worksheetXML("", `<row r="1">`+is("A1", "指标名称")+is("B1", "年度")+is("C1", "数值")+`</row>`+
		`<row r="2">`+is("A2", "在校生数")+`<c r="B2"><v>2024</v></c><c r="C2"><v>4141</v></c></row>`, "")
	return genBook{sheets: []genSheet{
		{name: "宏", kind: "macro", xml: `<?xml version="1.0"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1"><v>7</v></c></row></sheetData></xm:macrosheet>`},
		{name: "数据", xml: table},
		{name: "对话框", kind: "dialog", xml: `<?xml version="1.0"?><dialogsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr/></dialogsheet>`},
		{name: "缺失", noPart: true},
		{name: "损坏", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></row>`, "")},
	}}.bytes(t)
}

// TestNoReadableWorksheet: a file none of whose worksheets can be read is
// the file's error, as before, naming the sheet.
func TestNoReadableWorksheet(t *testing.T) {
	data := genBook{sheets: []genSheet{
		{name: "图", kind: "chart", xml: `<?xml version="1.0"?><chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`},
		{name: "缺失", noPart: true},
	}}.bytes(t)
	want := "工作表「缺失」在文件中缺失（缺少 xl/worksheets/sheet2.xml），请重新保存工作簿后再报送"
	for name, read := range map[string]func() error{
		"careful": func() error { _, err := ReadWorkbook("x.xlsx", data, Limits{}); return err },
		"stream":  func() error { _, err := StreamWorkbook("x.xlsx", data, Limits{}, nopHandler{}); return err },
	} {
		var ue *UnreadableError
		if err := read(); !errors.As(err, &ue) || ue.Reason != want {
			t.Errorf("%s: %v, want %s", name, err, want)
		}
	}
	// Only a chart sheet: read, no table.
	only := genBook{sheets: []genSheet{{name: "图", kind: "chart", xml: `<?xml version="1.0"?><chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>`}}}.bytes(t)
	shs, err := ReadWorkbook("x.xlsx", only, Limits{})
	if err != nil || len(shs) != 1 || shs[0].Kind != ChartSheet {
		t.Errorf("%+v %v", shs, err)
	}
}

// TestSheetKindsCorpus: Apache POI's workbook with an Excel 4.0 macro sheet
// and the one listing a sheet without a part are read, sheet by sheet.
func TestSheetKindsCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpora", "poi-other")
	for _, tc := range []struct {
		file string
		want string // sheet: kind/problem rows
	}{
		{"64420.xlsm", "Sheet A: rows 1; Sheet B: rows 1; Macro Sheet: macro rows 0"},
		{"60825.xlsx", "Sheet1: rows 0; Module: problem rows 0"},
		{"60255_extra_drawingparts.xlsx", "Sheet1: rows 2; Sheet2: rows 0; Chart1: chart rows 0; Sheet3: rows 0"},
	} {
		data, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Skip(err)
		}
		compareReaders(t, tc.file, data)
		for _, read := range []func(string, []byte) ([]Sheet, error){carefulSheets, streamSheets} {
			shs, err := read(tc.file, data)
			if err != nil {
				t.Errorf("%s: %v", tc.file, err)
				continue
			}
			var parts []string
			for _, sh := range shs {
				p := sh.Name + ": "
				if sh.Kind != Worksheet {
					p += sh.Kind + " "
				}
				if sh.Problem != "" {
					p += "problem "
				}
				parts = append(parts, p+"rows "+itoa(len(sh.Rows)))
			}
			if got := strings.Join(parts, "; "); got != tc.want {
				t.Errorf("%s: %s\nwant %s", tc.file, got, tc.want)
			}
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestDamagedContentTypes: a damaged [Content_Types].xml, on which
// excelize reads every sheet as empty, is the file's damage, not a file
// without a header row; a missing one is read as excelize reads it.
func TestDamagedContentTypes(t *testing.T) {
	good := genCorpus(t)["sheets.xlsx"]
	damaged := replacePart(t, good, "[Content_Types].xml", func(b []byte) []byte { return b[:len(b)/2] })
	// The department is told which part; the parser's words are for the
	// log.
	want := "工作簿结构已损坏（[Content_Types].xml），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送"
	wantDetail := "XML syntax error on line 1: unexpected EOF"
	for name, read := range map[string]func() error{
		"careful": func() error { _, err := ReadWorkbook("x.xlsx", damaged, Limits{}); return err },
		"stream":  func() error { _, err := StreamWorkbook("x.xlsx", damaged, Limits{}, nopHandler{}); return err },
	} {
		var ue *UnreadableError
		if err := read(); !errors.As(err, &ue) || ue.Reason != want || ue.Detail != wantDetail {
			t.Errorf("%s: %v\nwant %s (%s)", name, err, want, wantDetail)
		}
	}
}

// replacePart is the package with one part's bytes changed by edit.
func replacePart(t *testing.T, data []byte, name string, edit func([]byte) []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			b = edit(b)
		}
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestKindsFixture: testdata/kinds/kinds.xlsx, which package extract
// reads to test how sheets that are not readable are reported, is
// kindsBook. Write it again with SHEAF_WRITE_FIXTURES=1 after changing
// kindsBook.
func TestKindsFixture(t *testing.T) {
	data := kindsBook(t)
	if os.Getenv("SHEAF_WRITE_FIXTURES") != "" {
		if err := os.WriteFile("testdata/kinds/kinds.xlsx", data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("testdata/kinds/kinds.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Error("testdata/kinds/kinds.xlsx is not kindsBook: write it again with SHEAF_WRITE_FIXTURES=1")
	}
}

// TestPasswordErrorsAreErrPassword: every error of a workbook that opens
// only with a password is ErrPassword, so that a sync can tell the
// department's password missing from sheaf's configuration (an encrypted
// .xls shows as it is read) from any other damage.
func TestPasswordErrorsAreErrPassword(t *testing.T) {
	for name, err := range map[string]error{
		"xlsx":           errPassword("a.xlsx"),
		"xls":            errXLSPassword("a.xls", &xls.EncryptedError{Scheme: "RC4"}),
		"xls, wrong one": errXLSPassword("a.xls", &xls.EncryptedError{Scheme: "RC4", Tried: true}),
	} {
		if !errors.Is(err, ErrPassword) {
			t.Errorf("%s: %v is not ErrPassword", name, err)
		}
	}
	if errors.Is(errEmpty("a.xlsx"), ErrPassword) {
		t.Error("an empty file is ErrPassword")
	}
}
