package sheets

// The differential test: every workbook of the project and a generated
// corpus, read by the careful reader (readXLSX) and the fast one
// (streamXLSX), must give the same sheets (name, hidden state, merged
// ranges), rows (number, hidden) and cells — reference, raw value, kind,
// percent, date, number-format decimals and formula (shared formulas
// included, as excelize translates them) — or the fast reader must fall
// back.

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// streamSheets reads a workbook with the fast reader into sheets, as the
// careful reader returns them.
func streamSheets(name string, data []byte) ([]Sheet, error) {
	var out []Sheet
	err := streamXLSXSheets(name, data, Limits{},
		func(info SheetInfo) bool { out = append(out, Sheet{SheetInfo: info}); return true },
		func(sheet string, r Row) error {
			sh := &out[len(out)-1]
			if sh.Name != sheet {
				return fmt.Errorf("row of sheet %q while reading %q", sheet, sh.Name)
			}
			sh.Rows = append(sh.Rows, r)
			return nil
		}, func() { out = nil })
	return out, err
}

// carefulSheets is readXLSX with a panic made an error, as ReadWorkbook
// does.
func carefulSheets(name string, data []byte) (shs []Sheet, err error) {
	defer func() {
		if r := recover(); r != nil {
			shs, err = nil, fmt.Errorf("careful reader panicked: %v", r)
		}
	}()
	return readXLSX(name, data, Limits{})
}

// firstDifference describes where got differs from want, or "".
func firstDifference(want, got []Sheet) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d sheets, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if w.Name != g.Name {
			return fmt.Sprintf("sheet %d is %q, want %q", i+1, g.Name, w.Name)
		}
		if w.Hidden != g.Hidden {
			return fmt.Sprintf("sheet %q: hidden %q, want %q", w.Name, g.Hidden, w.Hidden)
		}
		if w.Kind != g.Kind {
			return fmt.Sprintf("sheet %q: kind %q, want %q", w.Name, g.Kind, w.Kind)
		}
		// The readers word a damaged part's fault differently.
		if (w.Problem == "") != (g.Problem == "") {
			return fmt.Sprintf("sheet %q: problem %q, want %q", w.Name, g.Problem, w.Problem)
		}
		if !slices.Equal(w.Merges, g.Merges) {
			return fmt.Sprintf("sheet %q: merged ranges %v, want %v", w.Name, g.Merges, w.Merges)
		}
		for j := 0; j < len(w.Rows) || j < len(g.Rows); j++ {
			if j >= len(w.Rows) {
				return fmt.Sprintf("sheet %q: extra row %d", w.Name, g.Rows[j].Num)
			}
			if j >= len(g.Rows) {
				return fmt.Sprintf("sheet %q: row %d missing", w.Name, w.Rows[j].Num)
			}
			wr, gr := w.Rows[j], g.Rows[j]
			if wr.Num != gr.Num {
				return fmt.Sprintf("sheet %q: row %d where row %d was expected", w.Name, gr.Num, wr.Num)
			}
			if wr.Hidden != gr.Hidden {
				return fmt.Sprintf("sheet %q: row %d hidden %v, want %v", w.Name, wr.Num, gr.Hidden, wr.Hidden)
			}
			for k := 0; k < len(wr.Cells) || k < len(gr.Cells); k++ {
				if k >= len(wr.Cells) || k >= len(gr.Cells) {
					return fmt.Sprintf("sheet %q row %d: %d cells, want %d", w.Name, wr.Num, len(gr.Cells), len(wr.Cells))
				}
				if wc, gc := wr.Cells[k], gr.Cells[k]; wc != gc {
					return fmt.Sprintf("sheet %q cell %s:\n got %s\nwant %s", w.Name, wc.Ref, showCell(gc), showCell(wc))
				}
			}
		}
	}
	return ""
}

func showCell(c Cell) string {
	raw := c.Raw
	if len(raw) > 60 {
		raw = raw[:60] + "…"
	}
	return fmt.Sprintf("{Ref:%s Raw:%q Kind:%d Percent:%v Date:%v Date1904:%v Formula:%q Fixed:%v Decimals:%d Grouped:%v Format:%+v}",
		c.Ref, raw, c.Kind, c.Percent, c.Date, c.Date1904, c.Formula, c.Fixed, c.Decimals, c.Grouped, c.Format)
}

// workbookFiles lists the .xlsx and .xlsm files under the roots.
func workbookFiles(tb testing.TB, roots ...string) []string {
	tb.Helper()
	var files []string
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".xlsx" || ext == ".xlsm") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	sort.Strings(files)
	return files
}

// expectedFallbacks are the project's workbooks the fast reader leaves to
// the careful one, and why.
var expectedFallbacks = map[string]string{}

// compareReaders reads one workbook with both readers, fails the test on
// any difference, and reports whether the fast one fell back and whether
// the careful one read the file.
func compareReaders(t *testing.T, file string, data []byte) (fellBack bool, reason string, carefulOK bool) {
	t.Helper()
	want, werr := carefulSheets(file, data)
	got, gerr := streamSheets(file, data)
	switch {
	case errors.Is(gerr, errFallback):
		return true, gerr.Error(), werr == nil
	case werr != nil && gerr != nil:
		var ue *UnreadableError
		if !errors.As(gerr, &ue) {
			t.Errorf("%s: fast reader failed with %T %v, want an *UnreadableError", file, gerr, gerr)
		}
	case werr != nil:
		t.Errorf("%s: the careful reader fails (%v) but the fast one reads it", file, werr)
	case gerr != nil:
		t.Errorf("%s: the careful reader reads it but the fast one fails: %v", file, gerr)
	default:
		if d := firstDifference(want, got); d != "" {
			t.Errorf("%s: %s", file, d)
		}
	}
	return false, "", werr == nil
}

func TestStreamMatchesCareful(t *testing.T) {
	gen := t.TempDir()
	writeGenCorpus(t, gen)
	files := workbookFiles(t, "testdata", filepath.Join("..", "examples"), gen)
	var fellBack []string
	compared := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		fb, reason, carefulOK := compareReaders(t, f, data)
		genFallback := strings.HasPrefix(f, gen) && strings.HasPrefix(base, "fallback_")
		switch {
		case fb && !carefulOK && !genFallback:
			// Not a workbook either reader reads (empty, not a zip).
		case fb:
			if !carefulOK {
				reason += "; the careful reader refuses it too"
			}
			fellBack = append(fellBack, fmt.Sprintf("%s (%s)", base, reason))
			if _, ok := expectedFallbacks[base]; !ok && !genFallback {
				t.Errorf("%s: fast reader fell back unexpectedly: %s", f, reason)
			}
		case genFallback:
			t.Errorf("%s: fast reader did not fall back", f)
		default:
			compared++
		}
	}
	t.Logf("%d workbooks, %d compared cell for cell, %d left to the careful reader:\n  %s",
		len(files), compared, len(fellBack), strings.Join(fellBack, "\n  "))
	// The project's fixtures and the generated corpus: most must be read
	// by the fast reader, or the comparison proves little.
	if compared < 30 {
		t.Errorf("only %d workbooks compared cell for cell", compared)
	}
}

// TestStreamVisitSkips: sheets visit refuses are not read, and their rows
// never reach the caller.
func TestStreamVisitSkips(t *testing.T) {
	data := genCorpus(t)["sheets.xlsx"]
	var visited, rowsOf []string
	err := streamXLSX("sheets.xlsx", data, Limits{}, func(s SheetInfo) bool {
		visited = append(visited, s.Name)
		return s.Name == "四"
	}, func(s string, r Row) error {
		rowsOf = append(rowsOf, fmt.Sprintf("%s!%d", s, r.Num))
		return nil
	})

	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(visited, ","); got != "第一 页,空,Sheet3,四" {
		t.Errorf("visited %s", got)
	}
	if got := strings.Join(rowsOf, ","); got != "四!3" {
		t.Errorf("rows %s", got)
	}
	stop := errors.New("stop here")
	err = streamXLSX("sheets.xlsx", data, Limits{}, func(SheetInfo) bool { return true }, func(string, Row) error { return stop })
	if err != stop {
		t.Errorf("the row callback's error came back as %v", err)
	}
}

// damagedPackage is genBook's package with sheet1's part replaced by
// sheetXML, stored uncompressed so that tests can damage its bytes.
func damagedPackage(t *testing.T, sheetXML []byte) []byte {
	t.Helper()
	base := genBook{sst: []string{`<t>a</t>`}, sheets: []genSheet{{name: "数据", xml: worksheetXML("", "", "")}}}.bytes(t)
	zr, err := zip.NewReader(bytes.NewReader(base), int64(len(base)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(sheetXML); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestStreamMalformedFails(t *testing.T) {
	good := worksheetXML("", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>12</v></c></row><row r="2"><c r="A2"><v>3</v></c></row>`, "")
	cut := strings.Index(good, `<c r="B1">`) + 5
	malformed, err := os.ReadFile(filepath.Join("testdata", "malformed_sheet.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	checksum := damagedPackage(t, []byte(good))
	i := bytes.Index(checksum, []byte(`<v>12</v>`))
	checksum[i+3] = '7' // the stored bytes no longer match their CRC
	cases := []struct {
		name string
		data []byte
		want string // in the message
	}{
		{"malformed_sheet.xlsx", malformed, "非法字符 U+0000"},
		{"cut in a row", damagedPackage(t, []byte(good[:cut])), "意外结束"},
		{"cut after sheetData", damagedPackage(t, []byte(good[:strings.Index(good, "</sheetData>")+12])), "意外结束"},
		{"control byte", damagedPackage(t, []byte(strings.Replace(good, "<v>12</v>", "<v>1\x012</v>", 1))), "非法字符 U+0001"},
		{"control byte in a tag", damagedPackage(t, []byte(strings.Replace(good, `r="B1"`, "r=\"B\x1b1\"", 1))), "非法字符 U+001B"},
		{"mismatched tags", damagedPackage(t, []byte(strings.Replace(good, "<v>12</v>", "<v>12</f>", 1))), "被 </f> 结束"},
		{"unknown entity", damagedPackage(t, []byte(strings.Replace(good, "<v>12</v>", "<v>&nbsp;12</v>", 1))), "&nbsp;"},
		{"character reference to NUL", damagedPackage(t, []byte(strings.Replace(good, "<v>12</v>", "<v>&#0;</v>", 1))), "U+0000"},
		{"invalid UTF-8", damagedPackage(t, []byte(strings.Replace(good, "<v>12</v>", "<v>1\xff2</v>", 1))), "UTF-8"},
		{"unquoted attribute", damagedPackage(t, []byte(strings.Replace(good, `r="B1"`, `r=B1`, 1))), "缺少引号"},
		{"< in an attribute", damagedPackage(t, []byte(strings.Replace(good, `r="B1"`, `r="B<1"`, 1))), "<"},
		{"]]> in text", damagedPackage(t, []byte(strings.Replace(good, "<v>12</v>", "<v>]]></v>", 1))), "]]>"},
		{"stray end tag", damagedPackage(t, []byte(good+"</worksheet>")), "多余的结束标签"},
		{"bad comment", damagedPackage(t, []byte(strings.Replace(good, "<sheetData>", "<!-- a -- b --><sheetData>", 1))), "--"},
		{"zip checksum", checksum, "checksum"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, werr := carefulSheets(tc.name, tc.data)
			if werr == nil {
				t.Errorf("the careful reader reads it")
			}
			_, err := streamSheets(tc.name, tc.data)
			var ue *UnreadableError
			if !errors.As(err, &ue) {
				t.Fatalf("got %v, want an *UnreadableError", err)
			}
			if !strings.Contains(ue.Reason, "已损坏") || !strings.Contains(ue.Reason, tc.want) {
				t.Errorf("reason %q, want 已损坏 and %q", ue.Reason, tc.want)
			}
			t.Logf("careful: %v\nfast:    %v", werr, err)
		})
	}
}

func TestStreamPartSizeLimit(t *testing.T) {
	data := genCorpus(t)["big.xlsx"]
	err := streamXLSX("big.xlsx", data, Limits{PartSize: 64 << 10}, func(SheetInfo) bool { return true }, func(string, Row) error { return nil })
	var ue *UnreadableError
	if !errors.As(err, &ue) {
		t.Fatalf("got %v, want a part too large", err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	size := findZip(zr, "xl/worksheets/sheet1.xml").UncompressedSize64
	want := fmt.Sprintf("工作表「大表」过大（xl/worksheets/sheet1.xml 解压后为 %s，上限 64 KB）", sizeWords(size))
	if !strings.HasPrefix(ue.Reason, want) {
		t.Errorf("reason %q, want it to begin %q", ue.Reason, want)
	}
}

// FuzzStreamXLSX: whatever the bytes, the fast reader does not panic, and
// when both readers read them they agree.
func FuzzStreamXLSX(f *testing.F) {
	for _, p := range workbookFiles(f, "testdata") {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	corpus := genCorpus(f)
	names := make([]string, 0, len(corpus))
	for name := range corpus {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if data := corpus[name]; len(data) < 64<<10 {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) { fuzzCompare(t, data) })
}

// fuzzCompare reads data with the fast reader and, when it reads it, with
// the careful reader, and fails on any difference. Sheets reaching far
// rows or columns are not given to the careful reader, which builds every
// row and column up to the last (it is slow there, not wrong).
func fuzzCompare(t *testing.T, data []byte) {
	got, gerr := streamSheets("fuzz.xlsx", data)
	if gerr != nil {
		return
	}
	for _, sh := range got {
		for _, r := range sh.Rows {
			if r.Num > 5000 || len(r.Cells) > 200 {
				return
			}
		}
	}
	want, werr := carefulSheets("fuzz.xlsx", data)
	if werr != nil {
		return
	}
	if d := firstDifference(want, got); d != "" {
		t.Errorf("%s", d)
	}
}

// FuzzStreamSheetXML mutates a sheet's XML inside a fixed package, which
// reaches the sheet scanner far more often than mutating zip bytes.
func FuzzStreamSheetXML(f *testing.F) {
	f.Add([]byte(worksheetXML("", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2"><v>0.5</v></c><c r="C1"><f>A1</f><v>1</v></c></row>`,
		`<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`)))
	f.Add([]byte(worksheetXML(`<cols><col min="1" max="2" style="3"/></cols>`, `<row><c><v>1</v></c><c t="inlineStr"><is><r><t>a</t></r></is></c></row><row r="3" s="4"><c r="B3"><v>2</v></c></row>`, "")))
	f.Add([]byte(worksheetXML("", `<row r="2"><c r="C2"><f t="shared" ref="C2:C3" si="0">A2+$B$1</f><v>1</v></c></row><row r="3"><c r="C3"><f t="shared" si="0"/><v>2</v></c></row>`, "")))
	far := regexp.MustCompile(`[A-Za-z]{3}[0-9]|[0-9]{5}`)
	f.Fuzz(func(t *testing.T, sheet []byte) {
		if far.Match(sheet) {
			return // far rows or columns: slow in the careful reader
		}
		fuzzCompare(t, genBook{sst: []string{`<t>a</t>`, `<r><t>b</t></r>`}, sheets: []genSheet{{name: "S", xml: string(sheet)}}}.bytes(t))
	})
}

// TestStreamConcurrent: workbooks read on several goroutines at once (as
// the parallel sync reads them) give what they give one at a time.
func TestStreamConcurrent(t *testing.T) {
	corpus := genCorpus(t)
	names := []string{"strings.xlsx", "styles.xlsx", "formulas.xlsx", "merges.xlsx", "merge_value.xlsx", "gaps.xlsx", "big.xlsx", "excelize_api.xlsx"}
	want := map[string][]Sheet{}
	for _, n := range names {
		shs, err := streamSheets(n, corpus[n])
		if err != nil {
			t.Fatal(err)
		}
		want[n] = shs
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(names))
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range names {
				n := names[(i+w)%len(names)]
				got, err := streamSheets(n, corpus[n])
				if err != nil {
					errs <- fmt.Sprintf("%s: %v", n, err)
					continue
				}
				if d := firstDifference(want[n], got); d != "" {
					errs <- fmt.Sprintf("%s: %s", n, d)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestStreamDamagedSharedStrings: a damaged shared-string table fails the
// file. (The careful reader does not notice: excelize's GetRows stops at the
// table's decoding error and returns no rows and no error, so the file
// reads as empty sheets.)
func TestStreamDamagedSharedStrings(t *testing.T) {
	for _, si := range []string{`<t>a</t></si><si><t>b`, `<t>a&bad;</t>`, "<t>a\x02</t>"} {
		data := genBook{sst: []string{si}, sheets: []genSheet{{name: "S", xml: worksheetXML("",
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row>`, "")}}}.bytes(t)
		_, err := streamSheets("x.xlsx", data)
		var ue *UnreadableError
		if !errors.As(err, &ue) || !strings.Contains(ue.Reason, "共享字符串表已损坏") {
			t.Errorf("%q: got %v, want the shared strings damaged", si, err)
		}
		shs, werr := carefulSheets("x.xlsx", data)
		rows := 0
		for _, sh := range shs {
			rows += len(sh.Rows)
		}
		t.Logf("%q: fast reader: %v; careful reader: %d rows, error %v", si, err, rows, werr)
	}
}
