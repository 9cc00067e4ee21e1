package jobs

// Curve benchmarks: one dimension of the corpus grows while the others stay
// at a small base, to show which costs grow faster than the work (see
// bench/README.md).

import (
	"fmt"
	"math"
	"os"
	"testing"
)

// curve is one dimension of the corpus, the points it is measured at, and
// the corpus at each point.
type curve struct {
	name string // the dimension, as the sub-benchmarks are named
	// unit is what the time is divided by at each point: one of the
	// dimension, or "sync" when every point does the same work (the
	// departments curve), so that 1 is flat there too.
	unit string
	// points are the dimension's values: a short set for trying the
	// benchmark by hand, and the full set that SHEAF_BENCH_CURVES=full
	// selects (`make bench` and `make bench-curves` set it).
	short, full []int
	spec        func(n int) corpusSpec
}

// curves vary one dimension each; every corpus is owned (a department's
// rows carry the indicators it owns) and one year per indicator.
var curves = []curve{
	{
		// The same 2,000 workbooks × 20 rows (40,000 rows) shared among
		// more and more departments, from a catalogue of 2,000 indicators
		// (so that each department owns one at least). The work is the
		// same at every point, so the time is compared per sync.
		name: "departments", unit: "sync",
		short: []int{10, 100, 1000}, full: []int{10, 50, 250, 1000, 2000},
		spec: func(n int) corpusSpec {
			return corpusSpec{name: fmt.Sprintf("curve-departments-%d", n), depts: n, files: 2000 / n, rows: 20, indicators: 2000, owned: true}
		},
	},
	{
		// 10 departments × 5 workbooks × 200 rows (10,000 rows) against a
		// growing catalogue; past 10,000 indicators most have no value.
		name: "indicators", unit: "indicator",
		short: []int{200, 2000, 20_000}, full: []int{200, 1000, 5000, 20_000, 50_000},
		spec: func(n int) corpusSpec {
			return corpusSpec{name: fmt.Sprintf("curve-indicators-%d", n), depts: 10, files: 5, rows: 200, indicators: n, owned: true}
		},
	},
	{
		// One workbook of one department, 200 indicators, growing rows.
		name: "rows", unit: "row",
		short: []int{200, 2000, 20_000}, full: []int{200, 2000, 20_000, 200_000},
		spec: func(n int) corpusSpec {
			return corpusSpec{name: fmt.Sprintf("curve-rows-%d", n), depts: 1, files: 1, rows: n, indicators: 200, owned: true}
		},
	},
	{
		// 10 departments, 200 indicators, more and more 200-row workbooks.
		name: "files", unit: "file",
		short: []int{50, 250, 1000}, full: []int{50, 250, 1000, 5000},
		spec: func(n int) corpusSpec {
			return corpusSpec{name: fmt.Sprintf("curve-files-%d", n), depts: 10, files: n / 10, rows: 200, indicators: 200, owned: true}
		},
	},
}

// units is how many units of work the point n is.
func (cv curve) units(n int) float64 {
	if cv.unit == "sync" {
		return 1
	}
	return float64(n)
}

// curvesFull says whether to measure the full curves.
func curvesFull() bool { return os.Getenv("SHEAF_BENCH_CURVES") == "full" }

// BenchmarkCurves cold-syncs a corpus at each point of each curve,
// reporting s/sync, the time per unit, peak heap and VmHWM, and after each
// curve prints how the time per unit at its largest point compares with
// that at its smallest (1 = linear; well above 1 = a cost growing faster
// than the dimension) and the log-log slope between the two (0 = flat, 1 =
// linear, 2 = quadratic). It prints; it never fails on a figure, as the
// machines the benchmarks run on are noisy.
func BenchmarkCurves(b *testing.B) {
	gcAsTheBinary(b)
	for _, cv := range curves {
		points := cv.short
		if curvesFull() {
			points = cv.full
		}
		b.Run(cv.name, func(b *testing.B) {
			times := make([]float64, len(points))
			for i, n := range points {
				b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
					c := ensureCorpus(b, cv.spec(n))
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
					times[i] = perSync
					if cv.unit != "sync" {
						b.ReportMetric(perSync/cv.units(n)*1e6, "µs/"+cv.unit)
						words += fmt.Sprintf(", %.1f µs/%s", perSync/cv.units(n)*1e6, cv.unit)
					}
					summary(b, "%d files, %d rows, %d departments, %d indicators: %s (list %d ms, read %d ms, reconcile %d ms)",
						c.Files(), c.Rows(), c.spec.depts, c.spec.indicators, words, last.ListMS, last.ReadMS, last.ReconcileMS)
				})
			}
			lo, hi := 0, len(points)-1
			if times[lo] <= 0 || times[hi] <= 0 {
				return // a point failed or was not run (-bench names one)
			}
			grow := float64(points[hi]) / float64(points[lo])
			perUnit := (times[hi] / cv.units(points[hi])) / (times[lo] / cv.units(points[lo]))
			slope := math.Log(times[hi]/times[lo]) / math.Log(grow)
			summary(b, "%s %d → %d (×%.0f): time %.3f → %.3f s (×%.1f); time per %s at the largest over the smallest %.2f (1 = linear); log-log slope %.2f",
				cv.name, points[lo], points[hi], grow, times[lo], times[hi], times[hi]/times[lo], cv.unit, perUnit, slope)
		})
	}
}
