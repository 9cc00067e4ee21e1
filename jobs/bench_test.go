package jobs

// Benchmarks of the sync on generated corpora (corpus_test.go); `make bench`
// runs them. See bench/README.md for what each measures and the figures of
// the last run. Nothing here runs under plain `go test`.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/storage"
)

// benchTarget is one sync of a corpus into a database of its own.
type benchTarget struct {
	corpus corpus
	cfg    *config.Config
	db     *storage.DB
	syncer *Syncer
}

// newBenchTarget writes the corpus's config into a fresh folder, with the
// database next to it, and opens the database.
func newBenchTarget(b *testing.B, c corpus) *benchTarget {
	b.Helper()
	dir := b.TempDir()
	path := filepath.Join(dir, "sheaf.yaml")
	if err := os.WriteFile(path, []byte(c.config(filepath.Join(dir, "sheaf.db"))), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		b.Fatal(err)
	}
	return &benchTarget{corpus: c, cfg: cfg, db: db}
}

func (t *benchTarget) sync(b *testing.B) *SyncReport {
	b.Helper()
	rep := t.syncAt(b, nil)
	if rep.Failed != 0 || rep.Deferred != 0 || rep.SourcesFailed != 0 {
		b.Fatalf("sync: %d failed, %d deferred, %d sources failed: %+v", rep.Failed, rep.Deferred, rep.SourcesFailed, rep.Problems)
	}
	return rep
}

// checkCold checks that a cold sync read every file and took a value from
// every row, and that every figure the rows give has a value.
func (t *benchTarget) checkCold(b *testing.B, rep *SyncReport) {
	b.Helper()
	if rep.Read != t.corpus.Files() || rep.Rows != t.corpus.Rows() {
		b.Fatalf("cold sync read %d files, %d observations; want %d, %d", rep.Read, rep.Rows, t.corpus.Files(), t.corpus.Rows())
	}
	figs, err := t.db.Figures(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	with := 0
	for _, f := range figs {
		if f.HasValue {
			with++
		}
	}
	if with != t.corpus.Figures() {
		b.Fatalf("%d figures with a value, want %d", with, t.corpus.Figures())
	}
}

// syncAt syncs with the clock now (nil: the real one) and returns the
// report, whatever it says.
func (t *benchTarget) syncAt(b *testing.B, now func() time.Time) *SyncReport {
	b.Helper()
	// One Syncer for the target's syncs, as the daemon keeps one.
	if t.syncer == nil {
		t.syncer = &Syncer{Config: t.cfg, DB: t.db}
	}
	t.syncer.Now = now
	rep, err := t.syncer.Sync(context.Background(), "bench")
	if err != nil {
		b.Fatalf("sync: %v", err)
	}
	return rep
}

func (t *benchTarget) close() { t.db.Close() }

// summary prints one line per benchmark for people, beside the metrics.
func summary(b *testing.B, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%-40s %s\n", b.Name(), fmt.Sprintf(format, args...))
}

// BenchmarkColdSyncCorpusA syncs corpus A (500 workbooks × 200 rows) into
// an empty database: list, hash, parse, normalise, store, reconcile. When
// Debian's openpyxl is installed it also runs bench/openpyxl_sync.py on the
// same files, outside the timer, for the ratio.
// gcAsTheBinary applies the garbage collector settings the sheaf binary
// uses, so that benchmarks measure what users run.
func gcAsTheBinary(b *testing.B) {
	b.Cleanup(TuneGC())
}

func BenchmarkColdSyncCorpusA(b *testing.B) {
	gcAsTheBinary(b)
	c := ensureCorpus(b, corpusA)
	b.ResetTimer() // generating the corpus is not measured
	var rows int
	var last *SyncReport
	for range b.N {
		b.StopTimer()
		t := newBenchTarget(b, c)
		b.StartTimer()
		rep := t.sync(b)
		b.StopTimer()
		t.checkCold(b, rep)
		rows, last = rep.Rows, rep
		t.close()
		b.StartTimer()
	}
	b.StopTimer()
	perSync := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perSync, "s/sync")
	b.ReportMetric(float64(rows)/perSync, "rows/s")
	b.ReportMetric(float64(c.Files()), "files")
	line := fmt.Sprintf("%d files, %d rows: %.2f s/sync (list %d ms, read %d ms, reconcile %d ms), %.0f rows/s",
		c.Files(), rows, perSync, last.ListMS, last.ReadMS, last.ReconcileMS, float64(rows)/perSync)

	py, err := openpyxlSync(b, c)
	switch {
	case err != nil:
		b.Logf("openpyxl comparison skipped: %v", err)
		line += "; openpyxl not run (" + err.Error() + ")"
	default:
		b.ReportMetric(py.Seconds(), "openpyxl-s")
		b.ReportMetric(py.Seconds()/perSync, "x-faster-than-openpyxl")
		if r := py.Seconds() / perSync; r >= 1 {
			line += fmt.Sprintf("; openpyxl %.2f s: sheaf is %.1f× faster", py.Seconds(), r)
		} else {
			line += fmt.Sprintf("; openpyxl %.2f s: sheaf is %.1f× SLOWER", py.Seconds(), 1/r)
		}
	}
	summary(b, "%s", line)
}

// openpyxlSync runs bench/openpyxl_sync.py on the corpus with Debian's
// Python ($SHEAF_BENCH_PYTHON to use another) and returns how long it took;
// an error when openpyxl is missing or the script did not read every row.
func openpyxlSync(b *testing.B, c corpus) (time.Duration, error) {
	python := os.Getenv("SHEAF_BENCH_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	if err := exec.Command(python, "-c", "import openpyxl").Run(); err != nil {
		return 0, fmt.Errorf("%s cannot import openpyxl (apt-get install python3-openpyxl)", python)
	}
	script, err := filepath.Abs(filepath.Join("..", "bench", "openpyxl_sync.py"))
	if err != nil {
		return 0, err
	}
	db := filepath.Join(b.TempDir(), "openpyxl.db")
	var out, stderr bytes.Buffer
	cmd := exec.Command(python, script, c.root, db)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v: %s", script, err, strings.TrimSpace(stderr.String()))
	}
	var files, rows int
	if _, err := fmt.Sscan(out.String(), &files, &rows); err != nil || files != c.Files() || rows != c.Rows() {
		return 0, fmt.Errorf("openpyxl read %q (files rows), want %d %d", strings.TrimSpace(out.String()), c.Files(), c.Rows())
	}
	return took, nil
}

// BenchmarkResyncUnchangedCorpusA syncs corpus A once outside the timer,
// then times a second sync in which nothing has changed: every file is
// listed and hashed, none is parsed, and reconcile runs again.
func BenchmarkResyncUnchangedCorpusA(b *testing.B) {
	gcAsTheBinary(b)
	c := ensureCorpus(b, corpusA)
	b.ResetTimer() // generating the corpus is not measured
	var cold time.Duration
	for range b.N {
		b.StopTimer()
		t := newBenchTarget(b, c)
		start := time.Now()
		t.checkCold(b, t.sync(b))
		cold += time.Since(start)
		b.StartTimer()
		rep := t.sync(b)
		b.StopTimer()
		if rep.Read != 0 || rep.Unchanged != c.Files() {
			b.Fatalf("resync read %d, unchanged %d; want 0, %d", rep.Read, rep.Unchanged, c.Files())
		}
		t.close()
		b.StartTimer()
	}
	b.StopTimer()
	perSync := b.Elapsed().Seconds() / float64(b.N)
	coldS := cold.Seconds() / float64(b.N)
	b.ReportMetric(perSync, "s/sync")
	b.ReportMetric(coldS, "cold-s")
	b.ReportMetric(100*perSync/coldS, "%-of-cold")
	summary(b, "%d unchanged files: %.3f s/sync, %.1f%% of the cold sync (%.2f s)", c.Files(), perSync, 100*perSync/coldS, coldS)
}

// BenchmarkSyncCorpusB syncs one large workbook (50,000 and 200,000 rows)
// and reports its peak memory: the peak of the Go heap's live objects,
// sampled every 2 ms, and the process's peak resident set (VmHWM), reset
// just before the sync where Linux allows it.
func BenchmarkSyncCorpusB(b *testing.B) {
	gcAsTheBinary(b)
	for _, spec := range []corpusSpec{corpusB50k, corpusB} {
		b.Run(fmt.Sprintf("rows=%d", spec.rows), func(b *testing.B) {
			c := ensureCorpus(b, spec)
			b.ResetTimer()
			var peakHeap, hwm uint64
			hwmReset := true
			var rows int
			for range b.N {
				b.StopTimer()
				t := newBenchTarget(b, c)
				runtime.GC()
				debug.FreeOSMemory() // give back what earlier benchmarks left, so VmHWM starts low
				hwmReset = resetHWM() == nil && hwmReset
				sampler := startHeapSampler(2 * time.Millisecond)
				b.StartTimer()
				rep := t.sync(b)
				b.StopTimer()
				peakHeap = max(peakHeap, sampler.stop())
				if h, err := vmHWM(); err == nil {
					hwm = max(hwm, h)
				}
				t.checkCold(b, rep)
				rows = rep.Rows
				t.close()
				b.StartTimer()
			}
			b.StopTimer()
			perSync := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(perSync, "s/sync")
			b.ReportMetric(float64(rows)/perSync, "rows/s")
			b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
			hwmNote := "reset before the sync"
			if !hwmReset {
				hwmNote = "whole test process: could not reset"
			}
			if hwm > 0 {
				b.ReportMetric(float64(hwm)/(1<<20), "VmHWM-MiB")
			}
			summary(b, "%d rows: %.2f s/sync, %.0f rows/s, peak heap %.0f MiB, VmHWM %.0f MiB (%s)",
				rows, perSync, float64(rows)/perSync, float64(peakHeap)/(1<<20), float64(hwm)/(1<<20), hwmNote)
		})
	}
}

// heapSampler follows the peak of the Go heap's live and not yet swept
// objects.
type heapSampler struct {
	done chan struct{}
	peak atomic.Uint64
	quit chan struct{}
}

func startHeapSampler(every time.Duration) *heapSampler {
	s := &heapSampler{done: make(chan struct{}), quit: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(s.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > s.peak.Load() {
				s.peak.Store(v)
			}
			select {
			case <-s.quit:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// stop ends the sampling (after one last sample) and returns the peak.
func (s *heapSampler) stop() uint64 {
	close(s.quit)
	<-s.done
	return s.peak.Load()
}

// resetHWM resets the process's peak resident set to its current size
// (Linux ≥ 4.0: writing 5 to /proc/self/clear_refs).
func resetHWM() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// vmHWM reads this process's peak resident set, in bytes.
func vmHWM() (uint64, error) {
	return procHWM("self")
}

// procHWM reads a process's peak resident set (VmHWM in /proc/PROC/status),
// in bytes.
func procHWM(proc string) (uint64, error) {
	f, err := os.Open("/proc/" + proc + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%s/status", proc)
}

// BenchmarkReconcile100k reconciles 100,000 synthetic observations against
// a catalogue of 1,000 indicators from 10 departments, with 500 rules: resubmissions (500
// files), values reported by a department that does not own them, owners
// that gave nothing (stand-ins and missing flags), and findings.
func BenchmarkReconcile100k(b *testing.B) {
	// Not gcAsTheBinary: this holds all 100,000 observations in memory at
	// once, which a sync never does (it reconciles slot by slot), so the
	// binary's soft memory limit would only measure the collector.
	const indicators, depts, total = 1000, 10, 100_000
	var y strings.Builder
	y.WriteString("cycle: {name: 基准测试, period: \"2024\", timezone: Asia/Shanghai}\ndepartments:\n")
	for d := range depts {
		fmt.Fprintf(&y, "  - {id: d%03d, name: 基准部门%03d, sources: [{dir: inbox/d%03d}]}\n", d, d, d)
	}
	y.WriteString("indicators:\n")
	for k := range indicators {
		fmt.Fprintf(&y, "  - {id: bench.i%04d, name: 基准指标%04d, unit: 人, owner: d%03d, required: %v}\n", k, k, k%depts, k%4 == 0)
	}
	// 500 rules of the kinds the domain needs: sums, rates at their written
	// rounding, comparisons; some fail, some wait for figures nobody gave.
	y.WriteString("rules:\n")
	for r := range 500 {
		a, c, d := (r*3)%indicators, (r*3+1)%indicators, (r*3+2)%indicators
		exprs := []string{
			fmt.Sprintf(`v("bench.i%04d") <= sum("bench.i%04d", "bench.i%04d") * 2`, a, c, d),
			fmt.Sprintf(`same(pct(v("bench.i%04d"), v("bench.i%04d")), "bench.i%04d")`, a, c, d),
			fmt.Sprintf(`round(ratio(v("bench.i%04d"), v("bench.i%04d")), 1) <= 3.1`, a, c),
		}
		class := []string{"check", "standard"}[r%2]
		fmt.Fprintf(&y, "  - {id: r%03d, expr: '%s', message: 基准规则, class: %s}\n", r, exprs[r%3], class)
	}
	path := filepath.Join(b.TempDir(), "sheaf.yaml")
	if err := os.WriteFile(path, []byte(y.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		b.Fatal(err)
	}
	rec, err := reconcile.New(cfg)
	if err != nil {
		b.Fatal(err)
	}

	base := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	var in reconcile.Input
	for n := range total {
		k := n % indicators
		round := n / indicators // 100 rounds: each indicator is reported 100 times
		dept := k % depts       // its owner …
		if round%10 == 9 || k%20 == 19 {
			dept = (dept + 1) % depts // … or another department (and never the owner for 1 in 20)
		}
		file := round*depts + dept // one workbook per department and round: 1,000 files
		o := reconcile.Observation{
			Observation: sheaf.Observation{
				Indicator: fmt.Sprintf("bench.i%04d", k), Period: "2024",
				Value: float64(n%9973) + 0.5, HasValue: n%101 != 0, Decimals: 1, Unit: "人",
				Raw: strconv.Itoa(n % 9973), Sheet: "Sheet1", Cell: fmt.Sprintf("D%d", 4+k), Label: fmt.Sprintf("基准指标%04d", k),
			},
			ID: int64(n + 1), Department: fmt.Sprintf("d%03d", dept), Source: "dir:inbox",
			File: fmt.Sprintf("报表%04d.xlsx", file), FileID: int64(file + 1),
			FirstSeen: base.Add(time.Duration(round) * time.Hour), FirstModTime: base.Add(time.Duration(round) * time.Hour),
			Seq: k,
		}
		if n%97 == 0 {
			o.Approx = sheaf.Over
		}
		in.Observations = append(in.Observations, o)
		if n%50 == 0 {
			in.Findings = append(in.Findings, reconcile.Finding{
				Finding: sheaf.Finding{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: o.Indicator,
					Period: "2024", Sheet: "Sheet1", Cell: fmt.Sprintf("C%d", 4+k), Raw: "二〇二四", Message: "年度无法识别"},
				Department: o.Department, Source: o.Source, File: o.File,
			})
		}
	}

	var res reconcile.Result
	b.ResetTimer()
	for range b.N {
		res = rec.Reconcile(in)
	}
	b.StopTimer()
	if len(res.Figures) != indicators {
		b.Fatalf("%d figures, want %d", len(res.Figures), indicators)
	}
	ms := float64(b.Elapsed().Microseconds()) / 1000 / float64(b.N)
	b.ReportMetric(ms, "ms/op")
	if len(res.Rules) != 500 {
		b.Fatalf("%d rule outcomes, want 500", len(res.Rules))
	}
	summary(b, "%d observations, %d indicators, %d rules: %.1f ms/op, %d figures, %d flags", total, indicators, len(res.Rules), ms, len(res.Figures), len(res.Flags))
}
