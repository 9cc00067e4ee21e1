package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/sheaf-dev/sheaf/reconcile"
)

// SourceStatuses returns whether each source could be listed at the last
// sync, without the rest of CurrentInput: the reminders skip a department
// whose source failed.
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
