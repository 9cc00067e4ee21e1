-- Figures of the latest sync.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: figure-signatures
SELECT indicator, period, ord, sig FROM figures;

-- name: delete-figure
DELETE FROM figures WHERE indicator = ? AND period = ?;

-- name: upsert-figure
-- details: the rest, packed (see details.go), given as bytes and stored
-- as the text they are (see insert-observation).
INSERT INTO figures (indicator, period, value, status, observation_id, updated_at, ord, sig, details)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS TEXT))
ON CONFLICT (indicator, period) DO UPDATE SET
    value = excluded.value, status = excluded.status, observation_id = excluded.observation_id,
    updated_at = excluded.updated_at, ord = excluded.ord, sig = excluded.sig, details = excluded.details;

-- name: upsert-bare-figure
-- Figures with no value and nothing else said of them (the missing figures
-- of an empty cycle) that share their status, details, time and
-- signature: those are bound once for the statement (?1 to ?4), and each
-- figure takes three parameters.
INSERT INTO figures (indicator, period, value, status, observation_id, updated_at, ord, sig, details)
SELECT v.column1, v.column2, NULL, ?1, NULL, ?3, v.column3, ?4, ?2
FROM (VALUES (?, ?, ?)) AS v WHERE true
ON CONFLICT (indicator, period) DO UPDATE SET
    value = NULL, status = excluded.status, observation_id = NULL, updated_at = excluded.updated_at,
    ord = excluded.ord, sig = excluded.sig, details = excluded.details;

-- name: figures
SELECT indicator, period, value, status, coalesce(observation_id, 0) AS observation_id, details
FROM figures ORDER BY ord, indicator, period;

-- name: figure
SELECT indicator, period, value, status, coalesce(observation_id, 0) AS observation_id, details
FROM figures WHERE indicator = ? AND period = ?;

-- name: department-figures
-- A department's figures, in catalogue order: those of the indicators it
-- owns (?1, a JSON array of their ids) and those whose value it gave (?2,
-- its id): the value's observation is one read from one of its files, in
-- any read (a file read again since the figures were last decided still
-- gave them). Each is found by key, not by reading every figure.
SELECT indicator, period, value, status, observation_id, details FROM (
    SELECT indicator, period, value, status, coalesce(observation_id, 0) AS observation_id, details, ord
    FROM figures
    WHERE indicator IN (SELECT value FROM json_each(?1))
    UNION
    SELECT fg.indicator, fg.period, fg.value, fg.status, fg.observation_id, fg.details, fg.ord
    FROM files f
    JOIN reads r ON r.file_id = f.id
    JOIN observations o ON o.read_id = r.id
    JOIN figures fg ON fg.indicator = o.indicator AND fg.period = o.period AND fg.observation_id = o.id
    WHERE f.department = ?2
)
ORDER BY ord, indicator, period;
