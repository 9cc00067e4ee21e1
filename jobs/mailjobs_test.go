package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/notify"
)

const mailConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 1m, workers: 2}
departments:
  - {id: edu, name: 市教育局, contacts: [edu@example.org], sources: [{dir: inbox/edu}]}
  - {id: finance, name: 市财政局, contacts: [finance@example.org], sources: [{dir: inbox/finance}]}
  - {id: stats, name: 市统计局, contacts: [stats@example.org], sources: [{dir: inbox/stats}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, required: true}
deadlines:
  - {name: 年报数据报送, due: "2025-03-31", remind: [7d, 3d, 1d]}
mail: {from: duban@example.org, coordinators: [duban@example.org], dir: outbox}
`

// mailFiles lists the .eml files written, by kind and recipient.
func mailFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		to := ""
		for _, line := range strings.Split(string(b), "\r\n") {
			if strings.HasPrefix(line, "To: ") {
				to = strings.Trim(strings.TrimPrefix(line, "To: "), "<>")
			}
		}
		kind := strings.Split(e.Name(), "-")[2]
		out = append(out, kind+":"+to)
	}
	return out
}

func TestRemindersBeforeAndAfterTheDeadline(t *testing.T) {
	f := newFixture(t, mailConfig)
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""}) // edu owes nothing
	loc := f.cfg.Cycle.Location
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, loc)
	outbox := filepath.Join(f.dir, "outbox")
	mailing := func(now time.Time) *Mailing {
		mailer, err := notify.FromConfig(f.cfg)
		if err != nil {
			t.Fatal(err)
		}
		s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
		sender := LockedSender(f.cfg, f.db, mailer, nil)
		sender.Now = func() time.Time { return now }
		f.db.Now = func() time.Time { return now }
		return &Mailing{Config: f.cfg, DB: f.db, Syncer: s, Sender: sender, Now: func() time.Time { return now }}
	}
	steps := []struct {
		name string
		now  time.Time
		sent int
	}{
		{"8 days before: nothing", due.Add(-8 * 24 * time.Hour), 0},
		{"7 days before: finance owes (stats owes nothing)", due.Add(-7*24*time.Hour + time.Hour), 1},
		{"the same day again, after a restart: nothing new", due.Add(-7*24*time.Hour + 2*time.Hour), 0},
		{"down from 3d to 1d: one catch-up", due.Add(-20 * time.Hour), 1},
		{"after the deadline: an overdue notice", due.Add(time.Hour), 1},
		{"the same day: no second overdue notice", due.Add(3 * time.Hour), 0},
	}
	for _, st := range steps {
		rep, err := mailing(st.now).Remind(context.Background(), "test", time.Time{})
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if rep.Sent != st.sent {
			t.Errorf("%s: sent %d, want %d (%+v)", st.name, rep.Sent, st.sent, rep)
		}
	}
	got := strings.Join(mailFiles(t, outbox), " ")
	for _, want := range []string{"reminder:finance@example.org", "overdue:finance@example.org"} {
		if !strings.Contains(got, want) {
			t.Errorf("written mail %s lacks %s", got, want)
		}
	}
	if strings.Contains(got, "edu@example.org") || strings.Contains(got, "stats@example.org") {
		t.Errorf("a department that owes nothing got mail: %s", got)
	}
	if n := strings.Count(got, "reminder:finance@example.org"); n != 2 {
		t.Errorf("finance got %d reminders, want 2 (7d, then one catch-up at 1d)", n)
	}
}

func TestSyncWaitsWhileAnotherHoldsTheLock(t *testing.T) {
	f := newFixture(t, testConfig)
	lock, err := acquireLock(context.Background(), f.cfg.DBPath()+".lock", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	ctx, cancel := context.WithCancel(context.Background())
	waiting := make(chan struct{})
	go func() {
		<-waiting
		cancel() // the other sync is still running: give up waiting
	}()
	s := &Syncer{Config: f.cfg, DB: f.db}
	_, err = syncWaiting(ctx, s, waiting)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a sync ran while another held the lock: %v", err)
	}
	lock.Release()
	if _, err := s.Sync(context.Background(), "test"); err != nil {
		t.Fatalf("sync after the lock was released: %v", err)
	}
}

// syncWaiting runs a sync and closes waiting when it starts to wait for
// the lock.
func syncWaiting(ctx context.Context, s *Syncer, waiting chan struct{}) (*SyncReport, error) {
	s.onWait = func() { close(waiting) }
	defer func() { s.onWait = nil }()
	return s.Sync(ctx, "test")
}

// mailerFunc is a mailer built from a function.
type mailerFunc func(ctx context.Context, m sheaf.OutboxMessage) error

func (f mailerFunc) Send(ctx context.Context, m sheaf.OutboxMessage) error { return f(ctx, m) }

func TestReminderNeverDeliveredAfterItsDeadline(t *testing.T) {
	f := newFixture(t, mailConfig)
	loc := f.cfg.Cycle.Location
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, loc)
	var delivered []string
	up := false
	mailer := mailerFunc(func(ctx context.Context, m sheaf.OutboxMessage) error {
		if !up {
			return errors.New("421 service not available")
		}
		delivered = append(delivered, m.Kind)
		return nil
	})
	run := func(now time.Time) *MailReport {
		f.db.Now = func() time.Time { return now }
		sender := LockedSender(f.cfg, f.db, mailer, nil)
		sender.Now = func() time.Time { return now }
		s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
		m := &Mailing{Config: f.cfg, DB: f.db, Syncer: s, Sender: sender, Now: func() time.Time { return now }}
		rep, err := m.Remind(context.Background(), "test", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	// The server is down when the 1-day reminder is due, and still down at
	// the deadline.
	if rep := run(due.Add(-20 * time.Hour)); rep.Queued != 2 || rep.Sent != 0 { // edu and finance owe
		t.Fatalf("reminder while the server is down: %+v", rep)
	}
	up = true
	run(due.Add(2 * time.Hour))
	if strings.Join(delivered, " ") != "overdue overdue" {
		t.Fatalf("delivered %v after the deadline, want only the overdue notice", delivered)
	}
	msgs, _ := f.db.Outbox(context.Background(), 10)
	for _, m := range msgs {
		if m.Kind == sheaf.MailReminder && (m.State != sheaf.OutboxFailed || !strings.Contains(m.LastError, "过期")) {
			t.Errorf("the late reminder is %s (%s), want failed as expired", m.State, m.LastError)
		}
	}
}
