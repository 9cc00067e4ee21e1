package jobs

import (
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

// chatKey is the dedup key of the post of a decision (a notice's, the
// digest's DedupKey) to the chat target named name: the decision's key,
// "|" and the channel. It keeps the decision's "/"-separated parts, so
// that parseNoticeKey reads it as the notice's own.
func chatKey(key, name string) string { return key + "|" + sheaf.ChannelChatPrefix + name }

// decisionKey is the key a notice's decision is looked up by: its mail's,
// or, for a department reminded only in its chat, its first post's.
func decisionKey(n Notice) string {
	if len(n.To) == 0 {
		return chatKey(n.DedupKey, config.ChatTargetName(n.Department, 0))
	}
	return n.DedupKey
}

// chatText is a notice's text as posted to a chat group: the mail's, but
// a post is no e-mail.
func chatText(text string) string {
	// The post ends with the department page's link itself (kept when a
	// long post is cut): the mail's own link line would give it twice.
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(l, linkLine):
		case l == "" && len(lines) > 0 && lines[len(lines)-1] == "":
			// the blank line that stood before the link
		default:
			lines = append(lines, l)
		}
	}
	return strings.ReplaceAll(strings.TrimRight(strings.Join(lines, "\n"), "\n")+"\n", "本邮件", "本消息")
}

// linkLine begins the line of a notice's text that gives the department
// page's link.
const linkLine = "查看 sheaf 读到的数据、逐项答复："

// noticeMessages are the outbox messages of a notice: the mail to the
// department's contacts (when it has any) and one post to each of its chat
// groups, each a decision of its own, so that a group that is down does
// not hold the mail back, nor the mail the group.
func noticeMessages(cfg *config.Config, n Notice) []sheaf.OutboxMessage {
	kind := sheaf.MailReminder
	if n.Kind == NoticeOverdue {
		kind = sheaf.MailOverdue
	}
	var msgs []sheaf.OutboxMessage
	if len(n.To) > 0 {
		msgs = append(msgs, sheaf.OutboxMessage{Kind: kind, DedupKey: n.DedupKey, Sender: cfg.Mail.From,
			To: n.To, Cc: n.Cc, Subject: n.Subject, BodyText: n.Text, ExpiresAt: n.Expires})
	}
	d, ok := cfg.Department(n.Department)
	if !ok {
		return msgs
	}
	for i := range d.Chat {
		name := config.ChatTargetName(d.ID, i)
		msgs = append(msgs, sheaf.OutboxMessage{Kind: kind, DedupKey: chatKey(n.DedupKey, name),
			Channel: sheaf.ChannelChatPrefix + name, Subject: n.Subject, BodyText: chatText(n.Text),
			Link: n.Link, ExpiresAt: n.Expires})
	}
	return msgs
}

// digestPosts are the digest's posts to the coordinators' chat groups,
// each pointing to the flags page when web.url is set.
func digestPosts(cfg *config.Config, key, subject, markdown string) []sheaf.OutboxMessage {
	link := ""
	if strings.TrimSpace(cfg.Web.URL) != "" {
		link = cfg.Web.BaseURL() + "/flags"
	}
	var msgs []sheaf.OutboxMessage
	for i := range cfg.Mail.CoordinatorChat {
		name := config.ChatTargetName(config.CoordinatorsChat, i)
		msgs = append(msgs, sheaf.OutboxMessage{Kind: sheaf.MailDigest, DedupKey: chatKey(key, name),
			Channel: sheaf.ChannelChatPrefix + name, Subject: subject, BodyText: markdown, Link: link})
	}
	return msgs
}
