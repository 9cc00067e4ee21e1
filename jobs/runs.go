package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/storage"
)

// runner records the runs of jobs: every job (sync, remind, digest, draft)
// starts, finishes and is interrupted through it, the same way.
type runner struct {
	DB *storage.DB
	// LockPath is the lock beside the database, held for the whole run: a
	// process holding it knows no other run of the job is alive, so runs of
	// the job still "running" were left by a process that died.
	LockPath string
	// Waiting is called once if another process holds the lock.
	Waiting func()
}

// run takes the lock, marks the job's runs left running by a dead process
// interrupted, records the start of this run, does work and records how it
// ended with the counts work returns. A run whose context ended before work
// did (SIGTERM, SIGINT) is interrupted, not failed: that is not a fault of
// the job. The error returned is work's.
func (r runner) run(ctx context.Context, job, trigger string, scheduled time.Time,
	work func(ctx context.Context, runID int64) (counts any, err error)) error {
	lock, err := acquireLock(ctx, r.LockPath, r.Waiting)
	if err != nil {
		return err
	}
	defer lock.Release()
	if err := r.DB.InterruptRuns(ctx, job); err != nil {
		return err
	}
	id, err := r.DB.StartRun(ctx, job, trigger, scheduled)
	if err != nil {
		return err
	}
	counts, err := work(ctx, id)
	outcome, recorded := sheaf.RunOK, err
	if j, ok := counts.(judged); ok && err == nil {
		outcome, recorded = j.runOutcome()
	}
	switch {
	case err != nil && ctx.Err() != nil:
		// Whatever the error says (a query interrupted, a lock not
		// waited for), the run stopped because it was told to.
		outcome, recorded = sheaf.RunInterrupted, nil
	case err != nil:
		outcome = sheaf.RunFailed
	}
	// Recorded even when ctx was cancelled mid-way.
	if ferr := r.DB.FinishRun(context.WithoutCancel(ctx), id, outcome, counts, recorded); ferr != nil && err == nil {
		err = ferr
	}
	return err
}

// judged is what a job's counts implement when they decide how the run
// ended although the work returned no error: a sync whose sources partly
// or all failed is partial or failed, with the error saying which.
type judged interface {
	runOutcome() (sheaf.RunOutcome, error)
}

// lastRun is the newest run of job that ended with outcome ("" for any
// outcome), or the zero Run when there is none: one query, however many
// other jobs' runs lie between (a week of 15-minute syncs between two weekly
// drafts). Asked for ok, it also takes a partial run: that run did its
// work (a sync read every source it could).
func lastRun(ctx context.Context, db *storage.DB, job string, outcome sheaf.RunOutcome) (storage.Run, error) {
	r, err := lastRunOf(ctx, db, job, outcome)
	if err != nil || outcome != sheaf.RunOK {
		return r, err
	}
	p, err := lastRunOf(ctx, db, job, sheaf.RunPartial)
	if err != nil || p.ID <= r.ID {
		return r, err
	}
	return p, nil
}

func lastRunOf(ctx context.Context, db *storage.DB, job string, outcome sheaf.RunOutcome) (storage.Run, error) {
	r, err := db.LastRun(ctx, job, outcome)
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Run{}, nil
	}
	return r, err
}
