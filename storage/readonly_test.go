package storage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenReadOnly: another cycle's database is read without being
// changed; a missing file is not created, and an older one is not migrated.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "sheaf.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetMeta(ctx, "probe", "1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(path)

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := ro.Meta(ctx, "probe"); err != nil || v != "1" {
		t.Errorf("meta %q %v", v, err)
	}
	if _, err := ro.Figures(ctx); err != nil {
		t.Error(err)
	}
	if err := ro.SetMeta(ctx, "probe", "2"); err == nil {
		t.Error("a write through a read-only database succeeded")
	}
	ro.Close()
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the database changed")
	}

	if _, err := OpenReadOnly(ctx, filepath.Join(dir, "absent.db")); err == nil {
		t.Error("a missing database opened")
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.db")); err == nil {
		t.Error("a missing database was created")
	}

	oldPath := filepath.Join(dir, "old.db")
	sdb := olderDB(t, oldPath, "migrations/0010")
	sdb.Close()
	if _, err := OpenReadOnly(ctx, oldPath); err == nil || !strings.Contains(err.Error(), "0010_figure_and_flag_signatures.sql") {
		t.Errorf("an older database: %v", err)
	}
}
