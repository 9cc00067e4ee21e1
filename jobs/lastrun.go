package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/sheaf-dev/sheaf/storage"
)

// lastStart is when the last run of job with outcome (any outcome when
// empty) started, or the zero time when it never ran.
func lastStart(ctx context.Context, db *storage.DB, job, outcome string) (time.Time, error) {
	r, err := db.LastRun(ctx, job, outcome)
	if errors.Is(err, storage.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return r.StartedAt, nil
}
