package storage

import (
	"context"
	"database/sql"
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
