package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// clock is a settable time for the database and the sender.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// mailerFunc is a Mailer made of a function.
type mailerFunc func(ctx context.Context, m sheaf.OutboxMessage) error

func (f mailerFunc) Send(ctx context.Context, m sheaf.OutboxMessage) error { return f(ctx, m) }

// openDB opens a fresh database whose clock is c.
func openDB(t *testing.T, c *clock) *storage.DB {
	t.Helper()
	db, err := storage.Open(context.Background(), filepath.Join(t.TempDir(), "sheaf.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = c.Now
	return db
}

// enqueueReminders queues one reminder for each department.
func enqueueReminders(t *testing.T, db *storage.DB, depts ...string) {
	t.Helper()
	var msgs []sheaf.OutboxMessage
	for _, d := range depts {
		msgs = append(msgs, sheaf.OutboxMessage{
			Kind:     sheaf.MailReminder,
			DedupKey: "remind:" + d + ":年报初稿:7d",
			Sender:   "尚志市教育督导室 <duda@edu.example.cn>",
			To:       []string{d + "@example.cn"},
			Subject:  "【提醒】" + d + "：年报初稿还有7天截止",
			BodyText: "您单位尚有2项数据未报送。",
		})
	}
	if n, err := db.Enqueue(context.Background(), msgs...); err != nil || n != len(depts) {
		t.Fatalf("Enqueue = %d, %v", n, err)
	}
}

func outbox(t *testing.T, db *storage.DB) []sheaf.OutboxMessage {
	t.Helper()
	msgs, err := db.Outbox(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(msgs) // oldest first
	return msgs
}

func flush(t *testing.T, s *Sender, wantSent, wantFailed int) {
	t.Helper()
	sent, failed, err := s.Flush(context.Background())
	if err != nil || sent != wantSent || failed != wantFailed {
		t.Fatalf("Flush = %d sent, %d failed, %v; want %d, %d, nil", sent, failed, err, wantSent, wantFailed)
	}
}

func TestSenderDeliversEverythingOnceServerAccepts(t *testing.T) {
	ts := startServer(t, "none")
	ts.Refuse(tryLater)
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	s := &Sender{DB: db, Mailer: NewSMTP(config.SMTP{Host: ts.Host, Port: ts.Port, TLS: "none"}, ""), Now: c.Now}
	enqueueReminders(t, db, "edu", "finance", "health")

	prev := map[int64]time.Duration{}
	for round := 1; round <= 5; round++ {
		flush(t, s, 0, 0)
		if got := ts.Attempts(); got != 3*round {
			t.Fatalf("round %d: server offered %d messages, want %d", round, got, 3*round)
		}
		latest := c.t
		for _, m := range outbox(t, db) {
			wait := m.NextAttemptAt.Sub(c.t)
			low := time.Duration(0.8 * float64(BackoffBase<<(round-1)))
			if m.State != sheaf.OutboxQueued || m.Attempts != round || !strings.Contains(m.LastError, "451") ||
				wait < low || wait > BackoffMax || wait <= prev[m.ID] {
				t.Fatalf("round %d: %s is %s after %d attempts, next in %v (previous wait %v), error %q",
					round, m.DedupKey, m.State, m.Attempts, wait, prev[m.ID], m.LastError)
			}
			prev[m.ID] = wait
			if m.NextAttemptAt.After(latest) {
				latest = m.NextAttemptAt
			}
		}
		// Nothing is tried again before its time.
		c.t = c.t.Add(10 * time.Second)
		flush(t, s, 0, 0)
		if got := ts.Attempts(); got != 3*round {
			t.Fatalf("round %d: a message was tried before its next attempt", round)
		}
		c.t = latest
	}

	ts.Refuse(nil)
	flush(t, s, 3, 0)
	c.t = c.t.Add(24 * time.Hour)
	flush(t, s, 0, 0)

	got := ts.Deliveries()
	var ids []string
	for _, d := range got {
		raw := string(d.Data)
		_, rest, _ := strings.Cut(raw, "Message-ID: ")
		id, _, _ := strings.Cut(rest, "\r\n")
		ids = append(ids, id)
	}
	var stored []string
	for _, m := range outbox(t, db) {
		if m.State != sheaf.OutboxSent || m.Attempts != 6 || !m.SentAt.Equal(c.t.Add(-24*time.Hour)) {
			t.Errorf("%s: %s after %d attempts, sent at %v", m.DedupKey, m.State, m.Attempts, m.SentAt)
		}
		stored = append(stored, m.MessageID)
	}
	slices.Sort(ids)
	slices.Sort(stored)
	if len(got) != 3 || !slices.Equal(ids, stored) || len(slices.Compact(slices.Clone(ids))) != 3 {
		t.Errorf("server received Message-IDs %q, want each of %q exactly once", ids, stored)
	}
}

func TestSenderGivesUpThenRetries(t *testing.T) {
	ts := startServer(t, "none")
	ts.Refuse(tryLater)
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	s := &Sender{DB: db, Mailer: NewSMTP(config.SMTP{Host: ts.Host, Port: ts.Port, TLS: "none"}, ""), Now: c.Now,
		MaxAttempts: 3, Backoff: func(int) time.Duration { return time.Minute }}
	enqueueReminders(t, db, "finance")

	flush(t, s, 0, 0)
	c.t = c.t.Add(time.Minute)
	flush(t, s, 0, 0)
	c.t = c.t.Add(time.Minute)
	flush(t, s, 0, 1)
	m := outbox(t, db)[0]
	if m.State != sheaf.OutboxFailed || m.Attempts != 3 || !strings.Contains(m.LastError, "服务器繁忙") {
		t.Fatalf("after 3 refusals: %s, %d attempts, error %q; want failed, 3, the server's reply", m.State, m.Attempts, m.LastError)
	}
	c.t = c.t.Add(time.Hour)
	flush(t, s, 0, 0)
	if ts.Attempts() != 3 {
		t.Fatalf("a failed message was tried again: %d attempts at the server", ts.Attempts())
	}

	ts.Refuse(nil)
	if err := db.RetryMessage(context.Background(), m.ID); err != nil {
		t.Fatal(err)
	}
	flush(t, s, 1, 0)
	if got := ts.Deliveries(); len(got) != 1 || !strings.Contains(string(got[0].Data), m.MessageID) {
		t.Errorf("after RetryMessage the server received %d messages, want the failed one", len(got))
	}
	if m := outbox(t, db)[0]; m.State != sheaf.OutboxSent || m.LastError != "" {
		t.Errorf("after delivery: %s, error %q", m.State, m.LastError)
	}
}

// A server that is down costs a few attempts per flush, not one per
// message, and the messages not tried come first the next time.
func TestSenderStopsFlushWhileServerIsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close() // nothing listens there now: connections are refused
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	s := &Sender{DB: db, Mailer: NewSMTP(config.SMTP{Host: "127.0.0.1", Port: port, TLS: "none"}, ""), Now: c.Now}
	enqueueReminders(t, db, "a", "b", "c", "d", "e")

	attempts := func() (n []int) {
		for _, m := range outbox(t, db) {
			n = append(n, m.Attempts)
		}
		return n
	}
	flush(t, s, 0, 0)
	if got := attempts(); !slices.Equal(got, []int{1, 1, 1, 0, 0}) {
		t.Fatalf("attempts after one flush %v, want the first three tried", got)
	}
	flush(t, s, 0, 0)
	if got := attempts(); !slices.Equal(got, []int{1, 1, 1, 1, 1}) {
		t.Fatalf("attempts after two flushes %v, want all tried once", got)
	}
	if m := outbox(t, db)[0]; !strings.Contains(m.LastError, "refused") {
		t.Errorf("last error %q, want the connection refused", m.LastError)
	}
}

func TestSenderInterruptedAttemptDoesNotCount(t *testing.T) {
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &Sender{DB: db, Now: c.Now, Mailer: mailerFunc(func(ctx context.Context, m sheaf.OutboxMessage) error {
		cancel() // shutdown while the message is being sent
		return fmt.Errorf("dial: %w", ctx.Err())
	})}
	enqueueReminders(t, db, "edu")
	if _, _, err := s.Flush(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Flush = %v, want context.Canceled", err)
	}
	if m := outbox(t, db)[0]; m.State != sheaf.OutboxQueued || m.Attempts != 0 || !m.NextAttemptAt.Equal(c.t) {
		t.Errorf("interrupted message: %s, %d attempts, next %v; want queued as it was", m.State, m.Attempts, m.NextAttemptAt)
	}
}

func TestSenderLock(t *testing.T) {
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	enqueueReminders(t, db, "edu")
	var events []string
	s := &Sender{DB: db, Now: c.Now,
		Mailer: mailerFunc(func(context.Context, sheaf.OutboxMessage) error { events = append(events, "send"); return nil }),
		Lock: func(context.Context) (func(), error) {
			events = append(events, "lock")
			return func() { events = append(events, "unlock") }, nil
		}}
	flush(t, s, 1, 0)
	if want := []string{"lock", "send", "unlock"}; !slices.Equal(events, want) {
		t.Errorf("events %q, want %q", events, want)
	}

	enqueueReminders(t, db, "finance")
	busy := errors.New("the daemon's sync holds the lock")
	s.Lock = func(context.Context) (func(), error) { return nil, busy }
	if _, _, err := s.Flush(context.Background()); !errors.Is(err, busy) {
		t.Errorf("Flush without the lock = %v, want %v", err, busy)
	}
	if len(events) != 3 {
		t.Errorf("a message was sent without the lock: %q", events)
	}
}

func TestSenderRun(t *testing.T) {
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	enqueueReminders(t, db, "edu")
	delivered := make(chan string, 1)
	s := &Sender{DB: db, Now: c.Now, Mailer: mailerFunc(func(_ context.Context, m sheaf.OutboxMessage) error {
		delivered <- m.MessageID
		return nil
	})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx, time.Hour)
	}()
	select {
	case <-delivered:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not flush at its start")
	}
	cancel()
	<-done
	if m := outbox(t, db)[0]; m.State != sheaf.OutboxSent {
		t.Errorf("message %s after Run, want sent", m.State)
	}
}

func TestExponentialBackoff(t *testing.T) {
	for attempt := 1; attempt <= 30; attempt++ {
		base := BackoffMax
		if attempt <= 8 {
			base = min(BackoffBase<<(attempt-1), BackoffMax)
		}
		for range 100 {
			d := exponentialBackoff(attempt)
			if d < time.Duration(0.8*float64(base)) || d > min(time.Duration(1.2*float64(base)), BackoffMax) {
				t.Fatalf("exponentialBackoff(%d) = %v, want %v ± 20%%, at most %v", attempt, d, base, BackoffMax)
			}
		}
	}
}
