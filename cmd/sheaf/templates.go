package main

import (
	"context"
	"fmt"

	"github.com/sheaf-dev/sheaf/templates"
)

// templatesReport is what `sheaf templates --json` prints.
type templatesReport struct {
	Out       string               `json:"out"`
	Templates []templates.Template `json:"templates"`
	// Skipped are departments that own no indicator: no template.
	Skipped []skippedTemplate `json:"skipped"`
}

type skippedTemplate struct {
	Department string `json:"department"`
	Reason     string `json:"reason"`
}

func cmdTemplates(ctx context.Context, e *env, args []string) error {
	fs := e.flags("templates")
	only := fs.String("department", "", "write only this department's template (its `id`)")
	out := fs.String("out", "", "`folder` to write the templates into (required)")
	previous := fs.String("previous", "", "last cycle's sheaf database (`file`), read-only: its figures fill the 上期数值 column")
	force := fs.Bool("force", false, "overwrite a template file that already exists")
	asJSON := fs.Bool("json", false, "print what was written as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *out == "" {
		return exitError{2, fmt.Errorf("usage: sheaf templates --out DIR [--department ID] [--previous FILE] [--force] [--json]")}
	}
	if err := e.load(); err != nil {
		return err
	}
	w := &templates.Writer{Config: e.cfg}
	if *previous != "" {
		if w.Previous, err = templates.LoadPrevious(ctx, *previous); err != nil {
			return exitError{1, err}
		}
	}
	rep := templatesReport{Out: *out, Templates: []templates.Template{}, Skipped: []skippedTemplate{}}
	if *only != "" {
		if _, ok := e.cfg.Department(*only); !ok {
			return exitError{1, fmt.Errorf("no department %q in %s", *only, e.cfg.File)}
		}
	}
	for i := range e.cfg.Departments {
		d := &e.cfg.Departments[i]
		if *only != "" && d.ID != *only {
			continue
		}
		t, err := w.Plan(d)
		if err != nil {
			return exitError{1, err}
		}
		if len(t.Lines) == 0 {
			if *only != "" {
				return exitError{1, fmt.Errorf("department %s owns no indicator: no template to write", d.ID)}
			}
			rep.Skipped = append(rep.Skipped, skippedTemplate{d.ID, "owns no indicator"})
			continue
		}
		if t, err = w.Write(*out, d, *force); err != nil {
			return exitError{1, err}
		}
		rep.Templates = append(rep.Templates, t)
	}
	if *asJSON {
		return writeJSON(e, rep)
	}
	for _, t := range rep.Templates {
		prev := ""
		if t.WithPrevious {
			n := 0
			for _, l := range t.Lines {
				if l.Previous != nil {
					n++
				}
			}
			prev = fmt.Sprintf(", %d with last cycle's value", n)
		}
		fmt.Fprintf(e.stdout, "%s: %s (%d values to fill%s)\n", t.Department, t.File, len(t.Lines), prev)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(e.stdout, "%s: no template, %s\n", s.Department, s.Reason)
	}
	return nil
}
