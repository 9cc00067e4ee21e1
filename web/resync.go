package web

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
)

// resyncer runs syncs asked for from the web one at a time. An ask while a
// sync runs queues exactly one more sync after it, and later asks join that
// queued one: they all want the files as they are now, which the queued
// sync will read.
//
// Syncs are numbered in the order they start (1, 2, …); an ask is answered
// with the number of the sync that will serve it, which /resync/{id} reports
// on.
type resyncer struct {
	sync func(ctx context.Context, trigger string) (*jobs.SyncReport, error)
	log  *slog.Logger

	mu       sync.Mutex
	ctx      context.Context
	running  bool   // a sync is running
	queued   bool   // one more sync is to run after it
	trigger  string // of the queued sync
	last     int64  // number of the latest sync started
	outcomes map[int64]*resyncOutcome
	wg       sync.WaitGroup
}

// resyncOutcome is how one sync ended.
type resyncOutcome struct {
	Report *jobs.SyncReport
	Err    error
	Done   time.Time
}

// keepOutcomes bounds the outcomes remembered for /resync/{id}.
const keepOutcomes = 64

func (r *resyncer) setContext(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ctx = ctx
}

// ask starts a sync, or queues one after the running one. It returns the
// number of the sync that will serve the ask, and whether it started now.
func (r *resyncer) ask(trigger string) (id int64, started bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running {
		if !r.queued {
			r.queued, r.trigger = true, trigger
		}
		return r.last + 1, false
	}
	r.running = true
	r.last++
	r.wg.Add(1)
	go r.loop(r.ctx, r.last, trigger)
	return r.last, true
}

// loop runs sync number id, then the queued one if any, until none is left.
func (r *resyncer) loop(ctx context.Context, id int64, trigger string) {
	defer r.wg.Done()
	for {
		rep, err := r.sync(ctx, trigger)
		if err != nil {
			r.log.Error("resync failed", "sync", id, "trigger", trigger, "err", err)
		} else {
			r.log.Info("resync done", "sync", id, "trigger", trigger, "run", rep.RunID, "read", rep.Read, "failed", rep.Failed, "duration_ms", rep.DurationMS)
		}
		r.mu.Lock()
		if r.outcomes == nil {
			r.outcomes = map[int64]*resyncOutcome{}
		}
		r.outcomes[id] = &resyncOutcome{Report: rep, Err: err, Done: time.Now()}
		delete(r.outcomes, id-keepOutcomes)
		if !r.queued || ctx.Err() != nil {
			r.running, r.queued = false, false
			r.mu.Unlock()
			return
		}
		r.queued = false
		r.last++
		id, trigger = r.last, r.trigger
		r.mu.Unlock()
	}
}

// state says where sync number id stands: queued, running, done (with its
// outcome) or unknown.
func (r *resyncer) state(id int64) (string, *resyncOutcome) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if o, ok := r.outcomes[id]; ok {
		return "done", o
	}
	switch {
	case id == r.last && r.running:
		return "running", nil
	case id == r.last+1 && r.queued:
		return "queued", nil
	}
	return "unknown", nil
}

// wait returns once no sync runs or is queued.
func (r *resyncer) wait() { r.wg.Wait() }
