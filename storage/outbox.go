package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/jmoiron/sqlx"
)

var mailKinds = []string{sheaf.MailReminder, sheaf.MailOverdue, sheaf.MailDigest, sheaf.MailDraft, sheaf.MailTest}

// recipients is how To and Cc are stored, as one JSON object.
type recipients struct {
	To []string `json:"to"`
	Cc []string `json:"cc,omitempty"`
}

// Enqueue stores msgs in the outbox, in one transaction, and returns how
// many were added. A message whose DedupKey is already in the outbox (or
// earlier in msgs) is skipped, which is not an error: the key records the
// decision to send, so the decision and its message commit together and
// never twice. Enqueue fills in ID, MessageID, State, CreatedAt and
// NextAttemptAt of the elements of msgs it adds.
func (db *DB) Enqueue(ctx context.Context, msgs ...sheaf.OutboxMessage) (added int, err error) {
	now := db.Now()
	err = db.inTx(ctx, func(tx *sqlx.Tx) error {
		added = 0
		st := bind(ctx, tx, db.q.InsertOutbox)
		for i := range msgs {
			m := &msgs[i]
			if err := checkOutboxMessage(m); err != nil {
				return err
			}
			if m.MessageID == "" {
				m.MessageID = newMessageID(m.Sender)
			}
			rcpt, err := json.Marshal(recipients{To: m.To, Cc: m.Cc})
			if err != nil {
				return fmt.Errorf("enqueue %q: encode recipients: %w", m.Subject, err)
			}
			att := []byte("[]")
			if len(m.Attachments) > 0 {
				if att, err = json.Marshal(m.Attachments); err != nil {
					return fmt.Errorf("enqueue %q: encode attachments: %w", m.Subject, err)
				}
			}
			next := m.NextAttemptAt
			if next.IsZero() {
				next = now
			}
			var id int64
			err = st.GetContext(ctx, &id, m.MessageID, m.Kind, sql.NullString{String: m.DedupKey, Valid: m.DedupKey != ""},
				m.Sender, string(rcpt), m.Subject, m.BodyText, m.BodyHTML, string(att), formatTime(next), formatTime(now),
				nullTime(m.ExpiresAt), m.Channel, m.Link)
			if errors.Is(err, sql.ErrNoRows) {
				continue // already decided: the dedup key is stored
			}
			if err != nil {
				return fmt.Errorf("enqueue %q: %w", m.Subject, err)
			}
			m.ID, m.State, m.CreatedAt, m.NextAttemptAt = id, sheaf.OutboxQueued, now, next
			added++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// checkOutboxMessage refuses a message that could never be sent, and
// brings a given Message-ID into its "<…>" form.
func checkOutboxMessage(m *sheaf.OutboxMessage) error {
	what := fmt.Sprintf("enqueue %q", m.Subject)
	if m.DedupKey != "" {
		what += " (" + m.DedupKey + ")"
	}
	switch {
	case !slices.Contains(mailKinds, m.Kind):
		return fmt.Errorf("%s: kind %q is not one of %s", what, m.Kind, strings.Join(mailKinds, ", "))
	case m.Channel != "" && !strings.HasPrefix(m.Channel, sheaf.ChannelChatPrefix):
		return fmt.Errorf("%s: channel %q is neither e-mail (empty) nor a chat (%s…)", what, m.Channel, sheaf.ChannelChatPrefix)
	case m.Channel != "":
		// A chat message is posted to its group: no sender, no recipients.
	case strings.TrimSpace(m.Sender) == "":
		return fmt.Errorf("%s: no sender", what)
	case len(m.To)+len(m.Cc) == 0:
		return fmt.Errorf("%s: no recipients", what)
	}
	if m.MessageID != "" {
		id := strings.TrimSuffix(strings.TrimPrefix(m.MessageID, "<"), ">")
		if !strings.Contains(id, "@") || strings.ContainsAny(id, " <>\t\r\n") {
			return fmt.Errorf("%s: %q is not a Message-ID (<left@right>)", what, m.MessageID)
		}
		m.MessageID = "<" + id + ">"
	}
	return nil
}

// newMessageID makes a Message-ID in the sender's domain, so that it is
// unique and looks like the sender's own to spam filters.
func newMessageID(sender string) string {
	domain := "sheaf.localhost"
	if a, err := mail.ParseAddress(sender); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = d
		}
	}
	b := make([]byte, 16)
	rand.Read(b) // never fails (crypto/rand panics rather than return an error)
	return "<sheaf." + hex.EncodeToString(b) + "@" + domain + ">"
}

// ExpireMessages marks failed every queued message whose expiry has come
// (a reminder whose deadline passed while the mail server was down), so it
// is never delivered late. It returns how many expired.
func (db *DB) ExpireMessages(ctx context.Context, now time.Time) (int, error) {
	res, err := db.q.ExpireOutbox.ExecContext(ctx, "已过期：截止时间已过，不再发送", formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("expire messages: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DueMessages returns up to limit queued messages whose next attempt is at
// or before now, the longest waiting first.
func (db *DB) DueMessages(ctx context.Context, now time.Time, limit int) ([]sheaf.OutboxMessage, error) {
	msgs, err := db.queryOutbox(ctx, db.q.DueOutbox, formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("list due messages: %w", err)
	}
	return msgs, nil
}

// Outbox returns up to limit messages of every state, newest first, for
// `sheaf outbox`.
func (db *DB) Outbox(ctx context.Context, limit int) ([]sheaf.OutboxMessage, error) {
	msgs, err := db.queryOutbox(ctx, db.q.ListOutbox, limit)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return msgs, nil
}

// MarkSent records that the queued message id was accepted by the server
// at at, counting the attempt. It returns ErrNotFound when no queued
// message has that id.
func (db *DB) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return db.updateOutbox(ctx, db.q.OutboxSent, id, "record message %d as sent", formatTime(at), id)
}

// MarkRetry records a failed attempt on the queued message id: attempts is
// the number of attempts made so far (this one included), next when to try
// again, errText what went wrong. It returns ErrNotFound when no queued
// message has that id.
func (db *DB) MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, errText string) error {
	return db.updateOutbox(ctx, db.q.OutboxRetry, id, "record retry of message %d", attempts, formatTime(next), errText, id)
}

// MarkFailed gives up on the queued message id after its last attempt
// (counted), which failed with errText. It returns ErrNotFound when no
// queued message has that id.
func (db *DB) MarkFailed(ctx context.Context, id int64, errText string) error {
	return db.updateOutbox(ctx, db.q.OutboxFailed, id, "record message %d as failed", errText, id)
}

// RetryMessage queues the failed (or still queued) message id for an
// attempt now, with its attempts counted afresh. It returns ErrNotFound
// for an unknown id, and an error for a message already sent: sending it
// again would deliver it twice.
func (db *DB) RetryMessage(ctx context.Context, id int64) error {
	res, err := db.q.OutboxRequeue.ExecContext(ctx, formatTime(db.Now()), id)
	if err != nil {
		return fmt.Errorf("retry message %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var state string
	err = db.q.OutboxState.GetContext(ctx, &state, id)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("retry message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("retry message %d: %w", id, err)
	}
	return fmt.Errorf("retry message %d: it is %s, not failed", id, state)
}

func (db *DB) updateOutbox(ctx context.Context, st *sqlx.Stmt, id int64, what string, args ...any) error {
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return fmt.Errorf(what+": %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf(what+": %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf(what+": no queued message has this id: %w", id, ErrNotFound)
	}
	return nil
}

func (db *DB) queryOutbox(ctx context.Context, st *sqlx.Stmt, args ...any) ([]sheaf.OutboxMessage, error) {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sheaf.OutboxMessage
	for rows.Next() {
		var m sheaf.OutboxMessage
		var rcpt, att, next, created, sent, expires, refused string
		if err := rows.Scan(&m.ID, &m.MessageID, &m.Kind, &m.DedupKey, &m.Sender, &rcpt, &m.Subject,
			&m.BodyText, &m.BodyHTML, &att, &m.State, &m.Attempts, &next, &m.LastError, &created, &sent,
			&expires, &refused, &m.Channel, &m.Link); err != nil {
			return nil, err
		}
		if refused == "[]" {
			refused = "null" // none: a nil slice, as for a message just enqueued
		}
		if err := json.Unmarshal([]byte(refused), &m.Refused); err != nil {
			return nil, fmt.Errorf("message %d: refused recipients: %w", m.ID, err)
		}
		m.ExpiresAt = parseTime(sql.NullString{String: expires, Valid: true})
		var r recipients
		if err := json.Unmarshal([]byte(rcpt), &r); err != nil {
			return nil, fmt.Errorf("message %d: recipients: %w", m.ID, err)
		}
		m.To, m.Cc = r.To, r.Cc
		if err := json.Unmarshal([]byte(att), &m.Attachments); err != nil {
			return nil, fmt.Errorf("message %d: attachments: %w", m.ID, err)
		}
		m.NextAttemptAt = parseTime(sql.NullString{String: next, Valid: true})
		m.CreatedAt = parseTime(sql.NullString{String: created, Valid: true})
		m.SentAt = parseTime(sql.NullString{String: sent, Valid: true})
		out = append(out, m)
	}
	return out, rows.Err()
}
