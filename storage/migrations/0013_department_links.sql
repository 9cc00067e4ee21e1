-- Issue 21: each department's page link, and the departments' answers to
-- their flags.
--
-- A department's link token is never stored: it is derived when needed
-- (HMAC-SHA256 of the department and version under the link secret, see
-- jobs/links.go). token_hash is its SHA-256 (hex), what a request's token
-- is compared with; version counts rotations, so that rotating makes a new
-- token and the old one stops working.
CREATE TABLE department_links (
    department TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    token_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A department's answer to one of its flags: a note (说明), or "corrected,
-- please sync again". The coordinator accepts it (the flag is accepted
-- with the note) or rejects it with a note the department reads on its
-- page. state: pending | accepted | rejected.
CREATE TABLE flag_answers (
    id            INTEGER PRIMARY KEY,
    flag_id       INTEGER NOT NULL REFERENCES flags (id),
    department    TEXT NOT NULL,
    corrected     INTEGER NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    answered_by   TEXT NOT NULL DEFAULT '',
    answered_at   TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'pending',
    decision_note TEXT NOT NULL DEFAULT '',
    decided_by    TEXT NOT NULL DEFAULT '',
    decided_at    TEXT
);
CREATE INDEX flag_answers_flag ON flag_answers (flag_id, id);
