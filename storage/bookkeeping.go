package storage

import (
	"context"
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
	// sources is what is recorded of every source, read once with the
	// first SetSourceStatus instead of once per source.
	sources map[[2]string]sourceStatus
}

type sourceStatus struct {
	err    string
	everOK bool
}

// NewBookkeeping starts the bookkeeping of one listing.
func (db *DB) NewBookkeeping() *Bookkeeping { return &Bookkeeping{db: db} }

// SetSourceStatus says what recording whether listing a source worked
// will change, and records it at Commit.
func (b *Bookkeeping) SetSourceStatus(ctx context.Context, department, source string, listErr error) (SourceChange, error) {
	if b.sources == nil {
		if err := b.loadSources(ctx); err != nil {
			return SourceChange{}, fmt.Errorf("read status of source %s: %w", source, err)
		}
	}
	st, known := b.sources[[2]string{department, source}]
	before, everOK := st.err, st.everOK
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

// loadSources reads what is recorded of every source.
func (b *Bookkeeping) loadSources(ctx context.Context) error {
	rows, err := b.db.q.SourceErrors.QueryContext(uninterrupted(ctx))
	if err != nil {
		return err
	}
	defer rows.Close()
	b.sources = map[[2]string]sourceStatus{}
	for rows.Next() {
		var k [2]string
		var st sourceStatus
		if err := rows.Scan(&k[0], &k[1], &st.err, &st.everOK); err != nil {
			return err
		}
		b.sources[k] = st
	}
	return rows.Err()
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
