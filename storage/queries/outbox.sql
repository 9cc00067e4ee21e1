-- The outbox: e-mail waiting to be sent, and what became of it.
-- Each query follows a "-- name:" line; queries.go has a field for each.

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
