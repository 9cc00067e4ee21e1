package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// healthMetaKey is the meta row /healthz writes to prove the database
// takes writes.
const healthMetaKey = "web_health_checked_at"

// stuckAfter is how long past its next attempt a queued message may wait
// before the queue counts as not draining: the sender runs every minute.
const stuckAfter = time.Hour

// missedSlack is how late a scheduled sync may start (waiting for the
// lock behind a mailing) before it counts as missed.
const missedSlack = time.Minute

// Health is what /healthz answers. Each bool says whether one check
// passed; Problems says in fixed words which check failed, never the raw
// error (which goes to the log): /healthz may be open to anyone who can
// reach the port.
type Health struct {
	DBWritable bool `json:"db_writable"`
	// LastSyncOK: the latest finished sync was not failed (a sync cut
	// short by a signal says nothing and is passed over).
	LastSyncOK      bool   `json:"last_sync_ok"`
	LastSyncOutcome string `json:"last_sync_outcome,omitempty"`
	// SourcesOK: no source has failed to be listed for longer than
	// web.source_grace; FailingSources lists every failing one.
	SourcesOK      bool            `json:"sources_ok"`
	FailingSources []FailingSource `json:"failing_sources,omitempty"`
	// SyncsOnSchedule: fewer than two scheduled syncs in a row were
	// missed; MissedSyncs counts those missed since the last one started.
	SyncsOnSchedule   bool     `json:"syncs_on_schedule"`
	MissedSyncs       int      `json:"missed_syncs"`
	MailQueueDraining bool     `json:"mail_queue_draining"`
	Problems          []string `json:"problems,omitempty"`
	// Database is the database's identity (storage.DB.Identity): a command
	// reaching this server checks that it serves the database it means.
	Database string `json:"database,omitempty"`
}

// FailingSource is a source whose last listing failed.
type FailingSource struct {
	Department string    `json:"department"`
	Source     string    `json:"source"`
	Error      string    `json:"-"` // logged, never answered
	Since      time.Time `json:"since"`
	// OverGrace: it has failed for longer than web.source_grace.
	OverGrace bool `json:"over_grace"`
}

// OK reports whether every check passed.
func (h Health) OK() bool {
	return h.DBWritable && h.LastSyncOK && h.SourcesOK && h.SyncsOnSchedule && h.MailQueueDraining
}

// Check works out the server's health: a write to the database, the
// outcome of the latest finished sync (none yet counts as fine), no source
// failing for longer than web.source_grace, no two scheduled syncs in a
// row missed, and no queued message left an hour past its next attempt.
func (s *Server) Check(ctx context.Context) Health {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h := Health{DBWritable: true, LastSyncOK: true, SourcesOK: true, SyncsOnSchedule: true, MailQueueDraining: true}
	now := s.now()
	if err := s.DB.SetMeta(ctx, healthMetaKey, now.UTC().Format(time.RFC3339)); err != nil {
		h.DBWritable = false
		s.log().Warn("healthz: the database takes no writes", "err", err)
		h.Problems = append(h.Problems, "database: not writable")
	}
	if id, err := s.DB.Identity(ctx); err == nil {
		h.Database = id
	}
	s.checkLastSync(ctx, &h)
	s.checkSources(ctx, now, &h)
	s.checkSchedule(ctx, now, &h)
	msgs, err := s.DB.Outbox(ctx, 1000)
	if err != nil {
		h.MailQueueDraining = false
		s.log().Warn("healthz: read the outbox", "err", err)
		h.Problems = append(h.Problems, "outbox: cannot be read")
	}
	for _, m := range msgs {
		if m.State == sheaf.OutboxQueued && now.Sub(m.NextAttemptAt) > stuckAfter {
			h.MailQueueDraining = false
			h.Problems = append(h.Problems, "outbox: messages waiting more than an hour past their next attempt")
			break
		}
	}
	return h
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h := s.Check(r.Context())
	status := http.StatusOK
	if !h.OK() {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, h)
}

// checkLastSync: the latest finished sync, passing over interrupted ones,
// must not have failed.
func (s *Server) checkLastSync(ctx context.Context, h *Health) {
	runs, err := s.DB.Runs(ctx, 50)
	if err != nil {
		h.LastSyncOK = false
		s.log().Warn("healthz: read the runs", "err", err)
		h.Problems = append(h.Problems, "runs: cannot be read")
		return
	}
	for _, r := range runs {
		if r.Job != "sync" || r.Outcome == sheaf.RunRunning || r.Outcome == sheaf.RunInterrupted {
			continue
		}
		h.LastSyncOutcome = string(r.Outcome)
		if r.Outcome == sheaf.RunFailed {
			h.LastSyncOK = false
			h.Problems = append(h.Problems, fmt.Sprintf("last sync failed (run %d)", r.ID))
		}
		return
	}
}

// checkSources lists the configured departments' sources whose last
// listing failed; one failing for longer than web.source_grace fails the
// check (a share unmounted, access revoked).
func (s *Server) checkSources(ctx context.Context, now time.Time, h *Health) {
	statuses, err := s.DB.SourceStatuses(ctx)
	if err != nil {
		h.SourcesOK = false
		s.log().Warn("healthz: read the sources' status", "err", err)
		h.Problems = append(h.Problems, "sources: cannot be read")
		return
	}
	grace := time.Duration(s.Config.Web.SourceGrace)
	for _, st := range statuses {
		if st.Error == "" {
			continue
		}
		if _, ok := s.Config.Department(st.Department); !ok {
			continue // a department no longer configured
		}
		f := FailingSource{Department: st.Department, Source: st.Source, Error: st.Error, Since: st.Since,
			OverGrace: now.Sub(st.Since) > grace}
		h.FailingSources = append(h.FailingSources, f)
		if f.OverGrace {
			h.SourcesOK = false
			h.Problems = append(h.Problems, fmt.Sprintf("source %s %s failing since %s (longer than web.source_grace %s)",
				st.Department, st.Source, st.Since.In(s.loc()).Format(time.RFC3339), grace))
		}
	}
}

// checkSchedule counts the scheduled syncs that came and went since the
// latest sync started; two or more in a row fail the check (the daemon is
// stuck or not running). Without a schedule or any sync yet there is
// nothing to miss.
func (s *Server) checkSchedule(ctx context.Context, now time.Time, h *Health) {
	spec := s.Config.Schedules.Sync
	if spec == "" {
		return
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return // config validation reports it
	}
	last, err := s.DB.LastRun(ctx, "sync", "")
	if errors.Is(err, storage.ErrNotFound) {
		return
	}
	if err != nil {
		h.SyncsOnSchedule = false
		s.log().Warn("healthz: read the last sync", "err", err)
		h.Problems = append(h.Problems, "runs: cannot be read")
		return
	}
	deadline := now.Add(-missedSlack)
	for t := sched.Next(last.StartedAt.In(s.loc())); !t.After(deadline) && h.MissedSyncs < 1000; t = sched.Next(t) {
		h.MissedSyncs++
	}
	if h.MissedSyncs >= 2 {
		h.SyncsOnSchedule = false
		h.Problems = append(h.Problems, fmt.Sprintf("%d scheduled syncs (%s) missed since the last one started at %s",
			h.MissedSyncs, spec, last.StartedAt.In(s.loc()).Format(time.RFC3339)))
	}
}
