package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/sheaf-dev/sheaf"
	"time"

	"github.com/jmoiron/sqlx"
)

// Run is one run of a job.
type Run struct {
	ID          int64
	Job         string
	Trigger     string // cron | cli | web
	ScheduledAt time.Time
	StartedAt   time.Time
	FinishedAt  time.Time
	Outcome     sheaf.RunOutcome
	Counts      json.RawMessage
	Error       string
}

// StartRun records that a job started.
func (db *DB) StartRun(ctx context.Context, job, trigger string, scheduled time.Time) (int64, error) {
	var id int64
	if err := db.q.InsertRun.GetContext(ctx, &id, job, trigger, nullTime(scheduled), formatTime(db.Now())); err != nil {
		return 0, fmt.Errorf("record start of %s: %w", job, err)
	}
	return id, nil
}

// FinishRun records how a run ended; counts is stored as JSON.
func (db *DB) FinishRun(ctx context.Context, id int64, outcome sheaf.RunOutcome, counts any, runErr error) error {
	c, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("encode run counts: %w", err)
	}
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
	}
	if _, err := db.q.FinishRun.ExecContext(ctx, formatTime(db.Now()), outcome, string(c), msg, id); err != nil {
		return fmt.Errorf("record end of run %d: %w", id, err)
	}
	return nil
}

// InterruptRuns marks runs of job still "running" as interrupted: a process
// that holds the job's lock knows no other run of it is alive.
func (db *DB) InterruptRuns(ctx context.Context, job string) error {
	if _, err := db.q.InterruptRuns.ExecContext(ctx, formatTime(db.Now()), job); err != nil {
		return fmt.Errorf("close interrupted runs: %w", err)
	}
	return nil
}

// InterruptAllRuns marks every run still "running" as interrupted: a
// process that holds the lock every job takes knows none is alive. It
// returns how many it marked.
func (db *DB) InterruptAllRuns(ctx context.Context) (int64, error) {
	res, err := db.q.InterruptAll.ExecContext(ctx, formatTime(db.Now()))
	if err != nil {
		return 0, fmt.Errorf("close interrupted runs: %w", err)
	}
	return res.RowsAffected()
}

// Runs returns the latest runs, newest first.
func (db *DB) Runs(ctx context.Context, limit int) ([]Run, error) {
	rows, err := db.q.Runs.QueryxContext(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LastRun returns the run of job that started last among those that ended
// with outcome ("ok", "failed", …), or with any outcome when outcome is
// empty. It returns ErrNotFound when there is none.
func (db *DB) LastRun(ctx context.Context, job string, outcome sheaf.RunOutcome) (Run, error) {
	var row *sqlx.Row
	if outcome == "" {
		row = db.q.LastRunAny.QueryRowxContext(ctx, job)
	} else {
		row = db.q.LastRun.QueryRowxContext(ctx, job, outcome)
	}
	r, err := scanRun(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, ErrNotFound
	}
	if err != nil {
		return Run{}, fmt.Errorf("find the last run of %s: %w", job, err)
	}
	return r, nil
}

// scanRun reads a run from a row of the runs or last-run query.
func scanRun(row interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var sched, started, finished, counts string
	if err := row.Scan(&r.ID, &r.Job, &r.Trigger, &sched, &started, &finished, &r.Outcome, &counts, &r.Error); err != nil {
		return Run{}, err
	}
	r.ScheduledAt = parseTime(sql.NullString{String: sched, Valid: true})
	r.StartedAt = parseTime(sql.NullString{String: started, Valid: true})
	r.FinishedAt = parseTime(sql.NullString{String: finished, Valid: true})
	r.Counts = json.RawMessage(counts)
	return r, nil
}
