-- Signed-in browsers of the status pages, so that a restart of the daemon
-- does not sign everyone out. The cookie's id is stored only as its
-- SHA-256 (id_hash), so that a copy of the database signs nobody in.
CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expires_at);
