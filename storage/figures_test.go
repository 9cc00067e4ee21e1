package storage

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

// A sync rewrites only the figures that changed: an unchanged result
// touches no row, a changed value updates its row alone, a figure gone from
// the result is removed, and the catalogue order holds whatever was
// rewritten.
func TestSaveResultWritesOnlyChangedFigures(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	fig := func(ind string, v float64) sheaf.Figure {
		return sheaf.Figure{Indicator: ind, Period: "2024", Value: v, HasValue: true, Unit: "所", Status: sheaf.StatusOK,
			Department: "edu", File: "报表.xlsx", Sheet: "Sheet1", Cell: "D4", Raw: "44"}
	}
	save := func(figs ...sheaf.Figure) {
		t.Helper()
		if _, err := db.SaveResult(ctx, reconcile.Result{Figures: figs}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	updated := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		rows, err := db.db.QueryContext(ctx, `SELECT indicator, updated_at FROM figures`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var ind, at string
			if err := rows.Scan(&ind, &at); err != nil {
				t.Fatal(err)
			}
			out[ind] = at
		}
		return out
	}
	order := func() []string {
		t.Helper()
		figs, err := db.Figures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range figs {
			ids = append(ids, f.Indicator)
		}
		return ids
	}

	save(fig("a", 1), fig("b", 2), fig("c", 3))
	first := updated()

	clock = clock.Add(time.Hour)
	save(fig("a", 1), fig("b", 2), fig("c", 3))
	if got := updated(); got["a"] != first["a"] || got["b"] != first["b"] || got["c"] != first["c"] {
		t.Errorf("an unchanged result rewrote figures: before %v, after %v", first, got)
	}

	clock = clock.Add(time.Hour)
	changed := fig("b", 20)
	changed.Raw = "20"
	save(fig("a", 1), changed, fig("c", 3))
	got := updated()
	if got["b"] == first["b"] {
		t.Errorf("the changed figure b kept its old time %s", got["b"])
	}
	if got["a"] != first["a"] || got["c"] != first["c"] {
		t.Errorf("figures a and c did not change but were rewritten: %v", got)
	}
	figs, _ := db.Figures(ctx)
	if len(figs) != 3 || figs[1].Value != 20 || figs[1].Raw != "20" {
		t.Fatalf("figures after the change: %+v", figs)
	}

	// Only a status changes: that is a change too.
	doubtful := fig("c", 3)
	doubtful.Status, doubtful.Statuses = sheaf.StatusDoubtful, []sheaf.Status{sheaf.StatusDoubtful}
	save(fig("a", 1), changed, doubtful)
	if figs, _ := db.Figures(ctx); figs[2].Status != sheaf.StatusDoubtful {
		t.Errorf("status change not written: %+v", figs[2])
	}

	// A new indicator between a and b, and c gone from the catalogue.
	save(fig("a", 1), fig("a2", 5), changed)
	if got := order(); len(got) != 3 || got[0] != "a" || got[1] != "a2" || got[2] != "b" {
		t.Errorf("order after inserting a2 and removing c: %v, want [a a2 b]", got)
	}
}

// A figure with nothing but its status (missing) is written through the
// slimmer statement; a figure that goes from a value to missing and back
// keeps nothing of what it said before.
func TestSaveBareFigures(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	valued := sheaf.Figure{Indicator: "a", Period: "2024", Value: 44, HasValue: true, Unit: "所", Status: sheaf.StatusOK,
		Department: "edu", File: "报表.xlsx", Sheet: "S", Cell: "D4", Raw: "44", Note: "备注", Reason: "理由"}
	missing := sheaf.Figure{Indicator: "a", Period: "2024", Unit: "所", Status: sheaf.StatusMissing,
		Statuses: []sheaf.Status{sheaf.StatusMissing}}
	for i, want := range []sheaf.Figure{valued, missing, valued, missing} {
		if _, err := db.SaveResult(ctx, reconcile.Result{Figures: []sheaf.Figure{want}}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		figs, err := db.Figures(ctx)
		if err != nil || len(figs) != 1 {
			t.Fatalf("step %d: %v %+v", i, err, figs)
		}
		got := figs[0]
		got.Name = want.Name
		if got.Indicator != want.Indicator || got.HasValue != want.HasValue || got.Value != want.Value || got.Status != want.Status ||
			got.Department != want.Department || got.File != want.File || got.Cell != want.Cell || got.Raw != want.Raw ||
			got.Note != want.Note || got.Reason != want.Reason || len(got.Statuses) != len(want.Statuses) {
			t.Errorf("step %d: stored %+v, want %+v", i, got, want)
		}
	}
}

// Bare figures go in runs that share their unit and statuses: runs of
// every length, broken by a change of unit or status or by a figure with a
// value, store each figure with its own unit, status and place.
func TestSaveBareFigureRuns(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	var want []sheaf.Figure
	units := []string{"所", "人", "万元"}
	for i := range 1000 {
		f := sheaf.Figure{Indicator: fmt.Sprintf("i%04d", i), Period: "2024", Unit: units[(i/300+i/7%2)%3],
			Status: sheaf.StatusMissing, Statuses: []sheaf.Status{sheaf.StatusMissing}}
		switch {
		case i%97 == 0 || i%97 == 1:
			// Figures with values, their department, file and sheet
			// changing from one to the next (their boxed arguments are
			// reused while they repeat).
			f.Value, f.HasValue, f.Status, f.Statuses, f.Raw = float64(i), true, sheaf.StatusOK, nil, fmt.Sprint(i)
			f.Department, f.File, f.Sheet = []string{"edu", "finance"}[i%2], fmt.Sprintf("报表%d.xlsx", i%3), fmt.Sprintf("表%d", i%5)
		case i%13 == 0:
			f.Status, f.Statuses = sheaf.StatusUnverified, []sheaf.Status{sheaf.StatusMissing, sheaf.StatusUnverified}
		}
		want = append(want, f)
	}
	for round := range 2 {
		if _, err := db.SaveResult(ctx, reconcile.Result{Figures: want}, SaveOptions{}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Figures(ctx)
		if err != nil || len(got) != len(want) {
			t.Fatalf("round %d: %d figures, %v", round, len(got), err)
		}
		for i, g := range got {
			w := want[i]
			if g.Indicator != w.Indicator || g.Unit != w.Unit || g.Status != w.Status || g.HasValue != w.HasValue ||
				g.Value != w.Value || fmt.Sprint(g.Statuses) != fmt.Sprint(w.Statuses) || g.Department != w.Department ||
				g.File != w.File || g.Sheet != w.Sheet || g.Raw != w.Raw {
				t.Fatalf("round %d, figure %d: stored %+v, want %+v", round, i, g, w)
			}
		}
		// The second round changes units: every bare figure's run is new.
		for i := range want {
			if !want[i].HasValue {
				want[i].Unit = units[(i+1)%3]
			}
		}
	}
}
