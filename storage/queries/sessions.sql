-- Signed-in browsers of the status pages (web_sessions), by the SHA-256 of
-- their cookie's id.
-- Each query follows a "-- name:" line; queries.go has a field for each.

-- name: insert-session
INSERT INTO web_sessions (id_hash, csrf, created_at, expires_at) VALUES (?, ?, ?, ?);

-- name: session
SELECT csrf, expires_at FROM web_sessions WHERE id_hash = ?;

-- name: delete-session
DELETE FROM web_sessions WHERE id_hash = ?;

-- name: delete-expired-sessions
DELETE FROM web_sessions WHERE expires_at <= ?;
