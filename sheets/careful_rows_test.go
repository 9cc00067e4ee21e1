package sheets

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCarefulStreamedRowsMatch: the careful reader gives the same sheets
// whether it reads a worksheet through excelize's cell API or streams its
// rows (forced here for every sheet), on the project's workbooks, the
// generated corpus (odd files the fast reader leaves to it included) and
// Apache POI's.
func TestCarefulStreamedRowsMatch(t *testing.T) {
	gen := t.TempDir()
	writeGenCorpus(t, gen)
	roots := []string{"testdata", filepath.Join("..", "examples"), gen}
	if poi := filepath.Join("..", "..", "shared", "corpora", "poi-other"); dirExists(poi) {
		roots = append(roots, poi)
	}
	compared := 0
	for _, f := range workbookFiles(t, roots...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if why, ok := streamedDiffers[filepath.Base(f)]; ok {
			t.Logf("%s: not compared: %s", filepath.Base(f), why)
			continue
		}
		want, werr := carefulSheets(f, data)
		got, gerr := carefulStreamed(f, data)
		switch {
		case werr != nil && gerr != nil:
		case werr != nil || gerr != nil:
			t.Errorf("%s: cell API: %v; streamed: %v", f, werr, gerr)
		default:
			if d := firstDifference(want, got); d != "" {
				t.Errorf("%s: streamed rows: %s", f, d)
			}
			compared++
		}
	}
	t.Logf("%d workbooks compared", compared)
}

// streamedDiffers are the generated workbooks on which streamed rows
// differ from the cell API's, and how.
var streamedDiffers = map[string]string{
	"fallback_merge_overlap.xlsx": "overlapping merged ranges are an error, where excelize joins them",
	"fallback_unordered.xlsx":     "rows out of order are an error, where excelize sorts them",
	"fallback_not_worksheet.xlsx": "a part whose root is <sheet> is read as a worksheet, where the cell API refuses it",
}

func carefulStreamed(name string, data []byte) (shs []Sheet, err error) {
	defer func() {
		if r := recover(); r != nil {
			shs, err = nil, errorf("careful reader panicked: %v", r)
		}
	}()
	return readXLSX(name, data, Limits{carefulStreamFrom: 1})
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// TestCarefulReaderMemoryBound: the careful reader reads a 10 MB workbook
// (400,000 rows) in a heap that does not grow with it: rows are streamed,
// not loaded into excelize's cell structures (which took 480 MB live for
// half of it). It measures memory, not time.
func TestCarefulReaderMemoryBound(t *testing.T) {
	if os.Getenv("SHEAF_SLOW") == "" {
		t.Skip("builds and reads a 400,000-row workbook (40 s): make test-slow runs it")
	}
	data := benchWorkbookB(t, 400_000)
	n := 0
	h := measureHeap(func(sample, collect func()) {
		err := readXLSXSheets("b.xlsx", data, Limits{}, func(SheetInfo) bool { return true }, func(Row) error {
			n++
			switch {
			case n%50_000 == 0:
				collect()
			case n%1000 == 0:
				sample()
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%d rows, %.1f MiB file: %v", n, float64(len(data))/(1<<20), h)
	if n < 400_000 {
		t.Errorf("%d rows read", n)
	}
	if h.alloc > 64<<20 || h.live > 16<<20 {
		t.Errorf("careful reader: %v, want under 64 MiB allocated and 16 MiB live", h)
	}
}

// TestFormulaBounds: formulas without a cached value are computed by both
// readers alike while the file is within the bounds, and left as the error
// "=formula" beyond: past the count, or in a file whose sheets are too
// large to load for computing.
func TestFormulaBounds(t *testing.T) {
	data := genCorpus(t)["uncached.xlsx"] // A1 1, B1 =A1*2 without a value
	for _, tc := range []struct {
		name string
		lim  Limits
		want string
	}{
		{"within", Limits{}, `{Ref:B1 Raw:"2" Kind:1`},
		{"sheets too large", Limits{calcSheetBytes: 1}, `{Ref:B1 Raw:"=A1*2" Kind:4`},
	} {
		for _, read := range []struct {
			name string
			fn   func() ([]Sheet, error)
		}{
			{"careful", func() ([]Sheet, error) { return readXLSX("u.xlsx", data, tc.lim) }},
			{"fast", func() ([]Sheet, error) {
				var out []Sheet
				err := streamXLSX("u.xlsx", data, tc.lim, func(i SheetInfo) bool { out = append(out, Sheet{SheetInfo: i}); return true },
					func(_ string, r Row) error { out[len(out)-1].Rows = append(out[len(out)-1].Rows, r); return nil })
				return out, err
			}},
		} {
			shs, err := read.fn()
			if err != nil {
				t.Fatalf("%s %s: %v", tc.name, read.name, err)
			}
			got := showCell(shs[0].Rows[0].Col(1))
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("%s %s: B1 %s, want %s…", tc.name, read.name, got, tc.want)
			}
		}
	}
	// At most n formulas a file.
	fc := newFormulaCalc(mustZip(t, data), data, Limits{calcFormulas: 1})
	defer fc.close()
	if v, ok := fc.value("S", "B1"); !ok || v != "2" {
		t.Errorf("first formula: %q %v", v, ok)
	}
	if _, ok := fc.value("S", "B1"); ok {
		t.Error("a second formula was computed past the bound of one")
	}
}

func mustZip(t *testing.T, data []byte) *zip.Reader {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	return zr
}
