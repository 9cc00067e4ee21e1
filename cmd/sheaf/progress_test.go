package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// syncBuffer is a buffer two goroutines may use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A sync that finds the lock taken says so on stderr, naming the run that
// holds it, and syncs once the lock is free.
func TestSyncSaysWhatItWaitsFor(t *testing.T) {
	cfg := setup(t)
	dbPath := filepath.Join(filepath.Dir(cfg), "data", "sheaf.db")
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	// Another process's sync, started by the schedule, holds the lock.
	db, err := storage.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	id, err := db.StartRun(context.Background(), "sync", "cron", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	lock, err := os.OpenFile(dbPath+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	var out, errOut syncBuffer
	done := make(chan int)
	go func() { done <- run(context.Background(), []string{"sync", "--config", cfg}, &out, &errOut) }()
	deadline := time.After(20 * time.Second)
	for !strings.Contains(errOut.String(), "等待") {
		select {
		case code := <-done:
			t.Fatalf("sync ended (exit %d) while the lock was held: %s", code, errOut.String())
		case <-deadline:
			t.Fatalf("the sync did not say it waits: %q", errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	msg := errOut.String()
	if want := fmt.Sprintf("同步（运行 #%d，定时触发", id); !strings.Contains(msg, want) {
		t.Errorf("the wait message does not name the run holding the lock (#%d, 同步, 定时): %q", id, msg)
	}
	lock.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("sync exit %d: %s", code, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the sync did not go on once the lock was free")
	}
	if !strings.Contains(out.String(), "同步 #") {
		t.Errorf("sync output: %s", out.String())
	}
}

// Progress is one line redrawn on a terminal: files done of the total and
// the department being read, cleared at the end; off a terminal (a file, a
// pipe) a sync writes no progress.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := progressPrinter(&b)
	p(jobs.Progress{FilesTotal: 2})
	p(jobs.Progress{FilesDone: 2, FilesTotal: 2, Department: "市教育局", Rows: 40, Elapsed: 1500 * time.Millisecond})
	if got := b.String(); !strings.Contains(got, "\r\x1b[K读取文件 2/2 · 市教育局 · 40 个数值 · 1.5s") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress %q", got)
	}

	cfg := setup(t)
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	var out bytes.Buffer
	if code := run(context.Background(), []string{"sync", "--config", cfg}, &out, stderr); code != 0 {
		t.Fatalf("sync exit %d", code)
	}
	if data, _ := os.ReadFile(stderr.Name()); strings.Contains(string(data), "读取文件") {
		t.Errorf("progress written to a file: %q", data)
	}
}
