package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// ReconcileStamp is the meta key under which the stamp of the inputs the
// figures were last reconciled from is kept. Anything that changes those
// inputs outside a sync (accepting a flag) clears it.
const ReconcileStamp = "reconcile_stamp"

// reconciledAt is the meta key holding when a reconcile result was last
// saved: the last_seen_at of every current flag (the flags query reads it
// under this name).
const reconciledAt = "reconciled_at"

// Meta returns a stored fact, or ErrNotFound.
func (db *DB) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := db.q.GetMeta.GetContext(ctx, &v, key)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", key, err)
	}
	return v, nil
}

// SetMeta stores a fact.
func (db *DB) SetMeta(ctx context.Context, key, value string) error {
	if _, err := db.q.SetMeta.ExecContext(ctx, key, value); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

// identityKey is the meta key of the database's identity.
const identityKey = "database_id"

// StoredIdentity is the database's identity if it has been given one, ""
// if not; it writes nothing (for a database opened read-only).
func (db *DB) StoredIdentity(ctx context.Context) (string, error) {
	id, err := db.Meta(ctx, identityKey)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	return id, err
}

// Identity is a random name the database is given the first time it is
// asked for one: a command that reaches a daemon over HTTP compares it with
// its own database's, so that a daemon of another cycle answering on the
// same address is not taken for this one's.
func (db *DB) Identity(ctx context.Context) (string, error) {
	if id, err := db.Meta(ctx, identityKey); err == nil && id != "" {
		return id, nil
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return "", err
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	// Two processes asking at once agree on the first one stored.
	if _, err := db.q.AddMeta.ExecContext(ctx, identityKey, hex.EncodeToString(b[:])); err != nil {
		return "", fmt.Errorf("store %s: %w", identityKey, err)
	}
	return db.Meta(ctx, identityKey)
}
