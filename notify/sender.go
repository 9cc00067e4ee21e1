package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// Defaults of a Sender.
const (
	DefaultMaxAttempts = 10
	// BackoffBase and BackoffMax bound exponentialBackoff.
	BackoffBase = 30 * time.Second
	BackoffMax  = time.Hour
)

// flushBatch is how many due messages are read at a time; giveUpAfter is
// how many consecutive failures end a flush early: the server is down, and
// each further attempt could cost a whole timeout while the lock is held.
const (
	flushBatch  = 50
	giveUpAfter = 3
)

// Outbox is where a Sender finds the messages due and records how their
// delivery went: the database's outbox (storage.DB).
type Outbox interface {
	// ExpireMessages marks failed the queued messages expired at now.
	ExpireMessages(ctx context.Context, now time.Time) (int, error)
	// DueMessages lists at most limit messages due at now.
	DueMessages(ctx context.Context, now time.Time, limit int) ([]sheaf.OutboxMessage, error)
	// MarkSent records message id as delivered at at.
	MarkSent(ctx context.Context, id int64, at time.Time) error
	// MarkRetry records a failed attempt and when to try again.
	MarkRetry(ctx context.Context, id int64, attempts int, next time.Time, errText string) error
	// MarkFailed records that message id is given up.
	MarkFailed(ctx context.Context, id int64, errText string) error
	// MarkPartlySent records message id as delivered at at to all its
	// recipients but refused.
	MarkPartlySent(ctx context.Context, id int64, at time.Time, refused []sheaf.RefusedRecipient) error
	// CancelMessage records that message id will not be sent, and why.
	CancelMessage(ctx context.Context, id int64, reason string) error
	// ReviseMessage replaces the subject and text of message id.
	ReviseMessage(ctx context.Context, id int64, subject, text string) error
	// CancelSuperseded cancels the queued messages of kind older than the
	// newest of that kind.
	CancelSuperseded(ctx context.Context, kind, reason string) (int, error)
}

// Revision is what a message's second look before delivery decides: send
// it as it is (the zero Revision), cancel it (Cancel says why, in
// Chinese), or send it with a new Subject and Text.
type Revision struct {
	Cancel        string
	Subject, Text string
}

// Recheck returns the function that looks again at each message about to
// be delivered in a flush at now: a reminder may no longer be true. It is
// called once per flush, before the first message, so that what it
// reads (the flags) is read once.
type Recheck func(ctx context.Context, now time.Time) (func(sheaf.OutboxMessage) (Revision, error), error)

// supersededKinds are the kinds of message of which only the newest is
// worth delivering: an older digest still queued is cancelled.
var supersededKinds = []string{sheaf.MailDigest}

// Sender delivers the outbox's due messages through a Mailer.
//
// Delivery is at least once: a message is marked sent only after Mailer
// accepted it, so a crash between the two sends it again, with the same
// Message-ID. Two senders must not flush the same outbox at once; Lock
// keeps them apart.
type Sender struct {
	DB     Outbox
	Mailer Mailer
	// Log receives one line per delivery and failure; nothing when nil.
	Log *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// MaxAttempts is how many attempts a message gets before it is marked
	// failed; DefaultMaxAttempts when zero.
	MaxAttempts int
	// Backoff is the wait after the attempt-th failed attempt (1, 2, …);
	// exponentialBackoff when nil. A wait under a second counts as one.
	Backoff func(attempt int) time.Duration
	// Lock, when set, is held during each Flush: the caller passes the lock
	// beside the database that every sender (daemon or command) takes.
	Lock func(ctx context.Context) (unlock func(), err error)
	// Recheck, when set, looks at each message again just before it is
	// delivered, and may cancel or rewrite it.
	Recheck Recheck
}

// exponentialBackoff waits BackoffBase·2^(attempt-1), give or take 20% so
// that messages failing together do not retry together, and at most
// BackoffMax: 30s, 1m, 2m, 4m, … 1h.
func exponentialBackoff(attempt int) time.Duration {
	d := BackoffMax
	if attempt < 1 {
		attempt = 1
	}
	if attempt <= 20 { // beyond, 2^n overflows the cap anyway
		d = min(BackoffBase<<(attempt-1), BackoffMax)
	}
	jittered := time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	return min(jittered, BackoffMax)
}

// Flush delivers every message due now and returns how many were sent and
// how many were given up (marked failed). A message that fails is queued
// again after a backoff; it is not an error of Flush, which returns one
// only when the outbox itself cannot be read or written, or ctx ends.
// After three failures in a row on one channel (the mail server, a chat
// robot) its server is taken to be down and its other messages are left
// due for the next flush; the other channels' are delivered.
func (s *Sender) Flush(ctx context.Context) (sent, failed int, err error) {
	if s.Lock != nil {
		unlock, err := s.Lock(ctx)
		if err != nil {
			return 0, 0, fmt.Errorf("flush outbox: %w", err)
		}
		defer unlock()
	}
	// Every message handled leaves the due set (sent, failed, or due again
	// at least a second after now), so the loop ends.
	now := s.now()
	if n, err := s.DB.ExpireMessages(ctx, now); err != nil {
		return 0, 0, fmt.Errorf("flush outbox: %w", err)
	} else if n > 0 {
		s.log().Info("messages expired before they could be delivered", "count", n)
	}
	for _, kind := range supersededKinds {
		n, err := s.DB.CancelSuperseded(ctx, kind, "已取消：已有更新的一期，不再发送")
		if err != nil {
			return 0, 0, fmt.Errorf("flush outbox: %w", err)
		}
		if n > 0 {
			s.log().Info("superseded messages cancelled", "kind", kind, "count", n)
		}
	}
	var check func(sheaf.OutboxMessage) (Revision, error)
	// Failures in a row by channel: a chat robot that is down stops its
	// own posts, not the mail nor the other groups.
	streak := map[string]int{}
	for {
		due, err := s.DB.DueMessages(ctx, now, flushBatch)
		if err != nil {
			return sent, failed, fmt.Errorf("flush outbox: %w", err)
		}
		moved := 0 // messages that left the due set in this batch
		for _, m := range due {
			if streak[m.Channel] >= giveUpAfter {
				continue // its server is down: left due for the next flush
			}
			moved++
			if s.Recheck != nil && check == nil {
				if check, err = s.Recheck(ctx, now); err != nil {
					return sent, failed, fmt.Errorf("flush outbox: look again at the messages: %w", err)
				}
			}
			if check != nil {
				var keep bool
				if m, keep, err = s.revise(ctx, check, m); err != nil {
					return sent, failed, fmt.Errorf("flush outbox: %w", err)
				}
				if !keep {
					continue
				}
			}
			outcome, err := s.deliver(ctx, m)
			if err != nil {
				return sent, failed, fmt.Errorf("flush outbox: %w", err)
			}
			switch outcome {
			case sheaf.OutboxSent:
				sent++
				streak[m.Channel] = 0
				continue
			case sheaf.OutboxFailed:
				failed++
			case permanent:
				// Refused for good: the server is up, and said no to
				// this message.
				failed++
				continue
			}
			if streak[m.Channel]++; streak[m.Channel] == giveUpAfter {
				s.log().Warn("server failing, its messages wait for the next flush", "channel", channelName(m.Channel),
					"failures", giveUpAfter)
			}
		}
		// A batch of messages all waiting for a server that is down would
		// come back the same: the rest waits for the next flush too.
		if len(due) < flushBatch || moved == 0 {
			return sent, failed, nil
		}
	}
}

// channelName names a message's channel in the log: "mail", or the chat's.
func channelName(channel string) string {
	if channel == "" {
		return "mail"
	}
	return channel
}

// permanent is deliver's outcome for a message the server refused for good.
const permanent = "permanent"

// revise applies check to m before it is delivered: it returns the
// message to deliver (rewritten, perhaps), or keep false when it was
// cancelled.
func (s *Sender) revise(ctx context.Context, check func(sheaf.OutboxMessage) (Revision, error),
	m sheaf.OutboxMessage) (sheaf.OutboxMessage, bool, error) {
	r, err := check(m)
	if err != nil {
		return m, false, fmt.Errorf("look again at message %s: %w", m.MessageID, err)
	}
	log := s.log().With("id", m.ID, "message_id", m.MessageID, "kind", m.Kind)
	switch {
	case r.Cancel != "":
		if err := s.DB.CancelMessage(ctx, m.ID, r.Cancel); err != nil {
			return m, false, err
		}
		log.Info("mail cancelled before delivery", "reason", r.Cancel)
		return m, false, nil
	case r.Text != "" && (r.Text != m.BodyText || r.Subject != m.Subject):
		if err := s.DB.ReviseMessage(ctx, m.ID, r.Subject, r.Text); err != nil {
			return m, false, err
		}
		log.Info("mail rewritten before delivery", "subject", r.Subject)
		m.Subject, m.BodyText, m.BodyHTML = r.Subject, r.Text, ""
	}
	return m, true, nil
}

// deliver sends one message and records the outcome: the state it is left
// in (sent, queued for a retry, or failed; permanent for one failed at once
// because the server refused it for good).
func (s *Sender) deliver(ctx context.Context, m sheaf.OutboxMessage) (string, error) {
	sendErr := s.Mailer.Send(ctx, m)
	// The outcome is recorded even while ctx is being cancelled: a message
	// accepted but not marked sent would go again.
	rec := context.WithoutCancel(ctx)
	log := s.log().With("id", m.ID, "message_id", m.MessageID, "kind", m.Kind, "channel", channelName(m.Channel))
	var partial *PartialDelivery
	if sendErr != nil && !IsPermanent(sendErr) && errors.As(sendErr, &partial) {
		if err := s.DB.MarkPartlySent(rec, m.ID, s.now(), partial.Refused); err != nil {
			return "", fmt.Errorf("message %s was delivered but not recorded, and will be sent again: %w", m.MessageID, err)
		}
		log.Warn("mail sent, some recipients refused", "attempts", m.Attempts+1, "refused", partial.Error())
		return sheaf.OutboxSent, nil
	}
	if sendErr != nil && IsPermanent(sendErr) && ctx.Err() == nil {
		reason := sendErr.Error()
		var pe *PermanentError
		if errors.As(sendErr, &pe) {
			reason = pe.Reason
		}
		if err := s.DB.MarkFailed(rec, m.ID, "服务器拒收，不再重试："+reason); err != nil {
			return "", err
		}
		log.Error("mail refused for good, not retried", "attempts", m.Attempts+1, "error", sendErr)
		return permanent, nil
	}
	if sendErr == nil {
		if err := s.DB.MarkSent(rec, m.ID, s.now()); err != nil {
			return "", fmt.Errorf("message %s was delivered but not recorded, and will be sent again: %w", m.MessageID, err)
		}
		log.Info("mail sent", "attempts", m.Attempts+1)
		return sheaf.OutboxSent, nil
	}
	if err := ctx.Err(); err != nil {
		// Interrupted, not refused: the attempt does not count.
		return "", err
	}
	attempts := m.Attempts + 1
	if attempts >= s.maxAttempts() {
		if err := s.DB.MarkFailed(rec, m.ID, sendErr.Error()); err != nil {
			return "", err
		}
		log.Error("mail failed, giving up", "attempts", attempts, "error", sendErr)
		return sheaf.OutboxFailed, nil
	}
	wait := time.Second
	if s.Backoff != nil {
		wait = max(wait, s.Backoff(attempts))
	} else {
		wait = max(wait, exponentialBackoff(attempts))
	}
	next := s.now().Add(wait)
	if err := s.DB.MarkRetry(rec, m.ID, attempts, next, sendErr.Error()); err != nil {
		return "", err
	}
	log.Warn("mail not sent, will retry", "attempts", attempts, "next_attempt_at", next, "error", sendErr)
	return sheaf.OutboxQueued, nil
}

// Run flushes the outbox now and then every interval until ctx is done,
// logging what fails. It returns when ctx is done, abandoning a flush in
// progress between two messages; a caller that wants the queue drained on
// shutdown calls Flush once more with a short grace context of its own.
func (s *Sender) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := s.Flush(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("flush outbox", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Sender) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sender) maxAttempts() int {
	if s.MaxAttempts > 0 {
		return s.MaxAttempts
	}
	return DefaultMaxAttempts
}

func (s *Sender) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}
