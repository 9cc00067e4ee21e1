package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/notify"
)

const chatConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 1m, workers: 2}
departments:
  - {id: edu, name: 市教育局, contacts: [edu@example.org], sources: [{dir: inbox/edu}]}
  - id: finance
    name: 市财政局
    contacts: [finance@example.org]
    sources: [{dir: inbox/finance}]
    chat: [{kind: dir, dir: chat/finance}]
  - id: stats
    name: 市统计局
    sources: [{dir: inbox/stats}]
    chat: [{kind: wecom, webhook_env: SHEAF_TEST_STATS_WECOM}]
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, required: true}
  - {id: pop.total, name: 常住人口, unit: 万人, owner: stats, required: true}
deadlines:
  - {name: 年报数据报送, due: "2025-03-31", remind: [7d]}
mail:
  from: duban@example.org
  coordinators: [duban@example.org]
  coordinator_chat: [{kind: dir, dir: chat/duban}]
  dir: outbox
`

// wecomFake is a 企业微信 robot on loopback that records the markdown it
// is posted.
type wecomFake struct {
	mu    sync.Mutex
	posts []string
}

func (w *wecomFake) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	var body struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	b, _ := io.ReadAll(r.Body)
	if json.Unmarshal(b, &body) != nil || body.MsgType != "markdown" || r.URL.Query().Get("key") != "k1" {
		fmt.Fprint(rw, `{"errcode":40008,"errmsg":"invalid message type"}`)
		return
	}
	w.mu.Lock()
	w.posts = append(w.posts, body.Markdown.Content)
	w.mu.Unlock()
	fmt.Fprint(rw, `{"errcode":0,"errmsg":"ok"}`)
}

func chatFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

// Reminders go to each department's chat groups beside its mail (to the
// chat alone for one with no contacts), once; the digest to the
// coordinators' group, as markdown.
func TestRemindersAndDigestPostedToChat(t *testing.T) {
	fake := &wecomFake{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	t.Setenv("SHEAF_TEST_STATS_WECOM", srv.URL+"/cgi-bin/webhook/send?key=k1")
	f := newFixture(t, chatConfig)
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, f.cfg.Cycle.Location)
	now := due.Add(-7*24*time.Hour + time.Hour)
	mail, err := notify.FromConfig(f.cfg)
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := notify.WithChat(f.cfg, mail)
	if err != nil {
		t.Fatal(err)
	}
	f.db.Now = func() time.Time { return now }
	sender := LockedSender(f.cfg, f.db, mailer, nil)
	sender.Now = func() time.Time { return now }
	m := &Mailing{Config: f.cfg, DB: f.db, Sender: sender, Now: func() time.Time { return now },
		Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return time.Now().Add(time.Hour) }}}
	for range 2 { // the second run decides nothing new
		if _, err := m.Remind(context.Background(), "test", time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(mailFiles(t, filepath.Join(f.dir, "outbox")), " "); got != "reminder:finance@example.org" {
		t.Errorf("mail written: %s, want finance's reminder only", got)
	}
	posts := chatFiles(t, filepath.Join(f.dir, "chat/finance"))
	if len(posts) != 1 {
		t.Fatalf("finance's group got %d posts, want 1", len(posts))
	}
	for _, want := range []string{"**【报送提醒】测试周期", "市财政局：", "1. 【未报送】", "一般公共预算教育支出", "本消息由 sheaf"} {
		if !strings.Contains(posts[0], want) {
			t.Errorf("finance's post lacks %q:\n%s", want, posts[0])
		}
	}
	if len(fake.posts) != 1 || !strings.Contains(fake.posts[0], "常住人口") {
		t.Errorf("stats' 企业微信 group got %q, want one reminder of 常住人口", fake.posts)
	}
	notices, err := PlanReminders(context.Background(), f.cfg, f.db, now, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notices {
		if n.Outbox != sheaf.OutboxSent {
			t.Errorf("%s's notice is %q in the outbox, want sent", n.Department, n.Outbox)
		}
	}

	if _, err := m.Digest(context.Background(), "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	digests := chatFiles(t, filepath.Join(f.dir, "chat/duban"))
	if len(digests) != 1 || !strings.Contains(digests[0], "**一、各单位报送情况**") || !strings.Contains(digests[0], "- 市教育局：已报送") {
		t.Errorf("coordinators' group got %q, want the digest as markdown", digests)
	}
	msgs, _ := f.db.Outbox(context.Background(), 20)
	for _, msg := range msgs {
		if msg.State != sheaf.OutboxSent {
			t.Errorf("message %d (%s %s) is %s: %s", msg.ID, msg.Kind, msg.Channel, msg.State, msg.LastError)
		}
	}
}

// robotFunc is a chat robot made of a function.
type robotFunc func(ctx context.Context, m sheaf.OutboxMessage) error

func (f robotFunc) Post(ctx context.Context, m sheaf.OutboxMessage) error { return f(ctx, m) }

// A post queued while its robot was down is looked at again before it
// goes, as mail is: cancelled once the department owes nothing.
func TestChatPostCheckedAgainBeforeDelivery(t *testing.T) {
	t.Setenv("SHEAF_TEST_STATS_WECOM", "http://127.0.0.1:1/unused")
	f := newFixture(t, chatConfig)
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, f.cfg.Cycle.Location)
	now := due.Add(-7*24*time.Hour + time.Hour)
	down := true
	var posted []string
	robot := robotFunc(func(_ context.Context, m sheaf.OutboxMessage) error {
		if down {
			return &notify.RobotError{Status: 503, Msg: "unavailable"}
		}
		posted = append(posted, m.Channel+" "+m.Subject)
		return nil
	})
	mailer := &notify.Router{Mail: mailerFunc(func(context.Context, sheaf.OutboxMessage) error { return nil }),
		Chat: map[string]notify.ChatRobot{"finance:0": robot, "stats:0": robot}}
	f.db.Now = func() time.Time { return now }
	sender := LockedSender(f.cfg, f.db, mailer, nil)
	sender.Now = func() time.Time { return now }
	sender.Backoff = func(int) time.Duration { return time.Minute }
	m := &Mailing{Config: f.cfg, DB: f.db, Sender: sender, Now: func() time.Time { return now },
		Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return time.Now().Add(time.Hour) }}}
	if _, err := m.Remind(context.Background(), "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	// Finance sends its figure; the robot comes back.
	f.workbook("inbox/finance/a.xlsx", []any{"fund.edu_spend", "一般公共预算教育支出", "2024", 1200, "万元", ""})
	if _, err := m.Syncer.Sync(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	down = false
	now = now.Add(10 * time.Minute)
	if _, _, err := sender.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(posted) != 1 || !strings.HasPrefix(posted[0], "chat:stats:0 ") {
		t.Errorf("posted %q, want only stats' reminder", posted)
	}
	msgs, _ := f.db.Outbox(context.Background(), 20)
	for _, msg := range msgs {
		if msg.Channel == "chat:finance:0" && (msg.State != sheaf.OutboxCancelled || !strings.Contains(msg.LastError, "已没有需要处理的事项")) {
			t.Errorf("finance's post is %s (%s), want cancelled", msg.State, msg.LastError)
		}
	}
}
