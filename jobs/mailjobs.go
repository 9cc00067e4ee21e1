package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/notify"
	"github.com/sheaf-dev/sheaf/storage"
)

// Mailing runs the jobs that send mail: reminders and overdue notices to
// departments, and the digest to coordinators. Each decides what to send,
// queues it in the outbox (the decision and the message commit together,
// named by a dedup key, so nothing goes twice whatever restarts happen),
// then delivers the queue.
type Mailing struct {
	Config *config.Config
	DB     *storage.DB
	Syncer *Syncer
	Sender *notify.Sender
	Log    *slog.Logger
	// Now is the clock that decides what is due.
	Now func() time.Time
}

// MailReport says what a mail job did.
type MailReport struct {
	Planned int `json:"planned"`
	Queued  int `json:"queued"` // new in the outbox (the others were decided before)
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`
}

// LockedSender returns a sender whose flushes take the lock beside the
// database, like every sync: two senders never deliver the same message.
func LockedSender(cfg *config.Config, db *storage.DB, m notify.Mailer, log *slog.Logger) *notify.Sender {
	return &notify.Sender{DB: db, Mailer: m, Log: log, Lock: func(ctx context.Context) (func(), error) {
		l, err := AcquireLock(ctx, cfg.DBPath()+".lock", nil)
		if err != nil {
			return nil, err
		}
		return func() { l.Release() }, nil
	}}
}

// Remind syncs first, then queues the reminders and overdue notices due
// now and delivers the outbox.
func (m *Mailing) Remind(ctx context.Context, trigger string, scheduled time.Time) (*MailReport, error) {
	rep, err := m.Syncer.Sync(ctx, trigger)
	if err != nil {
		return nil, fmt.Errorf("sync before reminding: %w", err)
	}
	return m.run(ctx, "remind", trigger, scheduled, func(now time.Time) ([]storage.OutboxMessage, error) {
		flags, err := m.DB.Flags(ctx)
		if err != nil {
			return nil, err
		}
		failed := map[string]bool{}
		for _, p := range rep.Problems {
			if p.Outcome == "source" {
				failed[p.Department] = true
			}
		}
		notices, err := PlanNotices(m.Config, now, Owing{Flags: flags, SourcesFailed: failed, AsOf: now})
		if err != nil {
			return nil, err
		}
		var msgs []storage.OutboxMessage
		for _, n := range notices {
			kind := storage.MailReminder
			if n.Kind == NoticeOverdue {
				kind = storage.MailOverdue
			}
			msgs = append(msgs, storage.OutboxMessage{Kind: kind, DedupKey: n.DedupKey, Sender: m.Config.Mail.From,
				To: n.To, Cc: n.Cc, Subject: n.Subject, BodyText: n.Text, ExpiresAt: n.Expires})
		}
		return msgs, nil
	})
}

// Digest queues the coordinators' digest and delivers the outbox. A digest
// covers what changed since the previous one.
func (m *Mailing) Digest(ctx context.Context, trigger string, scheduled time.Time) (*MailReport, error) {
	return m.run(ctx, "digest", trigger, scheduled, func(now time.Time) ([]storage.OutboxMessage, error) {
		if len(m.Config.Mail.Coordinators) == 0 {
			return nil, nil
		}
		since, err := lastStart(ctx, m.DB, "digest", "ok")
		if err != nil {
			return nil, err
		}
		asOf, err := lastStart(ctx, m.DB, "sync", "ok")
		if err != nil {
			return nil, err
		}
		files, err := m.DB.Files(ctx)
		if err != nil {
			return nil, err
		}
		flags, err := m.DB.Flags(ctx)
		if err != nil {
			return nil, err
		}
		in, err := m.DB.CurrentInput(ctx)
		if err != nil {
			return nil, err
		}
		subject, text := ComposeDigest(m.Config, now, DigestInput{Files: files, Flags: flags, Sources: in.Sources,
			Since: since, AsOf: asOf})
		key := scheduled
		if key.IsZero() {
			key = now
		}
		return []storage.OutboxMessage{{Kind: storage.MailDigest, Sender: m.Config.Mail.From, To: m.Config.Mail.Coordinators,
			Subject: subject, BodyText: text, BodyHTML: DigestHTML(subject, text),
			DedupKey: "digest/" + key.In(m.Config.Cycle.Location).Format("2006-01-02T15:04")}}, nil
	})
}

// run records a mail job's run around deciding, queueing and delivering.
func (m *Mailing) run(ctx context.Context, job, trigger string, scheduled time.Time,
	decide func(now time.Time) ([]storage.OutboxMessage, error)) (*MailReport, error) {
	runID, err := m.DB.StartRun(ctx, job, trigger, scheduled)
	if err != nil {
		return nil, err
	}
	rep := &MailReport{}
	err = func() error {
		msgs, err := decide(m.now())
		if err != nil {
			return err
		}
		rep.Planned = len(msgs)
		if rep.Queued, err = m.DB.Enqueue(ctx, msgs...); err != nil {
			return err
		}
		if m.Sender != nil {
			rep.Sent, rep.Failed, err = m.Sender.Flush(ctx)
		}
		return err
	}()
	outcome := "ok"
	if err != nil {
		outcome = "failed"
	}
	if ferr := m.DB.FinishRun(context.WithoutCancel(ctx), runID, outcome, rep, err); ferr != nil && err == nil {
		err = ferr
	}
	return rep, err
}

func (m *Mailing) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}
