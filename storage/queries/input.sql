-- What reconcile works from: the current reads' observations and findings.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: current-files
SELECT f.id, f.source, f.path
FROM files f
WHERE f.present = 1 AND f.good_read IS NOT NULL;

-- name: current-observations
-- Only what reconcile uses, in two columns: reading a column costs several
-- calls into SQLite for every row (11 columns took 0.25 s for 100,000
-- rows), so all but the value travels as one text: id, file, indicator
-- and period joined by U+001F (none holds it), then the packed details
-- (see details.go). The value stays a column of its own: a float written
-- as text and read back is not always the same float.
SELECT o.value, o.id || char(31) || o.file_id || char(31) || o.indicator || char(31) || o.period || char(31) || o.details
FROM files f
JOIN observations o ON o.read_id = f.good_read
WHERE f.present = 1
ORDER BY o.indicator, o.period;

-- name: current-findings
-- The findings of the read that counts, and of a later failed read (the
-- file flag saying it cannot be read now).
-- content: the file's first-seen content (see fileContentSQL in rekey.go),
-- which identifies a flag about the whole file. received and mod_time date
-- a finding about a figure as current-files dates a value: when the
-- department's files first held it (the same text in the same cell), and
-- the file's modification time then, never a later re-save's.
SELECT q.id, q.department, q.source, q.path, q.kind, q.severity, q.indicator, q.period, q.sheet, q.cell,
       q.raw, q.note, q.message, q.content,
       coalesce(fru.started_at, fr.read_at) AS received, fr.mod_time AS mod_time
FROM (
    SELECT f.id, f.department, f.source, f.path, x.kind, x.severity, x.indicator, x.period, x.sheet, x.cell,
           x.raw, x.note, x.message,
           coalesce((SELECT r4.change_key FROM reads r4 WHERE r4.file_id = (
               SELECT r5.file_id FROM reads r5 JOIN files f5 ON f5.id = r5.file_id
               WHERE f5.department = f.department AND r5.change_key = r.change_key ORDER BY r5.id LIMIT 1)
             ORDER BY r4.id LIMIT 1), r.change_key, '') AS content,
           -- The read in which the department's files first held this
           -- finding: it gives both received and mod_time.
           CASE WHEN x.indicator = '' THEN NULL ELSE (
               SELECT r2.id
               FROM findings x2 JOIN reads r2 ON r2.id = x2.read_id JOIN files f2 ON f2.id = r2.file_id
               LEFT JOIN runs ru ON ru.id = r2.run_id
               WHERE x2.indicator = x.indicator AND x2.period = x.period AND f2.department = f.department
                 AND x2.kind = x.kind AND x2.sheet = x.sheet AND x2.cell = x.cell AND x2.raw = x.raw
               ORDER BY coalesce(ru.started_at, r2.read_at), r2.id LIMIT 1) END AS first_read
    FROM files f
    JOIN findings x ON x.read_id IN (f.good_read, f.current_read)
    JOIN reads r ON r.id = x.read_id
    WHERE f.present = 1
) q
LEFT JOIN reads fr ON fr.id = q.first_read
LEFT JOIN runs fru ON fru.id = fr.run_id;

-- name: present-file-counts
-- Files still settling (never read) do not count: they change nothing yet.
SELECT department, count(*) FROM files WHERE present = 1 AND current_read IS NOT NULL GROUP BY department;
