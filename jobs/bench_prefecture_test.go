package jobs

// The prefecture benchmark: a catalogue as large as a prefecture's, where
// cost that grows with departments × indicators shows (see bench/README.md).

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// peaks is the most memory the measured syncs of a benchmark took.
type peaks struct {
	heap, hwm uint64
	// hwmReset is false when the peak resident set could not be reset
	// before a sync, so hwm is the whole test process's.
	hwmReset bool
}

func newPeaks() *peaks { return &peaks{hwmReset: true} }

// measure times fn, which the caller has the timer stopped for, and
// records its peak heap and peak resident set: the collector runs, freed
// memory goes back to the OS and VmHWM is reset first, so the peak is fn's.
func (p *peaks) measure(b *testing.B, fn func()) {
	b.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	p.hwmReset = resetHWM() == nil && p.hwmReset
	sampler := startHeapSampler(2 * time.Millisecond)
	b.StartTimer()
	fn()
	b.StopTimer()
	p.heap = max(p.heap, sampler.stop())
	if h, err := vmHWM(); err == nil {
		p.hwm = max(p.hwm, h)
	}
}

// report reports s/sync and the peaks, and returns them in words.
func (p *peaks) report(b *testing.B) (perSync float64, words string) {
	perSync = b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perSync, "s/sync")
	b.ReportMetric(float64(p.heap)/(1<<20), "peak-heap-MiB")
	if p.hwm > 0 {
		b.ReportMetric(float64(p.hwm)/(1<<20), "VmHWM-MiB")
	}
	note := ""
	if !p.hwmReset {
		note = " (whole test process: could not reset)"
	}
	return perSync, fmt.Sprintf("%.3f s/sync, peak heap %.0f MiB, VmHWM %.0f MiB%s",
		perSync, float64(p.heap)/(1<<20), float64(p.hwm)/(1<<20), note)
}

// openpyxlRun is one run of bench/openpyxl_sync.py on a corpus.
type openpyxlRun struct {
	took time.Duration
	err  error
}

// openpyxlRuns holds the script's run per corpus, so that the
// sub-benchmarks of one corpus share one run of it.
var openpyxlRuns = map[string]openpyxlRun{}

// openpyxlOnce runs bench/openpyxl_sync.py on the corpus the first time it
// is asked, outside the timer, and returns that run after.
func openpyxlOnce(b *testing.B, c corpus) openpyxlRun {
	b.Helper()
	r, ok := openpyxlRuns[c.spec.name]
	if !ok {
		r.took, r.err = openpyxlSync(b, c)
		openpyxlRuns[c.spec.name] = r
		if r.err == nil {
			fmt.Fprintf(os.Stderr, "%-40s openpyxl script on %s: %.2f s\n", b.Name(), c.spec.name, r.took.Seconds())
		}
	}
	return r
}

// compareOpenpyxl reports how many times faster than the openpyxl script
// the sync was, when the script could run, and says it in words.
func compareOpenpyxl(b *testing.B, c corpus, perSync float64) string {
	py := openpyxlOnce(b, c)
	if py.err != nil {
		b.Logf("openpyxl comparison skipped: %v", py.err)
		return "; openpyxl not run"
	}
	r := py.took.Seconds() / perSync
	b.ReportMetric(py.took.Seconds(), "openpyxl-s")
	b.ReportMetric(r, "x-faster-than-openpyxl")
	if r >= 1 {
		return fmt.Sprintf("; openpyxl %.2f s: sheaf %.1f× faster", py.took.Seconds(), r)
	}
	return fmt.Sprintf("; openpyxl %.2f s: sheaf %.1f× SLOWER", py.took.Seconds(), 1/r)
}

// BenchmarkPrefecture syncs the prefecture corpus (500 departments, each
// owning 40 indicators × 5 years of a 20,000-indicator catalogue; one
// workbook of its 200 figures from each): cold into an empty database, again
// with nothing changed, and into an empty database while every file is
// still settling (deferred). Each reports s/sync, peak heap and VmHWM, and,
// when openpyxl is installed, how many times faster than
// bench/openpyxl_sync.py on the same files.
func BenchmarkPrefecture(b *testing.B) {
	gcAsTheBinary(b)
	c := ensureCorpus(b, corpusPrefecture)

	b.Run("cold", func(b *testing.B) {
		p := newPeaks()
		var last *SyncReport
		b.ResetTimer()
		b.StopTimer()
		for range b.N {
			t := newBenchTarget(b, c)
			p.measure(b, func() { last = t.sync(b) })
			t.checkCold(b, last)
			t.close()
		}
		perSync, words := p.report(b)
		b.ReportMetric(float64(last.Rows)/perSync, "rows/s")
		words = fmt.Sprintf("%d files, %d rows, %d indicators: %s (list %d ms, read %d ms, reconcile %d ms)",
			c.Files(), last.Rows, c.spec.indicators, words, last.ListMS, last.ReadMS, last.ReconcileMS)
		summary(b, "%s%s", words, compareOpenpyxl(b, c, perSync))
	})

	b.Run("resync-unchanged", func(b *testing.B) {
		// One cold sync, untimed; then every timed sync finds nothing
		// changed.
		t := newBenchTarget(b, c)
		defer t.close()
		start := time.Now()
		rep := t.sync(b)
		cold := time.Since(start) // the sync alone, not the check below
		t.checkCold(b, rep)
		p := newPeaks()
		b.ResetTimer()
		b.StopTimer()
		for range b.N {
			var rep *SyncReport
			p.measure(b, func() { rep = t.sync(b) })
			if rep.Read != 0 || rep.Unchanged != c.Files() {
				b.Fatalf("resync read %d, unchanged %d; want 0, %d", rep.Read, rep.Unchanged, c.Files())
			}
		}
		perSync, words := p.report(b)
		b.ReportMetric(cold.Seconds(), "cold-s")
		b.ReportMetric(100*perSync/cold.Seconds(), "%-of-cold")
		summary(b, "%d unchanged files: %s, %.1f%% of the cold sync (%.2f s)%s",
			c.Files(), words, 100*perSync/cold.Seconds(), cold.Seconds(), compareOpenpyxl(b, c, perSync))
	})

	b.Run("all-deferred", func(b *testing.B) {
		// Every file was modified half a second ago and the config's
		// settle time is one second: each is listed and deferred, none
		// is read.
		now := func() time.Time { return corpusModTime.Add(500 * time.Millisecond) }
		p := newPeaks()
		var last *SyncReport
		b.ResetTimer()
		b.StopTimer()
		for range b.N {
			t := newBenchTarget(b, c)
			var rep *SyncReport
			p.measure(b, func() { rep = t.syncAt(b, now) })
			if rep.Deferred != c.Files() || rep.Read != 0 || rep.Failed != 0 {
				b.Fatalf("sync deferred %d, read %d, failed %d; want %d, 0, 0", rep.Deferred, rep.Read, rep.Failed, c.Files())
			}
			last = rep
			t.close()
		}
		perSync, words := p.report(b)
		summary(b, "%d deferred files: %s (list %d ms, reconcile %d ms)%s", c.Files(), words, last.ListMS, last.ReconcileMS,
			compareOpenpyxl(b, c, perSync))
	})
}
