package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// syncRuns records n good sync runs, a quarter of an hour apart from at:
// a week of 15-minute syncs is 672.
func (f *fixture) syncRuns(n int, at time.Time) {
	f.t.Helper()
	ctx := context.Background()
	defer func(now func() time.Time) { f.db.Now = now }(f.db.Now)
	for i := range n {
		t := at.Add(time.Duration(i) * 15 * time.Minute)
		f.db.Now = func() time.Time { return t }
		id, err := f.db.StartRun(ctx, "sync", "cron", t)
		if err != nil {
			f.t.Fatal(err)
		}
		if err := f.db.FinishRun(ctx, id, "ok", map[string]int{}, nil); err != nil {
			f.t.Fatal(err)
		}
	}
}

// The draft after a week of syncs still compares with the previous draft.
func TestDraftAfterManySyncsListsWhatChanged(t *testing.T) {
	f := newFixture(t, testConfig)
	tmpl := "# 测试报告\n\n我市现有各级各类学校{{fig \"schools.total\"}}。\n"
	if err := os.WriteFile(filepath.Join(f.dir, "report.md.tmpl"), []byte(tmpl), 0o644); err != nil {
		t.Fatal(err)
	}
	f.setConfig(testConfig + "report: {template: report.md.tmpl}\n")
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	m := &Mailing{Config: f.cfg, DB: f.db, Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }}}
	if _, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(f.dir, "drafts"), DraftFormats("md")); err != nil {
		t.Fatal(err)
	}
	f.syncRuns(700, time.Now().Add(time.Second))
	f.workbook("inbox/edu/b.xlsx", []any{"schools.total", "学校总数", "2024", 45, "所", ""})
	f.now = f.now.Add(time.Hour)
	rep, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(f.dir, "drafts2"), DraftFormats("md,html"))
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(rep.Files[1])
	if rep.First || rep.Changes == 0 || !strings.Contains(string(html), "学校总数（2024年）：44所 → 45所") {
		t.Fatalf("first %v, changes %d; the draft after 700 syncs does not list the changed figure:\n%s", rep.First, rep.Changes, html)
	}
}

// A weekly job missed while the daemon was down is caught up however many
// syncs ran since it last did.
func TestCatchUpFindsAWeeklyJobBehindManySyncs(t *testing.T) {
	f := newFixture(t, testConfig)
	loc := f.cfg.Cycle.Location
	lastDraft := time.Date(2025, 3, 3, 9, 0, 0, 0, loc) // a Monday
	f.db.Now = func() time.Time { return lastDraft }
	id, err := f.db.StartRun(context.Background(), "draft", "cron", lastDraft)
	if err != nil {
		t.Fatal(err)
	}
	f.db.FinishRun(context.Background(), id, "ok", map[string]int{}, nil)
	f.db.Now = time.Now
	f.syncRuns(700, lastDraft.Add(15*time.Minute))

	ran := 0
	d := &Daemon{Config: f.cfg, DB: f.db, Now: func() time.Time { return time.Date(2025, 3, 10, 10, 0, 0, 0, loc) },
		Jobs: []Job{{Name: "draft", Spec: "0 9 * * 1", Run: func(ctx context.Context, trigger string, scheduled time.Time) error {
			ran++
			if trigger != "catch-up" || !scheduled.Equal(time.Date(2025, 3, 10, 9, 0, 0, 0, loc)) {
				t.Errorf("catch-up run: trigger %q scheduled %v", trigger, scheduled)
			}
			return nil
		}}}}
	if err := d.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if ran != 1 {
		t.Fatalf("the missed weekly draft ran %d times, want once", ran)
	}
}
