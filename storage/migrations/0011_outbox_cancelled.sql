-- A message may be cancelled before delivery (state 'cancelled', the reason
-- in last_error): a notice whose department no longer owes what it lists,
-- a digest superseded by a newer one. A message delivered to some of its
-- recipients records the others, refused by the server, in refused (JSON
-- [{address, reason}]). SQLite cannot change a CHECK constraint in place,
-- so the table is rebuilt.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    dedup_key       TEXT UNIQUE,
    sender          TEXT NOT NULL,
    recipients      TEXT NOT NULL DEFAULT '{}',
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL DEFAULT '',
    body_html       TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]',
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    expires_at      TEXT,
    refused         TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO outbox_new (id, message_id, kind, dedup_key, sender, recipients, subject, body_text, body_html,
                        attachments, state, attempts, next_attempt_at, last_error, created_at, sent_at, expires_at)
SELECT id, message_id, kind, dedup_key, sender, recipients, subject, body_text, body_html,
       attachments, state, attempts, next_attempt_at, last_error, created_at, sent_at, expires_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
