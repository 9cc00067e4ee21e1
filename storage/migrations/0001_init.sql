-- Runs of jobs (sync today; remind, digest and draft later).
CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT NOT NULL,
    trigger      TEXT NOT NULL DEFAULT '',
    scheduled_at TEXT,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    outcome      TEXT NOT NULL DEFAULT 'running', -- running | ok | failed | interrupted
    counts       TEXT NOT NULL DEFAULT '{}',      -- JSON
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_job_started ON runs (job, started_at);

-- Where spreadsheets live, and whether the last listing worked.
CREATE TABLE sources (
    department  TEXT NOT NULL,
    source      TEXT NOT NULL,
    last_listed TEXT,
    last_ok     TEXT,
    error       TEXT NOT NULL DEFAULT '',
    error_since TEXT,
    PRIMARY KEY (department, source)
);

-- Every file ever seen in a source.
CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    department   TEXT NOT NULL,
    source       TEXT NOT NULL,
    path         TEXT NOT NULL,
    change_key   TEXT NOT NULL DEFAULT '',
    size         INTEGER NOT NULL DEFAULT 0,
    mod_time     TEXT,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    present      INTEGER NOT NULL DEFAULT 1,
    state        TEXT NOT NULL DEFAULT 'new', -- new | read | failed | duplicate | deferred
    current_read INTEGER REFERENCES reads (id),
    UNIQUE (department, source, path)
);

-- Every time a file's content was read (or found to duplicate another file).
CREATE TABLE reads (
    id           INTEGER PRIMARY KEY,
    file_id      INTEGER NOT NULL REFERENCES files (id),
    run_id       INTEGER REFERENCES runs (id),
    change_key   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    size         INTEGER NOT NULL,
    mod_time     TEXT,
    read_at      TEXT NOT NULL,
    outcome      TEXT NOT NULL, -- ok | failed | duplicate
    error        TEXT NOT NULL DEFAULT '',
    duplicate_of INTEGER REFERENCES files (id),
    rows         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reads_file ON reads (file_id);

-- Every value ever read, with its provenance. value is NULL for a row that
-- gives no value (a blank, "—", "无"), which withdraws an older one.
CREATE TABLE observations (
    id         INTEGER PRIMARY KEY,
    read_id    INTEGER NOT NULL REFERENCES reads (id),
    file_id    INTEGER NOT NULL REFERENCES files (id),
    department TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    period     TEXT NOT NULL,
    value      REAL,
    decimals   INTEGER NOT NULL DEFAULT 0,
    approx     TEXT NOT NULL DEFAULT '',
    unit       TEXT NOT NULL,
    raw        TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    sheet      TEXT NOT NULL DEFAULT '',
    cell       TEXT NOT NULL DEFAULT '',
    label      TEXT NOT NULL DEFAULT '',
    seq        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX observations_read ON observations (read_id);
CREATE INDEX observations_indicator ON observations (indicator, period);

-- What extraction noticed in a read (unreadable cells, unknown rows,
-- approximate values, an unreadable file).
CREATE TABLE findings (
    id        INTEGER PRIMARY KEY,
    read_id   INTEGER NOT NULL REFERENCES reads (id),
    kind      TEXT NOT NULL,
    severity  TEXT NOT NULL,
    indicator TEXT NOT NULL DEFAULT '',
    period    TEXT NOT NULL DEFAULT '',
    sheet     TEXT NOT NULL DEFAULT '',
    cell      TEXT NOT NULL DEFAULT '',
    raw       TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    message   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX findings_read ON findings (read_id);

-- The figure chosen for every indicator and period, rebuilt by each sync.
CREATE TABLE figures (
    indicator      TEXT NOT NULL,
    period         TEXT NOT NULL,
    value          REAL,
    decimals       INTEGER NOT NULL DEFAULT 0,
    unit           TEXT NOT NULL,
    status         TEXT NOT NULL,
    statuses       TEXT NOT NULL DEFAULT '[]', -- JSON list
    department     TEXT NOT NULL DEFAULT '',
    file           TEXT NOT NULL DEFAULT '',
    sheet          TEXT NOT NULL DEFAULT '',
    cell           TEXT NOT NULL DEFAULT '',
    raw            TEXT NOT NULL DEFAULT '',
    note           TEXT NOT NULL DEFAULT '',
    observation_id INTEGER REFERENCES observations (id),
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (indicator, period)
);

-- Findings shown to people, with a life of their own: identity is the key
-- (kind, department, indicator, period, rule, subject).
CREATE TABLE flags (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    severity     TEXT NOT NULL,
    department   TEXT NOT NULL DEFAULT '',
    indicator    TEXT NOT NULL DEFAULT '',
    period       TEXT NOT NULL DEFAULT '',
    rule         TEXT NOT NULL DEFAULT '',
    subject      TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL,
    evidence     TEXT NOT NULL DEFAULT '[]', -- JSON list
    state        TEXT NOT NULL DEFAULT 'open', -- open | accepted | resolved | obsolete
    opened_at    TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    resolved_at  TEXT
);
CREATE INDEX flags_state ON flags (state, kind);

-- The history of every flag: each opening, resolution and reopening.
CREATE TABLE flag_events (
    id      INTEGER PRIMARY KEY,
    flag_id INTEGER NOT NULL REFERENCES flags (id),
    at      TEXT NOT NULL,
    state   TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX flag_events_flag ON flag_events (flag_id);
