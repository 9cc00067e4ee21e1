package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/storage"
)

// recordRuns records n finished runs of job, as a daemon would over days.
func recordRuns(t *testing.T, db *storage.DB, job string, n int) {
	t.Helper()
	for range n {
		id, err := db.StartRun(context.Background(), job, "cron", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.FinishRun(context.Background(), id, sheaf.RunOK, map[string]int{}, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStoppedMailJobsAreInterrupted stops a remind, a digest and a draft
// half-way, as SIGTERM does (their context is cancelled while they decide):
// each run is recorded interrupted, with no error, not failed nor running.
func TestStoppedMailJobsAreInterrupted(t *testing.T) {
	tests := []struct {
		name string
		run  func(ctx context.Context, m *Mailing, dir string) error
	}{
		{"remind", func(ctx context.Context, m *Mailing, _ string) error {
			_, err := m.Remind(ctx, "test", time.Time{})
			return err
		}},
		{"digest", func(ctx context.Context, m *Mailing, _ string) error {
			_, err := m.Digest(ctx, "test", time.Time{})
			return err
		}},
		{"draft", func(ctx context.Context, m *Mailing, dir string) error {
			_, err := m.Draft(ctx, "test", time.Time{}, filepath.Join(dir, "drafts"), DraftFormats("md"))
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, mailConfig)
			if err := os.WriteFile(filepath.Join(f.dir, "report.md.tmpl"), []byte("# 报告\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			f.setConfig(mailConfig + "report: {template: report.md.tmpl}\n")
			f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			// The clock is read once the job has started deciding: the
			// signal comes then.
			m := &Mailing{Config: f.cfg, DB: f.db, Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }},
				Now: func() time.Time { stop(); return f.now }}
			if err := tc.run(ctx, m, f.dir); err == nil {
				t.Fatal("a stopped job reported no error")
			}
			r, err := lastRun(context.Background(), f.db, tc.name, "")
			if err != nil {
				t.Fatal(err)
			}
			if r.Outcome != sheaf.RunInterrupted || r.Error != "" || r.FinishedAt.IsZero() {
				t.Errorf("stopped %s recorded %q (error %q, finished %v), want interrupted", tc.name, r.Outcome, r.Error, r.FinishedAt)
			}
		})
	}
}

// TestRunLeftRunningIsInterrupted: a process killed mid-run leaves its run
// "running"; the next run of the job marks it interrupted.
func TestRunLeftRunningIsInterrupted(t *testing.T) {
	f := newFixture(t, mailConfig)
	dead, err := f.db.StartRun(context.Background(), "digest", "cron", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailing{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }}
	if _, err := m.Digest(context.Background(), "test", time.Time{}); err != nil {
		t.Fatal(err)
	}
	runs, err := f.db.Runs(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]sheaf.RunOutcome{}
	for _, r := range runs {
		got[r.ID] = r.Outcome
	}
	if got[dead] != sheaf.RunInterrupted || got[runs[0].ID] != sheaf.RunOK {
		t.Errorf("runs after a killed digest: %v, want the killed one interrupted and the new one ok", got)
	}
}

// TestDraftChangesAfterAWeekOfSyncs: 700 syncs (a week of them every 15
// minutes) between two drafts, and the second still lists what changed
// since the first.
func TestDraftChangesAfterAWeekOfSyncs(t *testing.T) {
	f := newFixture(t, testConfig)
	if err := os.WriteFile(filepath.Join(f.dir, "report.md.tmpl"), []byte("# 测试报告\n\n学校{{fig \"schools.total\"}}。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f.setConfig(testConfig + "report: {template: report.md.tmpl}\n")
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	m := &Mailing{Config: f.cfg, DB: f.db, Syncer: &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }},
		Now: func() time.Time { return f.now }}
	if _, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(f.dir, "d1"), DraftFormats("md")); err != nil {
		t.Fatal(err)
	}
	recordRuns(t, f.db, "sync", 700)
	f.workbook("inbox/edu/b.xlsx", []any{"schools.total", "学校总数", "2024", 45, "所", ""})
	f.now = f.now.Add(time.Hour)
	rep, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(f.dir, "d2"), DraftFormats("html"))
	if err != nil {
		t.Fatal(err)
	}
	html, _ := os.ReadFile(rep.Files[0])
	if rep.First || !strings.Contains(string(html), "学校总数（2024年）：44所 → 45所") {
		t.Fatalf("first %v, changes %d: the draft after 700 syncs does not list the changed figure:\n%s", rep.First, rep.Changes, html)
	}
}

// TestWeeklyJobCaughtUpAfterAWeekOfSyncs: the daemon was down when the
// weekly draft was due, and 700 syncs ran since the last draft: the
// missed draft still runs, once.
func TestWeeklyJobCaughtUpAfterAWeekOfSyncs(t *testing.T) {
	f := newFixture(t, testConfig)
	loc := f.cfg.Cycle.Location
	lastDraft := time.Date(2025, 3, 3, 9, 0, 0, 0, loc) // a Monday
	f.db.Now = func() time.Time { return lastDraft }
	recordRuns(t, f.db, "draft", 1)
	f.db.Now = time.Now
	recordRuns(t, f.db, "sync", 700)
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

// TestSyncWithFailedSources: a sync in which a source cannot be listed is
// partial, naming it; one in which no source can be listed is failed;
// once every source is back, ok. Mail's "data as of" follows partial syncs
// too: they read every source they could.
func TestSyncWithFailedSources(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	steps := []struct {
		name    string
		gone    []string
		outcome sheaf.RunOutcome
		says    []string
	}{
		{"all there", nil, sheaf.RunOK, nil},
		{"one share gone", []string{"inbox/finance"}, sheaf.RunPartial, []string{"1 个来源（共 3 个）无法读取", "finance dir:inbox/finance"}},
		{"inbox unmounted", []string{"inbox/edu", "inbox/stats"}, sheaf.RunFailed, []string{"没有一个来源能够读取（3 个）", "edu dir:inbox/edu", "stats dir:inbox/stats"}},
	}
	for _, st := range steps {
		for _, d := range st.gone {
			if err := os.Rename(filepath.Join(f.dir, d), filepath.Join(f.dir, d+".away")); err != nil {
				t.Fatal(err)
			}
		}
		rep := f.sync()
		r, err := lastRun(context.Background(), f.db, "sync", "")
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome != st.outcome || r.ID != rep.RunID {
			t.Errorf("%s: run %d recorded %q (%s), want %q", st.name, r.ID, r.Outcome, r.Error, st.outcome)
		}
		for _, s := range st.says {
			if !strings.Contains(r.Error, s) {
				t.Errorf("%s: the run's error %q does not say %q", st.name, r.Error, s)
			}
		}
		if st.outcome == sheaf.RunPartial {
			if ok, _ := lastRun(context.Background(), f.db, "sync", sheaf.RunOK); ok.ID != r.ID {
				t.Errorf("%s: the last completed sync is run %d, want the partial run %d", st.name, ok.ID, r.ID)
			}
		}
		f.now = f.now.Add(time.Minute)
	}
	for _, d := range []string{"inbox/edu", "inbox/finance", "inbox/stats"} {
		os.Rename(filepath.Join(f.dir, d+".away"), filepath.Join(f.dir, d))
	}
	f.sync()
	if r, _ := lastRun(context.Background(), f.db, "sync", ""); r.Outcome != sheaf.RunOK || r.Error != "" {
		t.Errorf("sources back: recorded %q (%s), want ok", r.Outcome, r.Error)
	}
}
