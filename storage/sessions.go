package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// WebSession is a signed-in browser of the status pages: its CSRF token and
// when it ends. It is found by the SHA-256 of its cookie's id, never the id.
type WebSession struct {
	CSRF    string
	Expires time.Time
}

// CreateWebSession stores a session under idHash (the SHA-256 of the
// cookie's id, hex) and forgets every session ended by now.
func (db *DB) CreateWebSession(ctx context.Context, idHash string, s WebSession, now time.Time) error {
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := bind(ctx, tx, db.q.DeleteExpiredSessions).ExecContext(ctx, formatTime(now)); err != nil {
			return err
		}
		_, err := bind(ctx, tx, db.q.InsertSession).ExecContext(ctx, idHash, s.CSRF, formatTime(now), formatTime(s.Expires))
		return err
	})
	if err != nil {
		return fmt.Errorf("store a web session: %w", err)
	}
	return nil
}

// WebSessionByHash returns the session stored under idHash, or ErrNotFound.
// An ended session is returned too: the caller decides by its clock.
func (db *DB) WebSessionByHash(ctx context.Context, idHash string) (WebSession, error) {
	var row struct {
		CSRF    string         `db:"csrf"`
		Expires sql.NullString `db:"expires_at"`
	}
	err := db.q.Session.GetContext(ctx, &row, idHash)
	if errors.Is(err, sql.ErrNoRows) {
		return WebSession{}, ErrNotFound
	}
	if err != nil {
		return WebSession{}, fmt.Errorf("read a web session: %w", err)
	}
	return WebSession{CSRF: row.CSRF, Expires: parseTime(row.Expires)}, nil
}

// DeleteWebSession ends the session stored under idHash (signing out); a
// session already gone is not an error.
func (db *DB) DeleteWebSession(ctx context.Context, idHash string) error {
	if _, err := db.q.DeleteSession.ExecContext(ctx, idHash); err != nil {
		return fmt.Errorf("end a web session: %w", err)
	}
	return nil
}
