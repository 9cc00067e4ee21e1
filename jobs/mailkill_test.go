package jobs

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/emersion/go-smtp"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/notify"
	"github.com/sheaf-dev/sheaf/storage"
)

// recorder is an in-process SMTP server on loopback that keeps the
// Message-ID of every message it accepts.
type recorder struct {
	mu       sync.Mutex
	ids      []string
	accepted chan struct{}
}

func (r *recorder) NewSession(*smtp.Conn) (smtp.Session, error) { return &recSession{r: r}, nil }

type recSession struct{ r *recorder }

func (s *recSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *recSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *recSession) Reset()                               {}
func (s *recSession) Logout() error                        { return nil }
func (s *recSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	s.r.ids = append(s.r.ids, m.Header.Get("Message-ID"))
	s.r.mu.Unlock()
	select {
	case s.r.accepted <- struct{}{}:
	default:
	}
	return nil
}

// TestMailSenderProcess is not a test: it is the child TestMailKilled
// starts, which delivers the outbox and is killed while doing it.
func TestMailSenderProcess(t *testing.T) {
	path := os.Getenv("SHEAF_MAIL_CHILD_CONFIG")
	if path == "" {
		t.Skip("only runs as the child of TestMailKilled")
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(os.Getenv("SHEAF_MAIL_CHILD_PORT"))
	mailer := notify.NewSMTP(config.SMTP{Host: "127.0.0.1", Port: port, TLS: "none"}, "")
	fmt.Println("ready")
	s := LockedSender(cfg, db, mailer, nil)
	for {
		if _, _, err := s.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		msgs, err := db.DueMessages(context.Background(), time.Now().Add(time.Hour), 1)
		if err != nil || len(msgs) == 0 {
			fmt.Println("done")
			return
		}
	}
}

// TestMailKilled kills the mail sender with SIGKILL while it delivers, again
// and again, until the outbox is empty: every message arrives, each with its
// stable Message-ID, and a message arrives twice only if a kill fell
// between the server's acceptance and the outbox commit (at most once per
// kill).
func TestMailKilled(t *testing.T) {
	kills := 3
	if n, err := strconv.Atoi(os.Getenv("SHEAF_CRASH_KILLS")); err == nil && n > 0 {
		kills = n
	}
	rec := &recorder{accepted: make(chan struct{}, 1000)}
	srv := smtp.NewServer(rec)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0) // every kill resets a connection
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port

	f := newFixture(t, testConfig)
	total := max(40, 5*kills)
	var msgs []sheaf.OutboxMessage
	for i := range total {
		msgs = append(msgs, sheaf.OutboxMessage{Kind: sheaf.MailTest, Sender: "duban@example.org",
			To: []string{"edu@example.org"}, Subject: fmt.Sprintf("第%d封", i), BodyText: "测试",
			DedupKey: fmt.Sprintf("test/%d", i)})
	}
	if _, err := f.db.Enqueue(context.Background(), msgs...); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, m := range msgs {
		want[m.MessageID] = true
	}
	f.db.Close()
	f.db = nil

	run := func(killAfter int) bool {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMailSenderProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SHEAF_MAIL_CHILD_CONFIG="+f.cfg.File, "SHEAF_MAIL_CHILD_PORT="+strconv.Itoa(port))
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		finished := false
		lines := make(chan string)
		go func() {
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		for l := range lines {
			if l == "ready" && killAfter >= 0 {
				for range killAfter {
					<-rec.accepted
				}
				cmd.Process.Signal(syscall.SIGKILL)
			}
			if strings.HasSuffix(l, "done") {
				finished = true
			}
		}
		cmd.Wait()
		return finished
	}
	for k := range kills {
		if run(1 + k%5) {
			break
		}
	}
	if !run(-1) {
		t.Fatal("the sender did not finish the outbox after the kills")
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	got := map[string]int{}
	for _, id := range rec.ids {
		got[id]++
	}
	for id := range want {
		if got[id] == 0 {
			t.Errorf("message %s never arrived", id)
		}
	}
	repeats := len(rec.ids) - len(got)
	if repeats > kills {
		t.Errorf("%d repeated deliveries for %d kills", repeats, kills)
	}
	if len(got) != total {
		t.Errorf("%d distinct Message-IDs arrived, want %d", len(got), total)
	}
	db, err := storage.Open(context.Background(), f.cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw := openRaw(t, f.cfg.DBPath())
	defer raw.Close()
	checkIntegrity(t, raw)
}
