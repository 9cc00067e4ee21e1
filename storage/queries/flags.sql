-- Flags and their history.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: flag-states
SELECT id, key, state, department, kind, subject, accepted_digest, sig FROM flags;

-- name: insert-flag
INSERT INTO flags (key, kind, severity, department, indicator, period, rule, subject, message, evidence,
                   state, opened_at, last_seen_at, digest, sig)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?)
RETURNING id, key;

-- name: refresh-flag
UPDATE flags SET severity = ?, subject = ?, message = ?, evidence = ?, last_seen_at = ?, digest = ?, sig = ? WHERE id = ?;

-- name: reopen-flag
UPDATE flags SET severity = ?, subject = ?, message = ?, evidence = ?, last_seen_at = ?, digest = ?, sig = ?, state = 'open',
                 resolved_at = NULL, note = '', accepted_by = '', accepted_at = NULL, accepted_digest = ''
WHERE id = ?;

-- name: accept-flag
UPDATE flags SET state = 'accepted', note = ?, accepted_by = ?, accepted_at = ?, accepted_digest = digest
WHERE id = ? AND state IN ('open', 'accepted');

-- name: flag-state
SELECT state FROM flags WHERE id = ?;

-- name: accepted-digests
SELECT key, accepted_digest FROM flags WHERE state = 'accepted';

-- name: flag-events
SELECT at, state, message FROM flag_events WHERE flag_id = ? ORDER BY id;

-- name: resolve-flag
UPDATE flags SET state = ?, resolved_at = ? WHERE id = ?;

-- name: insert-flag-event
INSERT INTO flag_events (flag_id, at, state, message) VALUES (?, ?, ?, ?);

-- name: flags
-- Every flag (?1, ?2 and ?3 NULL), or those of indicator ?1 and period ?2,
-- or the open flags of department ?3's page: its own, and those with a
-- cell of its in their evidence.
SELECT id, kind, severity, department, indicator, period, rule, subject, message, evidence, state,
       opened_at,
       -- A current flag was seen by the last reconcile, which rewrites
       -- only the flags whose content changed.
       CASE WHEN state IN ('open', 'accepted')
            THEN max(last_seen_at, coalesce((SELECT value FROM meta WHERE key = 'reconciled_at'), ''))
            ELSE last_seen_at END AS last_seen_at,
       resolved_at, note, accepted_by, accepted_at
FROM flags
WHERE (?1 IS NULL OR (indicator = ?1 AND period = ?2))
  AND (?3 IS NULL OR (state = 'open' AND (department = ?3 OR (json_valid(evidence) AND EXISTS (
      SELECT 1 FROM json_each(evidence) WHERE json_extract(value, '$.department') = ?3)))))
ORDER BY CASE state WHEN 'open' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, department, kind, indicator, period, id;

-- name: open-flag-counts
SELECT kind, count(*) FROM flags WHERE state = 'open' GROUP BY kind;

-- name: open-flags-by-department
SELECT department, count(*) FROM flags WHERE state = 'open' GROUP BY department;
