package jobs

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func BenchmarkZZProbe(b *testing.B) {
	gcAsTheBinary(b)
	c := ensureCorpus(b, corpusPrefecture)
	t := newBenchTarget(b, c)
	defer t.close()
	t0 := time.Now()
	r := t.sync(b)
	fmt.Fprintf(os.Stderr, "cold %v list %d read %d rec %d\n", time.Since(t0), r.ListMS, r.ReadMS, r.ReconcileMS)
	for range 5 {
		t0 = time.Now()
		r = t.sync(b)
		fmt.Fprintf(os.Stderr, "resync %v list %d read %d rec %d\n", time.Since(t0), r.ListMS, r.ReadMS, r.ReconcileMS)
	}
}
