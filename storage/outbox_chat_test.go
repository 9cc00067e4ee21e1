package storage

import (
	"context"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// A chat message has no sender nor recipients, keeps its channel and link,
// and a digest to a chat group does not cancel the mailed digest.
func TestOutboxChatMessages(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	mailed := sheaf.OutboxMessage{Kind: sheaf.MailDigest, DedupKey: "digest/1", Sender: "duda@edu.example.cn",
		To: []string{"wang@edu.example.cn"}, Subject: "汇总", BodyText: "文本"}
	posted := sheaf.OutboxMessage{Kind: sheaf.MailDigest, DedupKey: "digest/1|chat:coordinators:0",
		Channel: "chat:coordinators:0", Subject: "汇总", BodyText: "文本", Link: "https://sheaf.example.cn/flags"}
	again := posted
	if _, err := db.Enqueue(ctx, mailed, posted); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Enqueue(ctx, again); err != nil || n != 0 {
		t.Fatalf("the same chat decision enqueued again: added %d, %v; want 0", n, err)
	}
	if _, err := db.Enqueue(ctx, sheaf.OutboxMessage{Kind: sheaf.MailDigest, Channel: "wechat", Subject: "x"}); err == nil {
		t.Error("a message on an unknown channel was enqueued")
	}
	n, err := db.CancelSuperseded(ctx, sheaf.MailDigest, "superseded")
	if err != nil || n != 0 {
		t.Fatalf("CancelSuperseded: %d, %v; want 0 (one digest per channel)", n, err)
	}
	due, err := db.DueMessages(ctx, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 2 || due[0].Channel != "" || due[1].Channel != "chat:coordinators:0" ||
		due[1].Link != "https://sheaf.example.cn/flags" || len(due[1].To) != 0 {
		t.Fatalf("due = %+v", due)
	}
}
