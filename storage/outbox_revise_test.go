package storage

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
)

func TestOutboxCancelReviseAndRefused(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 10, 1, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	digest := func(key string) sheaf.OutboxMessage {
		return sheaf.OutboxMessage{Kind: sheaf.MailDigest, DedupKey: key, Sender: "duda@edu.example.cn",
			To: []string{"wang@edu.example.cn"}, Subject: "汇总 " + key, BodyText: "文本"}
	}
	msgs := []sheaf.OutboxMessage{reminder("finance", "7d"), reminder("edu", "7d"), digest("d1"), digest("d2")}
	if _, err := db.Enqueue(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	fin, edu, d1, d2 := msgs[0].ID, msgs[1].ID, msgs[2].ID, msgs[3].ID

	if err := db.CancelMessage(ctx, fin, "已报送，不再需要"); err != nil {
		t.Fatal(err)
	}
	if err := db.CancelMessage(ctx, fin, "again"); !errors.Is(err, ErrNotFound) {
		t.Errorf("cancelling a cancelled message: %v, want ErrNotFound", err)
	}
	if err := db.ReviseMessage(ctx, edu, "新主题", "新正文"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CancelSuperseded(ctx, sheaf.MailDigest, "已被更新的汇总取代"); err != nil || n != 1 {
		t.Fatalf("CancelSuperseded = %d, %v; want 1", n, err)
	}
	refused := []sheaf.RefusedRecipient{{Address: "gone@example.cn", Reason: "收件地址被拒收（550 no such user）"}}
	if err := db.MarkPartlySent(ctx, d2, now, refused); err != nil {
		t.Fatal(err)
	}
	if err := db.RetryMessage(ctx, fin); err == nil {
		t.Error("a cancelled message was queued again")
	}

	all, err := db.Outbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]sheaf.OutboxMessage{}
	for _, m := range all {
		got[m.ID] = m
	}
	if m := got[fin]; m.State != sheaf.OutboxCancelled || m.LastError != "已报送，不再需要" {
		t.Errorf("cancelled: state %s reason %q", m.State, m.LastError)
	}
	if m := got[edu]; m.State != sheaf.OutboxQueued || m.Subject != "新主题" || m.BodyText != "新正文" {
		t.Errorf("revised: %s %q %q", m.State, m.Subject, m.BodyText)
	}
	if m := got[d1]; m.State != sheaf.OutboxCancelled || m.LastError != "已被更新的汇总取代" {
		t.Errorf("superseded digest: state %s reason %q", m.State, m.LastError)
	}
	if m := got[d2]; m.State != sheaf.OutboxSent || !reflect.DeepEqual(m.Refused, refused) ||
		m.LastError != "部分收件人被拒收：gone@example.cn（收件地址被拒收（550 no such user））" {
		t.Errorf("partly sent: state %s refused %v error %q", m.State, m.Refused, m.LastError)
	}

	states, err := db.Decisions(ctx, []string{msgs[0].DedupKey, msgs[1].DedupKey, "d2", "never"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{msgs[0].DedupKey: "cancelled", msgs[1].DedupKey: "queued", "d2": "sent"}
	if !reflect.DeepEqual(states, want) {
		t.Errorf("Decisions = %v, want %v", states, want)
	}

	rs, err := db.RefusedSince(ctx, now.Add(-time.Hour))
	if err != nil || len(rs) != 1 || rs[0].ID != d2 || !reflect.DeepEqual(rs[0].Refused, refused) {
		t.Errorf("RefusedSince = %+v, %v", rs, err)
	}
	if rs, _ := db.RefusedSince(ctx, now); len(rs) != 0 {
		t.Errorf("RefusedSince(now) = %+v, want none", rs)
	}
}

// TestOutboxMigrationKeepsMessages upgrades a database holding queued
// and sent messages across the migration that rebuilds the outbox.
func TestOutboxMigrationKeepsMessages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sheaf.db")
	sdb := olderDB(t, path, "migrations/0011_outbox_cancelled")
	m := reminder("finance", "7d")
	m.ExpiresAt = time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	if _, err := sdb.Exec(`INSERT INTO outbox (message_id, kind, dedup_key, sender, recipients, subject, body_text,
		state, next_attempt_at, created_at, expires_at) VALUES ('<a@b>', ?, ?, ?, '{"to":["finance@example.cn"]}', ?, ?,
		'queued', '2025-01-10T08:00:00.000000000Z', '2025-01-10T08:00:00.000000000Z', '2025-03-31T00:00:00.000000000Z')`,
		m.Kind, m.DedupKey, m.Sender, m.Subject, m.BodyText); err != nil {
		t.Fatal(err)
	}
	db := upgrade(t, sdb, path)
	all, err := db.Outbox(ctx, 10)
	if err != nil || len(all) != 1 || all[0].DedupKey != m.DedupKey || !all[0].ExpiresAt.Equal(m.ExpiresAt) {
		t.Fatalf("after the upgrade: %+v, %v", all, err)
	}
	if err := db.CancelMessage(ctx, all[0].ID, "测试"); err != nil {
		t.Fatal(err)
	}
}
