package jobs

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// Garbage collector settings for a sync, applied by the sheaf binary unless
// GOGC or GOMEMLIMIT are set. A sync allocates much short-lived garbage
// (cells, rows, observations) over a small live heap: collecting at 9× the
// live heap instead of 2× cuts a cold sync by a quarter, and the soft limit
// keeps the heap near 30 MiB whatever the size of a sheet (measured with
// make bench). The limit follows the live heap (see TuneGC): a workbook that
// only the careful reader can read holds all its cells at once, and a fixed
// limit below that would make the collector run without pause.
const (
	GCPercent   = 800
	MemoryLimit = 40 << 20
)

// TuneGC collects at GCPercent under a soft memory limit of MemoryLimit or
// twice the live heap after the last collection, whichever is more, until
// stop is called. Under a fixed limit, a live heap near or over it (a large
// sheet held by excelize) made the collector run back to back: reading a
// 50,000-row workbook with the careful reader took 8.6–9.9 s under the fixed
// limit (over 200 collections), 3.1 s without a limit (415 MiB of heap) and
// 3.8 s with this one (about 145 MiB). With the limit at twice the live
// heap, the collector runs no more often than at Go's default setting.
func TuneGC() (stop func()) {
	t := &gcTuner{base: MemoryLimit}
	oldPercent := debug.SetGCPercent(GCPercent)
	oldLimit := debug.SetMemoryLimit(MemoryLimit)
	t.arm()
	return func() {
		t.stopped.Store(true)
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

type gcTuner struct {
	base    int64
	stopped atomic.Bool
}

// sentinel is an object nothing refers to: its finalizer runs after each
// collection, which is when the live heap is known.
type sentinel struct{ _ [16]byte }

func (t *gcTuner) arm() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		if t.stopped.Load() {
			return
		}
		debug.SetMemoryLimit(t.limit())
		t.arm()
	})
}

// limit is the soft limit for the live heap the last collection left.
func (t *gcTuner) limit() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return t.base
	}
	return max(t.base, 2*int64(s[0].Value.Uint64()))
}
