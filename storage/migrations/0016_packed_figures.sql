-- A figure's details travel in one column, packed (see details.go), as an
-- observation's do: writing 100,000 figures bound 18 parameters each.
-- What a sync compares or orders by (status, time, order, signature) and
-- the value stay columns.
CREATE TABLE figures_packed (
    indicator      TEXT NOT NULL,
    period         TEXT NOT NULL,
    value          REAL,
    status         TEXT NOT NULL,
    observation_id INTEGER REFERENCES observations (id),
    updated_at     TEXT NOT NULL,
    ord            INTEGER NOT NULL DEFAULT 0,
    sig            TEXT NOT NULL DEFAULT '',
    details        TEXT NOT NULL,
    PRIMARY KEY (indicator, period)
) WITHOUT ROWID;
INSERT INTO figures_packed (indicator, period, value, status, observation_id, updated_at, ord, sig, details)
SELECT indicator, period, value, status, observation_id, updated_at, ord, sig,
       decimals || char(31) ||
       length(CAST(unit AS BLOB)) || ':' || unit ||
       length(CAST(statuses AS BLOB)) || ':' || statuses ||
       length(CAST(department AS BLOB)) || ':' || department ||
       length(CAST(file AS BLOB)) || ':' || file ||
       length(CAST(sheet AS BLOB)) || ':' || sheet ||
       length(CAST(cell AS BLOB)) || ':' || cell ||
       length(CAST(raw AS BLOB)) || ':' || raw ||
       length(CAST(note AS BLOB)) || ':' || note ||
       length(CAST(reason AS BLOB)) || ':' || reason
FROM figures;
DROP TABLE figures;
ALTER TABLE figures_packed RENAME TO figures;
