-- The departments' page links (department_links) and their answers to
-- flags (flag_answers).
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: department-link
SELECT department, version, token_hash, updated_at FROM department_links WHERE department = ?;

-- name: upsert-department-link
INSERT INTO department_links (department, version, token_hash, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (department) DO UPDATE SET version = excluded.version, token_hash = excluded.token_hash,
    updated_at = excluded.updated_at;

-- name: insert-flag-answer
INSERT INTO flag_answers (flag_id, department, corrected, note, answered_by, answered_at) VALUES (?, ?, ?, ?, ?, ?);

-- name: withdraw-flag-answers
-- A department's newer answer replaces its pending one; another
-- department's answer to the same flag stands.
UPDATE flag_answers SET state = 'withdrawn' WHERE flag_id = ? AND department = ? AND state = 'pending';

-- name: decide-flag-answer
UPDATE flag_answers SET state = ?, decision_note = ?, decided_by = ?, decided_at = ?
WHERE flag_id = ? AND state = 'pending';

-- name: flag-answers
-- Every flag's latest answer from each department that answered it (a
-- withdrawn one never is: the department's newer one replaced it).
SELECT a.id, a.flag_id, a.department, a.corrected, a.note, a.answered_by, a.answered_at, a.state,
       a.decision_note, a.decided_by, a.decided_at
FROM flag_answers a
WHERE a.id = (SELECT max(b.id) FROM flag_answers b WHERE b.flag_id = a.flag_id AND b.department = a.department)
ORDER BY a.id;

-- name: department-values
-- What sheaf took from each of a department's present files: the values
-- of the read that counts, with their cells and row labels.
SELECT f.path, o.indicator, o.period, o.value, o.details
FROM files f
JOIN observations o ON o.read_id = f.good_read
WHERE f.present = 1 AND f.department = ?
ORDER BY f.path, o.id;

-- name: department-findings
-- What reading a department's present files noticed (rows not recognised,
-- unreadable cells), as current-findings takes them.
SELECT f.path, x.kind, x.severity, x.indicator, x.period, x.sheet, x.cell, x.raw, x.message
FROM files f
JOIN findings x ON x.read_id IN (f.good_read, f.current_read)
WHERE f.present = 1 AND f.department = ?
ORDER BY f.path, x.id;
