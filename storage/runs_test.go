package storage

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// The last good draft is found however many runs of other jobs came after
// it: a week of 15-minute syncs is 672 runs.
func TestLastRunSkipsManyRunsOfOtherJobs(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	now := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	run := func(job string, outcome sheaf.RunOutcome) int64 {
		t.Helper()
		id, err := db.StartRun(ctx, job, "cron", now)
		if err != nil {
			t.Fatal(err)
		}
		if outcome != "running" {
			if err := db.FinishRun(ctx, id, outcome, map[string]int{}, nil); err != nil {
				t.Fatal(err)
			}
		}
		now = now.Add(15 * time.Minute)
		return id
	}

	if _, err := db.LastRun(ctx, "draft", "ok"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("LastRun before any run: %v, want ErrNotFound", err)
	}
	first := run("draft", "ok")
	firstStart := now.Add(-15 * time.Minute)
	for i := 0; i < 700; i++ {
		run("sync", "ok")
	}
	lastSync := run("sync", "failed")
	run("draft", "failed")
	running := run("draft", "running")

	tests := []struct {
		name    string
		job     string
		outcome sheaf.RunOutcome
		want    int64
	}{
		{"the earlier good draft", "draft", "ok", first},
		{"the last good sync", "sync", "ok", lastSync - 1},
		{"the last failed sync", "sync", "failed", lastSync},
		{"any outcome", "draft", "", running},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := db.LastRun(ctx, tt.job, tt.outcome)
			if err != nil || r.ID != tt.want {
				t.Fatalf("LastRun(%q, %q) = run %d, %v; want run %d", tt.job, tt.outcome, r.ID, err, tt.want)
			}
		})
	}
	r, _ := db.LastRun(ctx, "draft", "ok")
	if r.Job != "draft" || r.Outcome != "ok" || !r.StartedAt.Equal(firstStart) || r.FinishedAt.IsZero() {
		t.Errorf("LastRun = %+v, want the first draft, started %v and finished", r, firstStart)
	}
	if _, err := db.LastRun(ctx, "remind", "ok"); !errors.Is(err, ErrNotFound) {
		t.Errorf("LastRun of a job never run: %v, want ErrNotFound", err)
	}
}

// The last run is the one started last, and one query finds it through an
// index whatever the number of runs.
func TestLastRunUsesAnIndex(t *testing.T) {
	db, _ := openTest(t)
	texts, err := parseQueries(queryFiles, "queries")
	if err != nil {
		t.Fatal(err)
	}
	for q, args := range map[string][]any{"last-run": {"draft", "ok"}, "last-run-any": {"draft"}} {
		rows, err := db.db.Queryx("EXPLAIN QUERY PLAN "+texts[q], args...)
		if err != nil {
			t.Fatal(err)
		}
		plan := ""
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan += detail + "; "
		}
		rows.Close()
		if !strings.Contains(plan, "USING INDEX runs_job_") || strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan %q, want an index search without sorting", q, plan)
		}
	}
}
