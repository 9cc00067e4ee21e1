package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

// fakeRobot is a chat platform's robot endpoint on loopback: it checks
// each post's signature and shape as the platform would, and records the
// posts it accepted. fail, when set, answers a post instead (the n-th,
// from 1) when it returns true.
type fakeRobot struct {
	t      *testing.T
	kind   string
	secret string
	now    time.Time
	fail   func(n int, w http.ResponseWriter) bool

	mu       sync.Mutex
	requests int
	posts    []map[string]any
}

func (f *fakeRobot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	if f.fail != nil && f.fail(f.requests, w) {
		return
	}
	var body map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		f.t.Errorf("%s: body is not JSON: %s", f.kind, b)
		return
	}
	code, msg := 0, "ok"
	switch f.kind {
	case config.ChatWeCom:
		if r.URL.Query().Get("key") != "wecom-key" {
			code, msg = 93000, "invalid webhook url"
		}
		if body["msgtype"] != "markdown" {
			f.t.Errorf("wecom msgtype = %v", body["msgtype"])
		}
	case config.ChatDingTalk:
		ts, sign := r.URL.Query().Get("timestamp"), r.URL.Query().Get("sign")
		ms, _ := strconv.ParseInt(ts, 10, 64)
		// The platform decodes the query and recomputes the signature.
		if sign != DingTalkSign(ts, f.secret) || time.UnixMilli(ms).Sub(f.now).Abs() > time.Hour {
			code, msg = 310000, "sign not match"
		}
		if !strings.Contains(r.URL.RawQuery, "sign="+url.QueryEscape(sign)) {
			f.t.Errorf("dingtalk sign not url-encoded in %s", r.URL.RawQuery)
		}
		if body["msgtype"] != "markdown" {
			f.t.Errorf("dingtalk msgtype = %v", body["msgtype"])
		}
	case config.ChatFeishu:
		ts, _ := body["timestamp"].(string)
		s, _ := strconv.ParseInt(ts, 10, 64)
		if body["sign"] != FeishuSign(ts, f.secret) || time.Unix(s, 0).Sub(f.now).Abs() > time.Hour {
			code, msg = 19021, "sign match fail or timestamp is not within one hour from current time"
		}
		if body["msg_type"] != "post" {
			f.t.Errorf("feishu msg_type = %v", body["msg_type"])
		}
	}
	if code == 0 {
		f.posts = append(f.posts, body)
	}
	if f.kind == config.ChatFeishu {
		fmt.Fprintf(w, `{"code":%d,"msg":%q,"data":{}}`, code, msg)
		return
	}
	fmt.Fprintf(w, `{"errcode":%d,"errmsg":%q}`, code, msg)
}

func startRobot(t *testing.T, f *fakeRobot) string {
	f.t = t
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	switch f.kind {
	case config.ChatWeCom:
		return ts.URL + "/cgi-bin/webhook/send?key=wecom-key"
	case config.ChatDingTalk:
		return ts.URL + "/robot/send?access_token=ding-token"
	}
	return ts.URL + "/open-apis/bot/v2/hook/feishu-hook"
}

var chatReminder = sheaf.OutboxMessage{ID: 7, Kind: sheaf.MailReminder, Channel: "chat:edu:0",
	Subject: "【报送提醒】2024年度履行教育职责自评：1月10日18:00前尚有 2 项需处理",
	BodyText: "市教育局：\n\n根据截至 2025-01-08 09:00 的数据，贵单位还有以下事项需要处理：\n\n" +
		"1. 【未报送】专任教师数\n2. 【需核实】在校生数单位不明（见 教育.xlsx 基本情况!C5「12,345」）\n",
	Link: "https://sheaf.example.cn/d/edu?t=tok"}

// Each platform gets the shape it documents, signed as it documents, and
// a post it answers with an error code is an error, not a delivery.
func TestRobotPostsSignedShapes(t *testing.T) {
	now := time.Date(2025, 1, 8, 9, 0, 0, 0, time.UTC)
	for _, kind := range []string{config.ChatWeCom, config.ChatDingTalk, config.ChatFeishu} {
		t.Run(kind, func(t *testing.T) {
			f := &fakeRobot{kind: kind, secret: "SECabc123", now: now}
			hook := startRobot(t, f)
			r := &Robot{Kind: kind, Webhook: hook, Now: func() time.Time { return now }}
			if kind != config.ChatWeCom {
				r.Secret = f.secret
			}
			if err := r.Post(context.Background(), chatReminder); err != nil {
				t.Fatalf("Post: %v", err)
			}
			if len(f.posts) != 1 {
				t.Fatalf("%d posts accepted, want 1", len(f.posts))
			}
			b, _ := json.Marshal(f.posts[0])
			for _, want := range []string{"专任教师数", "查看本单位报送情况并答复", "https://sheaf.example.cn/d/edu?t=tok"} {
				if !strings.Contains(string(b), want) {
					t.Errorf("post lacks %q: %s", want, b)
				}
			}
			// Signed with the wrong secret, or to the wrong key: refused
			// with HTTP 200 and an error code, which Post reports.
			bad := &Robot{Kind: kind, Webhook: strings.Replace(hook, "wecom-key", "other", 1), Secret: "SECwrong",
				Now: func() time.Time { return now }}
			err := bad.Post(context.Background(), chatReminder)
			if re, ok := err.(*RobotError); !ok || re.Code == 0 || re.Status != 200 {
				t.Errorf("badly signed post: %v, want a RobotError with a code", err)
			}
			if len(f.posts) != 1 {
				t.Errorf("a badly signed post was accepted")
			}
		})
	}
}

// The signatures by the platforms' formulas, computed independently
// (Python's hmac) for these timestamps and secrets.
func TestSignatures(t *testing.T) {
	// 钉钉: HMAC-SHA256 keyed by the secret over "timestamp\nsecret".
	if got, want := DingTalkSign("1577262236757", "SECxxx"), "TajHYUQC5a6smO3qjKNgFiJalsQ51g5gqH0iiy2oY+o="; got != want {
		t.Errorf("DingTalkSign = %q, want %q", got, want)
	}
	// 飞书: HMAC-SHA256 keyed by "timestamp\nsecret" over nothing.
	if got, want := FeishuSign("1599360473", "demo"), "l1N0gAcBjdwBvGm1xMjOF0XSyaLRpR7tuO5dHfhAYc8="; got != want {
		t.Errorf("FeishuSign = %q, want %q", got, want)
	}
}

// A post longer than 企业微信's 4096 bytes is cut after a whole line,
// says so, and keeps its link.
func TestChatMarkdownCut(t *testing.T) {
	m := chatReminder
	var b strings.Builder
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&b, "%d. 【需核实】第%d项数值与上年相差过大\n", i, i)
	}
	m.BodyText = b.String()
	got := ChatMarkdown(m, wecomMaxBytes, "\n")
	if len(got) > wecomMaxBytes {
		t.Fatalf("%d bytes, over %d", len(got), wecomMaxBytes)
	}
	for _, want := range []string{"**" + m.Subject + "**", "1. 【需核实】第1项", "内容较长，已截断", "(" + m.Link + ")"} {
		if !strings.Contains(got, want) {
			t.Errorf("cut post lacks %q", want)
		}
	}
	if strings.Contains(got, "第300项") {
		t.Error("the last line was kept")
	}
	if short := ChatMarkdown(chatReminder, wecomMaxBytes, "\n"); strings.Contains(short, "截断") {
		t.Errorf("a short post was cut: %s", short)
	}
}

// TestFeishuRequestWithinItsLimit: 飞书 limits the whole request to 20 KB;
// a post of many short lines, each wrapped as a paragraph in JSON, stays
// within it, says it was cut and where the rest is, and keeps its link.
func TestFeishuRequestWithinItsLimit(t *testing.T) {
	m := chatReminder
	var b strings.Builder
	for i := 1; i <= 3000; i++ {
		fmt.Fprintf(&b, "%d. 第%d项无法读取\n", i, i)
	}
	m.BodyText = b.String()
	r := &Robot{Kind: config.ChatFeishu, Webhook: "http://127.0.0.1:1/hook", Secret: "s", Now: time.Now}
	_, body, err := r.request(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(body) > feishuRequestBytes {
		t.Errorf("飞书 request of %d bytes, over %d", len(body), feishuRequestBytes)
	}
	for _, want := range []string{"内容较长，已截断，完整内容请见下方链接", m.Link, "1. 第1项"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the cut request lacks %q", want)
		}
	}
}

// The 21st post within a minute waits until the first is a minute old.
func TestRobotRateLimit(t *testing.T) {
	now := time.Date(2025, 1, 8, 9, 0, 0, 0, time.UTC)
	f := &fakeRobot{kind: config.ChatWeCom, now: now}
	var slept []time.Duration
	r := &Robot{Kind: config.ChatWeCom, Webhook: startRobot(t, f), Now: func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil }}
	for i := range RobotPerMinute + 1 {
		now = now.Add(time.Second)
		if err := r.Post(context.Background(), chatReminder); err != nil {
			t.Fatalf("post %d: %v", i+1, err)
		}
	}
	if len(slept) != 1 || slept[0] != 40*time.Second {
		t.Errorf("slept %v, want one wait of 40s (the first post at 0:01, the 21st at 0:21, until 1:01)", slept)
	}
}

// A robot answering 429, then 503, then HTTP 200 with its rate-limit
// errcode, for a while: every post arrives once it recovers, none twice,
// and the mail meanwhile is delivered.
func TestChatSurvivesFailingRobot(t *testing.T) {
	for _, kind := range []string{config.ChatWeCom, config.ChatDingTalk, config.ChatFeishu} {
		t.Run(kind, func(t *testing.T) {
			c := &clock{t: time.Date(2025, 1, 8, 9, 0, 0, 0, time.UTC)}
			db := openDB(t, c)
			f := &fakeRobot{kind: kind, secret: "SECabc", now: c.t}
			down := true
			f.fail = func(n int, w http.ResponseWriter) bool {
				switch {
				case !down:
					return false
				case n%3 == 1:
					http.Error(w, "too many requests", http.StatusTooManyRequests)
				case n%3 == 2:
					http.Error(w, "bad gateway", http.StatusServiceUnavailable)
				case kind == config.ChatFeishu:
					fmt.Fprint(w, `{"code":9499,"msg":"too many request"}`)
				case kind == config.ChatDingTalk:
					fmt.Fprint(w, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`)
				default:
					fmt.Fprint(w, `{"errcode":45009,"errmsg":"api freq out of limit"}`)
				}
				return true
			}
			robot := &Robot{Kind: kind, Webhook: startRobot(t, f), Secret: "SECabc", Now: c.Now,
				Sleep: func(context.Context, time.Duration) error { return nil }}
			var mailed []string
			s := &Sender{DB: db, Now: c.Now, Backoff: func(int) time.Duration { return time.Minute },
				Mailer: &Router{Chat: map[string]ChatRobot{"edu:0": robot},
					Mail: mailerFunc(func(_ context.Context, m sheaf.OutboxMessage) error {
						mailed = append(mailed, m.Subject)
						return nil
					})}}
			enqueueReminders(t, db, "finance")
			var posts []sheaf.OutboxMessage
			for i := range 5 {
				m := chatReminder
				m.ID, m.DedupKey, m.Subject = 0, fmt.Sprintf("remind/x/edu/%d|chat:edu:0", i), fmt.Sprintf("提醒 %d", i)
				posts = append(posts, m)
			}
			if _, err := db.Enqueue(context.Background(), posts...); err != nil {
				t.Fatal(err)
			}
			// Down: three failures stop the robot's posts, the mail goes.
			flush(t, s, 1, 0)
			if len(mailed) != 1 || f.requests != 3 {
				t.Fatalf("mailed %v, robot asked %d times; want the mail, and 3 attempts", mailed, f.requests)
			}
			for range 3 {
				c.t = c.t.Add(2 * time.Minute)
				flush(t, s, 0, 0)
			}
			down = false
			c.t = c.t.Add(2 * time.Minute)
			flush(t, s, 5, 0)
			c.t = c.t.Add(time.Hour)
			flush(t, s, 0, 0)
			seen := map[string]int{}
			for _, p := range f.posts {
				b, _ := json.Marshal(p)
				for i := range 5 {
					if strings.Contains(string(b), fmt.Sprintf("提醒 %d", i)) {
						seen[fmt.Sprintf("提醒 %d", i)]++
					}
				}
			}
			for i := range 5 {
				if n := seen[fmt.Sprintf("提醒 %d", i)]; n != 1 {
					t.Errorf("提醒 %d arrived %d times, want once", i, n)
				}
			}
			for _, m := range outbox(t, db) {
				if m.State != sheaf.OutboxSent {
					t.Errorf("message %d (%s) is %s: %s", m.ID, m.Channel, m.State, m.LastError)
				}
			}
		})
	}
}

// A dir target writes the post as the group would read it.
func TestChatDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "chat")
	m := chatReminder
	m.CreatedAt = time.Date(2025, 1, 8, 1, 0, 0, 0, time.UTC)
	d := &ChatDir{Path: dir, Location: time.FixedZone("CST", 8*3600)}
	if err := d.Post(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "20250108-090000-reminder-7.md"))
	if err != nil {
		t.Fatal(err)
	}
	want := "**" + m.Subject + "**\n\n" + strings.TrimSpace(m.BodyText) + "\n\n[查看本单位报送情况并答复](" + m.Link + ")\n"
	if string(b) != want {
		t.Errorf("file:\n%s\nwant:\n%s", b, want)
	}
}
