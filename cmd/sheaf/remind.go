package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
)

func cmdRuns(ctx context.Context, e *env, args []string) error {
	fs := e.flags("runs")
	limit := fs.Int("n", 20, "how many runs, newest first")
	asJSON := fs.Bool("json", false, "print JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	runs, err := db.Runs(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e, runs)
	}
	if len(runs) == 0 {
		fmt.Fprintln(e.stdout, "no runs yet")
		return nil
	}
	loc := e.cfg.Cycle.Location
	t := &table{}
	t.add("RUN", "JOB", "TRIGGER", "STARTED", "DURATION", "OUTCOME", "DETAIL")
	for _, r := range runs {
		dur := "—"
		if !r.FinishedAt.IsZero() {
			dur = r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond).String()
		}
		detail := r.Error
		if detail == "" && r.Job == "sync" {
			var rep jobs.SyncReport
			if json.Unmarshal(r.Counts, &rep) == nil {
				detail = fmt.Sprintf("%d files: %d read, %d unchanged, %d deferred, %d failed", rep.Files, rep.Read,
					rep.Unchanged, rep.Deferred, rep.Failed)
			}
		}
		t.add(fmt.Sprint(r.ID), r.Job, r.Trigger, r.StartedAt.In(loc).Format("2006-01-02 15:04:05"), dur, r.Outcome, detail)
	}
	t.write(e.stdout, "")
	return nil
}

func cmdRemind(ctx context.Context, e *env, args []string) error {
	fs := e.flags("remind")
	dry := fs.Bool("dry-run", false, "show who would get what and why; send nothing")
	at := fs.String("at", "", "decide as if it were this time (RFC 3339, e.g. 2025-03-28T09:00:00+08:00)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if !*dry {
		return exitError{2, fmt.Errorf("only --dry-run is available: sending reminders comes with the mail outbox")}
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	now := time.Now()
	if *at != "" {
		if now, err = time.Parse(time.RFC3339, *at); err != nil {
			return exitError{2, fmt.Errorf("--at %q: %w", *at, err)}
		}
	}
	flags, err := db.Flags(ctx)
	if err != nil {
		return err
	}
	runs, err := db.Runs(ctx, 1)
	if err != nil {
		return err
	}
	owing := jobs.Owing{Flags: flags}
	if len(runs) > 0 {
		owing.AsOf = runs[0].StartedAt
	}
	notices, err := jobs.PlanNotices(e.cfg, now, owing)
	if err != nil {
		return err
	}
	if len(notices) == 0 {
		fmt.Fprintf(e.stdout, "no reminder or overdue notice is due at %s\n", now.In(e.cfg.Cycle.Location).Format("2006-01-02 15:04"))
		return nil
	}
	for _, n := range notices {
		fmt.Fprintf(e.stdout, "── %s to %s (%s)", n.Kind, strings.Join(n.To, ", "), n.DedupKey)
		if len(n.Cc) > 0 {
			fmt.Fprintf(e.stdout, ", cc %s", strings.Join(n.Cc, ", "))
		}
		fmt.Fprintf(e.stdout, "\nSubject: %s\n\n%s\n", n.Subject, n.Text)
	}
	return nil
}
