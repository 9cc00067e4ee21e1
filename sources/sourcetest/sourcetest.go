// Package sourcetest is the test suite every kind of sources.Source passes:
// a folder, a Google Drive folder, a Google Sheet.
package sourcetest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
	"github.com/sheaf-dev/sheaf/sources"
	"github.com/xuri/excelize/v2"
)

// Fixture is a source under test whose content the suite can change.
type Fixture interface {
	// Source returns the source as a sync would see it.
	Source() sources.Source
	// Put creates or replaces a file; Remove deletes one.
	Put(t *testing.T, path string, data []byte)
	Remove(t *testing.T, path string)
	// Unreachable returns a source of the same kind that cannot be listed
	// (a folder that does not exist, a Drive folder without access).
	Unreachable(t *testing.T) sources.Source
}

// Run runs the suite against fresh fixtures made by newFixture.
// A fixture that is OneSpreadsheet runs the suite for one spreadsheet.
func Run(t *testing.T, newFixture func(t *testing.T) Fixture) {
	if _, ok := newFixture(t).(OneSpreadsheet); ok {
		runSpreadsheet(t, newFixture)
		return
	}
	ctx := context.Background()
	a := []byte("PK\x03\x04 first workbook")
	b := []byte("PK\x03\x04 second workbook, longer")

	t.Run("lists spreadsheets with size and change key", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "教育局/2024年报表.xlsx", a)
		f.Put(t, "统计.csv", b)
		l := list(t, f.Source())
		if !l.Complete {
			t.Fatal("listing not complete")
		}
		got := paths(l)
		want := []string{"统计.csv", "教育局/2024年报表.xlsx"}
		sort.Strings(want)
		if !equal(got, want) {
			t.Fatalf("listed %v, want %v", got, want)
		}
		for _, r := range l.Files {
			if r.ChangeKey == "" || r.ModTime.IsZero() {
				t.Errorf("%s: change key %q, mod time %v", r.Path, r.ChangeKey, r.ModTime)
			}
			if want := int64(len(map[string][]byte{"统计.csv": b, "教育局/2024年报表.xlsx": a}[r.Path])); r.Size != want {
				t.Errorf("%s: size %d, want %d", r.Path, r.Size, want)
			}
		}
	})

	t.Run("opens the exact content", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		l := list(t, f.Source())
		rc, err := f.Source().Open(ctx, l.Files[0])
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		got, err := io.ReadAll(rc)
		if err != nil || !bytes.Equal(got, a) {
			t.Fatalf("content %q, %v; want %q", got, err, a)
		}
	})

	t.Run("change key follows content", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		f.Put(t, "copy of a.xlsx", a)
		f.Put(t, "b.xlsx", b)
		keys := keysOf(list(t, f.Source()))
		if keys["a.xlsx"] != keys["copy of a.xlsx"] {
			t.Errorf("identical content, different keys: %v", keys)
		}
		if keys["a.xlsx"] == keys["b.xlsx"] {
			t.Errorf("different content, same key: %v", keys)
		}
		before := keys["a.xlsx"]
		if again := keysOf(list(t, f.Source()))["a.xlsx"]; again != before {
			t.Errorf("unchanged file changed key: %s → %s", before, again)
		}
		f.Put(t, "a.xlsx", b)
		if after := keysOf(list(t, f.Source()))["a.xlsx"]; after == before {
			t.Errorf("rewritten file kept its key %s", before)
		}
	})

	t.Run("removed files are no longer listed", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		f.Put(t, "b.xlsx", b)
		f.Remove(t, "a.xlsx")
		if got := paths(list(t, f.Source())); !equal(got, []string{"b.xlsx"}) {
			t.Fatalf("listed %v after removing a.xlsx", got)
		}
	})

	t.Run("lock, hidden and temporary files are ignored", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "报表.xlsx", a)
		f.Put(t, "~$报表.xlsx", []byte("\x05owner"))
		f.Put(t, ".~lock.报表.xlsx#", []byte("lock"))
		f.Put(t, "报表.xlsx.tmp", a)
		f.Put(t, "说明.docx", b)
		if got := paths(list(t, f.Source())); !equal(got, []string{"报表.xlsx"}) {
			t.Fatalf("listed %v, want only 报表.xlsx", got)
		}
	})

	t.Run("an unreachable source is an error, not an empty listing", func(t *testing.T) {
		f := newFixture(t)
		l, err := f.Unreachable(t).List(ctx)
		if err == nil {
			t.Fatalf("listing an unreachable source gave %d files and no error", len(l.Files))
		}
	})

	t.Run("opening a file that is gone is an error", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		l := list(t, f.Source())
		f.Remove(t, "a.xlsx")
		rc, err := f.Source().Open(ctx, l.Files[0])
		if err == nil {
			rc.Close()
			t.Fatal("opened a removed file")
		}
	})
}

func list(t *testing.T, s sources.Source) sources.Listing {
	t.Helper()
	l, err := s.List(context.Background())
	if err != nil {
		t.Fatalf("list %s: %v", s.Name(), err)
	}
	return l
}

func paths(l sources.Listing) []string {
	var out []string
	for _, f := range l.Files {
		out = append(out, f.Path)
	}
	sort.Strings(out)
	return out
}

func keysOf(l sources.Listing) map[string]string {
	out := map[string]string{}
	for _, f := range l.Files {
		out[f.Path] = f.ChangeKey
	}
	return out
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// OneSpreadsheet is implemented by a fixture whose source is one
// spreadsheet rather than a folder (a Google Sheet). Its Put receives a
// real workbook and replaces the spreadsheet's content; Remove deletes the
// spreadsheet. The source lists one file and Open returns a workbook
// rebuilt from the values, so it is checked cell by cell, not byte by byte.
type OneSpreadsheet interface {
	Fixture
	// OneSpreadsheet marks the kind.
	OneSpreadsheet()
}

// runSpreadsheet is the suite for a source that is one spreadsheet.
func runSpreadsheet(t *testing.T, newFixture func(t *testing.T) Fixture) {
	ctx := context.Background()
	a := workbook(t, map[string][][]any{"汇总": {{"指标", "2024年"}, {"学校数", 4141}, {"在校生", "3.6万"}}})
	b := workbook(t, map[string][][]any{"汇总": {{"指标", "2024年"}, {"学校数", 4142}}, "附表": {{"说明", "修订"}}})

	t.Run("lists the spreadsheet with a change key", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "2024年报表.xlsx", a)
		l := list(t, f.Source())
		if !l.Complete || len(l.Files) != 1 {
			t.Fatalf("listing %+v, want one file, complete", l)
		}
		if r := l.Files[0]; r.Path != "2024年报表.xlsx" || r.ChangeKey == "" || r.ModTime.IsZero() {
			t.Errorf("listed %+v", r)
		}
	})

	t.Run("opens the same cells", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		l := list(t, f.Source())
		rc, err := f.Source().Open(ctx, l.Files[0])
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		got, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := cells(t, got), cells(t, a); g != w {
			t.Fatalf("cells read:\n%s\nwant:\n%s", g, w)
		}
	})

	t.Run("change key follows content", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		before := list(t, f.Source()).Files[0].ChangeKey
		if again := list(t, f.Source()).Files[0].ChangeKey; again != before {
			t.Errorf("unchanged spreadsheet changed key: %s → %s", before, again)
		}
		f.Put(t, "a.xlsx", b)
		if after := list(t, f.Source()).Files[0].ChangeKey; after == before {
			t.Errorf("rewritten spreadsheet kept its key %s", before)
		}
	})

	t.Run("a removed spreadsheet is an error, not an empty listing", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		f.Remove(t, "a.xlsx")
		if l, err := f.Source().List(ctx); err == nil {
			t.Fatalf("listing a removed spreadsheet gave %d files and no error", len(l.Files))
		}
	})

	t.Run("an unreachable source is an error, not an empty listing", func(t *testing.T) {
		f := newFixture(t)
		if l, err := f.Unreachable(t).List(ctx); err == nil {
			t.Fatalf("listing an unreachable source gave %d files and no error", len(l.Files))
		}
	})

	t.Run("opening a spreadsheet that is gone is an error", func(t *testing.T) {
		f := newFixture(t)
		f.Put(t, "a.xlsx", a)
		l := list(t, f.Source())
		f.Remove(t, "a.xlsx")
		rc, err := f.Source().Open(ctx, l.Files[0])
		if err == nil {
			rc.Close()
			t.Fatal("opened a removed spreadsheet")
		}
	})
}

// workbook builds an .xlsx with the given sheets (in name order) and rows.
func workbook(t *testing.T, content map[string][][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	names := make([]string, 0, len(content))
	for name := range content {
		names = append(names, name)
	}
	sort.Strings(names)
	for i, name := range names {
		if i == 0 {
			f.SetSheetName("Sheet1", name)
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range content[name] {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cells lists a workbook's cells as the reader sees them, one per line:
// sheet!A1 kind raw.
func cells(t *testing.T, data []byte) string {
	t.Helper()
	wb, err := sheets.ReadWorkbook("w.xlsx", data, sheets.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range wb {
		for _, r := range s.Rows {
			for _, c := range r.Cells {
				if c.Kind != sheets.CellEmpty {
					out = append(out, fmt.Sprintf("%s!%s %d %s", s.Name, c.Ref, c.Kind, c.Raw))
				}
			}
		}
	}
	return strings.Join(out, "\n")
}
