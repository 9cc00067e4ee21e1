package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
	"github.com/sheaf-dev/sheaf/web"
)

// cmdResync asks the running daemon to sync now (POST /resync) and waits
// for that sync to finish; with no daemon listening, it syncs here, under
// the same lock file, so two syncs never overlap.
func cmdResync(ctx context.Context, e *env, args []string) error {
	fs := e.flags("resync")
	timeout := fs.Duration("timeout", 30*time.Minute, "how long to wait for the sync")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := e.load(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	syncHere := func() error {
		db, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		s := &jobs.Syncer{Config: e.cfg, DB: db, Log: e.logger()}
		e.watch(ctx, s, db)
		rep, err := s.Sync(ctx, "cli")
		if err != nil {
			return err
		}
		return e.showReport(rep, *asJSON)
	}
	if e.cfg.Web.Off() {
		// No daemon serves a resync button or API: sync here, under the
		// sync lock the daemon's own syncs take.
		fmt.Fprintln(e.stderr, "web.listen is off: syncing here")
		return syncHere()
	}
	token, err := web.TokenFromEnv(e.cfg.Web.TokenEnv)
	if err != nil {
		return exitError{1, err}
	}
	base := e.cfg.Web.BaseURL()
	c := &daemonClient{base: base, token: token, http: &http.Client{Timeout: 30 * time.Second}}
	// The daemon answering there must serve this configuration's
	// database: another cycle's, on the same address, would sync its own
	// and its report would be taken for this one's.
	theirs, err := c.database(ctx)
	if errors.Is(err, syscall.ECONNREFUSED) {
		fmt.Fprintf(e.stderr, "no daemon at %s: syncing here\n", base)
		return syncHere()
	}
	// Read only, and only if there is a database here: a command on
	// another machine, or without write access to it, still asks the
	// daemon; a daemon gives its database an identity as it starts.
	own, known := e.identity(ctx)
	if err == nil && known && theirs != "" && theirs != own {
		return exitError{1, fmt.Errorf("the daemon at %s serves another database than %s (another cycle's daemon on the same web.listen?): nothing was synced", base, e.cfg.DBPath())}
	}
	ans, err := c.ask(ctx)
	if errors.Is(err, syscall.ECONNREFUSED) {
		fmt.Fprintf(e.stderr, "no daemon at %s: syncing here\n", base)
		return syncHere()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "the daemon at %s %s sync %d; waiting for it\n", base, map[bool]string{true: "started", false: "queued"}[ans.State == "started"], ans.ID)
	reasked := false
	for ans.State != "done" {
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for sync %d: %w", ans.ID, ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
		next, err := c.status(ctx, ans.ID)
		if err != nil && !reasked {
			// The daemon started over with a changed configuration (sheaf
			// alias add, then sheaf resync) and no longer knows the sync:
			// ask its new self, whose sync reads with the new one.
			if again, aerr := c.askAgain(ctx); aerr == nil {
				reasked = true
				fmt.Fprintf(e.stderr, "the daemon at %s started over while sync %d ran; it %s sync %d; waiting for it\n", base,
					ans.ID, map[bool]string{true: "started", false: "queued"}[again.State == "started"], again.ID)
				ans = again
				continue
			}
		}
		if err != nil {
			return err
		}
		ans = next
	}
	if !ans.OK {
		return fmt.Errorf("sync %d failed: %s", ans.ID, ans.Error)
	}
	return e.showReport(ans.Report, *asJSON)
}

func (e *env) showReport(rep *jobs.SyncReport, asJSON bool) error {
	if asJSON {
		return writeJSON(e, rep)
	}
	printSyncReport(e, rep)
	return nil
}

// daemonClient speaks to the daemon's web server.
type daemonClient struct {
	base, token string
	http        *http.Client
}

// identity is the identity of this configuration's database, read only;
// known is false when there is no database here to read it from.
func (e *env) identity(ctx context.Context) (id string, known bool) {
	db, err := storage.OpenReadOnly(ctx, e.cfg.DBPath())
	if err != nil {
		return "", false
	}
	defer db.Close()
	id, err = db.StoredIdentity(ctx)
	return id, err == nil
}

// database asks the daemon which database it serves (its /healthz says).
func (c *daemonClient) database(ctx context.Context) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/healthz", nil)
	if err != nil {
		return "", err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var h web.Health
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&h); err != nil {
		return "", err
	}
	return h.Database, nil
}

// askAgain asks for a sync once the daemon answers again, waiting up to a
// minute for it to be back.
func (c *daemonClient) askAgain(ctx context.Context) (web.ResyncAnswer, error) {
	var err error
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); {
		var a web.ResyncAnswer
		if a, err = c.ask(ctx); err == nil {
			return a, nil
		}
		select {
		case <-ctx.Done():
			return web.ResyncAnswer{}, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return web.ResyncAnswer{}, err
}

func (c *daemonClient) ask(ctx context.Context) (web.ResyncAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/resync", strings.NewReader("trigger=cli"))
	if err != nil {
		return web.ResyncAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req, http.StatusAccepted)
}

func (c *daemonClient) status(ctx context.Context, id int64) (web.ResyncAnswer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/resync/%d", c.base, id), nil)
	if err != nil {
		return web.ResyncAnswer{}, err
	}
	return c.do(req, http.StatusOK)
}

func (c *daemonClient) do(req *http.Request, want int) (web.ResyncAnswer, error) {
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return web.ResyncAnswer{}, fmt.Errorf("ask the daemon at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != want {
		var msg struct {
			Error string `json:"error"`
		}
		json.Unmarshal(body, &msg)
		if msg.Error == "" {
			msg.Error = strings.TrimSpace(string(body))
		}
		return web.ResyncAnswer{}, fmt.Errorf("the daemon at %s answered %s: %s", c.base, resp.Status, msg.Error)
	}
	var a web.ResyncAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return web.ResyncAnswer{}, fmt.Errorf("the daemon at %s: bad answer: %w", c.base, err)
	}
	return a, nil
}
