package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sheaf-dev/sheaf/reconcile"
)

// SourceChange says what recording a listing changed.
type SourceChange struct {
	// Changed: the source's status is not what it was at the last listing.
	Changed bool
	// EverListed: some listing of the source has worked, now or before.
	EverListed bool
}

// SetSourceStatus records whether listing a source worked.
func (db *DB) SetSourceStatus(ctx context.Context, department, source string, listErr error) (SourceChange, error) {
	b := db.NewBookkeeping()
	change, err := b.SetSourceStatus(ctx, department, source, listErr)
	if err != nil {
		return change, err
	}
	return change, b.Commit(ctx)
}

// SourceStatuses says of every source ever listed whether its last listing
// worked and, if not, since when it fails.
func (db *DB) SourceStatuses(ctx context.Context) ([]reconcile.SourceStatus, error) {
	rows, err := db.q.SourceStatuses.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("load sources: %w", err)
	}
	defer rows.Close()
	var out []reconcile.SourceStatus
	for rows.Next() {
		var s reconcile.SourceStatus
		var since, lastOK sql.NullString
		if err := rows.Scan(&s.Department, &s.Source, &s.Error, &since, &lastOK); err != nil {
			return nil, fmt.Errorf("load sources: %w", err)
		}
		s.Since, s.LastOK = parseTime(since), parseTime(lastOK)
		out = append(out, s)
	}
	return out, rows.Err()
}
