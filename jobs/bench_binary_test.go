package jobs

// The prefecture as users run it: the sheaf binary itself, its config
// loaded and its garbage collector tuned, with the peak resident set the
// kernel reports for the process.

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildSheaf builds the sheaf binary into a temporary folder.
func buildSheaf(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "sheaf")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/sheaf")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build sheaf: %v\n%s", err, out)
	}
	return bin
}

// runSheaf runs the binary with args, without the operator's GOGC and
// GOMEMLIMIT (so its own settings apply), and returns how long it took
// and its peak resident set in MiB.
func runSheaf(b *testing.B, bin string, args ...string) (time.Duration, float64) {
	b.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	if err != nil {
		b.Fatalf("sheaf %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return took, 0
	}
	return took, float64(ru.Maxrss) / 1024 // Maxrss is in KiB on Linux
}

// BenchmarkPrefectureBinary runs `sheaf config check` and a cold `sheaf
// sync` of the prefecture corpus as separate processes: the time and peak
// RSS a user sees, config load included (the other benchmarks time
// Syncer.Sync inside the test process).
func BenchmarkPrefectureBinary(b *testing.B) {
	c := ensureCorpus(b, corpusPrefecture)
	bin := buildSheaf(b)
	b.ResetTimer()
	b.StopTimer()
	var syncTook time.Duration
	var syncRSS, checkRSS float64
	var checkTook time.Duration
	for range b.N {
		dir := b.TempDir()
		cfg := filepath.Join(dir, "sheaf.yaml")
		if err := os.WriteFile(cfg, []byte(c.config(filepath.Join(dir, "sheaf.db"))), 0o644); err != nil {
			b.Fatal(err)
		}
		t, rss := runSheaf(b, bin, "config", "check", "--config", cfg)
		checkTook, checkRSS = checkTook+t, max(checkRSS, rss)
		b.StartTimer()
		t, rss = runSheaf(b, bin, "sync", "--config", cfg)
		b.StopTimer()
		syncTook, syncRSS = syncTook+t, max(syncRSS, rss)
	}
	n := float64(b.N)
	b.ReportMetric(syncTook.Seconds()/n, "s/sync")
	b.ReportMetric(syncRSS, "sync-maxRSS-MiB")
	b.ReportMetric(checkRSS, "check-maxRSS-MiB")
	summary(b, "sheaf sync: %.2f s, max RSS %.0f MiB; sheaf config check: %.2f s, max RSS %.0f MiB (target ≤ 128 MB)",
		syncTook.Seconds()/n, syncRSS, checkTook.Seconds()/n, checkRSS)
}
