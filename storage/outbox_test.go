package storage

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
)

func reminder(dept, lead string) sheaf.OutboxMessage {
	return sheaf.OutboxMessage{
		Kind:     sheaf.MailReminder,
		DedupKey: "remind:" + dept + ":年报初稿:" + lead,
		Sender:   "尚志市教育督导室 <duda@edu.example.cn>",
		To:       []string{dept + "@example.cn"},
		Subject:  "【提醒】年报初稿将于 " + lead + " 后截止",
		BodyText: "请尽快报送。",
	}
}

func TestEnqueueDedupKey(t *testing.T) {
	db, path := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	msgs := []sheaf.OutboxMessage{reminder("finance", "7d"), reminder("edu", "7d"), reminder("finance", "7d")}
	added, err := db.Enqueue(ctx, msgs...)
	if err != nil || added != 2 {
		t.Fatalf("Enqueue = %d, %v; want 2 (the repeated key in one call skipped)", added, err)
	}
	if msgs[0].ID == 0 || !strings.HasPrefix(msgs[0].MessageID, "<sheaf.") || !strings.HasSuffix(msgs[0].MessageID, "@edu.example.cn>") {
		t.Errorf("added message: id %d, Message-ID %q; want an id and <sheaf.…@edu.example.cn>", msgs[0].ID, msgs[0].MessageID)
	}
	if msgs[2].ID != 0 {
		t.Errorf("skipped message got id %d", msgs[2].ID)
	}

	// A restart: the same decision is taken again by a new process.
	db.Close()
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	db2.Now = db.Now
	added, err = db2.Enqueue(ctx, reminder("finance", "7d"), reminder("finance", "3d"))
	if err != nil || added != 1 {
		t.Fatalf("Enqueue after restart = %d, %v; want 1 (only the 3d reminder is new)", added, err)
	}
	all, err := db2.Outbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range all {
		keys = append(keys, m.DedupKey)
	}
	want := []string{"remind:finance:年报初稿:3d", "remind:edu:年报初稿:7d", "remind:finance:年报初稿:7d"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("outbox keys %q, want %q (newest first)", keys, want)
	}
}

func TestEnqueueRoundTripAndRefusals(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	in := sheaf.OutboxMessage{
		MessageID: "digest-1@edu.example.cn",
		Kind:      sheaf.MailDigest,
		Sender:    "duda@edu.example.cn",
		To:        []string{"wang@edu.example.cn"},
		Cc:        []string{"li@edu.example.cn"},
		Subject:   "每日汇总",
		BodyText:  "文本",
		BodyHTML:  "<p>网页</p>",
		Attachments: []sheaf.Attachment{
			{Name: "汇总表.csv", ContentType: "text/csv", Data: []byte("a,b\n1,2\n")},
			{Path: "/srv/sheaf/草稿.docx"},
		},
	}
	if _, err := db.Enqueue(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, err := db.Outbox(ctx, 1)
	if err != nil || len(got) != 1 {
		t.Fatalf("Outbox = %v, %v", got, err)
	}
	want := in
	want.ID, want.MessageID, want.State = 1, "<digest-1@edu.example.cn>", sheaf.OutboxQueued
	want.CreatedAt, want.NextAttemptAt = now, now
	if !reflect.DeepEqual(got[0], want) {
		t.Errorf("stored\n %+v\nwant\n %+v", got[0], want)
	}

	bad := []struct {
		name string
		edit func(m *sheaf.OutboxMessage)
		want string
	}{
		{"unknown kind", func(m *sheaf.OutboxMessage) { m.Kind = "newsletter" }, `kind "newsletter" is not one of`},
		{"no sender", func(m *sheaf.OutboxMessage) { m.Sender = " " }, "no sender"},
		{"no recipients", func(m *sheaf.OutboxMessage) { m.To = nil }, "no recipients"},
		{"bad Message-ID", func(m *sheaf.OutboxMessage) { m.MessageID = "no-at-sign" }, "is not a Message-ID"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			m := reminder("edu", tt.name)
			tt.edit(&m)
			// A good message in the same call is not stored either: one transaction.
			n, err := db.Enqueue(ctx, reminder("edu", "ok-"+tt.name), m)
			if err == nil || !strings.Contains(err.Error(), tt.want) || n != 0 {
				t.Errorf("Enqueue = %d, %v; want 0 and an error containing %q", n, err, tt.want)
			}
		})
	}
	if all, _ := db.Outbox(ctx, 10); len(all) != 1 {
		t.Errorf("outbox holds %d messages after refused calls, want 1", len(all))
	}
}

func TestOutboxDelivery(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	a, b := reminder("edu", "7d"), reminder("finance", "7d")
	b.NextAttemptAt = now.Add(time.Hour) // not before an hour from now
	if _, err := db.Enqueue(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueMessages(ctx, now, 10)
	if err != nil || len(due) != 1 || due[0].DedupKey != a.DedupKey {
		t.Fatalf("DueMessages = %v, %v; want only the edu reminder", due, err)
	}
	id := due[0].ID

	if err := db.MarkRetry(ctx, id, 1, now.Add(30*time.Second), "451 try later"); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueMessages(ctx, now.Add(29*time.Second), 10); len(due) != 0 {
		t.Errorf("%d messages due before the retry time, want 0", len(due))
	}
	due, _ = db.DueMessages(ctx, now.Add(time.Hour), 10)
	if len(due) != 2 || due[0].ID != id || due[0].Attempts != 1 || due[0].LastError != "451 try later" {
		t.Fatalf("due after an hour: %+v; want the retried message first with 1 attempt and its error", due)
	}

	if err := db.MarkFailed(ctx, id, "451 still"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(ctx, id, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkSent of a failed message = %v, want ErrNotFound", err)
	}
	if err := db.RetryMessage(ctx, id); err != nil {
		t.Fatal(err)
	}
	due, _ = db.DueMessages(ctx, now, 10)
	if len(due) != 1 || due[0].ID != id || due[0].Attempts != 0 || due[0].State != sheaf.OutboxQueued {
		t.Fatalf("after RetryMessage: %+v; want it queued now with attempts counted afresh", due)
	}
	sentAt := now.Add(time.Minute)
	if err := db.MarkSent(ctx, id, sentAt); err != nil {
		t.Fatal(err)
	}
	all, _ := db.Outbox(ctx, 10)
	for _, m := range all {
		if m.ID == id && (m.State != sheaf.OutboxSent || !m.SentAt.Equal(sentAt) || m.Attempts != 1 || m.LastError != "") {
			t.Errorf("sent message: %+v", m)
		}
	}
	if err := db.RetryMessage(ctx, id); err == nil || !strings.Contains(err.Error(), "it is sent") {
		t.Errorf("RetryMessage of a sent message = %v, want a refusal", err)
	}
	if err := db.RetryMessage(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("RetryMessage(999) = %v, want ErrNotFound", err)
	}
}
