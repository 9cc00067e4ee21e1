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
	GCPercent = 800
	// MemoryLimit: the binary's cold sync of a 20,000-indicator catalogue
	// peaked at 135 MiB of RSS with 40 MiB, 125 MiB with 32, 120–123 MiB
	// with 28 (too near 128 MB) and 116–119 MiB with 24, for 6% more time.
	MemoryLimit = 24 << 20
)

// TuneGC collects at GCPercent under a soft memory limit of MemoryLimit
// above the heap that stayed live after the last collection, until stop is
// called. Under a fixed limit, a live heap near or over it (a large sheet
// held by excelize) made the collector run back to back: reading a
// 50,000-row workbook with the careful reader took 5.3–9.9 s under the
// fixed 40 MiB limit (250 collections), 2.8–3.1 s without a limit (350 MiB
// of heap) and 3.0–3.1 s with this one (115 MiB). A small live heap keeps
// the limit near MemoryLimit, where a sync's heap stays.
func TuneGC() (stop func()) { return tuneGC(nil) }

// tuneGC is TuneGC calling adjusted, when not nil, with each limit it sets
// (the tests wait on it).
func tuneGC(adjusted func(limit int64)) (stop func()) {
	t := &gcTuner{base: MemoryLimit, adjusted: adjusted}
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
	base     int64
	adjusted func(limit int64)
	stopped  atomic.Bool
}

// sentinel is an object nothing refers to: its finalizer runs after each
// collection, which is when the live heap is known.
type sentinel struct{ _ [16]byte }

func (t *gcTuner) arm() {
	runtime.SetFinalizer(&sentinel{}, func(*sentinel) {
		if t.stopped.Load() {
			return
		}
		l := t.limit()
		debug.SetMemoryLimit(l)
		if t.adjusted != nil {
			t.adjusted(l)
		}
		t.arm()
	})
}

// limit is the soft limit for the live heap the last collection left:
// room for MemoryLimit of garbage above it.
func (t *gcTuner) limit() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return t.base
	}
	return t.base + readHeadroom.Load() + int64(s[0].Value.Uint64())
}

// readHeadroom is added to the collector's headroom while a sync reads
// its files: what reconcile will hold anyway for the catalogue's slots
// (figures, decisions), which the process's peak then includes. The read
// phase's live heap is far below that peak, so it may collect less often
// without raising it.
var readHeadroom atomic.Int64

// slotHeap is what reconcile holds per slot of the catalogue (an
// indicator and period), measured on the prefecture: 38 MB for 100,000
// slots while deciding, with the figures' signatures beside them.
const slotHeap = 300

// readPhase raises the headroom for a read of a catalogue of slots slots,
// up to 32 MiB, until the returned function is called.
func readPhase(slots int) (done func()) {
	readHeadroom.Store(min(int64(slots)*slotHeap, 32<<20))
	return func() { readHeadroom.Store(0) }
}
