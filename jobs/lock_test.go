package jobs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDaemonLock: a second daemon on the same database is refused at once
// with the holder's pid, host and start; once the first lets go (or dies,
// leaving its file behind), the next one takes the lock.
func TestDaemonLock(t *testing.T) {
	path := DaemonLockPath(filepath.Join(t.TempDir(), "sheaf.db"))
	since := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	first, err := AcquireDaemonLock(path, since)
	if err != nil {
		t.Fatal(err)
	}
	_, err = AcquireDaemonLock(path, time.Now())
	host, _ := os.Hostname()
	if !errors.Is(err, ErrDaemonRunning) {
		t.Fatalf("second daemon: %v, want ErrDaemonRunning", err)
	}
	for _, want := range []string{fmt.Sprintf("pid %d", os.Getpid()), "on " + host, since.Local().Format("2006-01-02 15:04:05")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("second daemon's error %q does not say %q", err, want)
		}
	}
	if err := first.Release(); err != nil {
		t.Fatal(err)
	}
	next, err := AcquireDaemonLock(path, time.Now())
	if err != nil {
		t.Fatalf("after the first let go: %v", err)
	}
	next.Release()

	// A file left by a process that died (no lock held on it) blocks nothing.
	if err := os.WriteFile(path, []byte("pid 999999\nhost gone\nsince 2020-01-01T00:00:00Z\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := AcquireDaemonLock(path, since)
	if err != nil {
		t.Fatalf("stale lock file blocked: %v", err)
	}
	defer l.Release()
	h, err := ReadDaemonHolder(path)
	if err != nil || h.PID != os.Getpid() || h.Host != host || !h.Since.Equal(since) {
		t.Errorf("holder %+v (%v), want this process since %v", h, err, since)
	}
}
