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
const corpusVersion = "sheaf bench corpus v3"

// corpusModTime is every generated file's modification time: long past, so
// that no file is deferred as still being written.
var corpusModTime = time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)

// corpusSpec describes one generated corpus: departments, each with a
// source folder of workbooks in the long layout.
type corpusSpec struct {
	name       string // folder under the cache; the marker file names the spec too
	depts      int    // departments d000, d001, …, one source folder each
	files      int    // workbooks per department
	rows       int    // data rows per workbook
	indicators int    // rows cycle through codes bench.i000 … of this many indicators
	// stream writes the workbook part by part (for one very large workbook)
	// instead of through excelize's in-memory API.
	stream bool
}

var (
	// corpusA is 500 workbooks × 200 rows, written by excelize's ordinary
	// API as Excel and WPS write them: text in a shared-string table.
	corpusA = corpusSpec{name: "corpus-a", depts: 10, files: 50, rows: 200, indicators: 200}
	// corpusB is one workbook of 200,000 rows, and corpusB50k one of 50,000
	// to see whether memory stays flat as rows grow.
	corpusB    = corpusSpec{name: "corpus-b", depts: 1, files: 1, rows: 200_000, indicators: 2000, stream: true}
	corpusB50k = corpusSpec{name: "corpus-b-50k", depts: 1, files: 1, rows: 50_000, indicators: 2000, stream: true}
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

// row is data row r (0-based) of workbook f (0-based, over all departments):
// 指标编码, 指标名称, 年度, 数值, 单位, 备注. A department's files agree on
// every value they share, as the files of one department do, so that
// reconciling measures the reading, not thousands of version flags; no two
// workbooks have the same content all the same (titles and notes differ),
// so copies do not count once. A workbook that repeats an indicator
// (corpus B) repeats its value.
func (c corpus) row(f, r int) []any {
	k := (f*c.spec.rows + r) % c.spec.indicators
	d := f / c.spec.files
	value := float64((d*7919+k*104729)%10_000_000) / 10
	return []any{c.indicatorCode(k), c.indicatorName(k), 2024, value, "人", notes[(f+r)%len(notes)]}
}

func (c corpus) title(d, f int) string {
	return fmt.Sprintf("%s 2024年统计表（第%d份）", c.deptID(d), f+1)
}

var header = []any{"指标编码", "指标名称", "年度", "数值", "单位", "备注"}

// firstDataRow is the sheet row of the first data row: a title in row 1, a
// blank row, the header in row 3, as departments send them.
const firstDataRow = 4

// config is the corpus's sheaf.yaml, storing into dbPath: one department per
// source folder (absolute paths), indicators owned in turn by the
// departments, the period 2024, and a settle time of one second.
func (c corpus) config(dbPath string) string {
	var b strings.Builder
	b.WriteString("cycle: {name: 基准测试, period: \"2024\", timezone: Asia/Shanghai}\n")
	fmt.Fprintf(&b, "storage: {path: %s}\n", strconv.Quote(dbPath))
	b.WriteString("sync: {settle: 1s}\n")
	b.WriteString("departments:\n")
	for d := range c.spec.depts {
		fmt.Fprintf(&b, "  - {id: %s, name: 基准部门%s, sources: [{dir: %s, glob: \"*.xlsx\"}]}\n",
			c.deptID(d), c.deptID(d), strconv.Quote(c.deptDir(d)))
	}
	b.WriteString("indicators:\n")
	for k := range c.spec.indicators {
		fmt.Fprintf(&b, "  - {id: %s, name: %s, unit: 人, owner: %s}\n",
			c.indicatorCode(k), c.indicatorName(k), c.deptID(k%c.spec.depts))
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
	return fmt.Sprintf("%s\n%s: %d departments × %d workbooks × %d rows, %d indicators, stream=%v\n",
		corpusVersion, s.name, s.depts, s.files, s.rows, s.indicators, s.stream)
}

var corpusMu sync.Mutex

// ensureCorpus returns the corpus, generating it first unless the cache
// already holds it with the right marker.
func ensureCorpus(tb testing.TB, spec corpusSpec) corpus {
	tb.Helper()
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

// generate writes every workbook of the corpus, on all CPUs.
func (c corpus) generate() error {
	type job struct{ d, f int }
	jobs := make(chan job)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var err error
				path := filepath.Join(c.deptDir(j.d), c.fileName(j.f))
				g := j.d*c.spec.files + j.f
				if c.spec.stream {
					err = c.streamWorkbook(path, j.d, j.f, g)
				} else {
					err = c.workbook(path, j.d, j.f, g)
				}
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
	if c.spec.stream {
		// The streamed workbook is written without excelize: check that
		// excelize reads it back as meant.
		return c.verifyStreamed(filepath.Join(c.deptDir(0), c.fileName(0)))
	}
	return nil
}

// workbook writes one workbook with excelize's ordinary API, which keeps
// text in a shared-string table as Excel and WPS do. excelize leaves the
// sheet's <dimension> at "A1"; Excel writes the used range, and openpyxl's
// read-only mode trusts it, so it is set to the used range as Excel has it.
func (c corpus) workbook(path string, d, f, g int) error {
	x := excelize.NewFile()
	defer x.Close()
	const sh = "Sheet1"
	if err := x.SetCellValue(sh, "A1", c.title(d, f)); err != nil {
		return err
	}
	if err := x.SetSheetRow(sh, "A3", &header); err != nil {
		return err
	}
	for r := range c.spec.rows {
		row := c.row(g, r)
		cell, _ := excelize.CoordinatesToCellName(1, firstDataRow+r)
		if err := x.SetSheetRow(sh, cell, &row); err != nil {
			return err
		}
	}
	if err := x.SetSheetDimension(sh, fmt.Sprintf("A1:F%d", firstDataRow+c.spec.rows-1)); err != nil {
		return err
	}
	return x.SaveAs(path)
}

// streamWorkbook writes a workbook too large to build in memory: the
// package's other parts come from a small workbook excelize writes, and the
// sheet and its shared-string table are written here in the same form
// excelize's ordinary API gives them (t="s" cells indexing the table), with
// the used range in <dimension>. excelize's StreamWriter is not used because
// it writes every text cell as an inline string, which Excel does not.
func (c corpus) streamWorkbook(path string, d, f, g int) error {
	tpl, err := c.template(d, f)
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(tpl), int64(len(tpl)))
	if err != nil {
		return err
	}

	// The shared-string table: title, header, then every text a row uses.
	var table []string
	index := map[string]int{}
	intern := func(s string) int {
		i, ok := index[s]
		if !ok {
			i = len(table)
			index[s] = i
			table = append(table, s)
		}
		return i
	}
	intern(c.title(d, f))
	for _, h := range header {
		intern(h.(string))
	}

	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	var stringCells int
	for _, zf := range zr.File {
		switch zf.Name {
		case "xl/sharedStrings.xml":
			continue // written last, once every string is known
		case "xl/worksheets/sheet1.xml":
			head, tail, err := splitSheet(zf)
			if err != nil {
				return err
			}
			w, err := zw.Create(zf.Name)
			if err != nil {
				return err
			}
			bw := bufio.NewWriterSize(w, 1<<16)
			last := firstDataRow + c.spec.rows - 1
			bw.WriteString(strings.Replace(head, `<dimension ref="A1">`, fmt.Sprintf(`<dimension ref="A1:F%d">`, last), 1))
			stringCells += writeRow(bw, 1, []any{c.title(d, f)}, intern)
			stringCells += writeRow(bw, 3, header, intern)
			for r := range c.spec.rows {
				stringCells += writeRow(bw, firstDataRow+r, c.row(g, r), intern)
			}
			bw.WriteString(tail)
			if err := bw.Flush(); err != nil {
				return err
			}
		default:
			if err := zw.Copy(zf); err != nil {
				return err
			}
		}
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, stringCells, len(table))
	for _, s := range table {
		bw.WriteString("<si><t>")
		xmlEscape(bw, s)
		bw.WriteString("</t></si>")
	}
	bw.WriteString("</sst>")
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return out.Close()
}

// template is a small workbook excelize writes with the title and header,
// whose parts the streamed workbook reuses.
func (c corpus) template(d, f int) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetCellValue("Sheet1", "A1", c.title(d, f)); err != nil {
		return nil, err
	}
	if err := x.SetSheetRow("Sheet1", "A3", &header); err != nil {
		return nil, err
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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
		return "", "", errors.New("excelize's sheet XML is not in the expected form; update streamWorkbook")
	}
	return s[:i+len("<sheetData>")], s[j:], nil
}

// writeRow writes one <row> as excelize's ordinary API does and returns how
// many of its cells are shared strings.
func writeRow(w *bufio.Writer, num int, cells []any, intern func(string) int) (stringCells int) {
	n := strconv.Itoa(num)
	w.WriteString(`<row r="` + n + `">`)
	for i, v := range cells {
		ref := string(rune('A'+i)) + n
		switch v := v.(type) {
		case string:
			w.WriteString(`<c r="` + ref + `" t="s"><v>` + strconv.Itoa(intern(v)) + `</v></c>`)
			stringCells++
		case int:
			w.WriteString(`<c r="` + ref + `"><v>` + strconv.Itoa(v) + `</v></c>`)
		case float64:
			w.WriteString(`<c r="` + ref + `"><v>` + strconv.FormatFloat(v, 'f', -1, 64) + `</v></c>`)
		default:
			panic(fmt.Sprintf("writeRow: %T", v))
		}
	}
	w.WriteString(`</row>`)
	return stringCells
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

// verifyStreamed reads a streamed workbook back with excelize and checks its
// dimension, its row count and a sample of rows cell for cell.
func (c corpus) verifyStreamed(path string) error {
	x, err := excelize.OpenFile(path)
	if err != nil {
		return err
	}
	defer x.Close()
	want := fmt.Sprintf("A1:F%d", firstDataRow+c.spec.rows-1)
	if dim, err := x.GetSheetDimension("Sheet1"); err != nil || dim != want {
		return fmt.Errorf("dimension %q (%v), want %q", dim, err, want)
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
		r := n - firstDataRow
		if r < 0 || r%997 != 0 {
			continue
		}
		var exp []string
		for _, v := range c.row(0, r) {
			if f, ok := v.(float64); ok {
				exp = append(exp, strconv.FormatFloat(f, 'f', -1, 64))
			} else {
				exp = append(exp, fmt.Sprint(v))
			}
		}
		if strings.Join(cols, "|") != strings.Join(exp, "|") {
			return fmt.Errorf("row %d reads %q, want %q", n, cols, exp)
		}
	}
	if n != firstDataRow+c.spec.rows-1 {
		return fmt.Errorf("%d rows, want %d", n, firstDataRow+c.spec.rows-1)
	}
	return rows.Error()
}
