-- Figures of the latest sync.
-- Each query follows a "-- name:" line; queries.go has a field for each.

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
