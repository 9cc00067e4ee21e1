package notify

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

var (
	noSuchUser = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "mailbox unavailable"}
	spam       = &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "message rejected as spam"}
)

// TestRefusedRecipientDoesNotBlockTheOthers: the server refuses one
// recipient of three; the message goes to the other two, and the refused
// address is recorded with the server's reply.
func TestRefusedRecipientDoesNotBlockTheOthers(t *testing.T) {
	ts := startServer(t, "none")
	ts.RefuseRcpt("gone@example.cn", noSuchUser)
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	s := &Sender{DB: db, Mailer: NewSMTP(config.SMTP{Host: ts.Host, Port: ts.Port, TLS: "none"}, ""), Now: c.Now}
	if _, err := db.Enqueue(context.Background(), sheaf.OutboxMessage{Kind: sheaf.MailOverdue, DedupKey: "overdue/x/edu/0",
		Sender: "duban@example.cn", To: []string{"edu@example.cn", "gone@example.cn"}, Cc: []string{"duban@example.cn"},
		Subject: "【逾期催报】", BodyText: "尚有 1 项需处理"}); err != nil {
		t.Fatal(err)
	}
	flush(t, s, 1, 0)

	got := ts.Deliveries()
	if len(got) != 1 || !slices.Equal(got[0].Rcpt, []string{"edu@example.cn", "duban@example.cn"}) {
		t.Fatalf("server delivered %+v, want one message to edu@ and duban@", got)
	}
	if !strings.Contains(string(got[0].Data), "gone@example.cn") {
		t.Error("the To header lost the refused address: readers see whom it was for")
	}
	m := outbox(t, db)[0]
	want := []sheaf.RefusedRecipient{{Address: "gone@example.cn", Reason: "收件地址被拒收（550 5.1.1 mailbox unavailable）"}}
	if m.State != sheaf.OutboxSent || m.Attempts != 1 || !slices.Equal(m.Refused, want) ||
		m.LastError != "部分收件人被拒收：gone@example.cn（收件地址被拒收（550 5.1.1 mailbox unavailable））" {
		t.Errorf("outbox: %s after %d attempts, refused %+v, error %q", m.State, m.Attempts, m.Refused, m.LastError)
	}
	// Nothing is sent again.
	c.t = c.t.Add(time.Hour)
	flush(t, s, 0, 0)
	if len(ts.Deliveries()) != 1 {
		t.Error("the message was delivered again")
	}
}

// TestPermanentRefusalFailsAtOnce: a 5xx reply to the message (DATA), or
// to every recipient, fails it at the first attempt with the reason in
// Chinese; a 4xx reply keeps it queued for a retry.
func TestPermanentRefusalFailsAtOnce(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(ts *testServer)
		state     string
		wantError []string
	}{
		{"5xx to the message", func(ts *testServer) { ts.Refuse(spam) }, sheaf.OutboxFailed,
			[]string{"服务器拒收，不再重试：邮件被服务器拒收（554 5.7.1 message rejected as spam）"}},
		{"5xx to every recipient", func(ts *testServer) { ts.RefuseRcpt("edu@example.cn", noSuchUser) }, sheaf.OutboxFailed,
			[]string{"服务器拒收，不再重试：所有收件人均被拒收：edu@example.cn（收件地址被拒收（550 5.1.1 mailbox unavailable））"}},
		{"4xx to the message", func(ts *testServer) { ts.Refuse(tryLater) }, sheaf.OutboxQueued,
			[]string{"邮件被服务器拒收（451 4.3.0", "稍后重试"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := startServer(t, "none")
			tc.setup(ts)
			c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
			db := openDB(t, c)
			s := &Sender{DB: db, Mailer: NewSMTP(config.SMTP{Host: ts.Host, Port: ts.Port, TLS: "none"}, ""), Now: c.Now}
			enqueueReminders(t, db, "edu")
			wantFailed := 0
			if tc.state == sheaf.OutboxFailed {
				wantFailed = 1
			}
			flush(t, s, 0, wantFailed)
			m := outbox(t, db)[0]
			if m.State != tc.state || m.Attempts != 1 {
				t.Errorf("%s after %d attempts, want %s after 1", m.State, m.Attempts, tc.state)
			}
			for _, w := range tc.wantError {
				if !strings.Contains(m.LastError, w) {
					t.Errorf("error %q does not say %q", m.LastError, w)
				}
			}
		})
	}
}

// TestFlushCancelsSupersededDigestAndRevises: an older digest still
// queued when a newer one is queued is cancelled, never delivered; a
// Recheck may cancel or rewrite a notice.
func TestFlushCancelsSupersededDigestAndRevises(t *testing.T) {
	ts := startServer(t, "none")
	c := &clock{time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)}
	db := openDB(t, c)
	digest := func(day string) sheaf.OutboxMessage {
		return sheaf.OutboxMessage{Kind: sheaf.MailDigest, DedupKey: "digest/" + day, Sender: "duban@example.cn",
			To: []string{"duban@example.cn"}, Subject: "汇总 " + day, BodyText: "汇总"}
	}
	enqueueReminders(t, db, "edu", "finance")
	if _, err := db.Enqueue(context.Background(), digest("01-09"), digest("01-10")); err != nil {
		t.Fatal(err)
	}
	s := &Sender{DB: db, Mailer: NewSMTP(config.SMTP{Host: ts.Host, Port: ts.Port, TLS: "none"}, ""), Now: c.Now,
		Recheck: func(context.Context, time.Time) (func(sheaf.OutboxMessage) (Revision, error), error) {
			return func(m sheaf.OutboxMessage) (Revision, error) {
				switch {
				case strings.Contains(m.DedupKey, "edu"):
					return Revision{Cancel: "已取消：已报送"}, nil
				case strings.Contains(m.DedupKey, "finance"):
					return Revision{Subject: "新主题", Text: "只剩 1 项"}, nil
				}
				return Revision{}, nil
			}, nil
		}}
	flush(t, s, 2, 0)
	var subjects []string
	for _, d := range ts.Deliveries() {
		_, rest, _ := strings.Cut(string(d.Data), "Subject: ")
		subj, _, _ := strings.Cut(rest, "\r\n")
		subjects = append(subjects, subj)
	}
	states := map[string]string{}
	for _, m := range outbox(t, db) {
		states[m.Subject] = m.State + " " + m.LastError
	}
	want := map[string]string{
		"【提醒】edu：年报初稿还有7天截止": "cancelled 已取消：已报送",
		"新主题":      "sent ",
		"汇总 01-09": "cancelled 已取消：已有更新的一期，不再发送",
		"汇总 01-10": "sent ",
	}
	for k, v := range want {
		if states[k] != v {
			t.Errorf("%s: %q, want %q (all: %v)", k, states[k], v, states)
		}
	}
	if len(subjects) != 2 {
		t.Errorf("delivered %q, want the revised notice and the newer digest", subjects)
	}
}
