package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/notify"
	"github.com/sheaf-dev/sheaf/storage"
	"github.com/sheaf-dev/sheaf/web"
)

// parts are the pieces the daemon and the mail commands share.
type parts struct {
	syncer  *jobs.Syncer
	mailing *jobs.Mailing
	jobs    []jobs.Job
}

// wire builds the jobs from the configuration. Mail is optional: without a
// mail.dir or SMTP host, the mail jobs are left out.
func (e *env) wire(db *storage.DB, log *slog.Logger) (*parts, error) {
	p := &parts{syncer: &jobs.Syncer{Config: e.cfg, DB: db, Log: log}}
	p.jobs = append(p.jobs, jobs.Job{Name: "sync", Spec: e.cfg.Schedules.Sync,
		Run: func(ctx context.Context, trigger string, scheduled time.Time) error {
			rep, err := p.syncer.SyncScheduled(ctx, trigger, scheduled)
			if err == nil {
				log.Info("sync", "files", rep.Files, "read", rep.Read, "unchanged", rep.Unchanged, "deferred", rep.Deferred,
					"failed", rep.Failed, "duration_ms", rep.DurationMS)
			}
			return err
		}})
	mailer, err := notify.FromConfig(e.cfg)
	if err != nil {
		log.Warn("no mail: reminders and digests are not sent", "reason", err)
		return p, nil
	}
	// Chat posts go through the same outbox and sender as the mail.
	if mailer, err = notify.WithChat(e.cfg, mailer); err != nil {
		return nil, err
	}
	p.mailing = &jobs.Mailing{Config: e.cfg, DB: db, Syncer: p.syncer, Log: log,
		Sender: jobs.LockedSender(e.cfg, db, mailer, log)}
	mailJob := func(name, spec string, f func(context.Context, string, time.Time) (*jobs.MailReport, error)) jobs.Job {
		return jobs.Job{Name: name, Spec: spec, Run: func(ctx context.Context, trigger string, scheduled time.Time) error {
			rep, err := f(ctx, trigger, scheduled)
			if err == nil {
				log.Info(name, "planned", rep.Planned, "queued", rep.Queued, "sent", rep.Sent, "failed", rep.Failed)
			}
			return err
		}}
	}
	p.jobs = append(p.jobs, mailJob("remind", e.cfg.Schedules.Remind, p.mailing.Remind),
		mailJob("digest", e.cfg.Schedules.Digest, p.mailing.Digest))
	if e.cfg.Report.Template != "" {
		p.jobs = append(p.jobs, jobs.Job{Name: "draft", Spec: e.cfg.Schedules.Draft,
			Run: func(ctx context.Context, trigger string, scheduled time.Time) error {
				rep, err := p.mailing.Draft(ctx, trigger, scheduled, e.draftDir(""), jobs.DraftFormats("docx,html,md,xlsx"))
				if err == nil {
					log.Info("draft", "files", len(rep.Files), "changes", rep.Changes, "sent", rep.Sent)
				}
				return err
			}})
	}
	return p, nil
}

// cmdRun is the daemon: it runs the scheduled jobs until SIGINT or SIGTERM,
// delivering the outbox every minute, and once more on the way out.
func cmdRun(ctx context.Context, e *env, args []string) error {
	fs := e.flags("run")
	once := fs.String("once", "", "run this `job` now and exit, instead of scheduling (sync, remind, digest, draft)")
	asJSON := fs.Bool("json", false, "with --once: print the job's run as JSON")
	_, db, err := e.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if *once == "" {
		// One daemon per database, for its whole life: a second one
		// would run every job again. Commands beside it (and --once)
		// take only the sync lock.
		lock, err := jobs.AcquireDaemonLock(jobs.DaemonLockPath(e.cfg.DBPath()), time.Now())
		if err != nil {
			return err
		}
		defer lock.Release()
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	p, err := e.wire(db, log)
	if err != nil {
		return err
	}
	if *once != "" {
		var names []string
		for _, j := range p.jobs {
			if j.Name == *once {
				return e.runOnce(ctx, db, j, *asJSON)
			}
			names = append(names, j.Name)
		}
		return exitError{2, fmt.Errorf("--once %q: no such job (jobs: %v)", *once, names)}
	}
	token, err := web.TokenFromEnv(e.cfg.Web.TokenEnv)
	if err != nil {
		return err
	}
	if p.mailing != nil {
		go p.mailing.Sender.Run(ctx, time.Minute)
	}
	// The web server runs beside the schedule; if it cannot start (port
	// taken), only it stops: the error is logged and the jobs go on.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	srv := &web.Server{Config: e.cfg, DB: db, Sync: p.syncer.Sync, Log: log, Token: token,
		Reconcile: func(ctx context.Context) error { _, err := p.syncer.Reconcile(ctx); return err }}
	webDone := make(chan error, 1)
	go func() {
		werr := srv.Run(ctx, e.cfg.Web.Addr())
		if werr != nil {
			log.Error("web server stopped; the scheduled jobs go on without it (no /healthz)", "err", werr)
		}
		webDone <- nil
	}()
	d := &jobs.Daemon{Config: e.cfg, DB: db, Log: log, Jobs: p.jobs}
	err = d.Run(ctx)
	if err != nil {
		// A daemon that cannot schedule must not go on serving a healthy
		// page: stop the web server and exit with the error now.
		stop()
	}
	if werr := <-webDone; werr != nil && err == nil {
		err = werr
	}
	if p.mailing != nil {
		// Deliver what the last jobs queued before leaving.
		flush, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, _, ferr := p.mailing.Sender.Flush(flush); ferr != nil {
			log.Warn("the outbox was not fully delivered on shutdown; it goes out at the next start", "err", ferr)
		}
	}
	return err
}

// runOnce runs one job now; with asJSON it prints the run it recorded, with
// its counts, as `sheaf runs --json` does.
func (e *env) runOnce(ctx context.Context, db *storage.DB, j jobs.Job, asJSON bool) error {
	err := j.Run(ctx, "cli", time.Time{})
	if err != nil || !asJSON {
		return err
	}
	runs, err := db.Runs(ctx, 20)
	if err != nil {
		return err
	}
	for _, r := range runs {
		if r.Job == j.Name {
			return writeJSON(e, web.NewRunJSON(r))
		}
	}
	return fmt.Errorf("the run of %s was not recorded", j.Name)
}
