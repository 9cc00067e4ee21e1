-- The last run of a job with a given outcome (the last good draft, the last
-- good sync) in one index step, however many runs of other outcomes follow.
CREATE INDEX runs_job_outcome_started ON runs (job, outcome, started_at);
