-- Job runs.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: insert-run
INSERT INTO runs (job, trigger, scheduled_at, started_at, outcome) VALUES (?, ?, ?, ?, 'running')
RETURNING id;

-- name: finish-run
UPDATE runs SET finished_at = ?, outcome = ?, counts = ?, error = ? WHERE id = ?;

-- name: interrupt-runs
UPDATE runs SET outcome = 'interrupted', finished_at = ? WHERE outcome = 'running' AND job = ?;

-- name: runs
SELECT id, job, trigger, coalesce(scheduled_at, '') AS scheduled_at, started_at,
       coalesce(finished_at, '') AS finished_at, outcome, counts, error
FROM runs ORDER BY id DESC LIMIT ?;

-- name: last-run
-- The newest run of a job with an outcome (index runs_job_outcome_started).
SELECT id, job, trigger, coalesce(scheduled_at, '') AS scheduled_at, started_at,
       coalesce(finished_at, '') AS finished_at, outcome, counts, error
FROM runs WHERE job = ? AND outcome = ?
ORDER BY started_at DESC, id DESC LIMIT 1;

-- name: last-run-any
-- The newest run of a job, however it ended (index runs_job_started).
SELECT id, job, trigger, coalesce(scheduled_at, '') AS scheduled_at, started_at,
       coalesce(finished_at, '') AS finished_at, outcome, counts, error
FROM runs WHERE job = ?
ORDER BY started_at DESC, id DESC LIMIT 1;

-- name: interrupt-all-runs
UPDATE runs SET outcome = 'interrupted', finished_at = ? WHERE outcome = 'running';
