-- Facts kept between runs. Each query follows a "-- name:" line and fills the field of
-- the queries struct (queries.go) tagged with that name.

-- name: get-meta
SELECT value FROM meta WHERE key = ?;

-- name: set-meta
INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value;
