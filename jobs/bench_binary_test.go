package jobs

// The prefecture as users run it: the sheaf binary itself, its config
// loaded and its garbage collector tuned, with the peak resident set the
// kernel reports for the process.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildSheaf builds the sheaf binary into a temporary folder and installs
// it next to it as cp and install do (copy_file_range), returning both.
//
// How much of the binary's own file counts in a process's RSS depends on
// how its pages came into the page cache. On kernels that cache files in
// large folios (ext4 from Linux 6.16), a process maps its text a whole
// folio at a time. The linker writes its output in one piece, through a
// memory map, and a process run from that file maps nearly all 30 MB of
// its text and read-only data: `sheaf --version` peaks at 36 MB. Run from
// a copy, or from disk after the page cache was dropped, it peaks at
// 24–25 MB. The benchmark reports the installed copy, the way sheaf runs
// once installed, and `--version` of both.
func buildSheaf(b *testing.B) (installed, linked string) {
	b.Helper()
	dir := b.TempDir()
	linked = filepath.Join(dir, "sheaf-linked")
	cmd := exec.Command("go", "build", "-o", linked, "../cmd/sheaf")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build sheaf: %v\n%s", err, out)
	}
	installed = filepath.Join(dir, "sheaf")
	if err := copyFile(installed, linked); err != nil {
		b.Fatal(err)
	}
	return installed, linked
}

// copyFile copies an executable the way cp does: os.File.ReadFrom uses
// copy_file_range on Linux.
func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := out.ReadFrom(in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// runSheaf runs the binary with args, without the operator's GOGC and
// GOMEMLIMIT (so its own settings apply), and returns how long it took
// and the peak resident set of its own memory in MiB (runPeak).
func runSheaf(b *testing.B, bin string, args ...string) (time.Duration, float64) {
	b.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOGC=") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			env = append(env, kv)
		}
	}
	out, err := os.CreateTemp(b.TempDir(), "out")
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	start := time.Now()
	status, hwm, err := runPeak(bin, args, env, out)
	took := time.Since(start)
	if err == nil && status.ExitStatus() != 0 {
		err = fmt.Errorf("%v", status)
	}
	if err != nil {
		text, _ := os.ReadFile(out.Name())
		b.Fatalf("sheaf %s: %v\n%s", strings.Join(args, " "), err, text)
	}
	if hwm == 0 {
		b.Fatalf("sheaf %s: no peak resident set read", strings.Join(args, " "))
	}
	return took, float64(hwm) / 1024
}

// BenchmarkPrefectureBinary runs `sheaf config check` and a cold `sheaf
// sync` of the prefecture corpus as separate processes: the time and peak
// RSS a user sees, config load included (the other benchmarks time
// Syncer.Sync inside the test process).
func BenchmarkPrefectureBinary(b *testing.B) {
	benchBinary(b, ensureCorpus(b, corpusPrefecture), "target ≤ 128 MB")
}

// BenchmarkCorpusBBinary does the same for the one 200,000-row workbook.
func BenchmarkCorpusBBinary(b *testing.B) {
	benchBinary(b, ensureCorpus(b, corpusB), "target ≤ 64 MB")
}

func benchBinary(b *testing.B, c corpus, target string) {
	bin, linked := buildSheaf(b)
	_, versionRSS := runSheaf(b, bin, "--version")
	_, linkedRSS := runSheaf(b, linked, "--version")
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
	b.ReportMetric(versionRSS, "version-maxRSS-MiB")
	summary(b, "sheaf sync: %.2f s, max RSS %.0f MiB (%s); sheaf config check: %.2f s, max RSS %.0f MiB; "+
		"sheaf --version: %.0f MiB installed, %.0f MiB run from the linker's output",
		syncTook.Seconds()/n, syncRSS, target, checkTook.Seconds()/n, checkRSS, versionRSS, linkedRSS)
}
