package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Bookkeeping gathers what a sync's listing learnt about sources and files
// (whether each source could be listed, files deferred or seen unchanged,
// files still present) and writes it in one transaction at Commit: a cycle
// of 500 departments then costs one commit, not two thousand. Nothing is
// written before Commit; a sync stopped before it lists again next time.
type Bookkeeping struct {
	db  *DB
	ops []func(ctx context.Context, tx *sqlx.Tx) error
}

// NewBookkeeping starts the bookkeeping of one listing.
func (db *DB) NewBookkeeping() *Bookkeeping { return &Bookkeeping{db: db} }

// SetSourceStatus says what recording whether listing a source worked
// will change, and records it at Commit.
func (b *Bookkeeping) SetSourceStatus(ctx context.Context, department, source string, listErr error) (SourceChange, error) {
	var before string
	var everOK bool
	err := b.db.q.SourceError.QueryRowxContext(ctx, department, source).Scan(&before, &everOK)
	known := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return SourceChange{}, fmt.Errorf("read status of source %s: %w", source, err)
	}
	now := formatTime(b.db.Now())
	after := ""
	if listErr != nil {
		after = listErr.Error()
	}
	b.ops = append(b.ops, func(ctx context.Context, tx *sqlx.Tx) error {
		var err error
		if listErr == nil {
			_, err = bind(ctx, tx, b.db.q.UpsertSourceOK).ExecContext(ctx, department, source, now, now)
		} else {
			_, err = bind(ctx, tx, b.db.q.UpsertSourceError).ExecContext(ctx, department, source, now, after, now)
		}
		if err != nil {
			return fmt.Errorf("record status of source %s: %w", source, err)
		}
		return nil
	})
	return SourceChange{Changed: !known || before != after, EverListed: everOK || listErr == nil}, nil
}

// SeeFiles records files as listed, in the state given, at Commit.
func (b *Bookkeeping) SeeFiles(department, source string, files []Seen) {
	if len(files) == 0 {
		return
	}
	now := b.db.Now()
	b.ops = append(b.ops, func(ctx context.Context, tx *sqlx.Tx) error {
		for _, f := range files {
			if _, err := b.db.upsertFile(ctx, tx, department, source, f.Ref, f.State, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// TouchFiles records, at Commit, that a source's present files were all
// listed again.
func (b *Bookkeeping) TouchFiles(department, source string) {
	now := formatTime(b.db.Now())
	b.ops = append(b.ops, func(ctx context.Context, tx *sqlx.Tx) error {
		if _, err := bind(ctx, tx, b.db.q.TouchPresentFiles).ExecContext(ctx, now, department, source); err != nil {
			return fmt.Errorf("record files of %s as seen: %w", source, err)
		}
		return nil
	})
}

// Commit writes everything gathered, in the order it was gathered.
func (b *Bookkeeping) Commit(ctx context.Context) error {
	if len(b.ops) == 0 {
		return nil
	}
	err := b.db.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, op := range b.ops {
			if err := op(ctx, tx); err != nil {
				return err
			}
		}
		return nil
	})
	b.ops = nil
	if err != nil {
		return fmt.Errorf("record the listing: %w", err)
	}
	return nil
}
