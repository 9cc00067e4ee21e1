package sheaf

import (
	"strings"
	"time"
)

// Kinds of outgoing message.
const (
	MailReminder = "reminder" // a department is reminded of what it owes before a deadline
	MailOverdue  = "overdue"  // a department still owes after a deadline
	MailDigest   = "digest"   // the coordinators' summary
	MailDraft    = "draft"    // the draft report, to the coordinators
	MailTest     = "test"     // a message sent to try the mail settings
)

// States of a message in the outbox.
const (
	OutboxQueued = "queued" // waiting for its next attempt
	OutboxSent   = "sent"   // accepted by the server (or written to the folder)
	OutboxFailed = "failed" // given up after too many attempts; see storage's RetryMessage
	// OutboxCancelled: no longer worth sending (what it says stopped being
	// true, or a newer message replaced it); LastError says why.
	OutboxCancelled = "cancelled"
)

// ChannelChatPrefix begins the Channel of a message posted to a work-chat
// group: "chat:" and the target's name, "chat:edu:0".
const ChannelChatPrefix = "chat:"

// OutboxMessage is one message in the outbox, an e-mail or a post to a
// work-chat group: what to send, and how its delivery is going.
type OutboxMessage struct {
	ID int64
	// Channel is empty for an e-mail; for a post to a work-chat group it
	// is ChannelChatPrefix and the target's name ("chat:edu:0"), and the
	// message has no Sender nor recipients.
	Channel string
	// Link, when set, is the page a chat message points to (a department's
	// page): shown after the text, and kept when the text is cut to the
	// platform's size limit.
	Link string
	// MessageID is the Message-ID header, "<…@…>", fixed when the message
	// is enqueued (generated when empty) and sent unchanged on every
	// attempt.
	MessageID string
	// Kind is one of MailReminder, MailOverdue, MailDigest, MailDraft,
	// MailTest.
	Kind string
	// DedupKey, when not empty, names the decision to send this message,
	// e.g. "remind:finance:年报初稿:7d": a second message with the same key
	// is never enqueued.
	DedupKey string
	// Sender is the From address, "名称 <addr@host>" or a bare address.
	Sender string
	// To and Cc are the recipients' addresses; at least one is required.
	To []string
	Cc []string
	// Subject, BodyText and BodyHTML are the message; BodyHTML, when set,
	// is sent as an alternative to BodyText.
	Subject  string
	BodyText string
	BodyHTML string
	// Attachments are sent after the body.
	Attachments []Attachment

	// The delivery, kept by the outbox: ignored by storage's Enqueue, except
	// NextAttemptAt (when set, the message is not sent before it).
	State         string
	Attempts      int // delivery attempts made so far
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        time.Time
	// ExpiresAt, when set, is when the message stops being worth sending:
	// still queued then, it is marked failed instead of delivered late.
	ExpiresAt time.Time
	// Refused are the recipients the server refused while accepting the
	// message for the others.
	Refused []RefusedRecipient `json:"refused,omitempty"`
}

// RefusedRecipient is an address a server refused a message for, and why.
type RefusedRecipient struct {
	Address string `json:"address"`
	// Reason is in Chinese with the server's reply, e.g. "收件地址被拒收（550 …）".
	Reason string `json:"reason"`
}

// Attachment is a file sent with a message: its content is Data, or the
// file at Path (absolute) read when the message is sent.
type Attachment struct {
	// Name is the file name the recipient sees (any script, e.g.
	// 年报初稿.xlsx); the base name of Path when empty.
	Name string `json:"name"`
	// ContentType is the MIME type; guessed from Name's extension when
	// empty.
	ContentType string `json:"content_type,omitempty"`
	Path        string `json:"path,omitempty"`
	Data        []byte `json:"data,omitempty"` // stored base64-encoded
}

// Recipient says where a message goes, for people: its addresses, or the
// chat group it is posted to ("聊天群 edu:0").
func (m OutboxMessage) Recipient() string {
	if m.Channel != "" {
		return "聊天群 " + strings.TrimPrefix(m.Channel, ChannelChatPrefix)
	}
	return strings.Join(m.To, ", ")
}
