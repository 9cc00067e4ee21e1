-- Rules' outcomes at the latest sync.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: delete-rule-results
DELETE FROM rule_results;

-- name: insert-rule-result
INSERT INTO rule_results (rule, class, state, inputs, waiting, detail, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: rule-results
SELECT rule, class, state, inputs, waiting, detail, evaluated_at FROM rule_results ORDER BY rowid;

-- name: rule-state-counts
SELECT state, count(*) FROM rule_results GROUP BY state;
