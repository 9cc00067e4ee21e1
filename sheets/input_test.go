package sheets

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
)

// streamBoth reads data with StreamWorkbook (in memory) and with StreamFile
// (from a file on disk) and returns what each gave.
func streamBoth(t *testing.T, name string, data []byte) (mem, file streamed) {
	t.Helper()
	mem.h = &recordHandler{}
	mem.st, mem.err = StreamWorkbook(name, data, Limits{}, mem.h)
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file.h = &recordHandler{}
	file.st, file.err = StreamFile(name, f, int64(len(data)), Limits{}, file.h)
	return mem, file
}

type streamed struct {
	h   *recordHandler
	st  StreamStats
	err error
}

func (s streamed) String() string {
	return fmt.Sprintf("stats %+v, error %v, %d rows, log %q", s.st, s.err, len(s.h.rows), s.h.log)
}

// TestStreamFileReadsAsStreamWorkbook: a workbook read where it lies gives
// every sheet, row, cell, outcome and error that the same bytes in memory
// give: every fixture, whatever wrote it, and files that are not workbooks
// or that the fast reader hands to the careful one.
func TestStreamFileReadsAsStreamWorkbook(t *testing.T) {
	cases := map[string][]byte{}
	err := filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "fuzz" {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".xlsx", ".xlsm", ".xls", ".csv", ".et":
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			cases[strings.ReplaceAll(p, string(filepath.Separator), "_")] = data
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 20 {
		t.Fatalf("only %d fixtures found", len(cases))
	}
	small, err := os.ReadFile("testdata/small.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	cases["empty.xlsx"] = nil
	cases["half.xlsx"] = small[:len(small)/2]
	cases["page.xls"] = []byte("<html><body><table><tr><td>1</td></tr></table></body></html>")
	cases["renamed.ods"] = small
	cases["renamed.csv"] = small
	cases["binary.xlsx"] = withEntry(t, small, "xl/workbook.bin", []byte("binary"))
	// An embedded object's OLE signature sends the file to the careful
	// reader; so does a formula without a cached value.
	cases["embedded.xlsx"] = withEntry(t, small, "xl/embeddings/oleObject1.bin", append(append([]byte("x"), oleMagic...), "rest"...))
	cases["formulas.xlsx"] = excelizeShapesBook(t, true)
	cases["shapes.xlsx"] = excelizeShapesBook(t, false)
	fellBack := 0
	for name, data := range cases {
		if strings.HasSuffix(name, "~$lo_cases.xlsx") {
			continue
		}
		mem, file := streamBoth(t, filepath.Base(name), data)
		if mem.st.FellBack {
			fellBack++
		}
		if !reflect.DeepEqual(mem.h.rows, file.h.rows) || !reflect.DeepEqual(mem.h.log, file.h.log) ||
			mem.st != file.st || fmt.Sprint(mem.err) != fmt.Sprint(file.err) {
			t.Errorf("%s:\nin memory   %s\nwhere it is %s", name, mem, file)
		}
	}
	if fellBack == 0 {
		t.Error("no case went to the careful reader")
	}
}

// withEntry is the package data with one more entry, stored uncompressed.
func withEntry(t *testing.T, data []byte, name string, content []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(content)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// readsAt records the largest single read of a file.
type readsAt struct {
	r       io.ReaderAt
	mu      sync.Mutex
	largest int
	total   int64
}

func (r *readsAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	r.mu.Lock()
	r.largest = max(r.largest, len(p))
	r.total += int64(n)
	r.mu.Unlock()
	return n, err
}

// streamedBook writes, with excelize's stream writer, a workbook whose
// sheets each have a header and rows-1 rows of an indicator, a year, a
// number and a note.
func streamedBook(t *testing.T, rows int, sheets ...string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for _, sh := range sheets[1:] {
		f.NewSheet(sh)
	}
	for _, sh := range sheets {
		sw, err := f.NewStreamWriter(sh)
		if err != nil {
			t.Fatal(err)
		}
		sw.SetRow("A1", []any{"指标", "年度", "数值", "说明"})
		for i := 2; i <= rows; i++ {
			sw.SetRow(fmt.Sprintf("A%d", i), []any{fmt.Sprintf("指标%05d", i), 2024, i * 7, fmt.Sprintf("说明文字%x", i*7919)})
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestStreamFileDoesNotHoldTheFile: a 3 MB workbook the fast reader reads
// is read in windows of at most 64 KB, never whole.
func TestStreamFileDoesNotHoldTheFile(t *testing.T) {
	data := streamedBook(t, 60_000, "Sheet1")
	if len(data) < 1<<20 {
		t.Fatalf("the workbook is only %d bytes", len(data))
	}
	r := &readsAt{r: bytes.NewReader(data)}
	h := &recordHandler{}
	st, err := StreamFile("big.xlsx", r, int64(len(data)), Limits{}, h)
	if err != nil || st.FellBack || len(h.rows) != 60_000 {
		t.Fatalf("%v %+v, %d rows", err, st, len(h.rows))
	}
	if last := h.rows[len(h.rows)-1]; len(last.Cells) < 3 || last.Cells[2].Raw != fmt.Sprint(60_000*7) {
		t.Fatalf("last row %+v", last)
	}
	if r.largest > 64<<10+len(oleMagic) {
		t.Errorf("largest read %d bytes of a %d-byte file; want windows of at most 64 KB", r.largest, len(data))
	}
}

// TestInputContainsAcrossWindows: a signature is found wherever it lies,
// across the boundary of two windows too, and never where it is not.
func TestInputContainsAcrossWindows(t *testing.T) {
	const window = 64 << 10
	for _, size := range []int{0, 5, window - 1, window, window + 3, 3*window + 11} {
		for _, at := range []int{-1, 0, 1, window - 8, window - 7, window - 4, window - 1, window, 2*window - 3, size - len(oleMagic)} {
			data := bytes.Repeat([]byte{0xD0}, size) // the signature's first byte, to tempt a careless match
			if at >= 0 && at+len(oleMagic) <= size {
				copy(data[at:], oleMagic)
			} else {
				at = -1
			}
			in := input{at: &readsAt{r: bytes.NewReader(data)}, size: int64(size)}
			got, err := in.contains(oleMagic)
			if want := at >= 0; got != want || err != nil {
				t.Errorf("size %d, signature at %d: contains %v, %v; want %v", size, at, got, err, want)
			}
		}
	}
	// A file shorter than its size says is an error, not "not found".
	in := input{at: bytes.NewReader(make([]byte, 10)), size: 100}
	if _, err := in.contains(oleMagic); err == nil {
		t.Error("a short file: no error")
	}
}

// failOnce fails the nth read that touches [from, to) of the file (the
// first is the scan for an OLE signature), as a network share may fail
// one read and not the next.
type failOnce struct {
	r        io.ReaderAt
	from, to int64
	nth      int
	mu       sync.Mutex
	seen     int
	failed   bool
}

func (f *failOnce) ReadAt(p []byte, off int64) (int, error) {
	f.mu.Lock()
	if off < f.to && off+int64(len(p)) > f.from {
		f.seen++
	}
	fail := !f.failed && f.seen == f.nth
	f.failed = f.failed || fail
	f.mu.Unlock()
	if fail {
		return 0, errors.New("input/output error")
	}
	return f.r.ReadAt(p, off)
}

// TestStreamFileFailsTheFileOnAFailedRead: a read of the file that fails
// once, inside the second sheet, fails the whole file. A careless reader
// calls that sheet damaged, reads the package again for the other sheet,
// and stores the file as read with half its values; the hash checked
// after the read matches, since the file never changed.
func TestStreamFileFailsTheFileOnAFailedRead(t *testing.T) {
	data := streamedBook(t, 20_000, "Sheet1", "Two")
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, zf := range zr.File {
		if zf.Name != "xl/worksheets/sheet2.xml" {
			continue
		}
		off, err := zf.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		// Past the sheet's start, so that its first rows are given first.
		mid := off + int64(zf.CompressedSize64)/2
		// The scan for an OLE signature, the prescan of the sheet, its
		// reading: a failure in each.
		for nth := 1; nth <= 3; nth++ {
			h := &recordHandler{}
			r := &failOnce{r: bytes.NewReader(data), from: mid, to: mid + 1, nth: nth}
			st, err := StreamFile("two.xlsx", r, int64(len(data)), Limits{}, h)
			var ue *UnreadableError
			if !r.failed || !errors.As(err, &ue) || !strings.Contains(ue.Reason, "读取文件时出错") {
				t.Errorf("read %d failed (%v): %+v, %v, %d rows; want the file unreadable", nth, r.failed, st, err, len(h.rows))
			}
		}
		return
	}
	t.Fatal("no second sheet")
}
