package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return exitError{2, fmt.Errorf("unexpected argument %q", pos[0])}
	}
	// The formats are checked before the sync the draft begins with.
	list := jobs.DraftFormats(*formats)
	if err := checkFormats(list); err != nil {
		return exitError{2, err}
	}
	db, err := e.open(ctx)
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
	e.watch(ctx, p.syncer, db)
	m := &jobs.Mailing{Config: e.cfg, DB: db, Syncer: p.syncer}
	if *mail {
		if p.mailing == nil {
			return exitError{1, fmt.Errorf("no mail configured: set mail.dir or mail.smtp.host")}
		}
		m = p.mailing
	}
	rep, err := m.Draft(ctx, "cli", time.Time{}, e.draftDir(*out), list)
	if err != nil {
		return err
	}
	if *asJSON {
		if rep.Files == nil {
			rep.Files = []string{}
		}
		return writeJSON(e, rep)
	}
	for _, f := range rep.Files {
		fmt.Fprintln(e.stdout, f)
	}
	if rep.First {
		fmt.Fprint(e.stdout, "首份初稿")
	} else {
		fmt.Fprintf(e.stdout, "与上一份初稿相比有 %d 处变化", rep.Changes)
	}
	if *mail {
		fmt.Fprintf(e.stdout, "；已发给协调人（排队 %d，已发送 %d）", rep.Queued, rep.Sent)
	}
	fmt.Fprintln(e.stdout)
	return nil
}

// draftFormats are the formats a draft is written in.
var draftFormats = []string{"docx", "html", "md", "xlsx"}

// checkFormats refuses an empty list or a format the draft is not written
// in.
func checkFormats(list []string) error {
	if len(list) == 0 {
		return fmt.Errorf("--format: name at least one of %s", strings.Join(draftFormats, ", "))
	}
	for _, f := range list {
		if !slices.Contains(draftFormats, f) {
			return fmt.Errorf("--format %q: the draft is written as %s", f, strings.Join(draftFormats, ", "))
		}
	}
	return nil
}
