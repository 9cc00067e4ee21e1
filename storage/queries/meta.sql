-- Facts kept between runs.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: get-meta
SELECT value FROM meta WHERE key = ?;

-- name: set-meta
INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: add-meta
INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING;
