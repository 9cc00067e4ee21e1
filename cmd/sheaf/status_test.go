package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// `sheaf status` counts figures one at a time and open flags in SQL; the
// status page counts them from everything loaded. On the bundled example
// (departments that gave everything, one that gave part, open flags of
// several kinds) both say the same of every department.
func TestStatusCountsAsThePageDoes(t *testing.T) {
	cfgPath := syncedExample(t)
	out, errOut, code := runSheaf(t, "status", "--json", "--config", cfgPath)
	if code != 0 {
		t.Fatalf("status: %s", errOut)
	}
	var got statusJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}

	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := storage.Open(ctx, cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	files, err := db.Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	figs, err := db.Figures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flags, err := db.Flags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Counted here from what the database holds, as a reader of the
	// figures and flags would.
	given, owed, open := map[string]int{}, map[string]int{}, map[string]int{}
	for _, f := range figs {
		ind, ok := cfg.Indicator(f.Indicator)
		if !ok || !ind.Required {
			continue
		}
		owed[ind.Owner]++
		if f.HasValue && f.Department == ind.Owner {
			given[ind.Owner]++
		}
	}
	for _, f := range flags {
		if f.State == sheaf.FlagOpen {
			open[f.Department]++
		}
	}
	page := jobs.DepartmentStatuses(cfg, files, figs, flags)
	if len(got.Departments) != len(cfg.Departments) || len(page) != len(cfg.Departments) {
		t.Fatalf("status lists %d departments, the page %d, want %d", len(got.Departments), len(page), len(cfg.Departments))
	}
	partial, flagged := false, false
	for i, d := range cfg.Departments {
		g, p := got.Departments[i], page[i]
		if g.ID != d.ID || g.RequiredGiven != given[d.ID] || g.RequiredOwed != owed[d.ID] || g.OpenFlags != open[d.ID] {
			t.Errorf("status says %s gave %d of %d with %d open flags; the database holds %d of %d, %d open",
				g.ID, g.RequiredGiven, g.RequiredOwed, g.OpenFlags, given[d.ID], owed[d.ID], open[d.ID])
		}
		if g.Files != p.Files || g.Failed != p.Failed || g.Settling != p.Settling || g.RequiredGiven != p.Given ||
			g.RequiredOwed != p.Owed || g.OpenFlags != p.OpenFlags {
			t.Errorf("status says %+v\nthe page counts %+v", g, p)
		}
		partial = partial || (given[d.ID] > 0 && given[d.ID] < owed[d.ID])
		flagged = flagged || open[d.ID] > 0
	}
	if !partial || !flagged {
		t.Errorf("the example has no department that gave part of what it owes (%v) or none with open flags (%v): the test compares nothing", partial, flagged)
	}
}

// A JSON list written an element at a time (sheaf figures --json) is the
// bytes writeJSON writes for the whole list: empty, one element, several,
// with nested values, HTML characters and Chinese.
func TestJSONListWritesAsWriteJSON(t *testing.T) {
	v := 1.5
	elems := []figureJSON{
		{Indicator: "a", Name: "学校<总数>&", Period: "2024", Value: &v, Statuses: []sheaf.Status{sheaf.StatusOK}},
		{Indicator: "b", Name: "在校生数", Period: "2023", Statuses: []sheaf.Status{}, Reason: "责任单位未报送"},
		{Indicator: "c", Statuses: []sheaf.Status{sheaf.StatusMissing, sheaf.StatusApproximate}},
	}
	for n := range len(elems) + 1 {
		var whole, streamed bytes.Buffer
		if err := writeJSON(&env{stdout: &whole}, append([]figureJSON{}, elems[:n]...)); err != nil {
			t.Fatal(err)
		}
		l := newJSONList(&streamed)
		for _, e := range elems[:n] {
			if err := l.add(e); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.close(); err != nil {
			t.Fatal(err)
		}
		if whole.String() != streamed.String() {
			t.Errorf("%d elements: streamed\n%s\nwhole\n%s", n, streamed.String(), whole.String())
		}
	}
}
