package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/renameio/v2"
	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

// ChatRobot posts one message of the outbox to a work-chat group. Post
// returns nil only once the platform has accepted it; a message may be
// posted again after an error.
type ChatRobot interface {
	Post(ctx context.Context, m sheaf.OutboxMessage) error
}

var (
	_ ChatRobot = (*Robot)(nil)
	_ ChatRobot = (*ChatDir)(nil)
	_ Mailer    = (*Router)(nil)
)

// Router is the Mailer of an outbox holding both e-mail and chat posts:
// a message with no Channel goes to Mail, one with a chat channel to the
// robot of that name in Chat. One Sender, one delivery loop, for both.
type Router struct {
	Mail Mailer
	// Chat are the robots by target name (config.ChatTargetName: "edu:0").
	Chat map[string]ChatRobot
}

// Send delivers m by its channel. A post to a target the configuration
// no longer has is refused for good.
func (r *Router) Send(ctx context.Context, m sheaf.OutboxMessage) error {
	if m.Channel == "" {
		if r.Mail == nil {
			return &PermanentError{Reason: "没有配置邮件发送方式"}
		}
		return r.Mail.Send(ctx, m)
	}
	name := strings.TrimPrefix(m.Channel, sheaf.ChannelChatPrefix)
	robot, ok := r.Chat[name]
	if !ok {
		return &PermanentError{Reason: "配置中已没有聊天群 " + name}
	}
	return robot.Post(ctx, m)
}

// WithChat returns mail itself when the configuration has no chat
// targets, else a Router delivering mail through it and chat posts
// through the configured robots, their secrets read from the environment
// now, so that a missing one stops the start rather than the first post.
func WithChat(cfg *config.Config, mail Mailer) (Mailer, error) {
	targets := cfg.ChatTargets()
	if len(targets) == 0 {
		return mail, nil
	}
	r := &Router{Mail: mail, Chat: map[string]ChatRobot{}}
	for name, t := range targets {
		robot, err := robotFromConfig(cfg, name, t)
		if err != nil {
			return nil, fmt.Errorf("chat %s: %w", name, err)
		}
		r.Chat[name] = robot
	}
	return r, nil
}

func robotFromConfig(cfg *config.Config, name string, t config.ChatTarget) (ChatRobot, error) {
	if t.Kind == config.ChatDir {
		return &ChatDir{Path: cfg.Path(t.Dir), Location: cfg.Cycle.Location}, nil
	}
	webhook, err := config.Secret(t.WebhookEnv, "chat "+name+" webhook_env", "webhook address")
	if err != nil {
		return nil, err
	}
	if u, err := url.Parse(webhook); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("the variable %s does not hold a webhook address (https://…)", t.WebhookEnv)
	}
	r := &Robot{Kind: t.Kind, Webhook: webhook}
	if t.SecretEnv != "" {
		if r.Secret, err = config.Secret(t.SecretEnv, "chat "+name+" secret_env", "signing secret"); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Platform limits.
const (
	// RobotPerMinute is how many posts a minute one robot accepts
	// (企业微信 and 钉钉 both say 20).
	RobotPerMinute = 20
	wecomMaxBytes  = 4096  // 企业微信 markdown.content
	dingMaxBytes   = 20000 // 钉钉 markdown.text
	feishuMaxBytes = 20000 // 飞书: the whole request at most 20 KB; the text is kept under
	// feishuRequestBytes is 飞书's limit on the whole request body: the
	// text's JSON, a paragraph's wrapping per line, the title.
	feishuRequestBytes = 20 << 10
)

// Robot posts to one 企业微信, 钉钉 or 飞书 group robot by its webhook.
type Robot struct {
	// Kind is config.ChatWeCom, ChatDingTalk or ChatFeishu.
	Kind string
	// Webhook is the robot's address, with its key or access token.
	Webhook string
	// Secret, when set, signs each post (钉钉 加签, 飞书 签名校验).
	Secret string
	// Client sends the posts; one with a 15-second timeout when nil.
	Client *http.Client
	// Now is the clock of signatures and of the rate limit; time.Now when nil.
	Now func() time.Time
	// Sleep waits d or until ctx ends; a timer when nil.
	Sleep func(ctx context.Context, d time.Duration) error

	mu   sync.Mutex
	sent []time.Time // the last RobotPerMinute posts
}

// RobotError is a post the platform answered with an error: an HTTP
// status other than 2xx, or 200 with a non-zero errcode (code for 飞书),
// rate limits included. It is retried.
type RobotError struct {
	Status int
	Code   int
	Msg    string
}

// Error says what the platform answered.
func (e *RobotError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("聊天机器人拒收（HTTP %d，错误码 %d：%s，稍后重试）", e.Status, e.Code, e.Msg)
	}
	return fmt.Sprintf("聊天机器人拒收（HTTP %d：%s，稍后重试）", e.Status, e.Msg)
}

// Post renders m for the platform, waits for the rate limit, signs and
// posts it, and reads the answer.
func (r *Robot) Post(ctx context.Context, m sheaf.OutboxMessage) error {
	if err := r.wait(ctx); err != nil {
		return err
	}
	target, body, err := r.request(m)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post to the %s robot: %w", r.Kind, err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	client := r.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		// The address holds the key: say only the host.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post to the %s robot at %s: %w", r.Kind, req.URL.Host, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return &RobotError{Status: resp.StatusCode, Msg: strings.TrimSpace(string(answer))}
	}
	var a struct {
		ErrCode *int   `json:"errcode"`
		ErrMsg  string `json:"errmsg"`
		Code    *int   `json:"code"`
		Msg     string `json:"msg"`
		// 飞书's older answer.
		StatusCode *int `json:"StatusCode"`
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		return &RobotError{Status: resp.StatusCode, Msg: "无法识别的应答：" + strings.TrimSpace(string(answer))}
	}
	code, msg := 0, ""
	switch {
	case a.ErrCode != nil:
		code, msg = *a.ErrCode, a.ErrMsg
	case a.Code != nil:
		code, msg = *a.Code, a.Msg
	case a.StatusCode != nil:
		code = *a.StatusCode
	default:
		return &RobotError{Status: resp.StatusCode, Msg: "应答中没有错误码：" + strings.TrimSpace(string(answer))}
	}
	if code != 0 {
		return &RobotError{Status: resp.StatusCode, Code: code, Msg: msg}
	}
	return nil
}

// wait holds a post back until the robot has taken fewer than
// RobotPerMinute in the last minute.
func (r *Robot) wait(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if len(r.sent) >= RobotPerMinute {
		if d := r.sent[0].Add(time.Minute).Sub(now); d > 0 {
			if err := r.sleep(ctx, d); err != nil {
				return err
			}
			now = r.now()
		}
		r.sent = r.sent[1:]
	}
	r.sent = append(r.sent, now)
	return nil
}

// request is the address and body of m's post, signed.
func (r *Robot) request(m sheaf.OutboxMessage) (string, []byte, error) {
	now := r.now()
	var payload any
	target := r.Webhook
	switch r.Kind {
	case config.ChatWeCom:
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": ChatMarkdown(m, wecomMaxBytes, "\n")}}
	case config.ChatDingTalk:
		// 钉钉's markdown joins lines not ended by two spaces.
		payload = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Subject, "text": ChatMarkdown(m, dingMaxBytes, "  \n")}}
		if r.Secret != "" {
			u, err := url.Parse(target)
			if err != nil {
				return "", nil, fmt.Errorf("the %s robot's address: %w", r.Kind, err)
			}
			ts := strconv.FormatInt(now.UnixMilli(), 10)
			q := u.Query()
			q.Set("timestamp", ts)
			q.Set("sign", DingTalkSign(ts, r.Secret))
			u.RawQuery = q.Encode()
			target = u.String()
		}
	case config.ChatFeishu:
		// The text's budget shrinks until the whole request, wrapping
		// included, is within 飞书's 20 KB.
		for budget := feishuMaxBytes; ; {
			body := map[string]any{"msg_type": "post", "content": map[string]any{"post": map[string]any{
				"zh_cn": map[string]any{"title": m.Subject, "content": feishuParagraphs(m, budget)}}}}
			if r.Secret != "" {
				ts := strconv.FormatInt(now.Unix(), 10)
				body["timestamp"] = ts
				body["sign"] = FeishuSign(ts, r.Secret)
			}
			b, err := json.Marshal(body)
			if err != nil || len(b) <= feishuRequestBytes || budget <= 1000 {
				return target, b, err
			}
			budget -= len(b) - feishuRequestBytes + 256
		}
	default:
		return "", nil, &PermanentError{Reason: "不认识的聊天机器人类型 " + r.Kind}
	}
	b, err := json.Marshal(payload)
	return target, b, err
}

// DingTalkSign is 钉钉's 加签: base64(HMAC-SHA256(key = secret, message =
// timestamp + "\n" + secret)), timestamp in milliseconds; url.Values
// encodes it when it is put in the query.
func DingTalkSign(timestampMS, secret string) string {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(timestampMS + "\n" + secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// FeishuSign is 飞书's signature: base64(HMAC-SHA256(key = timestamp +
// "\n" + secret, empty message)), timestamp in seconds.
func FeishuSign(timestampS, secret string) string {
	h := hmac.New(sha256.New, []byte(timestampS+"\n"+secret))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// linkWord is the text of a post's link.
func linkWord(m sheaf.OutboxMessage) string {
	if m.Kind == sheaf.MailReminder || m.Kind == sheaf.MailOverdue {
		return "查看本单位报送情况并答复"
	}
	return "查看详情"
}

// cutNote ends a post cut to its platform's limit.
const cutNote = "……（内容较长，已截断"

// ChatMarkdown is m as a markdown post: the subject in bold, the text,
// and the link, at most limit bytes (0: no limit), lines ended by
// newline. A longer text is cut after a whole line and says so; the link
// is kept, so that the rest can be read on the page.
func ChatMarkdown(m sheaf.OutboxMessage, limit int, newline string) string {
	head := "**" + m.Subject + "**" + newline + newline
	tail := ""
	if m.Link != "" {
		tail = newline + newline + "[" + linkWord(m) + "](" + m.Link + ")"
	}
	lines := strings.Split(strings.TrimSpace(m.BodyText), "\n")
	body := strings.Join(lines, newline)
	if limit <= 0 || len(head)+len(body)+len(tail) <= limit {
		return head + body + tail
	}
	note := newline + newline + cutNote + "）"
	if m.Link != "" {
		note = newline + newline + cutNote + "，完整内容请见下方链接）"
	}
	var b strings.Builder
	b.WriteString(head)
	for i, l := range lines {
		add := l
		if i > 0 {
			add = newline + l
		}
		if b.Len()+len(add)+len(note)+len(tail) > limit {
			break
		}
		b.WriteString(add)
	}
	return b.String() + note + tail
}

// feishuParagraphs is m as a 飞书 post's content: one paragraph a line,
// then the link, the text cut to budget bytes as ChatMarkdown cuts.
func feishuParagraphs(m sheaf.OutboxMessage, budget int) [][]map[string]string {
	noLink := m
	noLink.Link, noLink.Subject = "", ""
	text := ChatMarkdown(noLink, budget, "\n")
	text = strings.TrimPrefix(text, "****\n\n")
	if m.Link != "" {
		// The link follows as a paragraph of its own.
		text = strings.Replace(text, cutNote+"）", cutNote+"，完整内容请见下方链接）", 1)
	}
	var out [][]map[string]string
	for _, l := range strings.Split(text, "\n") {
		out = append(out, []map[string]string{{"tag": "text", "text": l}})
	}
	if m.Link != "" {
		out = append(out, []map[string]string{{"tag": "a", "text": linkWord(m), "href": m.Link}})
	}
	return out
}

func (r *Robot) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Robot) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ChatDir writes each post as a .md file into a folder instead of posting
// it: the text as the group would read it, for trying a configuration out.
type ChatDir struct {
	// Path is the folder; it is created when missing.
	Path string
	// Location is the time zone of the time in file names; UTC when nil.
	Location *time.Location
}

// FileName is the name m is written under, as Dir names mail:
// "20250110-090000-reminder-12.md".
func (d *ChatDir) FileName(m sheaf.OutboxMessage) string {
	return strings.TrimSuffix((&Dir{Location: d.Location}).FileName(m), ".eml") + ".md"
}

// Post writes m into the folder, atomically.
func (d *ChatDir) Post(ctx context.Context, m sheaf.OutboxMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return fmt.Errorf("create chat folder: %w", err)
	}
	path := filepath.Join(d.Path, d.FileName(m))
	if err := renameio.WriteFile(path, []byte(ChatMarkdown(m, 0, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
