-- Figures of the latest sync.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: figure-signatures
SELECT indicator, period, ord, sig FROM figures;

-- name: delete-figure
DELETE FROM figures WHERE indicator = ? AND period = ?;

-- name: upsert-figure
INSERT INTO figures (indicator, period, value, decimals, unit, status, statuses, department, file, sheet,
                     cell, raw, note, observation_id, updated_at, reason, ord, sig)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (indicator, period) DO UPDATE SET
    value = excluded.value, decimals = excluded.decimals, unit = excluded.unit, status = excluded.status,
    statuses = excluded.statuses, department = excluded.department, file = excluded.file,
    sheet = excluded.sheet, cell = excluded.cell, raw = excluded.raw, note = excluded.note,
    observation_id = excluded.observation_id, updated_at = excluded.updated_at, reason = excluded.reason,
    ord = excluded.ord, sig = excluded.sig;

-- name: figures
SELECT indicator, period, value, decimals, unit, status, statuses, department, file, sheet, cell, raw,
       note, coalesce(observation_id, 0) AS observation_id, reason
FROM figures ORDER BY ord, indicator, period;
