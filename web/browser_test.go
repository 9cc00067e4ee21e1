//go:build browser

// The browser test drives a real headless Chromium against the status page,
// so it needs Debian's chromium package; it runs with `make test-browser`
// (go test -tags browser), not with the plain `go test ./...`.

package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// browserToken is the admin token the browser signs in with.
const browserToken = "test-token-for-the-browser-0123456789"

// browserRun is one row of the runs list as the page shows it.
type browserRun struct {
	ID      int64
	Job     string
	Trigger string
	Outcome string // the words on the page: 成功, 失败, 运行中…
}

// TestBrowserResync signs in to the bundled example's status page in
// headless Chromium, presses 立即同步 and waits until the runs list shows the
// sync the button started, then saves a screenshot of the page.
func TestBrowserResync(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skipf("headless Chromium is not installed (apt-get install chromium): %v", err)
	}

	// The bundled example, as a fresh clone has it: no database, outbox or
	// drafts left by `make demo`.
	dir := filepath.Join(t.TempDir(), "shangzhi-2024")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "examples", "shangzhi-2024"))); err != nil {
		t.Fatalf("copy the example: %v", err)
	}
	for _, d := range []string{"data", "outbox", "drafts"} {
		if err := os.RemoveAll(filepath.Join(dir, d)); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := config.Load(filepath.Join(dir, "sheaf.yaml"))
	if err != nil {
		t.Fatalf("load the example's config: %v", err)
	}
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatalf("open storage: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	syncer := &jobs.Syncer{Config: cfg, DB: db, Log: log}
	// One sync, as `sheaf sync` would run it, so the page has figures,
	// flags and a first run.
	if _, err := syncer.Sync(context.Background(), "cli"); err != nil {
		t.Fatalf("first sync: %v", err)
	}

	// Wired as cmd/sheaf/run.go wires the daemon's server.
	srv := &Server{Config: cfg, DB: db, Sync: syncer.Sync, Log: log, Token: browserToken}
	ts := httptest.NewServer(srv.Handler())
	// Cleanups run last first: stop serving, let the button's sync end, then
	// close the database under it.
	t.Cleanup(srv.resync.wait)
	t.Cleanup(ts.Close)

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root in CI
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// A container's /dev/shm is often 64 MB: too small for Chromium.
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")),
		chromedp.WindowSize(1280, 900),
	)
	// Cancelling the allocator waits for Chromium to exit, before t.TempDir
	// removes its profile.
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()

	// Sign in with the token on the login form.
	if err := chromedp.Do(browser,
		chromedp.Navigate(ts.URL+"/login?next=/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="token"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="token"]`), browserToken),
	); err != nil {
		t.Fatalf("open the login form: %v", err)
	}
	if _, err := chromedp.RunResponse(browser, chromedp.Click(chromedp.CSS(`form[action="/login"] button`))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	// Signed in, the status page offers the button.
	if err := chromedp.Do(browser, chromedp.WaitVisible(chromedp.ID("resync"))); err != nil {
		t.Fatalf("the status page after signing in has no 立即同步 button: %v", err)
	}
	newest := readRuns(browser, t)[0].ID

	// Press 立即同步: the form posts, the server starts the sync and sends
	// the browser back to the status page, which says so.
	if _, err := chromedp.RunResponse(browser, chromedp.Click(chromedp.ID("resync"))); err != nil {
		t.Fatalf("press 立即同步: %v", err)
	}
	notice, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("p.notice")))
	if err != nil {
		t.Fatalf("no notice after pressing 立即同步: %v", err)
	}
	if !strings.Contains(notice, "已开始同步") {
		t.Errorf("notice after pressing 立即同步 = %q, want 已开始同步…", notice)
	}

	// The sync runs in the background: reload, as the notice asks, until
	// the runs list shows it finished.
	var run browserRun
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		runs := readRuns(browser, t)
		if r := runs[0]; r.ID > newest && r.Outcome != "运行中" {
			run = r
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the runs list never showed the sync 立即同步 started (newest before: %d): %v; last seen: %+v", newest, ctx.Err(), runs)
		case <-tick.C:
		}
		if err := chromedp.Do(browser, chromedp.Reload()); err != nil {
			t.Fatalf("reload the status page: %v", err)
		}
	}
	if want := (browserRun{ID: newest + 1, Job: "sync", Trigger: "web", Outcome: "成功"}); run != want {
		t.Errorf("newest run = %+v, want %+v", run, want)
	}

	page, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatalf("read the status page: %v", err)
	}
	for _, want := range []string{"概况", "截止时间", "各部门报送情况", "运行记录", "立即同步", "市教育局", "市财政局"} {
		if !strings.Contains(page, want) {
			t.Errorf("the status page does not show %q:\n%s", want, page)
		}
	}

	png, err := chromedp.Run(browser, chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	out := os.Getenv("SHEAF_TEST_OUTPUT")
	if out == "" {
		// Under -outputdir with `go test -artifacts`; otherwise a temporary
		// folder removed when the test ends.
		out = t.ArtifactDir()
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, "status-page.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("save the screenshot: %v", err)
	}
	t.Logf("screenshot of the status page: %s (kept when SHEAF_TEST_OUTPUT is set or with go test -artifacts)", path)
}

// readRuns reads the runs list of the page shown, newest first.
func readRuns(browser context.Context, t *testing.T) []browserRun {
	t.Helper()
	// Each row's cells as the page shows them; the header row has th cells
	// only, and an empty list one cell spanning the table.
	cells, err := chromedp.Run(browser, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll("#runs tr")].map(tr => [...tr.querySelectorAll("td")].map(td => td.innerText.trim()))`))
	if err != nil {
		t.Fatalf("read the runs list: %v", err)
	}
	var runs []browserRun
	for _, c := range cells {
		if len(c) < 6 {
			continue
		}
		id, err := strconv.ParseInt(c[0], 10, 64)
		if err != nil {
			t.Fatalf("runs list: run number %q: %v", c[0], err)
		}
		outcome, _, _ := strings.Cut(c[5], "：") // 失败：the error
		runs = append(runs, browserRun{ID: id, Job: c[1], Trigger: c[2], Outcome: outcome})
	}
	if len(runs) == 0 {
		t.Fatalf("runs list: no runs in %v", cells)
	}
	return runs
}
