package jobs

import (
	"context"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// DepartmentStatus is where one department stands: what `sheaf status`,
// the status page and the digest show.
type DepartmentStatus struct {
	ID, Name string
	// Files it has in its sources that were read; Failed of them could not
	// be; Settling ones are still being copied (never read).
	Files, Failed, Settling int
	// First and Last are when its earliest and latest submissions (the
	// content its files hold now) were received.
	First, Last time.Time
	// Given of its Owed required figures have its own value.
	Given, Owed int
	OpenFlags   int
}

// DepartmentStatuses computes every department's status, in config order.
func DepartmentStatuses(cfg *config.Config, files []storage.FileSummary, figs []sheaf.Figure, flags []storage.StoredFlag) []DepartmentStatus {
	t := newStatusTally(cfg)
	for i := range figs {
		t.Figure(&figs[i])
	}
	for _, f := range flags {
		if f.State == sheaf.FlagOpen {
			t.open[f.Department]++
		}
	}
	return t.Statuses(files)
}

// CountStatuses is DepartmentStatuses from the database: the figures
// counted a figure at a time and the open flags counted in SQL, so that
// `sheaf status` and the overview page of a 100,000-figure cycle hold
// neither.
func CountStatuses(ctx context.Context, cfg *config.Config, db *storage.DB, files []storage.FileSummary) ([]DepartmentStatus, error) {
	t := newStatusTally(cfg)
	if err := db.EachFigure(ctx, func(f *sheaf.Figure) error { t.Figure(f); return nil }); err != nil {
		return nil, err
	}
	open, err := db.OpenFlagsByDepartment(ctx)
	if err != nil {
		return nil, err
	}
	t.open = open
	return t.Statuses(files), nil
}

// statusTally counts, a figure at a time, what DepartmentStatuses counts
// from all figures held at once: `sheaf status` of a 100,000-figure cycle
// need not hold them.
type statusTally struct {
	cfg         *config.Config
	given, owed map[string]int
	open        map[string]int
}

// newStatusTally starts a tally for cfg.
func newStatusTally(cfg *config.Config) *statusTally {
	return &statusTally{cfg: cfg, given: map[string]int{}, owed: map[string]int{}, open: map[string]int{}}
}

// Figure counts one figure: a required one is owed by its indicator's
// owner, and given when the owner's own value is the figure.
func (t *statusTally) Figure(f *sheaf.Figure) {
	ind, ok := t.cfg.Indicator(f.Indicator)
	if !ok || !ind.Required {
		return
	}
	t.owed[ind.Owner]++
	if f.HasValue && f.Department == ind.Owner {
		t.given[ind.Owner]++
	}
}

// Statuses is every department's status, in config order, with its files.
func (t *statusTally) Statuses(files []storage.FileSummary) []DepartmentStatus {
	byDept := map[string][]*storage.FileSummary{}
	for i := range files {
		if f := &files[i]; f.Present {
			byDept[f.Department] = append(byDept[f.Department], f)
		}
	}
	var out []DepartmentStatus
	for _, d := range t.cfg.Departments {
		st := DepartmentStatus{ID: d.ID, Name: d.Name, Given: t.given[d.ID], Owed: t.owed[d.ID], OpenFlags: t.open[d.ID]}
		for _, f := range byDept[d.ID] {
			if f.Outcome == "" {
				st.Settling++
				continue
			}
			st.Files++
			if f.Outcome == storage.ReadFailed {
				st.Failed++
			}
			if st.First.IsZero() || f.Received.Before(st.First) {
				st.First = f.Received
			}
			if f.Received.After(st.Last) {
				st.Last = f.Received
			}
		}
		out = append(out, st)
	}
	return out
}
