package storage

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// The connection sheaf writes on never checkpoints; the checkpointer copies
// the log back and, once it has grown past its bound, has the next write
// start it over; closing leaves everything in the database file.
func TestCheckpointer(t *testing.T) {
	every, restart := checkpointEvery, checkpointRestart
	checkpointEvery, checkpointRestart = time.Hour, 4<<20 // run by hand below
	t.Cleanup(func() { checkpointEvery, checkpointRestart = every, restart })
	db, path := openTest(t)
	ctx := context.Background()
	var auto int
	if err := db.db.GetContext(ctx, &auto, "PRAGMA wal_autocheckpoint"); err != nil || auto != 0 {
		t.Fatalf("wal_autocheckpoint on the writing connection: %d, %v; want 0", auto, err)
	}
	if _, err := db.db.ExecContext(ctx, "CREATE TABLE filler (b BLOB)"); err != nil {
		t.Fatal(err)
	}
	blob := []byte(strings.Repeat("x", 100<<10))
	insert := func(n int) {
		for range n {
			if _, err := db.db.ExecContext(ctx, "INSERT INTO filler VALUES (?)", blob); err != nil {
				t.Fatal(err)
			}
		}
	}
	walSize := func() int64 {
		st, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	insert(100) // 10 MB: SQLite alone would have started the log over twice
	full := walSize()
	if full < 8<<20 {
		t.Fatalf("the log is %d MB after 10 MB of commits: something checkpointed it", full>>20)
	}
	db.ckpt.checkpoint()
	insert(10)
	if s := walSize(); s > full {
		t.Errorf("the log grew from %d to %d bytes: the checkpointer did not start it over", full, s)
	}
	insert(20)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("closing left a %d-byte log", st.Size())
	}
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	var n int
	if err := db2.db.GetContext(ctx, &n, "SELECT count(*) FROM filler"); err != nil || n != 130 {
		t.Fatalf("after reopening: %d rows, %v; want 130", n, err)
	}
}
