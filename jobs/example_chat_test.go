package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/notify"
)

// TestExampleChatPostAsInReadme posts the bundled example's overdue notice
// to 市教育局's chat folder, the morning after the deadline, and checks
// that the README shows it as it is written: every line the README quotes
// in full is a line of the post, in order.
func TestExampleChatPostAsInReadme(t *testing.T) {
	dir, cfg, db := exampleCopy(t, "outbox", "chat")
	now := time.Date(2025, 1, 16, 9, 0, 0, 0, cfg.Cycle.Location)
	db.Now = func() time.Time { return now }
	s := &Syncer{Config: cfg, DB: db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
	if _, err := s.Sync(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	mail, err := notify.FromConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := notify.WithChat(cfg, mail)
	if err != nil {
		t.Fatal(err)
	}
	notices, err := PlanReminders(context.Background(), cfg, db, now, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notices {
		if _, err := db.Enqueue(context.Background(), noticeMessages(cfg, n)...); err != nil {
			t.Fatal(err)
		}
	}
	sender := &notify.Sender{DB: db, Mailer: mailer, Now: func() time.Time { return now }}
	if _, _, err := sender.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	posts := chatFiles(t, filepath.Join(dir, "chat/教育局"))
	if len(posts) != 1 {
		t.Fatalf("市教育局's group got %d posts, want 1", len(posts))
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "> **【逾期催报】")
	if !ok {
		t.Fatal("README.md shows no chat post")
	}
	block, _, _ = strings.Cut("> **【逾期催报】"+block, "\n\n")
	post, matched := posts[0], 0
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, ">"))
		if line == "" || strings.Contains(line, "……") || strings.HasPrefix(line, "[") {
			continue // shortened in the README, or the link (web.url is not set)
		}
		i := strings.Index(post, line)
		if i < 0 {
			t.Errorf("the README's line %q is not in the post:\n%s", line, posts[0])
			continue
		}
		post = post[i+len(line):]
		matched++
	}
	if matched < 6 {
		t.Errorf("only %d of the README's lines were checked", matched)
	}
}
