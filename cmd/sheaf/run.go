package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sheaf-dev/sheaf/config"
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
	db, err := e.openNoArgs(ctx, fs, args)
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
		// Named now, so that `sheaf resync` can tell this daemon's
		// database from another cycle's (see cmdResync).
		if _, err := db.Identity(ctx); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if *once != "" {
		p, err := e.wire(db, log)
		if err != nil {
			return err
		}
		var names []string
		for _, j := range p.jobs {
			if j.Name == *once {
				return e.runOnce(ctx, db, j, *asJSON)
			}
			names = append(names, j.Name)
		}
		return exitError{2, fmt.Errorf("--once %q: no such job (jobs: %v)", *once, names)}
	}
	// The daemon follows its configuration file: when it changes to one
	// that loads, the schedule, the web server and the mail start over
	// with it (a job under way finishes first); SIGHUP checks at once.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	w := &configWatch{path: e.configPath, dbPath: e.cfg.DBPath(), log: log, hup: hup, every: configCheckEvery}
	if err := w.start(); err != nil {
		return err
	}
	var prev *config.Config
	for {
		next, err := e.daemon(ctx, db, log, w)
		if err != nil && prev != nil && ctx.Err() == nil {
			// A configuration that loads may still not start: a secret
			// it names that this process does not have (a new webhook_env
			// added to the environment file, which a restart reads).
			log.Error("the changed configuration cannot start; the daemon goes on with the one it had", "config", e.configPath, "err", err)
			e.cfg, prev = prev, nil
			continue
		}
		if err != nil || next == nil {
			return err
		}
		prev, e.cfg = e.cfg, next
		log.Info("the configuration changed: the daemon goes on with it", "config", e.configPath)
	}
}

// configCheckEvery is how often the daemon looks at its configuration
// file, and settleConfig how long a changed one must stay the same.
var (
	configCheckEvery = 5 * time.Second
	settleConfig     = 300 * time.Millisecond
)

// configWatch tells the daemon when its configuration file holds a new
// configuration that loads.
type configWatch struct {
	path, dbPath string
	log          *slog.Logger
	hup          <-chan os.Signal
	every        time.Duration
	// sum is the digest of the file as last loaded or found wrong.
	sum [32]byte
}

func (w *configWatch) start() error {
	data, err := os.ReadFile(w.path)
	if err != nil {
		return err
	}
	w.sum = sha256.Sum256(data)
	return nil
}

// wait returns the next configuration that loads from a changed file, or
// nil when ctx ends. A file with errors is logged once and not applied,
// and neither is a new storage.path (a daemon keeps its database).
func (w *configWatch) wait(ctx context.Context) *config.Config {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.hup:
		}
		data, err := os.ReadFile(w.path)
		if err != nil {
			w.log.Warn("the configuration file cannot be read; the daemon goes on with the one it has", "config", w.path, "err", err)
			continue
		}
		sum := sha256.Sum256(data)
		if sum == w.sum {
			continue
		}
		// An editor that writes the file in place may be caught half-way:
		// the file is taken once it has stayed the same for a moment.
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(settleConfig):
		}
		if again, err := os.ReadFile(w.path); err != nil || sha256.Sum256(again) != sum {
			continue
		}
		w.sum = sum
		cfg, err := config.Load(w.path)
		switch {
		case err != nil:
			w.log.Error("the configuration file has errors and is not applied; the daemon goes on with the one it has (sheaf config check)",
				"config", w.path, "err", err)
		case cfg.DBPath() != w.dbPath:
			w.log.Error("storage.path changed: restart the daemon to use the new database; it goes on with the one it has",
				"config", w.path, "database", w.dbPath)
		default:
			return cfg
		}
	}
}

// daemon runs the schedule, the web server and the mail sender with e.cfg
// until ctx ends (it returns nil) or the configuration changes (it returns
// the new one, once the jobs under way have finished).
func (e *env) daemon(ctx context.Context, db *storage.DB, log *slog.Logger, w *configWatch) (*config.Config, error) {
	p, err := e.wire(db, log)
	if err != nil {
		return nil, err
	}
	token, err := web.TokenFromEnv(e.cfg.Web.TokenEnv)
	if err != nil {
		return nil, err
	}
	// This configuration's web server and sender stop when it is
	// replaced or the daemon stops.
	gen, stop := context.WithCancel(ctx)
	defer stop()
	restart := make(chan struct{})
	var next *config.Config
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		if next = w.wait(gen); next != nil {
			close(restart)
		}
	}()
	senderDone := make(chan struct{})
	if p.mailing != nil {
		go func() {
			defer close(senderDone)
			p.mailing.Sender.Run(gen, time.Minute)
		}()
	} else {
		close(senderDone)
	}
	// The web server runs beside the schedule; if it cannot start (port
	// taken), only it stops: the error is logged and the jobs go on.
	srv := &web.Server{Config: e.cfg, DB: db, Sync: p.syncer.Sync, Log: log, Token: token, SyncContext: ctx,
		Reconcile: func(ctx context.Context) error { _, err := p.syncer.Reconcile(ctx); return err }}
	webDone := make(chan error, 1)
	go func() {
		werr := srv.Run(gen, e.cfg.Web.Addr())
		if werr != nil {
			log.Error("web server stopped; the scheduled jobs go on without it (no /healthz)", "err", werr)
		}
		webDone <- nil
	}()
	d := &jobs.Daemon{Config: e.cfg, DB: db, Log: log, Jobs: p.jobs, Restart: restart}
	err = d.Run(ctx)
	// A daemon that cannot schedule must not go on serving a healthy
	// page: the web server stops with the schedule, whatever ended it.
	stop()
	<-watched
	<-senderDone // this configuration's sender is done before the next one's starts
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
	if err != nil || ctx.Err() != nil {
		return nil, err
	}
	return next, nil
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
