package web

import (
	"context"
	"net/http"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// healthMetaKey is the meta row /healthz writes to prove the database
// takes writes.
const healthMetaKey = "web_health_checked_at"

// stuckAfter is how long past its next attempt a queued message may wait
// before the queue counts as not draining: the sender runs every minute.
const stuckAfter = time.Hour

// Health is what /healthz answers.
type Health struct {
	DBWritable        bool     `json:"db_writable"`
	LastSyncOK        bool     `json:"last_sync_ok"`
	MailQueueDraining bool     `json:"mail_queue_draining"`
	Problems          []string `json:"problems,omitempty"`
}

// Check works out the server's health: a write to the database, the
// outcome of the latest finished sync (none yet counts as fine), and no
// queued message left an hour past its next attempt.
func (s *Server) Check(ctx context.Context) Health {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	h := Health{DBWritable: true, LastSyncOK: true, MailQueueDraining: true}
	now := s.now()
	if err := s.DB.SetMeta(ctx, healthMetaKey, now.UTC().Format(time.RFC3339)); err != nil {
		h.DBWritable = false
		h.Problems = append(h.Problems, "database: "+err.Error())
	}
	runs, err := s.DB.Runs(ctx, 50)
	if err != nil {
		h.LastSyncOK = false
		h.Problems = append(h.Problems, "runs: "+err.Error())
	}
	for _, r := range runs {
		if r.Job != "sync" || r.Outcome == sheaf.RunRunning {
			continue
		}
		if r.Outcome != sheaf.RunOK {
			h.LastSyncOK = false
			h.Problems = append(h.Problems, "last sync "+string(r.Outcome)+": "+r.Error)
		}
		break
	}
	msgs, err := s.DB.Outbox(ctx, 1000)
	if err != nil {
		h.MailQueueDraining = false
		h.Problems = append(h.Problems, "outbox: "+err.Error())
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
	if !h.DBWritable || !h.LastSyncOK || !h.MailQueueDraining {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, h)
}
