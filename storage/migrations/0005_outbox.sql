-- The transactional outbox: every message sheaf has decided to send. The
-- decision and the message commit together (dedup_key makes a decision
-- such as "remind finance 7 days before 年报初稿" a row that exists once,
-- whatever restarts happen); a sender delivers queued messages afterwards
-- and marks each sent only once the server has accepted it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    -- "<…@…>", fixed at enqueue and the same on every attempt, so that a
    -- message delivered twice (a crash between the server's acceptance and
    -- the commit) is recognisably one message.
    message_id      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,               -- reminder | overdue | digest | draft | test
    dedup_key       TEXT UNIQUE,                 -- NULL: the message is not deduplicated
    sender          TEXT NOT NULL,
    recipients      TEXT NOT NULL DEFAULT '{}',  -- JSON {"to": [...], "cc": [...]}
    subject         TEXT NOT NULL,
    body_text       TEXT NOT NULL DEFAULT '',
    body_html       TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]',  -- JSON [{name, content_type, path | data (base64)}]
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,  -- delivery attempts made
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
