package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
	var before string
	var everOK bool
	row := db.q.SourceError.QueryRowxContext(ctx, department, source)
	err := row.Scan(&before, &everOK)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SourceChange{}, fmt.Errorf("read status of source %s: %w", source, err)
	}
	now := formatTime(db.Now())
	after := ""
	if listErr == nil {
		_, err = db.q.UpsertSourceOK.ExecContext(ctx, department, source, now, now)
	} else {
		after = listErr.Error()
		_, err = db.q.UpsertSourceError.ExecContext(ctx, department, source, now, after, now)
	}
	if err != nil {
		return SourceChange{}, fmt.Errorf("record status of source %s: %w", source, err)
	}
	return SourceChange{Changed: !known || before != after, EverListed: everOK || listErr == nil}, nil
}
