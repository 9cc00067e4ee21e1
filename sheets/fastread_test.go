package sheets

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sheaf-dev/sheaf/sheets/xmlscan"
	"github.com/xuri/excelize/v2"
)

// The benchmark workbooks are made as the jobs package's corpora make them
// (jobs/corpus_test.go): corpus A's workbooks by excelize's ordinary API
// (text in the shared-string table), corpus B's large one part by part in
// the same form.

var benchNotes = []string{"快报数", "年报数", "含非全日制", "按常住人口口径", "已核实"}

// benchRow is data row r (0-based) of workbook f: 指标编码, 指标名称, 年度,
// 数值, 单位, 备注.
func benchRow(f, r, rows, indicators int) []any {
	k := (f*rows + r) % indicators
	value := float64((f*7919+r*104729)%10_000_000) / 10
	return []any{fmt.Sprintf("bench.i%03d", k), fmt.Sprintf("基准指标%03d", k), 2024, value, "人", benchNotes[(f+r)%len(benchNotes)]}
}

var benchHeader = []any{"指标编码", "指标名称", "年度", "数值", "单位", "备注"}

// benchWorkbookA is one of corpus A's workbooks: a title in row 1, the
// header in row 3, 200 data rows from row 4.
func benchWorkbookA(tb testing.TB, f int) []byte {
	tb.Helper()
	x := excelize.NewFile()
	defer x.Close()
	const sh, rows = "Sheet1", 200
	if err := x.SetCellValue(sh, "A1", fmt.Sprintf("d000 2024年统计表（第%d份）", f+1)); err != nil {
		tb.Fatal(err)
	}
	if err := x.SetSheetRow(sh, "A3", &benchHeader); err != nil {
		tb.Fatal(err)
	}
	for r := range rows {
		row := benchRow(f, r, rows, 200)
		if err := x.SetSheetRow(sh, "A"+strconv.Itoa(4+r), &row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := x.SetSheetDimension(sh, fmt.Sprintf("A1:F%d", 3+rows)); err != nil {
		tb.Fatal(err)
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var (
	benchB     = map[int][]byte{}
	benchBLock sync.Mutex
)

// benchWorkbookB is corpus B's workbook with rows data rows (2,000
// indicators), made once per size.
func benchWorkbookB(tb testing.TB, rows int) []byte {
	tb.Helper()
	benchBLock.Lock()
	defer benchBLock.Unlock()
	if b, ok := benchB[rows]; ok {
		return b
	}
	tpl := excelize.NewFile()
	defer tpl.Close()
	if err := tpl.SetCellValue("Sheet1", "A1", "d000 2024年统计表（第1份）"); err != nil {
		tb.Fatal(err)
	}
	tbuf, err := tpl.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(tbuf.Bytes()), int64(tbuf.Len()))
	if err != nil {
		tb.Fatal(err)
	}
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
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	writeRow := func(w *bufio.Writer, num int, cells []any) {
		n := strconv.Itoa(num)
		w.WriteString(`<row r="` + n + `">`)
		for i, v := range cells {
			ref := string(rune('A'+i)) + n
			switch v := v.(type) {
			case string:
				w.WriteString(`<c r="` + ref + `" t="s"><v>` + strconv.Itoa(intern(v)) + `</v></c>`)
			case int:
				w.WriteString(`<c r="` + ref + `"><v>` + strconv.Itoa(v) + `</v></c>`)
			case float64:
				w.WriteString(`<c r="` + ref + `"><v>` + strconv.FormatFloat(v, 'f', -1, 64) + `</v></c>`)
			}
		}
		w.WriteString(`</row>`)
	}
	for _, zf := range zr.File {
		switch zf.Name {
		case "xl/sharedStrings.xml":
			continue
		case "xl/worksheets/sheet1.xml":
			rc, err := zf.Open()
			if err != nil {
				tb.Fatal(err)
			}
			data, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				tb.Fatal(err)
			}
			s := string(data)
			i, j := strings.Index(s, "<sheetData>"), strings.Index(s, "</sheetData>")
			w, err := zw.Create(zf.Name)
			if err != nil {
				tb.Fatal(err)
			}
			bw := bufio.NewWriterSize(w, 1<<16)
			bw.WriteString(strings.Replace(s[:i+len("<sheetData>")], `<dimension ref="A1">`, fmt.Sprintf(`<dimension ref="A1:F%d">`, 3+rows), 1))
			writeRow(bw, 1, []any{"d000 2024年统计表（第1份）"})
			writeRow(bw, 3, benchHeader)
			for r := range rows {
				writeRow(bw, 4+r, benchRow(0, r, rows, 2000))
			}
			bw.WriteString(s[j:])
			if err := bw.Flush(); err != nil {
				tb.Fatal(err)
			}
		default:
			if err := zw.Copy(zf); err != nil {
				tb.Fatal(err)
			}
		}
	}
	w, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		tb.Fatal(err)
	}
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(table), len(table))
	for _, s := range table {
		io.WriteString(w, "<si><t>")
		xml.EscapeText(w, []byte(s))
		io.WriteString(w, "</t></si>")
	}
	io.WriteString(w, "</sst>")
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	benchB[rows] = out.Bytes()
	return benchB[rows]
}

// sheetXMLSize is the decompressed size of the workbook's first sheet.
func sheetXMLSize(data []byte) int64 {
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			return int64(f.UncompressedSize64)
		}
	}
	return 0
}

// countRows reads data with the fast reader, keeping nothing.
func countRows(tb testing.TB, data []byte) (rows, cells int) {
	err := streamXLSX("bench.xlsx", data, Limits{}, func(SheetInfo) bool { return true }, func(_ string, r Row) error {
		rows++
		cells += len(r.Cells)
		return nil
	})

	if err != nil {
		tb.Fatal(err)
	}
	return rows, cells
}

// BenchmarkReadWorkbook compares the fast reader with the careful one on a
// corpus A workbook (200 rows × 6 columns, shared strings) and on corpus
// B's workbook (200,000 rows). MB/s is of the decompressed sheet XML.
func BenchmarkReadWorkbook(b *testing.B) {
	for _, size := range []struct {
		name string
		data func(testing.TB) []byte
	}{
		{"A-200rows", func(tb testing.TB) []byte { return benchWorkbookA(tb, 7) }},
		{"B-200000rows", func(tb testing.TB) []byte { return benchWorkbookB(tb, 200_000) }},
	} {
		for _, reader := range []string{"stream", "careful"} {
			b.Run(size.name+"/"+reader, func(b *testing.B) {
				data := size.data(b)
				rows, _ := countRows(b, data)
				b.SetBytes(sheetXMLSize(data))
				b.ReportAllocs()
				for b.Loop() {
					if reader == "stream" {
						countRows(b, data)
					} else if _, err := readXLSX("bench.xlsx", data, Limits{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
			})
		}
	}
}

// heapPeaks is what the heap reached while a workbook was read, above
// where it stood before: alloc is the largest HeapAlloc sampled (garbage
// not yet collected included, as the GC paces it), live the largest heap
// left after a collection.
type heapPeaks struct{ alloc, live uint64 }

func (h heapPeaks) String() string {
	return fmt.Sprintf("peak %.1f MiB allocated, %.1f MiB live", float64(h.alloc)/(1<<20), float64(h.live)/(1<<20))
}

// measureHeap runs read, which calls sample now and then (every few
// thousand rows) and collect less often.
func measureHeap(read func(sample, collect func())) heapPeaks {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var h heapPeaks
	sample := func() {
		runtime.ReadMemStats(&ms)
		h.alloc = max(h.alloc, ms.HeapAlloc-min(base, ms.HeapAlloc))
	}
	collect := func() {
		sample()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		h.live = max(h.live, ms.HeapAlloc-min(base, ms.HeapAlloc))
	}
	read(sample, collect)
	sample()
	return h
}

// streamHeap is the fast reader's heap on data, rows dropped as they come.
func streamHeap(tb testing.TB, data []byte) heapPeaks {
	return measureHeap(func(sample, collect func()) {
		n := 0
		err := streamXLSX("bench.xlsx", data, Limits{}, func(SheetInfo) bool { return true }, func(string, Row) error {
			n++
			switch {
			case n%25_000 == 0:
				collect()
			case n%1000 == 0:
				sample()
			}
			return nil
		})

		if err != nil {
			tb.Fatal(err)
		}
	})
}

// TestStreamMemoryFlat: reading corpus B's workbook takes a heap that does
// not grow with the rows (50,000 against 200,000) and stays well under
// 64 MB. It measures memory, not time.
func TestStreamMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 200,000-row workbook")
	}
	small, large := benchWorkbookB(t, 50_000), benchWorkbookB(t, 200_000)
	h50, h200 := streamHeap(t, small), streamHeap(t, large)
	t.Logf("heap above the workbook's own bytes (%.1f and %.1f MiB): 50,000 rows: %v; 200,000 rows: %v",
		float64(len(small))/(1<<20), float64(len(large))/(1<<20), h50, h200)
	if h200.alloc > 32<<20 {
		t.Errorf("200,000 rows: %v", h200)
	}
	if h200.live > h50.live+(1<<20) {
		t.Errorf("the live heap grows with rows: %v for 50,000, %v for 200,000", h50, h200)
	}
}

// BenchmarkPeakHeap reports each reader's heap on corpus B's workbook, at
// 50,000 and 200,000 rows (the careful reader is sampled once it is done,
// holding every row).
func BenchmarkPeakHeap(b *testing.B) {
	for _, rows := range []int{50_000, 200_000} {
		b.Run(fmt.Sprintf("%d/stream", rows), func(b *testing.B) {
			data := benchWorkbookB(b, rows)
			var h heapPeaks
			for b.Loop() {
				h = streamHeap(b, data)
			}
			b.ReportMetric(float64(h.alloc)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(h.live)/(1<<20), "live-MiB")
		})
		b.Run(fmt.Sprintf("%d/careful", rows), func(b *testing.B) {
			data := benchWorkbookB(b, rows)
			var h heapPeaks
			for b.Loop() {
				h = measureHeap(func(_, collect func()) {
					shs, err := readXLSX("bench.xlsx", data, Limits{})
					if err != nil {
						b.Fatal(err)
					}
					collect()
					runtime.KeepAlive(shs)
				})
			}
			b.ReportMetric(float64(h.alloc)/(1<<20), "peak-MiB")
			b.ReportMetric(float64(h.live)/(1<<20), "live-MiB")
		})
	}
}

// TestStreamBenchWorkbooksAgree: the benchmark workbooks read the same by
// both readers.
func TestStreamBenchWorkbooksAgree(t *testing.T) {
	data := benchWorkbookA(t, 3)
	want, err := readXLSX("a.xlsx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := streamSheets("a.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if d := firstDifference(want, got); d != "" {
		t.Fatal(d)
	}
	if n := len(got[0].Rows); n != 202 {
		t.Errorf("%d rows", n)
	}
}

// scanChunk is the scanner's buffer, for tests that put XML against its
// edge.
const scanChunk = xmlscan.BufferSize

func TestBstrDecode(t *testing.T) {
	for in, want := range map[string]string{
		"_x000D_":        "\r",
		"a_x005F_x0041_": "a_x0041_",
		"_x005f_":        "_",
		"_xD800_x":       "x",
		"_x4e2d_文":       "中文",
		"_x12_":          "_x12_",
		"__x0041__":      "_A_",
		"no escapes":     "no escapes",
	} {
		if got := bstrDecode(in); got != want {
			t.Errorf("bstrDecode(%q) = %q, want %q", in, got, want)
		}
	}
}
