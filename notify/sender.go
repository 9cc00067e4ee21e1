package notify

import (
	"context"
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
}

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
// After three failures in a row the server is taken to be down and the
// flush stops, leaving the other messages due for the next one.
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
	streak := 0
	for {
		due, err := s.DB.DueMessages(ctx, now, flushBatch)
		if err != nil {
			return sent, failed, fmt.Errorf("flush outbox: %w", err)
		}
		for _, m := range due {
			outcome, err := s.deliver(ctx, m)
			if err != nil {
				return sent, failed, fmt.Errorf("flush outbox: %w", err)
			}
			switch outcome {
			case sheaf.OutboxSent:
				sent++
				streak = 0
				continue
			case sheaf.OutboxFailed:
				failed++
			}
			if streak++; streak >= giveUpAfter {
				s.log().Warn("mail server failing, flush stopped", "failures", streak)
				return sent, failed, nil
			}
		}
		if len(due) < flushBatch {
			return sent, failed, nil
		}
	}
}

// deliver sends one message and records the outcome: the state it is left
// in (sent, queued for a retry, or failed).
func (s *Sender) deliver(ctx context.Context, m sheaf.OutboxMessage) (string, error) {
	sendErr := s.Mailer.Send(ctx, m)
	// The outcome is recorded even while ctx is being cancelled: a message
	// accepted but not marked sent would go again.
	rec := context.WithoutCancel(ctx)
	log := s.log().With("id", m.ID, "message_id", m.MessageID, "kind", m.Kind)
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
