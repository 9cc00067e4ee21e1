package notify

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

func TestFromConfig(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(secret, []byte("从文件读取\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	login := config.SMTP{Host: "smtp.example.cn", Port: 587, TLS: "starttls", Username: "duda", PasswordEnv: "SHEAF_T_PW"}
	tests := []struct {
		name    string
		mail    config.Mail
		env     map[string]string
		want    string // the mailer, as %v prints it
		wantErr string
	}{
		{name: "dir, relative to the config", mail: config.Mail{Dir: "mail", SMTP: login}, want: "dir " + filepath.Join(dir, "mail")},
		{name: "old name outbox", mail: config.Mail{Outbox: "outbox"}, want: "dir " + filepath.Join(dir, "outbox")},
		{name: "smtp without login", mail: config.Mail{SMTP: config.SMTP{Host: "relay.example.cn", Port: 25, TLS: "none"}},
			want: "smtp://relay.example.cn:25 (tls none)"},
		{name: "password from the variable", mail: config.Mail{SMTP: login}, env: map[string]string{"SHEAF_T_PW": "直接"},
			want: "smtp://duda@smtp.example.cn:587 (tls starttls) password 直接"},
		{name: "password from NAME_FILE", mail: config.Mail{SMTP: login}, env: map[string]string{"SHEAF_T_PW_FILE": secret},
			want: "smtp://duda@smtp.example.cn:587 (tls starttls) password 从文件读取"},
		{name: "password_env naming a _FILE variable", mail: config.Mail{SMTP: withPasswordEnv(login, "SHEAF_T_PW_FILE")},
			env:  map[string]string{"SHEAF_T_PW_FILE": secret},
			want: "smtp://duda@smtp.example.cn:587 (tls starttls) password 从文件读取"},
		{name: "password variable missing", mail: config.Mail{SMTP: login},
			wantErr: "smtp login duda: environment variable SHEAF_T_PW (mail.smtp.password_env), or SHEAF_T_PW_FILE naming a file, is not set"},
		{name: "password set twice", mail: config.Mail{SMTP: login}, env: map[string]string{"SHEAF_T_PW": "a", "SHEAF_T_PW_FILE": secret},
			wantErr: "both SHEAF_T_PW and SHEAF_T_PW_FILE are set (mail.smtp.password_env): set only one"},
		{name: "password file missing", mail: config.Mail{SMTP: login}, env: map[string]string{"SHEAF_T_PW_FILE": filepath.Join(dir, "nope")},
			wantErr: "read the SMTP password from " + filepath.Join(dir, "nope") + " (named by SHEAF_T_PW_FILE)"},
		{name: "nowhere to send", mail: config.Mail{}, wantErr: "set mail.smtp.host (a server), or mail.dir (a folder for .eml files)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			tt.mail.From = "duda@edu.example.cn"
			cfg := &config.Config{Dir: dir, Mail: tt.mail, Cycle: config.Cycle{Location: shanghai}}
			m, err := FromConfig(cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("FromConfig = %v, %v; want an error containing %q", m, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got string
			switch m := m.(type) {
			case *Dir:
				got = "dir " + m.Path
				if m.Location != shanghai {
					t.Errorf("file names in %v, want the cycle's zone", m.Location)
				}
			case *SMTP:
				got = m.String()
				if m.password != "" {
					got += " password " + m.password
				}
			}
			if got != tt.want {
				t.Errorf("FromConfig = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := FromConfig(&config.Config{Mail: config.Mail{Dir: "mail"}}); err == nil || !strings.Contains(err.Error(), "mail.from") {
		t.Errorf("FromConfig without mail.from = %v, want an error naming mail.from", err)
	}
}

func withPasswordEnv(s config.SMTP, name string) config.SMTP {
	s.PasswordEnv = name
	return s
}

// The password appears in no error, no log line and no printed value.
func TestSMTPPasswordNeverShown(t *testing.T) {
	ts := startServer(t, "none")
	ts.user, ts.pass = "duda", "the-right-one"
	const wrong = "S3cret-口令"
	m := NewSMTP(config.SMTP{Host: ts.Host, Port: ts.Port, TLS: "none", Username: "duda"}, wrong)
	err := m.Send(context.Background(), sheaf.OutboxMessage{
		MessageID: "<x@edu.example.cn>", Kind: sheaf.MailTest, Sender: "duda@edu.example.cn",
		To: []string{"wang@edu.example.cn"}, Subject: "测试", BodyText: "测试"})
	if err == nil {
		t.Fatal("Send with a wrong password succeeded")
	}
	for _, s := range []string{err.Error(), fmt.Sprint(m), fmt.Sprintf("%+v", m), fmt.Sprintf("%+v", *m), fmt.Sprintf("%#v", *m), fmt.Sprintf("%#v", []Mailer{m})} {
		if strings.Contains(s, wrong) {
			t.Errorf("the password shows in %q", s)
		}
	}
	if len(ts.Deliveries()) != 0 {
		t.Error("a message was accepted without a login")
	}
}

func TestDirRetryWritesTheSameFile(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	d := &Dir{Path: filepath.Join(t.TempDir(), "mail"), Location: shanghai}
	m := sample(t)
	m.Attachments = nil
	for range 2 {
		if err := d.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := os.ReadDir(d.Path)
	if len(files) != 1 || files[0].Name() != "20250110-170000-digest-7.eml" {
		t.Fatalf("folder holds %v, want one file named by the creation time in the cycle's zone", files)
	}
	f, err := os.Open(filepath.Join(d.Path, files[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msg, err := mail.ReadMessage(f)
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Message-Id"); got != m.MessageID {
		t.Errorf("Message-ID %q, want %q", got, m.MessageID)
	}
}

// The bundled example's settings: messages flushed from the outbox land
// in mail.dir, one file each, readable by a mail program.
func TestFlushIntoDir(t *testing.T) {
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	cfg := &config.Config{Dir: t.TempDir(), Mail: config.Mail{From: "duban@shangzhi.example.org", Dir: "outbox"}}
	mailer, err := FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	enqueueReminders(t, db, "edu", "finance")
	s := &Sender{DB: db, Mailer: mailer, Now: c.Now}
	flush(t, s, 2, 0)
	files, _ := filepath.Glob(filepath.Join(cfg.Dir, "outbox", "*.eml"))
	if len(files) != 2 {
		t.Fatalf("%d .eml files, want 2", len(files))
	}
	for i, path := range files {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		to, _ := msg.Header.AddressList("To")
		want := []string{"edu@example.cn", "finance@example.cn"}[i]
		if len(to) != 1 || to[0].Address != want || !strings.HasSuffix(path, fmt.Sprintf("-reminder-%d.eml", i+1)) {
			t.Errorf("%s is to %v, want %s", filepath.Base(path), to, want)
		}
	}
}
