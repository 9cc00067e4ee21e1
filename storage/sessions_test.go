package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

func TestWebSessionsSurviveReopening(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sheaf.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	if err := db.CreateWebSession(ctx, "old", WebSession{CSRF: "c0", Expires: now.Add(-time.Minute)}, now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateWebSession(ctx, "h1", WebSession{CSRF: "c1", Expires: now.Add(12 * time.Hour)}, now); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.WebSessionByHash(ctx, "h1")
	if err != nil || s.CSRF != "c1" || !s.Expires.Equal(now.Add(12*time.Hour)) {
		t.Fatalf("after reopening: %+v %v", s, err)
	}
	if _, err := db.WebSessionByHash(ctx, "old"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an ended session is kept: %v", err)
	}
	if err := db.DeleteWebSession(ctx, "h1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebSessionByHash(ctx, "h1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a deleted session: %v", err)
	}
}
