package reconcile

import (
	"errors"
	"fmt"
	"testing"

	"github.com/sheaf-dev/sheaf"
)

// slotsOf yields n slots of 1 to 5 observations each, from one buffer it
// reuses (as the database's reader does), stopping at stopAt with err.
func slotsOf(n, stopAt int, err error) Slots {
	return func(yield func(string, string, []Observation) error) error {
		var buf []Observation
		for i := range n {
			if i == stopAt {
				return err
			}
			buf = buf[:0]
			for k := range i%5 + 1 {
				buf = append(buf, Observation{ID: int64(i*10 + k), Observation: sheaf.Observation{Raw: fmt.Sprint(i, k)}})
			}
			if err := yield(fmt.Sprintf("i%05d", i), "2024", buf); err != nil {
				return err
			}
		}
		return nil
	}
}

func collect(s Slots, stopAfter int) ([]string, error) {
	var got []string
	n := 0
	err := s(func(ind, period string, obs []Observation) error {
		if n == stopAfter {
			return errors.New("enough")
		}
		n++
		for _, o := range obs {
			got = append(got, fmt.Sprint(ind, period, o.ID, o.Raw))
		}
		got = append(got, "|")
		return nil
	})
	return got, err
}

func TestPrefetchYieldsTheSameSlots(t *testing.T) {
	want, err := collect(slotsOf(5000, -1, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(Prefetch(slotsOf(5000, -1, nil)), -1)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("prefetched slots differ: %d entries against %d", len(got), len(want))
	}
}

func TestPrefetchErrors(t *testing.T) {
	broken := errors.New("disk gone")
	if _, err := collect(Prefetch(slotsOf(5000, 3000, broken)), -1); !errors.Is(err, broken) {
		t.Fatalf("reader's error: got %v", err)
	}
	// The caller stops: its error, and the reader stops too.
	if _, err := collect(Prefetch(slotsOf(100000, -1, nil)), 10); err == nil || err.Error() != "enough" {
		t.Fatalf("caller's error: got %v", err)
	}
	if got, err := collect(Prefetch(slotsOf(0, -1, nil)), -1); err != nil || len(got) != 0 {
		t.Fatalf("no slots: %v, %v", got, err)
	}
}
