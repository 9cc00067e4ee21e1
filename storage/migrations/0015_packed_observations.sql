-- sheaf: foreign keys off
-- An observation's details travel in one column, packed (see details.go):
-- storing the 19 columns of 100,000 observations spent most of a sync's
-- writing time binding them one by one. What queries select by or sort
-- by stays a column. figures.observation_id refers to observations, so
-- the table is rebuilt with foreign keys off and checked before commit.
CREATE TABLE observations_packed (
    id        INTEGER PRIMARY KEY,
    read_id   INTEGER NOT NULL REFERENCES reads (id),
    file_id   INTEGER NOT NULL REFERENCES files (id),
    indicator TEXT NOT NULL,
    period    TEXT NOT NULL,
    value     REAL,
    details   TEXT NOT NULL
);
INSERT INTO observations_packed (id, read_id, file_id, indicator, period, value, details)
SELECT id, read_id, file_id, indicator, period, value,
       decimals || char(31) || seq || char(31) || (hidden_row != 0) || char(31) || (fraction != 0) || char(31) ||
       first_seen || char(31) || first_mod_time || char(31) ||
       length(CAST(department AS BLOB)) || ':' || department ||
       length(CAST(approx AS BLOB)) || ':' || approx ||
       length(CAST(unit AS BLOB)) || ':' || unit ||
       length(CAST(sheet AS BLOB)) || ':' || sheet ||
       length(CAST(raw AS BLOB)) || ':' || raw ||
       length(CAST(note AS BLOB)) || ':' || note ||
       length(CAST(cell AS BLOB)) || ':' || cell ||
       length(CAST(label AS BLOB)) || ':' || label
FROM observations;
DROP TABLE observations;
ALTER TABLE observations_packed RENAME TO observations;
CREATE INDEX observations_read ON observations (read_id);
