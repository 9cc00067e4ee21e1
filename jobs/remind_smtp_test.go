package jobs

import (
	"context"
	"io"
	"log"
	"mime"
	"net"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/notify"
)

// mailbox is an in-process SMTP server on loopback keeping the recipients
// and subject of every message it accepts. It can be stopped (the mail
// server is down) and started again on the same port.
type mailbox struct {
	t    *testing.T
	port int
	srv  *smtp.Server

	mu  sync.Mutex
	got []string // "recipient subject"
}

// newMailbox reserves a port on loopback, with no server on it yet.
func newMailbox(t *testing.T) *mailbox {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	b := &mailbox{t: t, port: port}
	t.Cleanup(b.stop)
	return b
}

func (b *mailbox) start() {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(b.port))
	if err != nil {
		b.t.Fatal(err)
	}
	b.srv = smtp.NewServer(b)
	b.srv.Domain = "mx.test"
	b.srv.ErrorLog = log.New(io.Discard, "", 0)
	go b.srv.Serve(ln)
}

func (b *mailbox) stop() {
	if b.srv != nil {
		b.srv.Close()
		b.srv = nil
	}
}

func (b *mailbox) received() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.got)
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailboxSession{b: b}, nil }

type mailboxSession struct {
	b    *mailbox
	rcpt []string
}

func (s *mailboxSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mailboxSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpt = append(s.rcpt, to)
	return nil
}
func (s *mailboxSession) Reset()        { s.rcpt = nil }
func (s *mailboxSession) Logout() error { return nil }
func (s *mailboxSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	for _, to := range s.rcpt {
		s.b.got = append(s.b.got, to+" "+subject)
	}
	return nil
}

// TestNoStaleNoticeAfterAnOutage: overdue notices are queued while the
// mail server is down; the education bureau then submits, and a sync reads
// its file; when the server is back, the bureau's notice is cancelled (it
// owes nothing now, and the reason says so) and the finance bureau's,
// still true, is delivered.
func TestNoStaleNoticeAfterAnOutage(t *testing.T) {
	f := newFixture(t, mailConfig)
	box := newMailbox(t)
	loc := f.cfg.Cycle.Location
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, loc)
	now := due.Add(2 * time.Hour)
	f.db.Now = func() time.Time { return now }
	mailer := notify.NewSMTP(config.SMTP{Host: "127.0.0.1", Port: box.port, TLS: "none"}, "")
	mailer.Timeout = 5 * time.Second
	sender := LockedSender(f.cfg, f.db, mailer, nil)
	sender.Now = func() time.Time { return now }
	syncer := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
	m := &Mailing{Config: f.cfg, DB: f.db, Syncer: syncer, Sender: sender, Now: func() time.Time { return now }}

	// The server is down: both overdue notices wait in the outbox.
	rep, err := m.Remind(context.Background(), "test", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Queued != 2 || rep.Sent != 0 {
		t.Fatalf("remind while the server is down: %+v, want 2 queued, none sent", rep)
	}

	// The education bureau submits; a sync reads its file.
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	if _, err := syncer.Sync(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}

	// The server is back; the queued notices are due again.
	box.start()
	now = now.Add(2 * time.Hour)
	sent, failed, err := sender.Flush(context.Background())
	if err != nil || sent != 1 || failed != 0 {
		t.Fatalf("flush after the outage: %d sent, %d failed, %v; want 1, 0", sent, failed, err)
	}
	got := box.received()
	for _, g := range got {
		if strings.HasPrefix(g, "edu@") {
			t.Errorf("the education bureau got a stale notice: %s", g)
		}
	}
	if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, "finance@example.org 【逾期催报】") }) {
		t.Errorf("the finance bureau's notice was not delivered: %q", got)
	}
	msgs, err := f.db.Outbox(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range msgs {
		switch {
		case slices.Contains(msg.To, "edu@example.org"):
			if msg.State != sheaf.OutboxCancelled || !strings.Contains(msg.LastError, "市教育局已没有需要处理的事项") {
				t.Errorf("edu's notice is %s (%q), want cancelled, saying why", msg.State, msg.LastError)
			}
		case slices.Contains(msg.To, "finance@example.org"):
			if msg.State != sheaf.OutboxSent {
				t.Errorf("finance's notice is %s (%q), want sent", msg.State, msg.LastError)
			}
		}
	}
}
