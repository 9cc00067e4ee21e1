package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// MarkPartlySent records that the queued message id was accepted at at for
// some of its recipients and refused for the others: the message is sent,
// and refused is kept with it (and said in last_error, which `sheaf outbox`
// shows). It returns ErrNotFound when no queued message has that id.
func (db *DB) MarkPartlySent(ctx context.Context, id int64, at time.Time, refused []sheaf.RefusedRecipient) error {
	b, err := json.Marshal(refused)
	if err != nil {
		return fmt.Errorf("record message %d as sent: %w", id, err)
	}
	return db.updateOutbox(ctx, db.q.OutboxPartlySent, id, "record message %d as sent", formatTime(at),
		RefusedText(refused), string(b), id)
}

// RefusedText says in Chinese who refused a message and why, one clause
// per address: "部分收件人被拒收：a@x（550 …）；b@y（…）".
func RefusedText(refused []sheaf.RefusedRecipient) string {
	if len(refused) == 0 {
		return ""
	}
	parts := make([]string, len(refused))
	for i, r := range refused {
		parts[i] = r.Address + "（" + r.Reason + "）"
	}
	return "部分收件人被拒收：" + strings.Join(parts, "；")
}

// CancelMessage cancels the queued message id for reason (in Chinese): it
// is never delivered. It returns ErrNotFound when no queued message has
// that id.
func (db *DB) CancelMessage(ctx context.Context, id int64, reason string) error {
	return db.updateOutbox(ctx, db.q.OutboxCancel, id, "cancel message %d", reason, id)
}

// ReviseMessage replaces the subject and text of the queued message id
// (a notice whose department owes less than when it was queued); the
// revised message has no HTML part. It returns ErrNotFound when no queued
// message has that id.
func (db *DB) ReviseMessage(ctx context.Context, id int64, subject, text string) error {
	return db.updateOutbox(ctx, db.q.OutboxRevise, id, "revise message %d", subject, text, id)
}

// CancelSuperseded cancels every queued message of kind older than the
// newest message of that kind on the same channel (queued or not), for
// reason, and returns how many: a digest replaced by a newer one before it
// could be delivered. A digest posted to a chat group does not replace
// the one mailed, nor one posted to another group.
func (db *DB) CancelSuperseded(ctx context.Context, kind, reason string) (int, error) {
	res, err := db.q.OutboxCancelSuperseded.ExecContext(ctx, reason, kind)
	if err != nil {
		return 0, fmt.Errorf("cancel superseded %s messages: %w", kind, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Decisions returns the state (queued, sent, failed, cancelled) of each
// of keys that the outbox holds, by dedup key; a key absent from the map
// was never decided.
func (db *DB) Decisions(ctx context.Context, keys []string) (map[string]string, error) {
	b, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	rows, err := db.q.OutboxDecisions.QueryContext(ctx, string(b))
	if err != nil {
		return nil, fmt.Errorf("look up decisions: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, state string
		if err := rows.Scan(&key, &state); err != nil {
			return nil, fmt.Errorf("look up decisions: %w", err)
		}
		out[key] = state
	}
	return out, rows.Err()
}

// RefusedDelivery is a message sent to only some of its recipients.
type RefusedDelivery struct {
	ID      int64
	Kind    string
	Subject string
	SentAt  time.Time
	Refused []sheaf.RefusedRecipient
}

// RefusedSince lists the messages sent after since whose server refused
// some recipients, oldest first: the digest names the refused addresses.
func (db *DB) RefusedSince(ctx context.Context, since time.Time) ([]RefusedDelivery, error) {
	rows, err := db.q.OutboxRefusedSince.QueryContext(ctx, formatTime(since))
	if err != nil {
		return nil, fmt.Errorf("list refused recipients: %w", err)
	}
	defer rows.Close()
	var out []RefusedDelivery
	for rows.Next() {
		var d RefusedDelivery
		var refused, sent string
		if err := rows.Scan(&d.ID, &d.Kind, &d.Subject, &refused, &sent); err != nil {
			return nil, fmt.Errorf("list refused recipients: %w", err)
		}
		if err := json.Unmarshal([]byte(refused), &d.Refused); err != nil {
			return nil, fmt.Errorf("message %d: refused recipients: %w", d.ID, err)
		}
		d.SentAt = parseTime(sql.NullString{String: sent, Valid: true})
		out = append(out, d)
	}
	return out, rows.Err()
}
