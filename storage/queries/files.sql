-- Files: what is in each source, as last listed.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: all-known-files
SELECT f.department, f.source, f.id, f.path, f.change_key, f.size, f.mod_time, f.first_seen, f.present, f.state,
       coalesce(r.fingerprint, '') AS fingerprint, coalesce(r.outcome, '') AS outcome,
       coalesce(r.change_key, '') AS read_key, coalesce(r.error, '') AS error
FROM files f LEFT JOIN reads r ON r.id = f.current_read;

-- name: upsert-file
INSERT INTO files (department, source, path, change_key, size, mod_time, first_seen, last_seen, present, state)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
ON CONFLICT (department, source, path) DO UPDATE
SET change_key = excluded.change_key, size = excluded.size, mod_time = excluded.mod_time,
    last_seen = excluded.last_seen, present = 1, state = excluded.state
RETURNING id;

-- name: touch-present-files
UPDATE files SET last_seen = ? WHERE department = ? AND source = ? AND present = 1;

-- name: present-files
SELECT id, path FROM files WHERE department = ? AND source = ? AND present = 1;

-- name: mark-absent
UPDATE files SET present = 0 WHERE id = ?;

-- name: files-summary
SELECT f.department, f.source, f.path, f.size, f.mod_time, f.first_seen, f.last_seen, f.present, f.state,
       coalesce(r.outcome, '') AS outcome, coalesce(r.error, '') AS error, coalesce(r.read_at, '') AS read_at,
       coalesce(r.rows, 0) AS rows, coalesce(r.sheets, '[]') AS sheets,
       coalesce((SELECT min(coalesce(ru.started_at, r2.read_at))
                 FROM reads r2 JOIN files f2 ON f2.id = r2.file_id LEFT JOIN runs ru ON ru.id = r2.run_id
                 WHERE f2.department = f.department AND r2.change_key = r.change_key), '') AS received
FROM files f LEFT JOIN reads r ON r.id = f.current_read
ORDER BY f.department, f.path;
