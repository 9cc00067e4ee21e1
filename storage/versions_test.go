package storage

import (
	"context"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

// slotValues reads every current observation as "indicator period value
// first-seen first-mod", sorted.
func slotValues(t *testing.T, db *DB) []string {
	t.Helper()
	var out []string
	err := db.CurrentSlots(context.Background())(func(ind, period string, obs []reconcile.Observation) error {
		for _, o := range obs {
			v := "blank"
			if o.HasValue {
				v = sheaf.FormatValue(o.Value, o.Decimals)
			}
			out = append(out, strings.Join([]string{o.File, ind, period, v,
				o.FirstSeen.UTC().Format("15:04"), o.FirstModTime.UTC().Format("15:04")}, " "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func value(ind string, v float64) sheaf.Observation {
	return sheaf.Observation{Indicator: ind, Period: "2024", Value: v, HasValue: true, Unit: "人", Sheet: "S", Cell: "D4"}
}

// A value keeps the time it first appeared in its file however often the
// file is read again; a changed value is new; a failed read changes
// nothing that counts.
func TestValuesKeepWhenTheyFirstAppeared(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	clock := day.Add(9 * time.Hour)
	db.Now = func() time.Time { return clock }
	read := func(key string, mod time.Time, outcome string, obs ...sheaf.Observation) {
		t.Helper()
		r := Read{Department: "edu", Source: "dir:inbox", Ref: sheaf.FileRef{Path: "快报.xlsx", ChangeKey: key, ModTime: mod},
			Outcome: outcome, Observations: obs}
		if outcome == ReadFailed {
			r.Error = "文件已损坏"
			r.Findings = []sheaf.Finding{{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Message: "文件已损坏"}}
		}
		if _, err := db.StoreRead(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	read("k1", day.Add(8*time.Hour), ReadOK, value("students.total", 4645), value("schools.total", 44))
	clock = day.Add(10 * time.Hour)
	read("k2", day.Add(9*time.Hour+30*time.Minute), ReadOK, value("students.total", 4645), value("schools.total", 45))
	want := []string{
		"inbox/快报.xlsx schools.total 2024 45 10:00 09:30",
		"inbox/快报.xlsx students.total 2024 4645 09:00 08:00",
	}
	if got := slotValues(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after a re-save:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// Re-saved corrupt: the last good values still count, and the file
	// flag is among the findings.
	clock = day.Add(11 * time.Hour)
	read("k3", day.Add(10*time.Hour+30*time.Minute), ReadFailed)
	if got := slotValues(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after a failed read:\n%s\nwant the last good values", strings.Join(got, "\n"))
	}
	in, err := db.CurrentInput(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Findings) != 1 || in.Findings[0].Kind != sheaf.KindFile || in.Findings[0].File != "inbox/快报.xlsx" {
		t.Errorf("findings after a failed read: %+v", in.Findings)
	}
	files, err := db.Files(ctx)
	if err != nil || len(files) != 1 || files[0].State != FileFailed || files[0].Outcome != ReadFailed {
		t.Errorf("status of the file: %+v %v, want failed", files, err)
	}

	// Fixed: values of the last good read keep their times.
	clock = day.Add(12 * time.Hour)
	read("k4", day.Add(11*time.Hour+30*time.Minute), ReadOK, value("students.total", 4645), value("schools.total", 46))
	want = []string{
		"inbox/快报.xlsx schools.total 2024 46 12:00 11:30",
		"inbox/快报.xlsx students.total 2024 4645 09:00 08:00",
	}
	if got := slotValues(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after the fix:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if in, _ := db.CurrentInput(ctx); len(in.Findings) != 0 {
		t.Errorf("the failed read's finding outlived the fix: %+v", in.Findings)
	}
}

// Migrating a database from before first-seen times: each current value
// gets the time of the earliest read of its file that held it, and a file
// whose latest read failed counts its last good read.
func TestMigrationFillsFirstSeen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sheaf.db")
	ctx := context.Background()
	raw, err := sqlx.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{db: raw, Now: time.Now}
	if _, err := raw.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	names, _ := fs.Glob(migrations, "migrations/*.sql")
	sort.Strings(names)
	for _, n := range names {
		if n >= "migrations/0007" {
			break
		}
		if err := old.migrateOne(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO runs (id, job, started_at, outcome) VALUES (1, 'sync', '2025-03-01T09:00:00.000000000Z', 'ok'),
		     (2, 'sync', '2025-03-01T10:00:00.000000000Z', 'ok'), (3, 'sync', '2025-03-01T11:00:00.000000000Z', 'ok')`,
		`INSERT INTO files (id, department, source, path, first_seen, last_seen, present, state)
		 VALUES (1, 'edu', 'dir:inbox', '快报.xlsx', '2025-03-01T09:00:00.000000000Z', '2025-03-01T11:00:00.000000000Z', 1, 'read'),
		        (2, 'edu', 'dir:inbox', '坏.xlsx', '2025-03-01T09:00:00.000000000Z', '2025-03-01T11:00:00.000000000Z', 1, 'failed')`,
		`INSERT INTO reads (id, file_id, run_id, change_key, fingerprint, size, mod_time, read_at, outcome) VALUES
		 (1, 1, 1, 'k1', 'fp', 1, '2025-03-01T08:00:00.000000000Z', '2025-03-01T09:00:01.000000000Z', 'ok'),
		 (2, 1, 2, 'k2', 'fp', 1, '2025-03-01T09:30:00.000000000Z', '2025-03-01T10:00:01.000000000Z', 'ok'),
		 (3, 2, 1, 'k3', 'fp', 1, '2025-03-01T08:10:00.000000000Z', '2025-03-01T09:00:02.000000000Z', 'ok'),
		 (4, 2, 3, 'k4', 'fp', 1, '2025-03-01T10:30:00.000000000Z', '2025-03-01T11:00:01.000000000Z', 'failed')`,
		`UPDATE files SET current_read = CASE id WHEN 1 THEN 2 ELSE 4 END`,
		`INSERT INTO observations (read_id, file_id, department, indicator, period, value, unit, seq) VALUES
		 (1, 1, 'edu', 'students.total', '2024', 4645, '人', 0), (1, 1, 'edu', 'schools.total', '2024', 44, '所', 1),
		 (2, 1, 'edu', 'students.total', '2024', 4645, '人', 0), (2, 1, 'edu', 'schools.total', '2024', 45, '所', 1),
		 (3, 2, 'edu', 'health.examined', '2024', 36000, '人', 0)`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := []string{
		"inbox/坏.xlsx health.examined 2024 36000 09:00 08:10",
		"inbox/快报.xlsx schools.total 2024 45 10:00 09:30",
		"inbox/快报.xlsx students.total 2024 4645 09:00 08:00",
	}
	if got := slotValues(t, db); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("after migrating:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
