package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

// mailerKind is one way of delivering, with how to read back the bytes of
// a message it delivered, and the envelope when there is one.
type mailerKind struct {
	name string
	// setup returns the mailer and a function returning what arrived.
	setup func(t *testing.T) (Mailer, func(t *testing.T, m sheaf.OutboxMessage) (raw []byte, env *delivery))
}

func smtpKind(tlsMode string) mailerKind {
	return mailerKind{
		name: "smtp " + tlsMode,
		setup: func(t *testing.T) (Mailer, func(*testing.T, sheaf.OutboxMessage) ([]byte, *delivery)) {
			ts := startServer(t, tlsMode)
			m := NewSMTP(config.SMTP{Host: ts.Host, Port: ts.Port, TLS: tlsMode}, "")
			m.TLSConfig = ts.ClientTLS
			return m, func(t *testing.T, _ sheaf.OutboxMessage) ([]byte, *delivery) {
				got := ts.Deliveries()
				if len(got) != 1 {
					t.Fatalf("server received %d messages, want 1", len(got))
				}
				return got[0].Data, &got[0]
			}
		},
	}
}

// mailerKinds are every Mailer; each passes testMailer.
var mailerKinds = []mailerKind{
	smtpKind("none"),
	smtpKind("starttls"),
	smtpKind("tls"),
	{
		name: "smtp login from the environment",
		setup: func(t *testing.T) (Mailer, func(*testing.T, sheaf.OutboxMessage) ([]byte, *delivery)) {
			ts := startServer(t, "none")
			ts.user, ts.pass = "duda@edu.example.cn", "口令 with spaces"
			t.Setenv("SHEAF_TEST_SMTP_PASSWORD", ts.pass)
			cfg := &config.Config{Mail: config.Mail{From: "duda@edu.example.cn", SMTP: config.SMTP{
				Host: ts.Host, Port: ts.Port, TLS: "none", Username: ts.user, PasswordEnv: "SHEAF_TEST_SMTP_PASSWORD"}}}
			m, err := FromConfig(cfg)
			if err != nil {
				t.Fatal(err)
			}
			return m, func(t *testing.T, _ sheaf.OutboxMessage) ([]byte, *delivery) {
				got := ts.Deliveries()
				if len(got) != 1 || got[0].User != ts.user {
					t.Fatalf("server received %d messages (login %q), want 1 from %s", len(got), got[0].User, ts.user)
				}
				return got[0].Data, &got[0]
			}
		},
	},
	{
		name: "dir",
		setup: func(t *testing.T) (Mailer, func(*testing.T, sheaf.OutboxMessage) ([]byte, *delivery)) {
			d := &Dir{Path: filepath.Join(t.TempDir(), "mail")}
			return d, func(t *testing.T, m sheaf.OutboxMessage) ([]byte, *delivery) {
				files, _ := os.ReadDir(d.Path)
				if len(files) != 1 || files[0].Name() != d.FileName(m) {
					t.Fatalf("folder holds %v, want only %s", files, d.FileName(m))
				}
				raw, err := os.ReadFile(filepath.Join(d.Path, files[0].Name()))
				if err != nil {
					t.Fatal(err)
				}
				return raw, nil
			}
		},
	},
}

// sample is a message with everything a digest may carry, in Chinese.
func sample(t *testing.T) sheaf.OutboxMessage {
	path := filepath.Join(t.TempDir(), "2024年教育统计.csv")
	if err := os.WriteFile(path, []byte("指标,数值\n学校数,57\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return sheaf.OutboxMessage{
		ID:        7,
		MessageID: "<sheaf.0123456789abcdef@edu.example.cn>",
		Kind:      sheaf.MailDigest,
		Sender:    "尚志市教育督导室 <duda@edu.example.cn>",
		To:        []string{"王主任 <wang@edu.example.cn>", "li@edu.example.cn"},
		Cc:        []string{"市财政局 <finance@example.cn>"},
		Subject:   "【尚志市2024年度履行教育职责自评】每日汇总：3个单位未报送，2处数据矛盾",
		BodyText:  "各位领导：\n\n截至1月10日17:00，财政局尚未报送“教育经费保障情况表”。\n",
		BodyHTML:  "<p>各位领导：</p><p>截至1月10日17:00，<b>财政局</b>尚未报送。</p>",
		Attachments: []sheaf.Attachment{
			{Name: "教育经费保障情况表（2024年度，含各乡镇中心学校及村小明细）.xlsx", Data: []byte("PK\x03\x04 not really a workbook \x00\xff")},
			{Path: path, ContentType: "text/csv"},
		},
		CreatedAt: time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC),
	}
}

func TestMailers(t *testing.T) {
	for _, kind := range mailerKinds {
		t.Run(kind.name, func(t *testing.T) {
			mailer, received := kind.setup(t)
			m := sample(t)
			if err := mailer.Send(context.Background(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			raw, env := received(t, m)
			checkMessage(t, m, raw)
			if env != nil {
				if env.From != "duda@edu.example.cn" {
					t.Errorf("envelope from %q", env.From)
				}
				want := []string{"wang@edu.example.cn", "li@edu.example.cn", "finance@example.cn"}
				if !reflect.DeepEqual(env.Rcpt, want) {
					t.Errorf("envelope recipients %q, want %q", env.Rcpt, want)
				}
			}
		})
	}
}

// checkMessage reads raw as a mail program would and compares what it
// shows with m.
func checkMessage(t *testing.T, m sheaf.OutboxMessage, raw []byte) {
	t.Helper()
	head, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for i, b := range head {
		if b >= 0x80 {
			t.Fatalf("header has a raw non-ASCII byte at %d: %q", i, head[max(0, i-40):i+1])
		}
	}
	if !encodedSubject.Match(head) {
		t.Errorf("subject is not RFC 2047 encoded words:\n%s", head)
	}

	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v", err)
	}
	h := msg.Header
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil || subject != m.Subject {
		t.Errorf("subject %q (%v), want %q", subject, err, m.Subject)
	}
	if got := h.Get("Message-Id"); got != m.MessageID {
		t.Errorf("Message-ID %q, want %q", got, m.MessageID)
	}
	if got, _ := h.Date(); !got.Equal(m.CreatedAt) {
		t.Errorf("Date %v, want %v", got, m.CreatedAt)
	}
	if got := h.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted %q", got)
	}
	checkAddrs(t, h, "From", []string{m.Sender})
	checkAddrs(t, h, "To", m.To)
	checkAddrs(t, h, "Cc", m.Cc)

	parts := leafParts(t, h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"), headerMap(h), msg.Body)
	if len(parts) != 4 {
		t.Fatalf("%d parts, want text, html and two attachments: %+v", len(parts), parts)
	}
	want := []part{
		{Type: "text/plain", Body: m.BodyText, Alternative: true},
		{Type: "text/html", Body: m.BodyHTML, Alternative: true},
		{Type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Body: string(m.Attachments[0].Data),
			Disposition: "attachment", FileName: m.Attachments[0].Name},
		{Type: "text/csv", Body: "指标,数值\n学校数,57\n", Disposition: "attachment", FileName: "2024年教育统计.csv"},
	}
	for i := range want {
		if parts[i] != want[i] {
			t.Errorf("part %d:\n got %+v\nwant %+v", i, parts[i], want[i])
		}
	}
	// The attachment's name is in RFC 2231 form, not an encoded word in
	// quotes. No line is longer than RFC 5322's limit (998 characters), and
	// the lines naming attachments are folded to its recommended 78.
	if !bytes.Contains(raw, []byte("filename*0*=utf-8''%E6%95%99")) {
		t.Errorf("no RFC 2231 filename in:\n%s", raw)
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 || len(line) > 78 && strings.Contains(line, "name") {
			t.Errorf("line of %d characters: %s", len(line), line)
		}
	}
}

func checkAddrs(t *testing.T, h mail.Header, key string, want []string) {
	t.Helper()
	got, err := h.AddressList(key)
	if err != nil {
		t.Errorf("%s: %v", key, err)
		return
	}
	var gs, ws []string
	for _, a := range got {
		gs = append(gs, a.String())
	}
	for _, w := range want {
		a, err := mail.ParseAddress(w)
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, a.String())
	}
	if !reflect.DeepEqual(gs, ws) {
		t.Errorf("%s %q, want %q", key, gs, ws)
	}
}

var encodedSubject = regexp.MustCompile(`(?m)^Subject:(\r\n)? =\?UTF-8\?b\?`)

// part is a leaf of a MIME message, decoded.
type part struct {
	Type        string
	Body        string
	Alternative bool // inside multipart/alternative
	Disposition string
	FileName    string // decoded by mime.ParseMediaType (RFC 2231)
}

func headerMap(h mail.Header) map[string][]string { return h }

// leafParts walks a MIME entity and returns its leaves in order.
func leafParts(t *testing.T, contentType, cte string, header map[string][]string, body io.Reader) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []part
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			sub := leafParts(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header, p)
			for i := range sub {
				sub[i].Alternative = sub[i].Alternative || mt == "multipart/alternative"
			}
			out = append(out, sub...)
		}
	}
	switch strings.ToLower(cte) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // line ends are skipped
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	p := part{Type: mt, Body: strings.ReplaceAll(string(b), "\r\n", "\n")}
	if cd := get(header, "Content-Disposition"); cd != "" {
		disp, dp, err := mime.ParseMediaType(cd)
		if err != nil {
			t.Fatalf("Content-Disposition %q: %v", cd, err)
		}
		p.Disposition, p.FileName = disp, dp["filename"]
	}
	return []part{p}
}

func get(h map[string][]string, key string) string {
	for k, v := range h {
		if strings.EqualFold(k, key) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
