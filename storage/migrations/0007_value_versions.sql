-- When each value first appeared in its file, so that within a department
-- the value that appeared last counts, not the file saved last: re-saving
-- an old file leaves its old values old. first_seen is the start of the
-- sync that first read the value (files first seen in one sync tie);
-- first_mod_time is the file's modification time at that read.
ALTER TABLE observations ADD COLUMN first_seen TEXT NOT NULL DEFAULT '';
ALTER TABLE observations ADD COLUMN first_mod_time TEXT NOT NULL DEFAULT '';

-- The read whose values and findings count for a file: its latest good
-- read. A file re-saved corrupt keeps its last good values (its failed read
-- is still its current read, for status and for knowing the content).
ALTER TABLE files ADD COLUMN good_read INTEGER REFERENCES reads (id);

UPDATE files SET good_read = (
    SELECT max(r.id) FROM reads r
    WHERE r.file_id = files.id AND r.outcome = 'ok'
      AND r.id > coalesce((SELECT max(d.id) FROM reads d WHERE d.file_id = files.id AND d.outcome = 'duplicate'), 0))
WHERE current_read IS NOT NULL;

-- Every stored value first appeared at its own read ...
UPDATE observations SET
    first_seen = coalesce((SELECT coalesce(ru.started_at, r.read_at) FROM reads r LEFT JOIN runs ru ON ru.id = r.run_id
                           WHERE r.id = observations.read_id), ''),
    first_mod_time = coalesce((SELECT r.mod_time FROM reads r WHERE r.id = observations.read_id), '');

-- ... unless the same value was in an earlier good read of the same file:
-- then it first appeared there. Only the values that count need it.
-- (SQLite takes a bare column of an aggregate query from the row min()
-- chose: mod_time is that of the earliest read.)
CREATE TEMP TABLE value_origin AS
SELECT o.file_id, o.indicator, o.period, o.value,
       min(coalesce(ru.started_at, r.read_at)) AS first_seen, coalesce(r.mod_time, '') AS first_mod_time
FROM observations o JOIN reads r ON r.id = o.read_id LEFT JOIN runs ru ON ru.id = r.run_id
WHERE r.outcome = 'ok'
GROUP BY o.file_id, o.indicator, o.period, o.value;
CREATE INDEX temp.value_origin_key ON value_origin (file_id, indicator, period);

UPDATE observations SET (first_seen, first_mod_time) = (
    SELECT v.first_seen, v.first_mod_time FROM value_origin v
    WHERE v.file_id = observations.file_id AND v.indicator = observations.indicator
      AND v.period = observations.period AND v.value IS observations.value)
WHERE read_id IN (SELECT good_read FROM files WHERE good_read IS NOT NULL);

DROP TABLE value_origin;
