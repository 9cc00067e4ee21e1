-- Small facts about the database's state, such as the stamp of the inputs
-- the figures were last reconciled from.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- When a department's content was first received is found by its change key.
CREATE INDEX reads_change_key ON reads (change_key);

-- Current observations are read in (indicator, period) order through
-- observations_indicator, each checked against its file's current read.
CREATE INDEX files_current_read ON files (current_read);
