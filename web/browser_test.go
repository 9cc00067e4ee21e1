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
// headless Chromium, presses 立即同步 and waits, without reloading, until the
// page (refreshing itself) says the sync ended; accepts a flag and sees the
// banner; and checks that no page shows an English word, saving
// screenshots.
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
	// the browser back to the status page, which says so and refreshes
	// itself (a meta refresh) until the sync ends, then says how it ended.
	if _, err := chromedp.RunResponse(browser, chromedp.Click(chromedp.ID("resync"))); err != nil {
		t.Fatalf("press 立即同步: %v", err)
	}
	var banner string
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		// Read without reloading: the page reloads itself.
		b, err := chromedp.Run(browser, chromedp.Evaluate[string](`(document.querySelector("p.banner") || {innerText: ""}).innerText`))
		if err == nil && strings.Contains(b, "同步完成") {
			banner = b
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the status page never said the sync 立即同步 started had ended: %v; last banner: %q", ctx.Err(), b)
		case <-tick.C:
		}
	}
	t.Logf("banner after 立即同步: %s", banner)
	run := readRuns(browser, t)[0]
	if want := (browserRun{ID: newest + 1, Job: "同步", Trigger: "网页", Outcome: "成功"}); run != want {
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
	ids := map[string]bool{}
	for _, d := range cfg.Departments {
		ids[d.ID] = true
	}
	for _, ind := range cfg.Indicators {
		ids[ind.ID], ids[ind.Unit] = true, true
	}
	noEnglish := func(what string) {
		t.Helper()
		text, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatalf("read %s: %v", what, err)
		}
		if words := englishWords(text, ids); len(words) > 0 {
			t.Errorf("%s shows English: %q", what, words)
		}
	}
	noEnglish("the status page")
	screenshot(t, browser, "status-page.png")

	// Accept the first open flag on /flags with a note: the page comes back
	// with a banner saying so.
	if err := chromedp.Do(browser,
		chromedp.Navigate(ts.URL+"/flags"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/accept"] input[name="note"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/accept"] input[name="note"]`), "数据以部门年报为准"),
	); err != nil {
		t.Fatalf("open /flags and write a note: %v", err)
	}
	noEnglish("/flags")
	if _, err := chromedp.RunResponse(browser, chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`))); err != nil {
		t.Fatalf("press 接受: %v", err)
	}
	banner, err = chromedp.Run(browser, chromedp.Text(chromedp.CSS("p.banner")))
	if err != nil || !strings.Contains(banner, "已接受问题") {
		t.Errorf("banner after 接受 = %q (%v), want 已接受问题…", banner, err)
	}
	noEnglish("/flags after 接受")
	screenshot(t, browser, "flags-accepted.png")
	for _, p := range []string{"/figures", "/outbox", "/runs/" + strconv.FormatInt(run.ID, 10)} {
		if err := chromedp.Do(browser, chromedp.Navigate(ts.URL+p)); err != nil {
			t.Fatalf("open %s: %v", p, err)
		}
		noEnglish(p)
	}
}

// screenshot saves the page shown as name in $SHEAF_TEST_OUTPUT, or the
// test's artifact folder.
func screenshot(t *testing.T, browser context.Context, name string) {
	t.Helper()
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
	path := filepath.Join(out, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("save the screenshot: %v", err)
	}
	t.Logf("screenshot: %s (kept when SHEAF_TEST_OUTPUT is set or with go test -artifacts)", path)
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

// TestBrowserDepartmentAnswer: a department opens its page from the link
// in its overdue notice, answers an item there, and the coordinator sees
// the answer on /flags as 待确认.
func TestBrowserDepartmentAnswer(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skipf("headless Chromium is not installed (apt-get install chromium): %v", err)
	}
	dir := filepath.Join(t.TempDir(), "shangzhi-2024")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "examples", "shangzhi-2024"))); err != nil {
		t.Fatalf("copy the example: %v", err)
	}
	for _, d := range []string{"data", "outbox", "drafts", "chat"} {
		os.RemoveAll(filepath.Join(dir, d))
	}
	cfg, err := config.Load(filepath.Join(dir, "sheaf.yaml"))
	if err != nil {
		t.Fatalf("load the example's config: %v", err)
	}
	t.Setenv("SHEAF_TEST_LINK_SECRET", "a-link-secret-for-the-browser-test-0123")
	cfg.Web.LinkSecretEnv = "SHEAF_TEST_LINK_SECRET"
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatalf("open storage: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	syncer := &jobs.Syncer{Config: cfg, DB: db, Log: log}
	if _, err := syncer.Sync(context.Background(), "cli"); err != nil {
		t.Fatalf("sync: %v", err)
	}
	// An hour after the example's deadline: its overdue notices are due
	// and their links (valid web.link_days after it) open.
	due, err := cfg.Deadlines[0].DueTime(cfg.Cycle.Location)
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Config: cfg, DB: db, Sync: syncer.Sync, Log: log, Token: browserToken,
		Now: func() time.Time { return due.Add(time.Hour) }}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(srv.resync.wait)
	t.Cleanup(ts.Close)
	cfg.Web.URL = ts.URL // the links in the mail point at this server

	// The overdue notices `sheaf remind` would send then; the education
	// bureau's carries its page's link.
	notices, err := jobs.PlanReminders(context.Background(), cfg, db, due.Add(time.Hour), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	link := ""
	for _, n := range notices {
		if n.Department == "edu" {
			link = n.Link
			if !strings.Contains(n.Text, link) {
				t.Fatalf("the notice's text lacks its link %s:\n%s", link, n.Text)
			}
		}
	}
	if !strings.HasPrefix(link, ts.URL+"/d/edu") {
		t.Fatalf("no link to the education bureau's page in its notice: %q", link)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-dev-shm-usage", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")), chromedp.WindowSize(1280, 900))
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	defer cancelBrowser()

	// The department follows the link and answers its first item.
	const answer = "已与年报核对，数值无误"
	if err := chromedp.Do(browser, chromedp.Navigate(link)); err != nil {
		t.Fatalf("open the department page from the notice's link: %v", err)
	}
	if body, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.body.innerHTML`)); err == nil && !strings.Contains(body, `action="/d/edu/answer"`) {
		t.Fatalf("the department page has no answer form:\n%s", body)
	}
	if err := chromedp.Do(browser,
		chromedp.WaitVisible(chromedp.CSS(`form[action="/d/edu/answer"] input[name="note"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action="/d/edu/answer"] input[name="note"]`), answer),
		chromedp.SendKeys(chromedp.CSS(`form[action="/d/edu/answer"] input[name="by"]`), "王五"),
	); err != nil {
		t.Fatalf("open the department page from the notice's link: %v", err)
	}
	if _, err := chromedp.RunResponse(browser, chromedp.Click(chromedp.CSS(`form[action="/d/edu/answer"] button`))); err != nil {
		t.Fatalf("submit the answer: %v", err)
	}
	page, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil || !strings.Contains(page, answer) {
		t.Fatalf("the department page after answering does not show the answer (%v):\n%s", err, page)
	}
	screenshot(t, browser, "department-answered.png")

	// The coordinator signs in and sees it on /flags, waiting.
	if err := chromedp.Do(browser,
		chromedp.Navigate(ts.URL+"/login?next=/flags"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="token"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="token"]`), browserToken),
	); err != nil {
		t.Fatalf("open the login form: %v", err)
	}
	if _, err := chromedp.RunResponse(browser, chromedp.Click(chromedp.CSS(`form[action="/login"] button`))); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	flags, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil || !strings.Contains(flags, "待确认") || !strings.Contains(flags, answer) {
		t.Errorf("/flags does not show the department's answer as 待确认 (%v):\n%s", err, flags)
	}
}
