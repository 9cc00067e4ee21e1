package storage

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// queriesWith is the embedded queries with edit applied to the text of
// each file.
func queriesWith(t *testing.T, edit func(name, text string) string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	names, err := fs.Glob(queryFiles, "queries/*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("no query files: %v", err)
	}
	for _, name := range names {
		b, err := fs.ReadFile(queryFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = &fstest.MapFile{Data: []byte(edit(name, string(b)))}
	}
	return out
}

// Every field of the queries struct needs its query and every query its
// field: a mismatch stops Open, naming it.
func TestOpenChecksQueriesAgainstTheStruct(t *testing.T) {
	tests := []struct {
		name string
		edit func(file, text string) string
		want string
	}{
		{"a field without a query", func(file, text string) string {
			return strings.Replace(text, "-- name: last-run-any\n", "-- name: last-run-all\n", 1)
		}, `no query "last-run-any" for field LastRunAny`},
		{"a query without a field", func(file, text string) string {
			if file != "queries/meta.sql" {
				return text
			}
			return text + "\n-- name: delete-meta\nDELETE FROM meta WHERE key = ?;\n"
		}, "no field takes query delete-meta"},
		{"a query given twice", func(file, text string) string {
			if file != "queries/runs.sql" {
				return text
			}
			return text + "\n-- name: get-meta\nSELECT value FROM meta WHERE key = ?;\n"
		}, `query "get-meta" is in both queries/meta.sql and queries/runs.sql`},
		{"a query with a typo", func(file, text string) string {
			return strings.Replace(text, "SELECT value FROM meta WHERE key = ?;", "SELECT value FROM mets WHERE key = ?;", 1)
		}, `prepare query "get-meta"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "sheaf.db")
			db, err := open(context.Background(), path, queriesWith(t, tt.edit))
			if err == nil {
				db.Close()
				t.Fatalf("open succeeded, want an error saying %s", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("open: %v\nwant it to say %s", err, tt.want)
			}
		})
	}
	t.Run("the queries as embedded", func(t *testing.T) {
		db, err := open(context.Background(), filepath.Join(t.TempDir(), "sheaf.db"), queriesWith(t, func(_, s string) string { return s }))
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	})
}
