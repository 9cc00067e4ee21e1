package jobs

// The corpora the benchmarks sync (see bench_test.go and bench/README.md).
// They are generated once into a cache folder and reused: generating them
// takes longer than syncing them, and is not what is measured.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// corpusVersion changes whenever what the generator writes changes, so that
// a cached corpus written by an older generator is written again.
const corpusVersion = "sheaf bench corpus v4"

// corpusModTime is every generated file's modification time: long past, so
// that no file is deferred as still being written.
var corpusModTime = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

// lastYear is the cycle's period; an indicator collected for several years
// is collected for the years up to it (2020 … 2024 for five).
const lastYear = 2024

// corpusSpec describes one generated corpus: departments, each with a
// source folder of workbooks in the long layout, and the catalogue of the
// config the corpus is synced with.
type corpusSpec struct {
	name       string // folder under the cache; the marker file names the spec too
	depts      int    // departments d000, d001, …, one source folder each
	files      int    // workbooks per department
	rows       int    // data rows per workbook
	indicators int    // indicators bench.i000 … in the catalogue, indicator k owned by department k mod depts
	// periods is how many years each indicator is collected for, the years
	// up to lastYear; 0 or 1 is the cycle's period only (no periods key).
	periods int
	// owned: the rows of a department's workbooks carry only the indicators
	// it owns, each for every one of its years, as departments report their
	// own figures (the prefecture). Otherwise rows cycle through the whole
	// catalogue whoever owns it (corpus A).
	owned bool
}

var (
	// corpusA is 500 workbooks × 200 rows from 10 departments, rows
	// cycling through a catalogue of 200 indicators.
	corpusA = corpusSpec{name: "corpus-a", depts: 10, files: 50, rows: 200, indicators: 200}
	// corpusB is one workbook of 200,000 rows, and corpusB50k one of 50,000
	// to see whether memory stays flat as rows grow.
	corpusB    = corpusSpec{name: "corpus-b", depts: 1, files: 1, rows: 200_000, indicators: 2000}
	corpusB50k = corpusSpec{name: "corpus-b-50k", depts: 1, files: 1, rows: 50_000, indicators: 2000}
	// corpusPrefecture is a prefecture's catalogue: 500 departments, each
	// owning 40 indicators collected for 5 years (20,000 indicators,
	// 100,000 figures), and one workbook of 200 rows from each department
	// giving exactly its own 200 figures.
	corpusPrefecture = corpusSpec{name: "prefecture", depts: 500, files: 1, rows: 200, indicators: 20_000, periods: 5, owned: true}
)

// corpus is a generated corpus on disk.
type corpus struct {
	spec corpusSpec
	root string
}

// Files is how many workbooks the corpus holds; Rows how many data rows in
// all, each of which matches an indicator of the corpus's config.
func (c corpus) Files() int { return c.spec.depts * c.spec.files }
func (c corpus) Rows() int  { return c.spec.depts * c.spec.files * c.spec.rows }

func (c corpus) deptID(d int) string   { return fmt.Sprintf("d%03d", d) }
func (c corpus) deptDir(d int) string  { return filepath.Join(c.root, c.deptID(d)) }
func (c corpus) fileName(f int) string { return fmt.Sprintf("报表%03d.xlsx", f) }

// years is how many years each indicator is collected for.
func (s corpusSpec) years() int { return max(1, s.periods) }

// owns is how many indicators department d owns (k mod depts = d).
func (s corpusSpec) owns(d int) int {
	if d >= s.indicators {
		return 0
	}
	return (s.indicators-1-d)/s.depts + 1
}

// check says what is wrong with the spec, if anything.
func (s corpusSpec) check() error {
	switch {
	case s.depts < 1 || s.files < 1 || s.rows < 1 || s.indicators < 1:
		return fmt.Errorf("%s: every dimension must be at least 1: %+v", s.name, s)
	case s.owned && s.indicators < s.depts:
		return fmt.Errorf("%s: %d departments cannot each own one of %d indicators", s.name, s.depts, s.indicators)
	case s.years() > 9:
		return fmt.Errorf("%s: at most 9 years", s.name)
	}
	return nil
}

// Figures is how many (indicator, year) figures the corpus gives a value.
func (c corpus) Figures() int {
	s := c.spec
	if !s.owned {
		return min(s.indicators*s.years(), c.Rows())
	}
	n := 0
	for d := range s.depts {
		n += min(s.owns(d)*s.years(), s.files*s.rows)
	}
	return n
}

// indicatorCode is the code of the k-th indicator: bench.i000 (three digits
// at least, more for larger catalogues).
func (c corpus) indicatorCode(k int) string {
	width := max(3, len(strconv.Itoa(c.spec.indicators-1)))
	return fmt.Sprintf("bench.i%0*d", width, k)
}

func (c corpus) indicatorName(k int) string {
	return "基准指标" + strings.TrimPrefix(c.indicatorCode(k), "bench.i")
}

// notes are the 备注 texts rows cycle through (every row has all six cells).
var notes = []string{"快报数", "年报数", "含非全日制", "按常住人口口径", "已核实"}

// slot is the indicator and year of data row r (0-based) of department d's
// workbook f (0-based within the department). Rows go through an
// indicator's years before the next indicator.
func (c corpus) slot(d, f, r int) (k, year int) {
	s := c.spec
	y := s.years()
	if s.owned {
		i := (f*s.rows + r) % (s.owns(d) * y)
		return d + (i/y)*s.depts, lastYear - y + 1 + i%y
	}
	i := ((d*s.files+f)*s.rows + r) % (s.indicators * y)
	return i / y, lastYear - y + 1 + i%y
}

// row is data row r of department d's workbook f: 指标编码, 指标名称, 年度,
// 数值, 单位, 备注. A department's files agree on every value they share, as
// the files of one department do, so that reconciling measures the reading,
// not thousands of version flags; no two workbooks have the same content
// all the same (titles and notes differ), so copies do not count once. A
// workbook that repeats an indicator (corpus B) repeats its value.
func (c corpus) row(d, f, r int) []any {
	k, year := c.slot(d, f, r)
	value := float64((d*7919+k*104729+(lastYear-year)*15485863)%10_000_000) / 10
	return []any{c.indicatorCode(k), c.indicatorName(k), year, value, "人", notes[(d*c.spec.files+f+r)%len(notes)]}
}

func (c corpus) title(d, f int) string {
	return fmt.Sprintf("%s %d年统计表（第%d份）", c.deptID(d), lastYear, f+1)
}

var header = []any{"指标编码", "指标名称", "年度", "数值", "单位", "备注"}

// firstDataRow is the sheet row of the first data row: a title in row 1, a
// blank row, the header in row 3, as departments send them.
const firstDataRow = 4

// config is the corpus's sheaf.yaml, storing into dbPath: one department per
// source folder (absolute paths), indicators owned in turn by the
// departments and collected for their years, the cycle's period 2024, and a
// settle time of one second.
func (c corpus) config(dbPath string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cycle: {name: 基准测试, period: \"%d\", timezone: Asia/Shanghai}\n", lastYear)
	fmt.Fprintf(&b, "storage: {path: %s}\n", strconv.Quote(dbPath))
	b.WriteString("sync: {settle: 1s}\n")
	b.WriteString("departments:\n")
	for d := range c.spec.depts {
		fmt.Fprintf(&b, "  - {id: %s, name: 基准部门%s, sources: [{dir: %s, glob: \"*.xlsx\"}]}\n",
			c.deptID(d), c.deptID(d), strconv.Quote(c.deptDir(d)))
	}
	periods := ""
	if y := c.spec.years(); y > 1 {
		var ps []string
		for year := lastYear - y + 1; year <= lastYear; year++ {
			ps = append(ps, strconv.Quote(strconv.Itoa(year)))
		}
		periods = ", periods: [" + strings.Join(ps, ", ") + "]"
	}
	b.WriteString("indicators:\n")
	for k := range c.spec.indicators {
		fmt.Fprintf(&b, "  - {id: %s, name: %s, unit: 人, owner: %s%s}\n",
			c.indicatorCode(k), c.indicatorName(k), c.deptID(k%c.spec.depts), periods)
	}
	return b.String()
}

// benchCacheDir is where corpora are kept: $SHEAF_BENCH_DIR, or
// sheaf-bench in the user's cache folder.
func benchCacheDir() (string, error) {
	if d := os.Getenv("SHEAF_BENCH_DIR"); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder (set SHEAF_BENCH_DIR): %w", err)
	}
	return filepath.Join(d, "sheaf-bench"), nil
}

const corpusMarker = ".complete"

func (s corpusSpec) marker() string {
	return fmt.Sprintf("%s\n%s: %d departments × %d workbooks × %d rows, %d indicators × %d years, owned=%v\n",
		corpusVersion, s.name, s.depts, s.files, s.rows, s.indicators, s.years(), s.owned)
}

var corpusMu sync.Mutex

// ensureCorpus returns the corpus, generating it first unless the cache
// already holds it with the right marker.
func ensureCorpus(tb testing.TB, spec corpusSpec) corpus {
	tb.Helper()
	if err := spec.check(); err != nil {
		tb.Fatal(err)
	}
	corpusMu.Lock()
	defer corpusMu.Unlock()
	cache, err := benchCacheDir()
	if err != nil {
		tb.Fatal(err)
	}
	c := corpus{spec: spec, root: filepath.Join(cache, spec.name)}
	if m, err := os.ReadFile(filepath.Join(c.root, corpusMarker)); err == nil && string(m) == spec.marker() {
		return c
	}
	start := time.Now()
	fmt.Fprintf(os.Stderr, "generating %s (%d workbooks, %d rows) in %s …\n", spec.name, c.Files(), c.Rows(), c.root)
	if err := os.MkdirAll(cache, 0o755); err != nil {
		tb.Fatal(err)
	}
	// Write into a folder of our own and rename it into place, so that an
	// interrupted generation or a concurrent run never leaves half a corpus
	// behind the marker.
	tmp, err := os.MkdirTemp(cache, spec.name+".tmp-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it private
		tb.Fatal(err)
	}
	gen := corpus{spec: spec, root: tmp}
	if err := gen.generate(); err != nil {
		tb.Fatalf("generate %s: %v", spec.name, err)
	}
	if err := os.WriteFile(filepath.Join(tmp, corpusMarker), []byte(spec.marker()), 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.RemoveAll(c.root); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(tmp, c.root); err != nil {
		tb.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "generated %s in %s\n", spec.name, time.Since(start).Round(time.Millisecond))
	return c
}

// generate writes every workbook of the corpus, on all CPUs, and reads the
// first and the last back with excelize.
func (c corpus) generate() error {
	tpl, err := newWorkbookTemplate()
	if err != nil {
		return err
	}
	type job struct{ d, f int }
	jobs := make(chan job)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorkbookWriter(tpl)
			for j := range jobs {
				path := filepath.Join(c.deptDir(j.d), c.fileName(j.f))
				err := c.writeWorkbook(w, path, j.d, j.f)
				if err == nil {
					err = os.Chtimes(path, corpusModTime, corpusModTime)
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("%s: %w", path, err):
					default:
					}
				}
			}
		}()
	}
	for d := range c.spec.depts {
		if err := os.MkdirAll(c.deptDir(d), 0o755); err != nil {
			close(jobs)
			wg.Wait()
			return err
		}
		for f := range c.spec.files {
			jobs <- job{d, f}
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	// The workbooks are written without excelize: check that excelize
	// reads them back as meant.
	if err := c.verify(0, 0); err != nil || c.Files() == 1 {
		return err
	}
	return c.verify(c.spec.depts-1, c.spec.files-1)
}

// workbookTemplate is a small workbook excelize writes with a title and
// the header, whose parts every generated workbook reuses: all but the
// sheet and the shared-string table are copied as they are.
type workbookTemplate struct {
	zip        *zip.Reader
	head, tail string // the sheet's XML before and after its rows
}

func newWorkbookTemplate() (*workbookTemplate, error) {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetCellValue("Sheet1", "A1", "标题"); err != nil {
		return nil, err
	}
	if err := x.SetSheetRow("Sheet1", "A3", &header); err != nil {
		return nil, err
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return nil, err
	}
	t := &workbookTemplate{zip: zr}
	for _, zf := range zr.File {
		if zf.Name == "xl/worksheets/sheet1.xml" {
			if t.head, t.tail, err = splitSheet(zf); err != nil {
				return nil, err
			}
		}
	}
	if t.head == "" {
		return nil, errors.New("excelize's workbook has no xl/worksheets/sheet1.xml; update the generator")
	}
	return t, nil
}

// workbookWriter writes workbooks from a template, one at a time, reusing
// its buffers.
type workbookWriter struct {
	tpl   *workbookTemplate
	sheet bytes.Buffer
	// The shared-string table, in the order texts first appear.
	table []string
	index map[string]int
	cells int // string cells, the table's count
}

func newWorkbookWriter(tpl *workbookTemplate) *workbookWriter {
	return &workbookWriter{tpl: tpl, index: map[string]int{}}
}

func (w *workbookWriter) intern(s string) int {
	w.cells++
	i, ok := w.index[s]
	if !ok {
		i = len(w.table)
		w.index[s] = i
		w.table = append(w.table, s)
	}
	return i
}

// writeWorkbook writes department d's workbook f as Excel and WPS write
// one: text in a shared-string table (t="s" cells), numbers in <v>, the used
// range in <dimension> (openpyxl's read-only mode trusts it, and reads one
// row if it says A1, as excelize leaves it). excelize's StreamWriter is not
// used because it writes every text cell as an inline string, which Excel
// does not, and its in-memory API is too slow for thousands of workbooks
// or one of 200,000 rows.
func (c corpus) writeWorkbook(w *workbookWriter, path string, d, f int) error {
	w.sheet.Reset()
	w.table = w.table[:0]
	clear(w.index)
	w.cells = 0
	last := firstDataRow + c.spec.rows - 1
	w.sheet.WriteString(strings.Replace(w.tpl.head, `<dimension ref="A1">`, fmt.Sprintf(`<dimension ref="A1:F%d">`, last), 1))
	w.writeRow(1, []any{c.title(d, f)})
	w.writeRow(3, header)
	for r := range c.spec.rows {
		w.writeRow(firstDataRow+r, c.row(d, f, r))
	}
	w.sheet.WriteString(w.tpl.tail)

	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	bw := bufio.NewWriterSize(out, 1<<16)
	zw := zip.NewWriter(bw)
	for _, zf := range w.tpl.zip.File {
		switch zf.Name {
		case "xl/sharedStrings.xml":
			continue // written last
		case "xl/worksheets/sheet1.xml":
			part, err := zw.Create(zf.Name)
			if err != nil {
				return err
			}
			if _, err := part.Write(w.sheet.Bytes()); err != nil {
				return err
			}
		default:
			if err := zw.Copy(zf); err != nil {
				return err
			}
		}
	}
	part, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	sst := bufio.NewWriter(part)
	fmt.Fprintf(sst, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, w.cells, len(w.table))
	for _, s := range w.table {
		sst.WriteString("<si><t>")
		xmlEscape(sst, s)
		sst.WriteString("</t></si>")
	}
	sst.WriteString("</sst>")
	if err := sst.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return out.Close()
}

// splitSheet returns a sheet part's XML before and after its rows.
func splitSheet(zf *zip.File) (head, tail string, err error) {
	rc, err := zf.Open()
	if err != nil {
		return "", "", err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return "", "", err
	}
	s := string(data)
	i, j := strings.Index(s, "<sheetData>"), strings.Index(s, "</sheetData>")
	if i < 0 || j < i || !strings.Contains(s, `<dimension ref="A1">`) {
		return "", "", errors.New("excelize's sheet XML is not in the expected form; update the generator")
	}
	return s[:i+len("<sheetData>")], s[j:], nil
}

// writeRow writes one <row> as excelize's ordinary API does.
func (w *workbookWriter) writeRow(num int, cells []any) {
	b := &w.sheet
	n := strconv.Itoa(num)
	b.WriteString(`<row r="` + n + `">`)
	for i, v := range cells {
		ref := string(rune('A'+i)) + n
		switch v := v.(type) {
		case string:
			b.WriteString(`<c r="` + ref + `" t="s"><v>` + strconv.Itoa(w.intern(v)) + `</v></c>`)
		case int:
			b.WriteString(`<c r="` + ref + `"><v>` + strconv.Itoa(v) + `</v></c>`)
		case float64:
			b.WriteString(`<c r="` + ref + `"><v>` + strconv.FormatFloat(v, 'f', -1, 64) + `</v></c>`)
		default:
			panic(fmt.Sprintf("writeRow: %T", v))
		}
	}
	b.WriteString(`</row>`)
}

func xmlEscape(w *bufio.Writer, s string) {
	for _, r := range s {
		switch r {
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		case '&':
			w.WriteString("&amp;")
		default:
			w.WriteRune(r)
		}
	}
}

// verify reads department d's workbook f back with excelize and checks its
// dimension, its row count, its title and a sample of rows cell for cell.
// It reads row by row: excelize's GetCellValue would parse the whole sheet
// into memory, which takes a minute for 200,000 rows.
func (c corpus) verify(d, f int) error {
	path := filepath.Join(c.deptDir(d), c.fileName(f))
	x, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	defer x.Close()
	want := fmt.Sprintf("A1:F%d", firstDataRow+c.spec.rows-1)
	if dim, err := x.GetSheetDimension("Sheet1"); err != nil || dim != want {
		return fmt.Errorf("%s: dimension %q (%v), want %q", path, dim, err, want)
	}
	rows, err := x.Rows("Sheet1")
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cols, err := rows.Columns()
		if err != nil {
			return err
		}
		if n == 1 && (len(cols) != 1 || cols[0] != c.title(d, f)) {
			return fmt.Errorf("%s: title row reads %q, want %q", path, cols, c.title(d, f))
		}
		r := n - firstDataRow
		if r < 0 || (r%97 != 0 && r != c.spec.rows-1) {
			continue
		}
		var exp []string
		for _, v := range c.row(d, f, r) {
			if x, ok := v.(float64); ok {
				exp = append(exp, strconv.FormatFloat(x, 'f', -1, 64))
			} else {
				exp = append(exp, fmt.Sprint(v))
			}
		}
		if strings.Join(cols, "|") != strings.Join(exp, "|") {
			return fmt.Errorf("%s: row %d reads %q, want %q", path, n, cols, exp)
		}
	}
	if n != firstDataRow+c.spec.rows-1 {
		return fmt.Errorf("%s: %d rows, want %d", path, n, firstDataRow+c.spec.rows-1)
	}
	return rows.Error()
}
