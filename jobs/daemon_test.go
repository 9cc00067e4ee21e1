package jobs

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sheaf-dev/sheaf"
)

func TestMissedAndPrevScheduled(t *testing.T) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	daily9, _ := cron.ParseStandard("0 9 * * *")
	day := func(d, h, m int) time.Time { return time.Date(2025, 3, d, h, m, 0, 0, loc) }
	tests := []struct {
		name      string
		last, now time.Time
		want      bool
	}{
		{"never run: not missed", time.Time{}, day(10, 10, 0), false},
		{"ran at today's time", day(10, 9, 0), day(10, 10, 0), false},
		{"ran yesterday, today's time passed while down", day(9, 9, 0), day(10, 10, 0), true},
		{"ran yesterday, today's time not yet come", day(9, 9, 0), day(10, 8, 0), false},
		{"down for days: missed (run once)", day(5, 9, 0), day(10, 10, 0), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := missed(daily9, loc, tc.last.In(time.UTC), tc.now); got != tc.want {
				t.Errorf("missed = %v, want %v", got, tc.want)
			}
		})
	}
	if got := prevScheduled(daily9, loc, day(10, 10, 0).In(time.UTC)); !got.Equal(day(10, 9, 0)) {
		t.Errorf("prevScheduled = %v, want today 9:00", got)
	}
}

func TestDaemonCatchesUpOnce(t *testing.T) {
	f := newFixture(t, testConfig)
	loc := f.cfg.Cycle.Location
	lastRun := time.Date(2025, 3, 9, 9, 0, 0, 0, loc)
	f.db.Now = func() time.Time { return lastRun }
	id, err := f.db.StartRun(context.Background(), "sync", "cron", lastRun)
	if err != nil {
		t.Fatal(err)
	}
	f.db.FinishRun(context.Background(), id, "ok", map[string]int{}, nil)
	f.db.Now = time.Now

	ran := 0
	d := &Daemon{Config: f.cfg, DB: f.db, Now: func() time.Time { return time.Date(2025, 3, 10, 10, 0, 0, 0, loc) },
		Jobs: []Job{{Name: "sync", Spec: "0 9 * * *", Run: func(ctx context.Context, trigger string, scheduled time.Time) error {
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
		t.Fatalf("the missed sync ran %d times, want once", ran)
	}
}

// TestDaemonClosesRunsOfADeadProcess: a sync and a remind left "running"
// by a process killed mid-way are marked interrupted as the daemon starts,
// not shown as running until each job next runs; while another process
// holds the jobs' lock, its run is alive and stays running.
func TestDaemonClosesRunsOfADeadProcess(t *testing.T) {
	f := newFixture(t, testConfig)
	ctx := context.Background()
	for _, job := range []string{"sync", "remind"} {
		if _, err := f.db.StartRun(ctx, job, "cli", time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	outcomes := func() []sheaf.RunOutcome {
		runs, err := f.db.Runs(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []sheaf.RunOutcome
		for _, r := range runs {
			out = append(out, r.Outcome)
		}
		return out
	}
	d := &Daemon{Config: f.cfg, DB: f.db}

	held, err := acquireLock(ctx, f.cfg.DBPath()+".lock", nil)
	if err != nil {
		t.Fatal(err)
	}
	d.closeDeadRuns(ctx)
	if got := outcomes(); !slices.Equal(got, []sheaf.RunOutcome{sheaf.RunRunning, sheaf.RunRunning}) {
		t.Errorf("with the lock held elsewhere: %v, want both still running", got)
	}
	held.Release()

	d.closeDeadRuns(ctx)
	if got := outcomes(); !slices.Equal(got, []sheaf.RunOutcome{sheaf.RunInterrupted, sheaf.RunInterrupted}) {
		t.Errorf("after the daemon started: %v, want both interrupted", got)
	}
}
