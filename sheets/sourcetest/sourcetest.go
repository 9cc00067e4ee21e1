// Package sourcetest is the test suite every kind of sheets.Source passes:
// a folder today, Google Drive and Google Sheets later.
package sourcetest

import (
	"bytes"
	"context"
	"io"
	"sort"
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// Fixture is a source under test whose content the suite can change.
type Fixture interface {
	// Source returns the source as a sync would see it.
	Source() sheets.Source
	// Put creates or replaces a file; Remove deletes one.
	Put(t *testing.T, path string, data []byte)
	Remove(t *testing.T, path string)
	// Unreachable returns a source of the same kind that cannot be listed
	// (a folder that does not exist, a Drive folder without access).
	Unreachable(t *testing.T) sheets.Source
}

// Run runs the suite against fresh fixtures made by newFixture.
func Run(t *testing.T, newFixture func(t *testing.T) Fixture) {
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

func list(t *testing.T, s sheets.Source) sheets.Listing {
	t.Helper()
	l, err := s.List(context.Background())
	if err != nil {
		t.Fatalf("list %s: %v", s.Name(), err)
	}
	return l
}

func paths(l sheets.Listing) []string {
	var out []string
	for _, f := range l.Files {
		out = append(out, f.Path)
	}
	sort.Strings(out)
	return out
}

func keysOf(l sheets.Listing) map[string]string {
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
