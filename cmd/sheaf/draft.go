package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
)

// draftDir is where drafts go: --out, else report.output, else drafts/
// beside the config.
func (e *env) draftDir(out string) string {
	if out != "" {
		return out
	}
	return e.cfg.ReportDir()
}

func cmdDraft(ctx context.Context, e *env, args []string) error {
	fs := e.flags("draft")
	out := fs.String("out", "", "folder for the draft (default: report.output, else drafts/ beside the config)")
	formats := fs.String("format", "docx,html,md,xlsx", "formats to write")
	mail := fs.Bool("mail", false, "also mail the draft to the coordinators")
	_, db, err := e.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if e.cfg.Report.Template == "" {
		return exitError{1, fmt.Errorf("no report.template in %s", e.cfg.File)}
	}
	p, err := e.wire(db, e.logger())
	if err != nil {
		return err
	}
	m := &jobs.Mailing{Config: e.cfg, DB: db, Syncer: p.syncer}
	if *mail {
		if p.mailing == nil {
			return exitError{1, fmt.Errorf("no mail configured: set mail.dir or mail.smtp.host")}
		}
		m = p.mailing
	}
	rep, err := m.Draft(ctx, "cli", time.Time{}, e.draftDir(*out), jobs.DraftFormats(*formats))
	if err != nil {
		return err
	}
	for _, f := range rep.Files {
		fmt.Fprintln(e.stdout, f)
	}
	if rep.First {
		fmt.Fprint(e.stdout, "the first draft")
	} else {
		fmt.Fprintf(e.stdout, "%d changes since the previous draft", rep.Changes)
	}
	if *mail {
		fmt.Fprintf(e.stdout, "; mailed to the coordinators (%d queued, %d sent)", rep.Queued, rep.Sent)
	}
	fmt.Fprintln(e.stdout)
	return nil
}
