-- Queries, each after a "-- name:" line; all are prepared when the database opens.

-- name: known-files
SELECT f.id, f.path, f.change_key, f.size, f.mod_time, f.first_seen, f.present, f.state,
       coalesce(r.fingerprint, '') AS fingerprint, coalesce(r.outcome, '') AS outcome,
       coalesce(r.change_key, '') AS read_key, coalesce(r.error, '') AS error
FROM files f LEFT JOIN reads r ON r.id = f.current_read
WHERE f.department = ? AND f.source = ?;

-- name: upsert-file
INSERT INTO files (department, source, path, change_key, size, mod_time, first_seen, last_seen, present, state)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
ON CONFLICT (department, source, path) DO UPDATE
SET change_key = excluded.change_key, size = excluded.size, mod_time = excluded.mod_time,
    last_seen = excluded.last_seen, present = 1, state = excluded.state
RETURNING id;

-- name: touch-present-files
UPDATE files SET last_seen = ? WHERE department = ? AND source = ? AND present = 1;

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
SELECT o.indicator, o.period, o.value, o.first_seen, o.first_mod_time
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
INSERT INTO observations (read_id, file_id, department, indicator, period, value, decimals, approx, unit,
                          raw, note, sheet, cell, label, seq, first_seen, first_mod_time, hidden_row, fraction)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: insert-finding
INSERT INTO findings (read_id, kind, severity, indicator, period, sheet, cell, raw, note, message)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- name: present-files
SELECT id, path FROM files WHERE department = ? AND source = ? AND present = 1;

-- name: mark-absent
UPDATE files SET present = 0 WHERE id = ?;

-- name: upsert-source-ok
INSERT INTO sources (department, source, last_listed, last_ok, error, error_since)
VALUES (?, ?, ?, ?, '', NULL)
ON CONFLICT (department, source) DO UPDATE
SET last_listed = excluded.last_listed, last_ok = excluded.last_ok, error = '', error_since = NULL;

-- name: upsert-source-error
INSERT INTO sources (department, source, last_listed, error, error_since)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (department, source) DO UPDATE
SET last_listed = excluded.last_listed, error = excluded.error,
    error_since = coalesce(sources.error_since, excluded.error_since);

-- name: source-statuses
SELECT department, source, error, error_since, last_ok FROM sources;

-- name: current-files
SELECT f.id, f.source, f.path
FROM files f
WHERE f.present = 1 AND f.good_read IS NOT NULL;

-- name: current-observations
-- Only what reconcile uses, and few columns: reading a column costs calls
-- into SQLite for every row, so the text travels joined by U+001F.
SELECT o.id, o.file_id, o.value, o.decimals, o.seq, o.first_seen, o.first_mod_time, o.hidden_row, o.fraction,
       o.indicator || char(31) || o.period || char(31) || o.department || char(31) || o.approx || char(31) || o.sheet,
       o.raw || char(31) || o.note || char(31) || o.cell
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
SELECT f.id, f.department, f.source, f.path, x.kind, x.severity, x.indicator, x.period, x.sheet, x.cell,
       x.raw, x.note, x.message,
       coalesce((SELECT r4.change_key FROM reads r4 WHERE r4.file_id = (
           SELECT r5.file_id FROM reads r5 JOIN files f5 ON f5.id = r5.file_id
           WHERE f5.department = f.department AND r5.change_key = r.change_key ORDER BY r5.id LIMIT 1)
         ORDER BY r4.id LIMIT 1), r.change_key, '') AS content,
       CASE WHEN x.indicator = '' THEN NULL ELSE (
           SELECT coalesce(ru.started_at, r2.read_at)
           FROM findings x2 JOIN reads r2 ON r2.id = x2.read_id JOIN files f2 ON f2.id = r2.file_id
           LEFT JOIN runs ru ON ru.id = r2.run_id
           WHERE x2.indicator = x.indicator AND x2.period = x.period AND f2.department = f.department
             AND x2.kind = x.kind AND x2.sheet = x.sheet AND x2.cell = x.cell AND x2.raw = x.raw
           ORDER BY coalesce(ru.started_at, r2.read_at), r2.id LIMIT 1) END AS received,
       CASE WHEN x.indicator = '' THEN NULL ELSE (
           SELECT r2.mod_time
           FROM findings x2 JOIN reads r2 ON r2.id = x2.read_id JOIN files f2 ON f2.id = r2.file_id
           LEFT JOIN runs ru ON ru.id = r2.run_id
           WHERE x2.indicator = x.indicator AND x2.period = x.period AND f2.department = f.department
             AND x2.kind = x.kind AND x2.sheet = x.sheet AND x2.cell = x.cell AND x2.raw = x.raw
           ORDER BY coalesce(ru.started_at, r2.read_at), r2.id LIMIT 1) END AS mod_time
FROM files f
JOIN findings x ON x.read_id IN (f.good_read, f.current_read)
JOIN reads r ON r.id = x.read_id
WHERE f.present = 1;

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

-- name: flag-states
SELECT id, key, state, department, kind, subject, accepted_digest FROM flags;

-- name: insert-flag
INSERT INTO flags (key, kind, severity, department, indicator, period, rule, subject, message, evidence,
                   state, opened_at, last_seen_at, digest)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)
RETURNING id;

-- name: refresh-flag
UPDATE flags SET severity = ?, subject = ?, message = ?, evidence = ?, last_seen_at = ?, digest = ? WHERE id = ?;

-- name: reopen-flag
UPDATE flags SET severity = ?, subject = ?, message = ?, evidence = ?, last_seen_at = ?, digest = ?, state = 'open',
                 resolved_at = NULL, note = '', accepted_by = '', accepted_at = NULL, accepted_digest = ''
WHERE id = ?;

-- name: accept-flag
UPDATE flags SET state = 'accepted', note = ?, accepted_by = ?, accepted_at = ?, accepted_digest = digest
WHERE id = ? AND state IN ('open', 'accepted');

-- name: flag-state
SELECT state FROM flags WHERE id = ?;

-- name: accepted-digests
SELECT key, accepted_digest FROM flags WHERE state = 'accepted';

-- name: present-file-counts
-- Files still settling (never read) do not count: they change nothing yet.
SELECT department, count(*) FROM files WHERE present = 1 AND current_read IS NOT NULL GROUP BY department;

-- name: delete-rule-results
DELETE FROM rule_results;

-- name: insert-rule-result
INSERT INTO rule_results (rule, class, state, inputs, waiting, detail, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?);

-- name: rule-results
SELECT rule, class, state, inputs, waiting, detail, evaluated_at FROM rule_results ORDER BY rowid;

-- name: observation-history
SELECT o.id, o.department, o.value, o.decimals, o.approx, o.unit, o.raw, o.note, o.sheet, o.cell, o.label,
       o.hidden_row, o.fraction, f.source, f.path, f.present, r.read_at, r.id = coalesce(f.good_read, 0) AS current, r.outcome
FROM observations o
JOIN reads r ON r.id = o.read_id
JOIN files f ON f.id = o.file_id
WHERE o.indicator = ? AND o.period = ?
ORDER BY r.read_at, o.seq;

-- name: flag-events
SELECT at, state, message FROM flag_events WHERE flag_id = ? ORDER BY id;

-- name: resolve-flag
UPDATE flags SET state = ?, resolved_at = ? WHERE id = ?;

-- name: insert-flag-event
INSERT INTO flag_events (flag_id, at, state, message) VALUES (?, ?, ?, ?);

-- name: flags
SELECT id, kind, severity, department, indicator, period, rule, subject, message, evidence, state,
       opened_at, last_seen_at, resolved_at, note, accepted_by, accepted_at
FROM flags
ORDER BY CASE state WHEN 'open' THEN 0 WHEN 'accepted' THEN 1 ELSE 2 END, department, kind, indicator, period, id;

-- name: files-summary
SELECT f.department, f.source, f.path, f.size, f.mod_time, f.first_seen, f.last_seen, f.present, f.state,
       coalesce(r.outcome, '') AS outcome, coalesce(r.error, '') AS error, coalesce(r.read_at, '') AS read_at,
       coalesce(r.rows, 0) AS rows, coalesce(r.sheets, '[]') AS sheets,
       coalesce((SELECT min(coalesce(ru.started_at, r2.read_at))
                 FROM reads r2 JOIN files f2 ON f2.id = r2.file_id LEFT JOIN runs ru ON ru.id = r2.run_id
                 WHERE f2.department = f.department AND r2.change_key = r.change_key), '') AS received
FROM files f LEFT JOIN reads r ON r.id = f.current_read
ORDER BY f.department, f.path;

-- name: insert-run
INSERT INTO runs (job, trigger, scheduled_at, started_at, outcome) VALUES (?, ?, ?, ?, 'running')
RETURNING id;

-- name: finish-run
UPDATE runs SET finished_at = ?, outcome = ?, counts = ?, error = ? WHERE id = ?;

-- name: interrupt-runs
UPDATE runs SET outcome = 'interrupted', finished_at = ? WHERE outcome = 'running' AND job = ?;

-- name: runs
SELECT id, job, trigger, coalesce(scheduled_at, '') AS scheduled_at, started_at,
       coalesce(finished_at, '') AS finished_at, outcome, counts, error
FROM runs ORDER BY id DESC LIMIT ?;

-- name: read-observation-counts
SELECT r.id, count(o.id) FROM reads r LEFT JOIN observations o ON o.read_id = r.id
WHERE r.outcome = 'ok' GROUP BY r.id;

-- name: open-flag-counts
SELECT kind, count(*) FROM flags WHERE state = 'open' GROUP BY kind;

-- name: get-meta
SELECT value FROM meta WHERE key = ?;

-- name: set-meta
INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: source-error
SELECT error, last_ok IS NOT NULL FROM sources WHERE department = ? AND source = ?;

-- name: rule-state-counts
SELECT state, count(*) FROM rule_results GROUP BY state;

-- name: insert-outbox
-- A message whose dedup_key is already stored is skipped: no row returned.
INSERT INTO outbox (message_id, kind, dedup_key, sender, recipients, subject, body_text, body_html,
                    attachments, state, attempts, next_attempt_at, last_error, created_at, expires_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, '', ?, ?)
ON CONFLICT (dedup_key) DO NOTHING
RETURNING id;

-- name: due-outbox
SELECT id, message_id, kind, coalesce(dedup_key, ''), sender, recipients, subject, body_text, body_html,
       attachments, state, attempts, next_attempt_at, last_error, created_at, coalesce(sent_at, '')
FROM outbox
WHERE state = 'queued' AND next_attempt_at <= ?
ORDER BY next_attempt_at, id
LIMIT ?;

-- name: list-outbox
SELECT id, message_id, kind, coalesce(dedup_key, ''), sender, recipients, subject, body_text, body_html,
       attachments, state, attempts, next_attempt_at, last_error, created_at, coalesce(sent_at, '')
FROM outbox
ORDER BY id DESC
LIMIT ?;

-- name: outbox-sent
UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = ''
WHERE id = ? AND state = 'queued';

-- name: outbox-retry
UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?
WHERE id = ? AND state = 'queued';

-- name: outbox-failed
UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?
WHERE id = ? AND state = 'queued';

-- name: outbox-requeue
UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = ?
WHERE id = ? AND state IN ('queued', 'failed');

-- name: outbox-state
SELECT state FROM outbox WHERE id = ?;

-- name: expire-outbox
UPDATE outbox SET state = 'failed', last_error = ?
WHERE state = 'queued' AND expires_at IS NOT NULL AND expires_at <= ?;
