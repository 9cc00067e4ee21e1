package reconcile

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/sheaf-dev/sheaf"
)

// inCatalogueOrder moves each figure to its place: figs[order[i]] becomes
// the i-th, for any permutation, and copies when order is not one.
func TestInCatalogueOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 10, 1000} {
		for range 20 {
			ru := &run{}
			for i := range n {
				ru.figs = append(ru.figs, sheaf.Figure{Indicator: "i" + strconv.Itoa(i)})
			}
			perm := r.Perm(n)
			order := make([]int32, n)
			for i, p := range perm {
				order[i] = int32(p)
			}
			got := ru.inCatalogueOrder(order)
			for i, p := range perm {
				if want := "i" + strconv.Itoa(p); got[i].Indicator != want {
					t.Fatalf("n=%d: position %d holds %s, want %s", n, i, got[i].Indicator, want)
				}
			}
		}
	}
	ru := &run{figs: []sheaf.Figure{{Indicator: "a"}, {Indicator: "b"}}}
	got := ru.inCatalogueOrder([]int32{1, 0, 1})
	if len(got) != 3 || got[0].Indicator != "b" || got[1].Indicator != "a" || got[2].Indicator != "b" {
		t.Errorf("a slot named twice: %+v", got)
	}
}
