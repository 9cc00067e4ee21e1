package jobs

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

func TestResubmissionClosesTheOldFilesFindings(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	ctx := context.Background()
	f.workbook("inbox/edu/快报.xlsx", row("students.total", "", "2024", "三万六"), row("schools.total", "", "2024", "约44"))
	f.sync()
	inv, approx := f.flagsOfKind(sheaf.KindInvalid), f.flagsOfKind(sheaf.KindApproximate)
	if len(inv) != 1 || len(approx) != 1 {
		t.Fatalf("first file: invalid %+v, approximate %+v", inv, approx)
	}
	if fig := f.figures()["students.total@2024"]; fig.HasValue || len(fig.Statuses) != 2 || fig.Statuses[1] != sheaf.StatusInvalid {
		t.Fatalf("students statuses %v, want missing and invalid", fig.Statuses)
	}

	// The department resubmits with the cells fixed; the old file stays.
	f.workbook("inbox/edu/快报（修订）.xlsx", row("students.total", "", "2024", 36614), row("schools.total", "", "2024", 44))
	f.now = f.now.Add(time.Hour)
	f.sync()
	if open := append(f.flagsOfKind(sheaf.KindInvalid), f.flagsOfKind(sheaf.KindApproximate)...); len(open) != 0 {
		t.Errorf("the old file's findings are still open: %+v", open)
	}
	for _, id := range []int64{inv[0].ID, approx[0].ID} {
		ev, err := f.db.FlagEvents(ctx, id)
		if err != nil || len(ev) != 2 || ev[1].State != "resolved" || ev[1].Message != reconcile.Superseded {
			t.Errorf("flag %d history %+v, %v; want resolved %s", id, ev, err, reconcile.Superseded)
		}
	}
	figs := f.figures()
	if fig := figs["students.total@2024"]; fig.Value != 36614 || fig.Status != sheaf.StatusOK || fig.File != "inbox/edu/快报（修订）.xlsx" {
		t.Errorf("students = %v %s (%v) from %s, want 36614 ok", fig.Value, fig.Status, fig.Statuses, fig.File)
	}
	if fig := figs["schools.total@2024"]; fig.Value != 44 || fig.Status != sheaf.StatusOK {
		t.Errorf("schools = %v %s (%v), want 44 ok", fig.Value, fig.Status, fig.Statuses)
	}

	// Someone opens the old file and saves it (a row added, the bad cell
	// untouched): its finding is as old as before and stays corrected.
	// (Which of two values counts after such a re-save is the precedence's
	// business; the unreadable cell gives no value, only a finding.)
	f.workbook("inbox/edu/快报.xlsx", row("students.total", "", "2024", "三万六"), row("health.examined", "", "2024", 30000))
	f.now = f.now.Add(time.Hour)
	f.sync()
	if open := f.flagsOfKind(sheaf.KindInvalid); len(open) != 0 {
		t.Errorf("re-saving the old file reopened its finding: %+v", open)
	}
	if fig := f.figures()["students.total@2024"]; fig.Value != 36614 || fig.Status != sheaf.StatusOK {
		t.Errorf("after the re-save: students = %v %s (%v), want 36614 ok", fig.Value, fig.Status, fig.Statuses)
	}
}

func TestAcceptanceHoldsUnderANewFileName(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	ctx := context.Background()
	f.workbook("inbox/edu/edu.xlsx", row("students.total", "", "2024", 36614))
	f.workbook("inbox/stats/stats.xlsx", row("students.total", "", "2024", 36600))
	f.sync()
	c := f.flagsOfKind(sheaf.KindConflict)
	if len(c) != 1 {
		t.Fatalf("conflicts %+v", c)
	}
	if err := f.db.AcceptFlag(ctx, c[0].ID, "统计局口径不含职教学生", "督导室"); err != nil {
		t.Fatal(err)
	}
	// The same values arrive under new file names, one row lower.
	os.Remove(filepath.Join(f.dir, "inbox/stats/stats.xlsx"))
	f.workbook("inbox/stats/统计快报（定稿）.xlsx", row("", "", "", ""), row("students.total", "", "2024", 36600))
	os.Rename(filepath.Join(f.dir, "inbox/edu/edu.xlsx"), filepath.Join(f.dir, "inbox/edu/教育快报.xlsx"))
	f.now = f.now.Add(time.Hour)
	f.sync()
	flags, _ := f.db.Flags(ctx)
	for _, fl := range flags {
		if fl.Kind == sheaf.KindConflict && (fl.ID != c[0].ID || fl.State != "accepted") {
			t.Errorf("conflict %d is %s, want %d still accepted", fl.ID, fl.State, c[0].ID)
		}
	}
	if fig := f.figures()["students.total@2024"]; fig.Status != sheaf.StatusAccepted || fig.File != "inbox/edu/教育快报.xlsx" {
		t.Errorf("figure %s from %s, want accepted from the renamed file", fig.Status, fig.File)
	}
}
