-- Reads of a file, with the observations and findings each stored.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: insert-read
INSERT INTO reads (file_id, run_id, change_key, fingerprint, size, mod_time, read_at, outcome, error, duplicate_of, rows)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: set-current-read
-- good_read is the read whose values count: a good read replaces it, a
-- duplicate clears it (the original counts instead), a failed read leaves
-- the last good one (the first parameter says whether to keep it).
UPDATE files SET current_read = ?, change_key = ?, state = ?, good_read = CASE WHEN ? THEN good_read ELSE ? END
WHERE id = ?;

-- name: run-started
SELECT started_at FROM runs WHERE id = ?;

-- name: previous-values
-- The values of a file's last good read, with when each first appeared: a
-- value that was there before keeps its time. A file never read well whose
-- content the department sent before (a copy whose original changed, a
-- file moved to another folder) takes that content's values and times.
SELECT o.indicator, o.period, o.value, o.details
FROM observations o
WHERE o.read_id = coalesce(
    (SELECT f.good_read FROM files f WHERE f.id = ?),
    (SELECT max(g.id) FROM reads g JOIN files gf ON gf.id = g.file_id
     WHERE g.change_key = ? AND g.outcome = 'ok' AND gf.department = ?));

-- name: finish-read
UPDATE reads SET outcome = ?, error = ?, rows = ? WHERE id = ?;

-- name: set-read-sheets
UPDATE reads SET sheets = ? WHERE id = ?;

-- name: insert-observation
-- The read and the file (?1, ?2) are bound once for the statement; each
-- row takes four parameters. details: the rest, packed (see details.go),
-- given as bytes (binding a text copies it twice more in Go) and stored as
-- the text they are.
INSERT INTO observations (read_id, file_id, indicator, period, value, details)
SELECT ?1, ?2, v.column1, v.column2, v.column3, CAST(v.column4 AS TEXT)
FROM (VALUES (?, ?, ?, ?)) AS v WHERE true;

-- name: insert-finding
INSERT INTO findings (read_id, kind, severity, indicator, period, sheet, cell, raw, note, message)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: observation-history
SELECT o.id, o.value, o.details, f.source, f.path, f.present, r.read_at, r.id = coalesce(f.good_read, 0) AS current, r.outcome
FROM observations o
JOIN reads r ON r.id = o.read_id
JOIN files f ON f.id = o.file_id
WHERE o.indicator = ? AND o.period = ?
ORDER BY r.read_at, o.id;
