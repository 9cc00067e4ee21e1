-- A sync writes only the figures and flags that changed: each row keeps a
-- signature of what it says, compared with the new result's. Figures keep
-- their catalogue order in ord, not in rowid, since an unchanged figure is
-- no longer deleted and inserted again; the table is keyed by indicator and
-- period alone (WITHOUT ROWID: one B-tree to write, not a table and an
-- index).
CREATE TABLE figures_keyed (
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
    reason         TEXT NOT NULL DEFAULT '',
    ord            INTEGER NOT NULL DEFAULT 0,
    sig            TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (indicator, period)
) WITHOUT ROWID;
INSERT INTO figures_keyed (indicator, period, value, decimals, unit, status, statuses, department, file, sheet,
                           cell, raw, note, observation_id, updated_at, reason, ord)
SELECT indicator, period, value, decimals, unit, status, statuses, department, file, sheet,
       cell, raw, note, observation_id, updated_at, reason, rowid
FROM figures;
DROP TABLE figures;
ALTER TABLE figures_keyed RENAME TO figures;

ALTER TABLE flags ADD COLUMN sig TEXT NOT NULL DEFAULT '';
