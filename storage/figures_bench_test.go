package storage

import (
	"context"
	"fmt"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

// BenchmarkSaveFigures stores 100,000 figures (20,000 indicators × 5
// periods): into an empty table (a first sync), and again unchanged.
func BenchmarkSaveFigures(b *testing.B) {
	figs := make([]sheaf.Figure, 0, 100_000)
	for i := range 20_000 {
		for p := 2020; p < 2025; p++ {
			f := sheaf.Figure{Indicator: fmt.Sprintf("bench.i%05d", i), Period: fmt.Sprint(p), Unit: "人",
				Status: sheaf.StatusMissing, Statuses: []sheaf.Status{sheaf.StatusMissing}}
			if i%2 == 0 {
				f.Value, f.HasValue, f.Status, f.Statuses = float64(i), true, sheaf.StatusOK, nil
				f.Department, f.File, f.Sheet, f.Cell, f.Raw = "d001", "dir:d001/报表001.xlsx", "Sheet1", "D7", fmt.Sprint(i)
			}
			figs = append(figs, f)
		}
	}
	ctx := context.Background()
	b.Run("empty", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			db, _ := openTest(b)
			b.StartTimer()
			if _, err := db.SaveResult(ctx, reconcile.Result{Figures: figs}, SaveOptions{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			db.Close()
			b.StartTimer()
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		db, _ := openTest(b)
		defer db.Close()
		if _, err := db.SaveResult(ctx, reconcile.Result{Figures: figs}, SaveOptions{}); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			if _, err := db.SaveResult(ctx, reconcile.Result{Figures: figs}, SaveOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
