package jobs

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestSyncProcess is not a test: it is the child process that
// TestSyncKilledHalfWay starts and kills.
func TestSyncProcess(t *testing.T) {
	path := os.Getenv("SHEAF_SYNC_CHILD_CONFIG")
	if path == "" {
		t.Skip("only runs as the child of TestSyncKilledHalfWay")
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	s := &Syncer{Config: cfg, DB: db, Now: func() time.Time { return time.Now().Add(time.Hour) },
		Progress: func(p Progress) { fmt.Printf("done %d\n", p.FilesDone) }}
	if _, err := s.Sync(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
}

// TestSyncKilledHalfWay kills a sync with SIGKILL at several points and
// checks that no file is left half-stored and that the next sync carries on.
func TestSyncKilledHalfWay(t *testing.T) {
	f := newFixture(t, testConfig)
	const files, rows = 30, 120
	for i := range files {
		var rs [][]any
		for r := range rows {
			rs = append(rs, []any{"", fmt.Sprintf("未知指标%d", r), "2024", r, "所", ""})
		}
		rs = append(rs, []any{"schools.total", "学校总数", "2024", 40 + i, "所", ""})
		f.workbook(fmt.Sprintf("inbox/edu/f%02d.xlsx", i), rs...)
	}
	for _, after := range []int{1, 8, 17} {
		killAfter(t, f.cfg.File, after)
		checkWhole(t, f.cfg.DBPath())
	}
	rep := f.sync()
	if rep.Read+rep.Unchanged != files || rep.Failed != 0 {
		t.Fatalf("sync after kills: read %d unchanged %d failed %d, want %d files in all", rep.Read, rep.Unchanged, rep.Failed, files)
	}
	checkWhole(t, f.cfg.DBPath())
	if n := countCurrent(t, f.db); n != files {
		t.Fatalf("%d current observations, want one per file (%d)", n, files)
	}
	runs, err := f.db.Runs(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	interrupted := 0
	for _, r := range runs {
		if r.Outcome == "interrupted" {
			interrupted++
		}
	}
	if interrupted == 0 {
		t.Errorf("killed runs were not recorded as interrupted: %+v", runs)
	}
}

func killAfter(t *testing.T, configPath string, after int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSyncProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SHEAF_SYNC_CHILD_CONFIG="+configPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if sc.Text() == fmt.Sprintf("done %d", after) {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for sc.Scan() {
	}
	err = cmd.Wait()
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Logf("child was not killed mid-sync (%v); the check still holds", err)
	}
}

// checkWhole verifies the database at path is sound and every stored read
// has all its observations: each test file holds exactly one known row.
func checkWhole(t *testing.T, path string) {
	t.Helper()
	db := openRaw(t, path)
	defer db.Close()
	checkIntegrity(t, db)
	rows, err := db.Query(`SELECT r.id, count(o.id) FROM reads r LEFT JOIN observations o ON o.read_id = r.id
		WHERE r.outcome = 'ok' GROUP BY r.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("read %d stored %d observations, want exactly 1", id, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// openRaw opens the database file itself, beside any storage.DB using it,
// to look at what a killed process left.
func openRaw(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// checkIntegrity fails the test unless SQLite finds db sound.
func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
		t.Fatalf("integrity check: %q %v", res, err)
	}
}

// TestSyncCrashLoop kills cold syncs at random points, many times: run by
// `make test-crash` with SHEAF_CRASH_KILLS=50; a plain go test runs 2.
// After every kill the database is sound, no file is half-stored, and the
// next sync reads every file.
func TestSyncCrashLoop(t *testing.T) {
	kills := 2
	if n, err := strconv.Atoi(os.Getenv("SHEAF_CRASH_KILLS")); err == nil && n > 0 {
		kills = n
	}
	f := newFixture(t, testConfig)
	const files = 24
	for i := range files {
		var rs [][]any
		for r := range 80 {
			rs = append(rs, []any{"", fmt.Sprintf("未知指标%d", r), "2024", r, "所", ""})
		}
		rs = append(rs, []any{"schools.total", "学校总数", "2024", 40 + i, "所", ""})
		f.workbook(fmt.Sprintf("inbox/edu/f%02d.xlsx", i), rs...)
	}
	f.db.Close()
	f.db = nil
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	for k := range kills {
		os.RemoveAll(filepath.Join(f.dir, "data"))
		killAfter(t, f.cfg.File, rng.IntN(files))
		db, err := storage.Open(context.Background(), f.cfg.DBPath())
		if err != nil {
			t.Fatalf("kill %d: reopen: %v", k, err)
		}
		checkWhole(t, f.cfg.DBPath())
		s := &Syncer{Config: f.cfg, DB: db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
		rep, err := s.Sync(context.Background(), "test")
		if err != nil || rep.Read+rep.Unchanged != files {
			t.Fatalf("kill %d: sync after it: %+v %v", k, rep, err)
		}
		checkWhole(t, f.cfg.DBPath())
		if n := countCurrent(t, db); n != files {
			t.Fatalf("kill %d: %d current observations, want %d", k, n, files)
		}
		db.Close()
	}
}
