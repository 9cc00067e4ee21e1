package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// Job is one kind of work the daemon schedules: the same function the
// command line and the web page call.
type Job struct {
	Name string
	// Spec is its cron schedule from the config ("*/15 * * * *"); empty
	// means not scheduled.
	Spec string
	Run  func(ctx context.Context, trigger string, scheduled time.Time) error
}

// Daemon runs jobs on their schedules, in the cycle's time zone.
//
// robfig/cron has no catch-up and no clock of its own to inject, and its
// SkipIfStillRunning only knows this process: so the daemon also works out
// from the runs table which scheduled runs were missed while it was down and
// runs each missed job once, and every job takes the lock file beside the
// database (see Syncer.Sync), whoever started it.
type Daemon struct {
	Config *config.Config
	DB     *storage.DB
	Log    *slog.Logger
	Jobs   []Job
	// Now is the clock that decides what was missed.
	Now func() time.Time
	// Grace is how long a running job may take to finish after a stop
	// signal. Default 30s.
	Grace time.Duration
	// Restart, when closed, ends the schedule as ctx does, but a running
	// job is not interrupted: Run waits for it to finish (the daemon goes
	// on with a new configuration).
	Restart <-chan struct{}
}

// Run schedules the jobs until ctx is done, then waits for running jobs
// (up to Grace) and returns.
func (d *Daemon) Run(ctx context.Context) error {
	loc := d.Config.Cycle.Location
	logger := cron.PrintfLogger(slogPrintf{d.log()})
	c := cron.New(cron.WithLocation(loc), cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	for _, j := range d.Jobs {
		if j.Spec == "" {
			continue
		}
		j := j
		sched, err := cron.ParseStandard(j.Spec)
		if err != nil {
			return fmt.Errorf("schedules.%s: %q: %w", j.Name, j.Spec, err)
		}
		if _, err := c.AddFunc(j.Spec, func() {
			now := d.now()
			d.runJob(ctx, j, "cron", prevScheduled(sched, loc, now))
		}); err != nil {
			return fmt.Errorf("schedules.%s: %w", j.Name, err)
		}
	}
	d.closeDeadRuns(ctx)
	if err := d.CatchUp(ctx); err != nil {
		d.log().Error("catching up missed runs failed", "err", err)
	}
	c.Start()
	d.log().Info("daemon started", "jobs", len(c.Entries()))
	select {
	case <-ctx.Done():
	case <-d.Restart:
		// No new run starts; one under way finishes its work, unless the
		// process is stopped meanwhile.
		stopped := c.Stop()
		select {
		case <-stopped.Done():
			return nil
		case <-ctx.Done():
		}
	}
	stopped := c.Stop()
	grace := d.Grace
	if grace <= 0 {
		grace = 30 * time.Second
	}
	select {
	case <-stopped.Done():
	case <-time.After(grace):
		d.log().Warn("a job was still running at the end of the grace period", "grace", grace)
	}
	return nil
}

// closeDeadRuns marks interrupted, as the daemon starts, the runs a process
// that died (kill -9, a power cut) left "running": they are not shown as
// running until the job next runs. Only when no job holds the lock every
// job takes: a run of another process that is alive stays as it is.
func (d *Daemon) closeDeadRuns(ctx context.Context) {
	now, cancel := context.WithCancel(ctx)
	cancel() // take the lock if it is free, never wait for it
	lock, err := acquireLock(now, d.Config.DBPath()+".lock", nil)
	if err != nil {
		return
	}
	defer lock.Release()
	if n, err := d.DB.InterruptAllRuns(ctx); err != nil {
		d.log().Error("closing runs left running failed", "err", err)
	} else if n > 0 {
		d.log().Info("runs left running by a process that ended are marked interrupted", "runs", n)
	}
}

// CatchUp runs, once each, the jobs whose last scheduled time passed since
// their last run (the daemon was down then).
func (d *Daemon) CatchUp(ctx context.Context) error {
	now := d.now()
	for _, j := range d.Jobs {
		if j.Spec == "" {
			continue
		}
		sched, err := cron.ParseStandard(j.Spec)
		if err != nil {
			return fmt.Errorf("schedules.%s: %w", j.Name, err)
		}
		prev, err := lastRun(ctx, d.DB, j.Name, "")
		if err != nil {
			return err
		}
		last := prev.StartedAt
		loc := d.Config.Cycle.Location
		if missed(sched, loc, last, now) {
			d.log().Info("running a job missed while the daemon was down", "job", j.Name, "last_run", last)
			d.runJob(ctx, j, "catch-up", prevScheduled(sched, loc, now))
		}
	}
	return nil
}

// missed reports whether a scheduled time fell after last and by now, the
// schedule read in loc (cron reads a schedule in the time zone of the time
// it is given). A job never run before is not missed: its schedule starts now.
func missed(s cron.Schedule, loc *time.Location, last, now time.Time) bool {
	if last.IsZero() {
		return false
	}
	next := s.Next(last.In(loc))
	return !next.After(now)
}

// prevScheduled is the latest scheduled time at or before now, in loc
// (cron only gives the next one): found by stepping from a day back.
func prevScheduled(s cron.Schedule, loc *time.Location, now time.Time) time.Time {
	now = now.In(loc)
	var prev time.Time
	for t := s.Next(now.Add(-24 * time.Hour)); !t.After(now); t = s.Next(t) {
		prev = t
	}
	return prev
}

func (d *Daemon) runJob(ctx context.Context, j Job, trigger string, scheduled time.Time) {
	start := time.Now()
	err := j.Run(ctx, trigger, scheduled)
	switch {
	case errors.Is(err, context.Canceled):
		d.log().Info("job stopped", "job", j.Name)
	case err != nil:
		d.log().Error("job failed", "job", j.Name, "trigger", trigger, "duration_ms", time.Since(start).Milliseconds(), "err", err)
	default:
		d.log().Info("job done", "job", j.Name, "trigger", trigger, "duration_ms", time.Since(start).Milliseconds())
	}
}

func (d *Daemon) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Daemon) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.New(slog.DiscardHandler)
}

// slogPrintf adapts slog to cron's Printf logger.
type slogPrintf struct{ l *slog.Logger }

func (p slogPrintf) Printf(format string, args ...any) { p.l.Info(fmt.Sprintf(format, args...)) }
