package jobs

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestReadmeGarbageCollectorFigures keeps the README's garbage-collector
// settings those the binary applies.
func TestReadmeGarbageCollectorFigures(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(readme)), " ")
	for _, want := range []string{
		fmt.Sprintf("collects at %d× the live heap (`GOGC=%d`)", GCPercent/100+1, GCPercent),
		fmt.Sprintf("under a %d MiB soft limit", MemoryLimit>>20),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("README.md does not say %q", want)
		}
	}
}
