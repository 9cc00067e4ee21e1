package jobs

import (
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
	given, owed := map[string]int{}, map[string]int{}
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
	open := map[string]int{}
	for _, f := range flags {
		if f.State == sheaf.FlagOpen {
			open[f.Department]++
		}
	}
	var out []DepartmentStatus
	for _, d := range cfg.Departments {
		st := DepartmentStatus{ID: d.ID, Name: d.Name, Given: given[d.ID], Owed: owed[d.ID], OpenFlags: open[d.ID]}
		for _, f := range files {
			if f.Department != d.ID || !f.Present {
				continue
			}
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
