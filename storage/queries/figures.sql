-- Figures and the rules' outcomes of the latest sync. Each query follows a "-- name:" line and fills the field of
-- the queries struct (queries.go) tagged with that name.

-- name: delete-figures
DELETE FROM figures;

-- name: insert-figure
INSERT INTO figures (indicator, period, value, decimals, unit, status, statuses, department, file, sheet,
                     cell, raw, note, observation_id, updated_at, reason)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: figures
SELECT indicator, period, value, decimals, unit, status, statuses, department, file, sheet, cell, raw,
       note, coalesce(observation_id, 0) AS observation_id, reason
FROM figures ORDER BY rowid;

-- name: delete-rule-results
DELETE FROM rule_results;

-- name: insert-rule-result
INSERT INTO rule_results (rule, class, state, inputs, waiting, detail, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: rule-results
SELECT rule, class, state, inputs, waiting, detail, evaluated_at FROM rule_results ORDER BY rowid;

-- name: rule-state-counts
SELECT state, count(*) FROM rule_results GROUP BY state;
