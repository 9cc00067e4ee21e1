-- Sources: whether listing each worked.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: upsert-source-ok
INSERT INTO sources (department, source, last_listed, last_ok, error, error_since)
VALUES (?, ?, ?, ?, '', NULL)
ON CONFLICT (department, source) DO UPDATE
SET last_listed = excluded.last_listed, last_ok = excluded.last_ok, error = '', error_since = NULL;

-- name: upsert-source-error
INSERT INTO sources (department, source, last_listed, error, error_since)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (department, source) DO UPDATE
SET last_listed = excluded.last_listed, error = excluded.error,
    error_since = coalesce(sources.error_since, excluded.error_since);

-- name: source-statuses
SELECT department, source, error, error_since, last_ok FROM sources;

-- name: source-errors
SELECT department, source, error, last_ok IS NOT NULL FROM sources;
