package storage

import (
	"context"
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
