package main

import (
	"context"
	"fmt"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
)

// linkJSON is one department's link as `sheaf links --json` prints it.
type linkJSON struct {
	Department string    `json:"department"`
	Name       string    `json:"name"`
	URL        string    `json:"url"`
	Rotated    bool      `json:"rotated,omitempty"`
	Expires    time.Time `json:"expires,omitzero"`
}

// cmdLinks prints each department's page link, or with --rotate makes a
// new one (the old stops working). The token is derived from the secret
// of web.link_secret_env, never stored; see jobs/links.go.
func cmdLinks(ctx context.Context, e *env, args []string) error {
	fs := e.flags("links")
	dept := fs.String("department", "", "only this department (its id)")
	rotate := fs.Bool("rotate", false, "make a new link; the old one stops working")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, db, err := e.parseOpen(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if len(pos) > 0 {
		return exitError{2, fmt.Errorf("usage: sheaf links [--department ID] [--rotate] [--json]")}
	}
	secret, err := jobs.LinkSecret(e.cfg)
	if err != nil {
		return exitError{1, fmt.Errorf("department links: %w", err)}
	}
	links := &jobs.DepartmentLinks{Config: e.cfg, DB: db, Secret: secret}
	if !links.Enabled() {
		return exitError{1, fmt.Errorf("department links need web.url and web.link_secret_env (the variable holding the link secret; make one with `sheaf token new`)")}
	}
	if *dept != "" {
		if _, ok := e.cfg.Department(*dept); !ok {
			return exitError{2, fmt.Errorf("no department %q in the configuration", *dept)}
		}
	}
	expires := jobs.LinkExpiry(e.cfg)
	var out []linkJSON
	for _, d := range e.cfg.Departments {
		if *dept != "" && d.ID != *dept {
			continue
		}
		tok, err := links.Token(ctx, d.ID)
		if *rotate {
			tok, err = links.Rotate(ctx, d.ID)
		}
		if err != nil {
			return fmt.Errorf("department %s: %w", d.ID, err)
		}
		out = append(out, linkJSON{Department: d.ID, Name: d.Name, URL: jobs.DepartmentURL(e.cfg, d.ID, tok), Rotated: *rotate, Expires: expires})
	}
	if *asJSON {
		return writeJSON(e, out)
	}
	for _, l := range out {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", l.Department, l.Name, l.URL)
	}
	if !expires.IsZero() {
		fmt.Fprintf(e.stdout, "链接有效期至 %s（web.link_days）\n", expires.In(e.cfg.Cycle.Location).Format("2006-01-02 15:04"))
	}
	return nil
}
