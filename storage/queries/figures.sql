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

-- name: upsert-bare-figure
-- Figures with no value and nothing else said of them (the missing figures
-- of an empty cycle) that share their unit, status, statuses, time and
-- signature: those are bound once for the statement (?1 to ?5), and each
-- figure takes three parameters instead of 18.
INSERT INTO figures (indicator, period, value, decimals, unit, status, statuses, department, file, sheet,
                     cell, raw, note, observation_id, updated_at, reason, ord, sig)
SELECT v.column1, v.column2, NULL, 0, ?1, ?2, ?3, '', '', '', '', '', '', NULL, ?4, '', v.column3, ?5
FROM (VALUES (?, ?, ?)) AS v WHERE true
ON CONFLICT (indicator, period) DO UPDATE SET
    value = NULL, decimals = 0, unit = excluded.unit, status = excluded.status,
    statuses = excluded.statuses, department = '', file = '', sheet = '', cell = '', raw = '', note = '',
    observation_id = NULL, updated_at = excluded.updated_at, reason = '', ord = excluded.ord, sig = excluded.sig;

-- name: figures
SELECT indicator, period, value, decimals, unit, status, statuses, department, file, sheet, cell, raw,
       note, coalesce(observation_id, 0) AS observation_id, reason
FROM figures ORDER BY ord, indicator, period;
