package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Lock is an exclusive lock on a file beside the database, held by whoever
// syncs or sends mail, in this process or another, so that two never overlap.
type Lock struct {
	f *os.File
}

// acquireLock takes the lock at path, waiting while another process holds it
// until ctx is done. waiting is called once if the lock is busy.
func acquireLock(ctx context.Context, path string, waiting func()) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open lock file %s: %w", path, err)
	}
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return &Lock{f: f}, nil
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !told && waiting != nil {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("wait for lock %s: %w", path, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// Release gives the lock up.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	return err
}

// DaemonLock is the lock a daemon holds for its whole life on a file
// beside the database, so that one database has one daemon: two would
// both run every job. The file holds who has it (pid, host, since) for a
// second daemon to name; the kernel drops the lock when its holder dies,
// so a lock left by a dead process never blocks.
type DaemonLock struct {
	f *os.File
}

// DaemonLockPath is the daemon lock file of the database at dbPath.
func DaemonLockPath(dbPath string) string { return dbPath + ".daemon" }

// ErrDaemonRunning is returned by AcquireDaemonLock when another daemon
// holds the lock; the error's text names it.
var ErrDaemonRunning = errors.New("another daemon is running on this database")

// DaemonHolder is who holds a daemon lock, as its file says.
type DaemonHolder struct {
	PID   int
	Host  string
	Since time.Time
}

// AcquireDaemonLock takes the daemon lock at path without waiting and
// writes the holder into it. When another process holds it, the error
// wraps ErrDaemonRunning and names that process.
func AcquireDaemonLock(path string, now time.Time) (*DaemonLock, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open daemon lock file %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if err != syscall.EWOULDBLOCK {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		h, rerr := ReadDaemonHolder(path)
		if rerr != nil {
			return nil, fmt.Errorf("%w (%s; its holder is not written yet: %v)", ErrDaemonRunning, path, rerr)
		}
		return nil, fmt.Errorf("%w: pid %d on %s, since %s (%s)", ErrDaemonRunning, h.PID, h.Host,
			h.Since.Local().Format("2006-01-02 15:04:05 -07:00"), path)
	}
	host, _ := os.Hostname()
	text := fmt.Sprintf("pid %d\nhost %s\nsince %s\n", os.Getpid(), host, now.UTC().Format(time.RFC3339))
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(text), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("write daemon lock file %s: %w", path, err)
	}
	return &DaemonLock{f: f}, nil
}

// ReadDaemonHolder reads who holds (or last held) the daemon lock at path.
func ReadDaemonHolder(path string) (DaemonHolder, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return DaemonHolder{}, err
	}
	var h DaemonHolder
	for _, line := range strings.Split(string(b), "\n") {
		key, value, _ := strings.Cut(line, " ")
		switch key {
		case "pid":
			h.PID, _ = strconv.Atoi(value)
		case "host":
			h.Host = value
		case "since":
			h.Since, _ = time.Parse(time.RFC3339, value)
		}
	}
	if h.PID == 0 {
		return h, fmt.Errorf("no holder in %s", path)
	}
	return h, nil
}

// Release gives the daemon lock up. The file stays: removing it would let
// a third daemon lock a new file while a second still waits on the old.
func (l *DaemonLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
