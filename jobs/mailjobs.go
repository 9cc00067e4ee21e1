package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sheaf-dev/sheaf"

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
// It looks again at every reminder and overdue notice just before it is
// delivered (NoticeRecheck).
func LockedSender(cfg *config.Config, db *storage.DB, m notify.Mailer, log *slog.Logger) *notify.Sender {
	return &notify.Sender{DB: db, Mailer: m, Log: log, Recheck: NoticeRecheck(cfg, db),
		Lock: func(ctx context.Context) (func(), error) {
			l, err := acquireLock(ctx, cfg.DBPath()+".lock", nil)
			if err != nil {
				return nil, err
			}
			return func() { l.Release() }, nil
		}}
}

// Remind syncs first, then queues the reminders and overdue notices due
// now and delivers the outbox.
func (m *Mailing) Remind(ctx context.Context, trigger string, scheduled time.Time) (*MailReport, error) {
	// The sync records which sources failed; PlanReminders reads that
	// back, as `remind --dry-run` does.
	if _, err := m.Syncer.Sync(ctx, trigger); err != nil {
		return nil, fmt.Errorf("sync before reminding: %w", err)
	}
	return m.run(ctx, "remind", trigger, scheduled, func(now time.Time) ([]sheaf.OutboxMessage, error) {
		notices, err := PlanReminders(ctx, m.Config, m.DB, now, now)
		if err != nil {
			return nil, err
		}
		var msgs []sheaf.OutboxMessage
		for _, n := range notices {
			msgs = append(msgs, noticeMessages(m.Config, n)...)
		}
		return msgs, nil
	})
}

// Digest queues the coordinators' digest and delivers the outbox. A digest
// covers what changed since the previous one.
func (m *Mailing) Digest(ctx context.Context, trigger string, scheduled time.Time) (*MailReport, error) {
	return m.run(ctx, "digest", trigger, scheduled, func(now time.Time) ([]sheaf.OutboxMessage, error) {
		if len(m.Config.Mail.Coordinators) == 0 && len(m.Config.Mail.CoordinatorChat) == 0 {
			return nil, nil
		}
		since, asOf, err := m.sinceAndAsOf(ctx, "digest")
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
		refused, err := m.DB.RefusedSince(ctx, since)
		if err != nil {
			return nil, err
		}
		answers, err := m.DB.FlagAnswers(ctx)
		if err != nil {
			return nil, err
		}
		digest := composeDigest(m.Config, now, DigestInput{Files: files, Flags: flags, Sources: in.Sources,
			Since: since, AsOf: asOf, Refused: refused, Answers: answers})
		text, err := digest.Text()
		if err != nil {
			return nil, fmt.Errorf("write the digest: %w", err)
		}
		html, err := digest.HTML()
		if err != nil {
			return nil, fmt.Errorf("write the digest as HTML: %w", err)
		}
		markdown, err := digest.Markdown()
		if err != nil {
			return nil, fmt.Errorf("write the digest as markdown: %w", err)
		}
		at := scheduled
		if at.IsZero() {
			at = now
		}
		key := "digest/" + at.In(m.Config.Cycle.Location).Format("2006-01-02T15:04")
		var msgs []sheaf.OutboxMessage
		if len(m.Config.Mail.Coordinators) > 0 {
			msgs = append(msgs, sheaf.OutboxMessage{Kind: sheaf.MailDigest, Sender: m.Config.Mail.From,
				To: m.Config.Mail.Coordinators, Subject: digest.Subject, BodyText: text, BodyHTML: html, DedupKey: key})
		}
		return append(msgs, digestPosts(m.Config, key, digest.Subject, markdown)...), nil
	})
}

// run records a mail job's run around deciding, queueing and delivering.
func (m *Mailing) run(ctx context.Context, job, trigger string, scheduled time.Time,
	decide func(now time.Time) ([]sheaf.OutboxMessage, error)) (*MailReport, error) {
	rep := &MailReport{}
	err := m.runner().run(ctx, job, trigger, scheduled, func(ctx context.Context, _ int64) (any, error) {
		msgs, err := decide(m.now())
		if err != nil {
			return rep, err
		}
		rep.Planned = len(msgs)
		if rep.Queued, err = m.DB.Enqueue(ctx, msgs...); err != nil {
			return rep, err
		}
		rep.Sent, rep.Failed, err = m.flush(ctx)
		return rep, err
	})
	return rep, err
}

// runner records the mail jobs' runs under the lock that syncs and
// senders take.
func (m *Mailing) runner() runner {
	return runner{DB: m.DB, LockPath: m.Config.DBPath() + ".lock"}
}

// flush delivers the outbox from inside a run, which holds the lock
// already: the sender must not wait for it a second time.
func (m *Mailing) flush(ctx context.Context) (sent, failed int, err error) {
	if m.Sender == nil {
		return 0, 0, nil
	}
	s := *m.Sender
	s.Lock = nil
	return s.Flush(ctx)
}

// sinceAndAsOf are when the last successful run of job started (zero for
// none: what changed since is listed from it) and when the data was last
// synced.
func (m *Mailing) sinceAndAsOf(ctx context.Context, job string) (since, asOf time.Time, err error) {
	prev, err := lastRun(ctx, m.DB, job, sheaf.RunOK)
	if err != nil {
		return since, asOf, err
	}
	synced, err := lastRun(ctx, m.DB, "sync", sheaf.RunOK)
	if err != nil {
		return since, asOf, err
	}
	return prev.StartedAt, synced.StartedAt, nil
}

func (m *Mailing) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}
