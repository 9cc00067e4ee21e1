package storage

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "sheaf.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// olderDB creates the database at path as the migrations before stop
// (a name such as "migrations/0015") leave it, for a test to fill before
// Open upgrades it. The caller closes it.
func olderDB(t testing.TB, path, stop string) *sqlx.DB {
	t.Helper()
	sdb, err := sqlx.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{db: sdb, Now: time.Now}
	if err := old.migrateBefore(context.Background(), stop); err != nil {
		sdb.Close()
		t.Fatal(err)
	}
	return sdb
}

// upgrade closes an olderDB and opens it with Open, which migrates it.
func upgrade(t testing.TB, sdb *sqlx.DB, path string) *DB {
	t.Helper()
	sdb.Close()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenTwiceRunsMigrationsOnce(t *testing.T) {
	db, path := openTest(t)
	db.Close()
	db2, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db2.Close()
	files, _ := fs.Glob(migrations, "migrations/*.sql")
	var n int
	if err := db2.db.Get(&n, `SELECT count(*) FROM migrations`); err != nil || n != len(files) || n < 2 {
		t.Fatalf("migrations recorded = %d, %v; want one per file (%d)", n, err, len(files))
	}
	var mode string
	db2.db.Get(&mode, `PRAGMA journal_mode`)
	var fk int
	db2.db.Get(&fk, `PRAGMA foreign_keys`)
	if mode != "wal" || fk != 1 {
		t.Errorf("journal_mode %s foreign_keys %d, want wal 1", mode, fk)
	}
}

func TestFlagLifecycle(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	missing := sheaf.Flag{Kind: "missing", Severity: "error", Department: "edu", Indicator: "schools.total", Period: "2024", Message: "未报送"}
	gone := sheaf.Flag{Kind: "missing", Severity: "error", Department: "edu", Indicator: "old.indicator", Period: "2024", Message: "未报送"}
	obsolete := func(ind, rule string) bool { return ind == "old.indicator" }

	steps := []struct {
		name  string
		flags []sheaf.Flag
		want  FlagChanges
		state map[string]string
	}{
		{"opened", []sheaf.Flag{missing, gone}, FlagChanges{Opened: 2}, map[string]string{"schools.total": "open", "old.indicator": "open"}},
		{"still true", []sheaf.Flag{missing, gone}, FlagChanges{}, map[string]string{"schools.total": "open", "old.indicator": "open"}},
		{"fixed, and an indicator removed", nil, FlagChanges{Resolved: 1, Obsolete: 1}, map[string]string{"schools.total": "resolved", "old.indicator": "obsolete"}},
		{"broken again", []sheaf.Flag{missing}, FlagChanges{Reopened: 1}, map[string]string{"schools.total": "open", "old.indicator": "obsolete"}},
	}
	for _, st := range steps {
		now = now.Add(time.Hour)
		ch, err := db.SaveResult(ctx, reconcile.Result{Flags: st.flags}, SaveOptions{IsObsolete: obsolete})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if ch != st.want {
			t.Errorf("%s: changes %+v, want %+v", st.name, ch, st.want)
		}
		flags, err := db.Flags(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range flags {
			if st.state[f.Indicator] != string(f.State) {
				t.Errorf("%s: %s is %s, want %s", st.name, f.Indicator, f.State, st.state[f.Indicator])
			}
		}
	}
	var events int
	db.db.Get(&events, `SELECT count(*) FROM flag_events`)
	if events != 5 { // 2 opened, 1 resolved, 1 obsolete, 1 reopened
		t.Errorf("%d flag events, want 5", events)
	}
}

// TestOpenAfterAPermissionFix: -wal and -shm files left read-only by a
// `chmod 444` of the database get its permissions back at the next open.
func TestOpenAfterAPermissionFix(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sheaf.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	held, err := Open(ctx, path) // keeps -wal and -shm in place
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	db.Close()
	for _, side := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(side, 0o444); err != nil {
			t.Fatal(err)
		}
	}
	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open after the permission fix: %v", err)
	}
	db.Close()
	for _, side := range []string{path + "-wal", path + "-shm"} {
		st, err := os.Stat(side)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o200 == 0 {
			t.Errorf("%s is still read-only: %v", filepath.Base(side), st.Mode())
		}
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(path, 0o644)
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "chmod u+w "+path) {
		t.Errorf("opening a read-only database: %v", err)
	}
}

// TestManyFlagsOpenInOneSave: flags opened in batches (a cycle nobody has
// sent anything for yet) each get their own id, row and "open" event with
// their own message; the events of one save are in the order the flags
// were met, reopened ones among the new, whatever the batch boundaries.
func TestManyFlagsOpenInOneSave(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	flag := func(i int) sheaf.Flag {
		return sheaf.Flag{Kind: "missing", Severity: "error", Department: "edu", Indicator: fmt.Sprintf("i%04d", i),
			Period: "2024", Message: fmt.Sprintf("第 %d 项未报送", i)}
	}
	// One flag first, then resolved, so that it reopens among new ones.
	if _, err := db.SaveResult(ctx, reconcile.Result{Flags: []sheaf.Flag{flag(500)}}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if _, err := db.SaveResult(ctx, reconcile.Result{}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	const n = 1001 // not a multiple of any batch size
	var flags []sheaf.Flag
	for i := range n {
		flags = append(flags, flag(i))
	}
	ch, err := db.SaveResult(ctx, reconcile.Result{Flags: flags}, SaveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Opened != n-1 || ch.Reopened != 1 {
		t.Fatalf("changes %+v, want %d opened and 1 reopened", ch, n-1)
	}
	type ev struct {
		Indicator string
		Message   string
		State     string
		Key       string
	}
	var got []ev
	if err := db.db.Select(&got, `SELECT f.indicator, e.message, e.state, f.key FROM flag_events e JOIN flags f ON f.id = e.flag_id
		WHERE e.at = ? ORDER BY e.id`, formatTime(now)); err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("%d events, want %d", len(got), n)
	}
	for i, e := range got {
		f := flag(i)
		if e.Indicator != f.Indicator || e.Message != f.Message || e.State != "open" || e.Key != f.Key() {
			t.Fatalf("event %d: %+v, want the opening of %s (%s)", i, e, f.Indicator, f.Message)
		}
	}
}
