package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// The daemon tests start the real binary: slow, so only under
// SHEAF_SLOW=1 (make test-slow).

// buildSheaf builds the command into a temporary folder.
func buildSheaf(t *testing.T) string {
	t.Helper()
	if os.Getenv("SHEAF_SLOW") == "" {
		t.Skip("starts real daemons: run with SHEAF_SLOW=1 (make test-slow)")
	}
	bin := filepath.Join(t.TempDir(), "sheaf")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freePort is a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// daemonConfig writes a configuration in dir serving on port, with the
// database at dir/data/sheaf.db and edu's inbox at dir/inbox/edu.
func daemonConfig(t *testing.T, dir, name string, port int) string {
	t.Helper()
	os.MkdirAll(filepath.Join(dir, "inbox", "edu"), 0o755)
	yaml := fmt.Sprintf(`cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 0s, workers: 1}
departments:
  - {id: edu, name: 市教育局, sources: [{dir: inbox/edu}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu}
schedules: {sync: "0 3 * * *"}
web: {listen: "127.0.0.1:%d", token_env: SHEAF_TEST_TOKEN}
`, port)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// daemon is a running `sheaf run`.
type daemon struct {
	cmd   *exec.Cmd
	lines chan string
}

// startDaemon starts `sheaf run` and waits until its web server listens.
func startDaemon(t *testing.T, bin, cfg string) *daemon {
	t.Helper()
	return startDaemonUntil(t, bin, cfg, "web server listening")
}

// startDaemonUntil starts `sheaf run` and waits until it logs until.
func startDaemonUntil(t *testing.T, bin, cfg, until string) *daemon {
	t.Helper()
	cmd := exec.Command(bin, "run", "--config", cfg)
	cmd.Env = append(os.Environ(), "SHEAF_TEST_TOKEN=test-token-of-the-slow-daemon-tests-0123")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &daemon{cmd: cmd, lines: make(chan string, 1000)}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			d.lines <- sc.Text()
		}
		close(d.lines)
	}()
	d.waitFor(t, until)
	return d
}

func (d *daemon) waitFor(t *testing.T, s string) {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-d.lines:
			if !ok {
				t.Fatalf("the daemon exited before saying %q", s)
			}
			if strings.Contains(l, s) {
				return
			}
		case <-timeout:
			t.Fatalf("the daemon did not say %q in 30s", s)
		}
	}
}

// manyFiles writes enough files into dir's inbox/edu that a sync is still
// reading them when a signal or an edit of the configuration comes.
func manyFiles(t *testing.T, dir string) {
	t.Helper()
	var rows strings.Builder
	rows.WriteString("指标编码,指标名称,年度,数值,单位\n")
	for i := range 2000 {
		fmt.Fprintf(&rows, ",未知指标%d,2024,%d,所\n", i, i)
	}
	for i := range 1500 {
		if err := os.WriteFile(filepath.Join(dir, "inbox", "edu", fmt.Sprintf("f%04d.csv", i)), []byte(rows.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// postResync asks the daemon on port for a sync, as the 立即同步 button
// does with the admin token.
func postResync(t *testing.T, port int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("http://127.0.0.1:%d/resync", port), strings.NewReader("trigger=web"))
	req.Header.Set("Authorization", "Bearer test-token-of-the-slow-daemon-tests-0123")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST /resync: %s %s", resp.Status, body)
	}
}

// TestTwoDaemonsOnOneDatabase: a second `sheaf run` on the same database
// (on another port, so the port does not stop it) exits at once naming the
// first; commands beside the first keep working; once the first has gone,
// a new daemon starts.
func TestTwoDaemonsOnOneDatabase(t *testing.T) {
	bin := buildSheaf(t)
	dir := t.TempDir()
	first := startDaemon(t, bin, daemonConfig(t, dir, "a.yaml", freePort(t)))
	host, _ := os.Hostname()

	second := daemonConfig(t, dir, "b.yaml", freePort(t))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "run", "--config", second)
	cmd.Env = append(os.Environ(), "SHEAF_TEST_TOKEN=test-token-of-the-slow-daemon-tests-0123")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("the second daemon did not exit at once:\n%s", out)
	}
	if err == nil {
		t.Fatalf("the second daemon exited 0:\n%s", out)
	}
	for _, want := range []string{"another daemon is running on this database", fmt.Sprintf("pid %d", first.cmd.Process.Pid), "on " + host, "since "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the second daemon's message does not say %q:\n%s", want, out)
		}
	}
	// A command beside the daemon works through the sync lock.
	if out, err := exec.Command(bin, "sync", "--config", second).CombinedOutput(); err != nil {
		t.Errorf("sheaf sync beside the daemon: %v\n%s", err, out)
	}
	first.cmd.Process.Signal(syscall.SIGTERM)
	first.cmd.Wait()
	startDaemon(t, bin, second)
}

// TestResyncStoppedBySIGTERMIsInterrupted: SIGTERM while a resync asked
// for on the web is reading files records the run interrupted, not failed.
func TestResyncStoppedBySIGTERMIsInterrupted(t *testing.T) {
	bin := buildSheaf(t)
	dir := t.TempDir()
	port := freePort(t)
	cfg := daemonConfig(t, dir, "sheaf.yaml", port)
	manyFiles(t, dir)
	d := startDaemon(t, bin, cfg)
	postResync(t, port)
	// Signal once the daemon says the sync has started: the moment the
	// test is about, rather than a guess at how long starting takes.
	d.waitFor(t, "sync started")
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.cmd.Wait()

	db, err := storage.Open(context.Background(), filepath.Join(dir, "data", "sheaf.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.LastRun(context.Background(), "sync", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome == sheaf.RunOK {
		t.Skipf("the sync finished before the signal (%v): nothing was cut short", r.FinishedAt.Sub(r.StartedAt))
	}
	if r.Outcome != sheaf.RunInterrupted || r.Error != "" || r.FinishedAt.IsZero() {
		t.Errorf("a resync cut short by SIGTERM was recorded %q (%q, finished %v), want interrupted", r.Outcome, r.Error, r.FinishedAt)
	}
}

// TestDaemonFollowsItsConfiguration: the fix an unknown row's flag asks
// for (an alias in sheaf.yaml, as `sheaf alias add` writes it) reaches the
// running daemon: its next sync reads the row, where a daemon keeping the
// configuration it started with would flip the figure back to missing. A
// configuration with errors is not applied, and the daemon goes on.
func TestDaemonFollowsItsConfiguration(t *testing.T) {
	bin := buildSheaf(t)
	dir := t.TempDir()
	port := freePort(t)
	cfg := daemonConfig(t, dir, "sheaf.yaml", port)
	if err := os.WriteFile(filepath.Join(dir, "inbox", "edu", "a.csv"), []byte("指标名称,年度,数值,单位\n各级学校数,2024,44,所\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, bin, cfg)
	db, err := storage.Open(context.Background(), filepath.Join(dir, "data", "sheaf.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	resync := func() {
		t.Helper()
		postResync(t, port)
		// The daemon logs the resync's end once its run is recorded.
		d.waitFor(t, "resync done")
	}
	schools := func() (float64, bool) {
		t.Helper()
		f, err := db.Figure(context.Background(), "schools.total", "2024")
		if err != nil {
			t.Fatal(err)
		}
		return f.Value, f.HasValue
	}
	resync()
	if _, ok := schools(); ok {
		t.Fatal("各级学校数 read before it was an alias")
	}

	yaml, _ := os.ReadFile(cfg)
	fixed := strings.Replace(string(yaml), "{id: schools.total, name: 学校总数,", "{id: schools.total, name: 学校总数, aliases: [各级学校数],", 1)
	if err := os.WriteFile(cfg, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(t, "the configuration changed")
	d.waitFor(t, "web server listening")
	resync()
	if v, ok := schools(); !ok || v != 44 {
		t.Fatalf("schools.total after the alias reached the daemon: %v %v, want 44", v, ok)
	}

	if err := os.WriteFile(cfg, []byte(fixed+"\nnot: [valid\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(t, "has errors and is not applied")
	resync()
	if v, ok := schools(); !ok || v != 44 {
		t.Fatalf("schools.total after a broken configuration: %v %v, want 44 still", v, ok)
	}

	// A configuration that loads but names a secret this process does not
	// have (set in the environment file, which only a restart reads) does
	// not stop the daemon: it goes on with the one it had.
	if err := os.WriteFile(cfg, []byte(strings.Replace(fixed, "token_env: SHEAF_TEST_TOKEN", "token_env: SHEAF_TEST_NEW_TOKEN", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(t, "cannot start; the daemon goes on with the one it had")
	d.waitFor(t, "web server listening")
	resync()
	if v, ok := schools(); !ok || v != 44 {
		t.Fatalf("schools.total after a configuration that cannot start: %v %v, want 44 still", v, ok)
	}
}

// TestReloadLetsAWebSyncFinish: the configuration changes while a sync
// asked for from the web reads files; the daemon takes the new one after
// that sync has finished, rather than cutting it short.
func TestReloadLetsAWebSyncFinish(t *testing.T) {
	bin := buildSheaf(t)
	dir := t.TempDir()
	port := freePort(t)
	cfg := daemonConfig(t, dir, "sheaf.yaml", port)
	manyFiles(t, dir)
	d := startDaemon(t, bin, cfg)
	postResync(t, port)
	d.waitFor(t, "sync started")
	yaml, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, []byte(strings.Replace(string(yaml), "name: 学校总数,", "name: 学校总数, aliases: [各级学校数],", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	d.cmd.Process.Signal(syscall.SIGHUP)
	d.waitFor(t, "the configuration changed")
	db, err := storage.Open(context.Background(), filepath.Join(dir, "data", "sheaf.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := db.LastRun(context.Background(), "sync", "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Outcome != sheaf.RunOK {
		t.Errorf("the web's sync under way at the reload: %q %q, want it finished", r.Outcome, r.Error)
	}
}

// TestResyncReachesOnlyItsOwnDaemon: two cycles whose web.listen collide;
// the second's daemon runs its schedule without its web server. `sheaf
// resync` of the second reaches the first's daemon, which serves another
// database: it says so and syncs nothing, where it would have had the
// first cycle synced and printed its report as the second's.
func TestResyncReachesOnlyItsOwnDaemon(t *testing.T) {
	bin := buildSheaf(t)
	port := freePort(t)
	a, b := t.TempDir(), t.TempDir()
	startDaemon(t, bin, daemonConfig(t, a, "sheaf.yaml", port))
	cfgB := daemonConfig(t, b, "sheaf.yaml", port)
	startDaemonUntil(t, bin, cfgB, "is taken by another program")
	cmd := exec.Command(bin, "resync", "--config", cfgB)
	cmd.Env = append(os.Environ(), "SHEAF_TEST_TOKEN=test-token-of-the-slow-daemon-tests-0123")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "serves another database") {
		t.Fatalf("resync of the other cycle: %v\n%s", err, out)
	}
	db, err := storage.Open(context.Background(), filepath.Join(b, "data", "sheaf.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if runs, _ := db.Runs(context.Background(), 10); len(runs) != 0 {
		t.Errorf("the second cycle's runs: %+v", runs)
	}
	// Its own daemon, on its own database, is reached as before.
	cmd = exec.Command(bin, "resync", "--config", filepath.Join(a, "sheaf.yaml"))
	cmd.Env = append(os.Environ(), "SHEAF_TEST_TOKEN=test-token-of-the-slow-daemon-tests-0123")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("resync of the daemon's own cycle: %v\n%s", err, out)
	}
}
