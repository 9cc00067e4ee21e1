-- The outbox: e-mail waiting to be sent, and what became of it.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: insert-outbox
-- A message whose dedup_key is already stored is skipped: no row returned.
INSERT INTO outbox (message_id, kind, dedup_key, sender, recipients, subject, body_text, body_html,
                    attachments, state, attempts, next_attempt_at, last_error, created_at, expires_at,
                    channel, link)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, '', ?, ?, ?, ?)
ON CONFLICT (dedup_key) DO NOTHING
RETURNING id;

-- name: due-outbox
SELECT id, message_id, kind, coalesce(dedup_key, ''), sender, recipients, subject, body_text, body_html,
       attachments, state, attempts, next_attempt_at, last_error, created_at, coalesce(sent_at, ''),
       coalesce(expires_at, ''), refused, channel, link
FROM outbox
WHERE state = 'queued' AND next_attempt_at <= ?
ORDER BY next_attempt_at, id
LIMIT ?;

-- name: list-outbox
SELECT id, message_id, kind, coalesce(dedup_key, ''), sender, recipients, subject, body_text, body_html,
       attachments, state, attempts, next_attempt_at, last_error, created_at, coalesce(sent_at, ''),
       coalesce(expires_at, ''), refused, channel, link
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

-- name: outbox-partly-sent
-- Accepted for some recipients; the others, refused, are recorded.
UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = ?, refused = ?
WHERE id = ? AND state = 'queued';

-- name: outbox-cancel
UPDATE outbox SET state = 'cancelled', last_error = ?
WHERE id = ? AND state = 'queued';

-- name: outbox-revise
-- A notice rewritten before delivery (its department owes less): the
-- text is sent as plain text only.
UPDATE outbox SET subject = ?, body_text = ?, body_html = ''
WHERE id = ? AND state = 'queued';

-- name: outbox-cancel-superseded
-- Every queued message of a kind older than the newest of that kind on
-- the same channel: a digest to a chat group does not replace the mail.
UPDATE outbox SET state = 'cancelled', last_error = ?
WHERE kind = ? AND state = 'queued'
  AND id < (SELECT max(o.id) FROM outbox o WHERE o.kind = outbox.kind AND o.channel = outbox.channel);

-- name: outbox-decisions
-- The state of each decision (dedup key) in a JSON array that is stored.
SELECT dedup_key, state FROM outbox
WHERE dedup_key IN (SELECT value FROM json_each(?));

-- name: outbox-refused-since
-- Messages sent since a time to only some of their recipients.
SELECT id, kind, subject, refused, coalesce(sent_at, '') FROM outbox
WHERE state = 'sent' AND refused != '[]' AND sent_at > ?
ORDER BY id;
