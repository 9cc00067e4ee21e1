package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
)

// cmdRun is the daemon: it runs the scheduled jobs until SIGINT or SIGTERM.
func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := e.flags("run")
	once := fs.String("once", "", "run this job now and exit, instead of scheduling (sync)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	syncer := &jobs.Syncer{Config: e.cfg, DB: db, Log: log}
	all := []jobs.Job{{
		Name: "sync", Spec: e.cfg.Schedules.Sync,
		Run: func(ctx context.Context, trigger string, scheduled time.Time) error {
			rep, err := syncer.SyncScheduled(ctx, trigger, scheduled)
			if err == nil {
				log.Info("sync", "files", rep.Files, "read", rep.Read, "unchanged", rep.Unchanged, "deferred", rep.Deferred,
					"failed", rep.Failed, "duration_ms", rep.DurationMS)
			}
			return err
		},
	}}
	if *once != "" {
		for _, j := range all {
			if j.Name == *once {
				return j.Run(ctx, "cli", time.Time{})
			}
		}
		return exitError{2, fmt.Errorf("--once %q: no such job (jobs: sync)", *once)}
	}
	d := &jobs.Daemon{Config: e.cfg, DB: db, Log: log, Jobs: all}
	return d.Run(ctx)
}
