-- A reminder expires at its deadline: one still queued then (the mail
-- server was down) is never delivered late.
ALTER TABLE outbox ADD COLUMN expires_at TEXT;
