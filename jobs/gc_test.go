package jobs

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// The soft memory limit follows the live heap: a heap that must stay live
// (a sheet only excelize can read) raises it to MemoryLimit above it, so
// that the collector does not run back to back, and it falls back once the
// heap is freed.
func TestTuneGCLimitFollowsTheLiveHeap(t *testing.T) {
	limits := make(chan int64, 1)
	stop := tuneGC(func(l int64) {
		select {
		case limits <- l:
		default: // a collection nobody waits for
		}
	})
	defer stop()
	// limitReaches collects and waits for the tuner to set the limit after
	// it (the finalizer runs after the collection), a few times.
	limitReaches := func(ok func(int64) bool) int64 {
		t.Helper()
		var l int64
		for range 20 {
			runtime.GC()
			select {
			case l = <-limits:
			case <-time.After(5 * time.Second):
				t.Fatal("the tuner set no limit after a collection")
			}
			if ok(l) {
				return l
			}
		}
		return l
	}
	small := func(l int64) bool { return l < MemoryLimit+30<<20 }
	if l := limitReaches(small); !small(l) {
		t.Fatalf("limit with a small heap: %d MiB, want under %d MiB", l>>20, (MemoryLimit+30<<20)>>20)
	}
	live := make([][]byte, 0, 120)
	for range 120 {
		live = append(live, make([]byte, 1<<20))
	}
	if l := limitReaches(func(l int64) bool { return l >= MemoryLimit+120<<20 }); l < MemoryLimit+120<<20 {
		t.Errorf("limit with 120 MiB live: %d MiB, want at least %d MiB", l>>20, (MemoryLimit+120<<20)>>20)
	}
	runtime.KeepAlive(live)
	if l := limitReaches(small); !small(l) {
		t.Errorf("limit once the heap is freed: %d MiB, want under %d MiB", l>>20, (MemoryLimit+30<<20)>>20)
	}
	stop()
	if l := debug.SetMemoryLimit(-1); l < 1<<40 {
		t.Errorf("stop left the limit at %d MiB", l>>20)
	}
}

// While a sync reads a large catalogue's files, the headroom grows by what
// reconcile will hold for its slots (capped), and falls back after.
func TestReadPhaseRaisesTheHeadroom(t *testing.T) {
	limits := make(chan int64, 1)
	stop := tuneGC(func(l int64) {
		select {
		case limits <- l:
		default:
		}
	})
	defer stop()
	limitAfterGC := func() int64 {
		t.Helper()
		for {
			runtime.GC()
			select {
			case l := <-limits:
				return l
			case <-time.After(5 * time.Second):
				t.Fatal("the tuner set no limit after a collection")
			}
		}
	}
	before := limitAfterGC()
	done := readPhase(100_000) // the prefecture: 100,000 slots
	during := limitAfterGC()
	done()
	after := limitAfterGC()
	if want := int64(100_000 * slotHeap); during-before < want-4<<20 || during-before > want+4<<20 {
		t.Errorf("limit %d MiB while reading, %d MiB before: want %d MiB more", during>>20, before>>20, want>>20)
	}
	if after-before > 4<<20 || before-after > 4<<20 {
		t.Errorf("limit %d MiB after reading, %d MiB before", after>>20, before>>20)
	}
	done = readPhase(10_000_000)
	if l := limitAfterGC(); l-before > 32<<20+4<<20 {
		t.Errorf("limit %d MiB for a huge catalogue, %d MiB before: want at most 32 MiB more", l>>20, before>>20)
	}
	done()
}
