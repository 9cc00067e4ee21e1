// Package storage keeps sheaf's state in one SQLite file: files and their
// reads, every observation with its provenance, figures, flags and job runs.
//
// Each concern has a Go file and a file of queries of the same name under
// queries/: files (what each source holds), reads (a file's reads with
// their observations and findings; origins says when a value first
// appeared), sources (whether listing worked), input (what reconcile works
// from), figures, rules, flags, history (every observation of a figure),
// runs, outbox and meta. queries.go prepares them all at Open; migrate.go
// and migrations/ build the schema.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"
)

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("not found")

// DB is sheaf's database. It has one writer: every write runs in an
// immediate transaction so that two writers queue instead of failing.
type DB struct {
	db *sqlx.DB
	// q holds every query, prepared.
	q *queries
	// batchObs[n] inserts n observations in one statement, for n a power
	// of two up to observationBatch.
	batchObs map[int]*sqlx.Stmt
	// batchFig[n] upserts n figures in one statement; batchBare[n] n
	// figures that have no value and nothing else to say.
	batchFig, batchBare map[int]*sqlx.Stmt
	// batchFlags[n] opens n flags, returning their ids and keys;
	// batchEvents[n] records n flag events.
	batchFlags, batchEvents map[int]*sqlx.Stmt
	// stmts is every prepared statement, closed with the database.
	stmts []*sqlx.Stmt
	// Now is the clock used for every stored time.
	Now func() time.Time
	// ckpt copies the write-ahead log back into the database; nil for a
	// database opened read-only.
	ckpt *checkpointer
}

// Open opens (creating if needed) the database at path, runs pending
// migrations and prepares every query, so that a broken query stops the
// start rather than a job hours later.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, queryFiles)
}

// open is Open with the queries read from the queries folder of sqlFiles.
func open(ctx context.Context, path string, sqlFiles fs.FS) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("create database folder: %w", err)
	}
	if err := fixSidecars(path); err != nil {
		return nil, err
	}
	// WAL lets readers (the status page, `sheaf figures`) work during a sync;
	// synchronous=NORMAL is safe in WAL mode (a crash loses at most the last
	// transactions, never consistency) and much faster than FULL.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL"
	sdb, err := sqlx.Open(sheafDriver(), dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and a single connection
	// keeps prepared statements and transactions simple. Checkpoints run on
	// another (see checkpoint.go).
	sdb.SetMaxOpenConns(1)
	db := &DB{db: sdb, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	if err := db.prepare(ctx, sqlFiles); err != nil {
		sdb.Close()
		return nil, err
	}
	if db.ckpt, err = startCheckpointer(dsn); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.ckpt != nil {
		db.ckpt.close()
		db.ckpt = nil
	}
	for _, s := range db.stmts {
		s.Close()
	}
	return db.db.Close()
}

// prepare reads the queries once and prepares them all.
func (db *DB) prepare(ctx context.Context, sqlFiles fs.FS) error {
	texts, err := parseQueries(sqlFiles, "queries")
	if err != nil {
		return fmt.Errorf("read queries: %w", err)
	}
	q, stmts, err := prepareQueries(ctx, db.db, texts)
	if err != nil {
		return err
	}
	// The multi-row forms of the inserts written in batches.
	batches := []struct {
		name string
		max  int
		into *map[int]*sqlx.Stmt
	}{
		{"insert-observation", observationBatch, &db.batchObs},
		{"upsert-figure", figureBatch, &db.batchFig},
		{"upsert-bare-figure", bareFigureBatch, &db.batchBare},
		{"insert-flag", flagBatch, &db.batchFlags},
		{"insert-flag-event", eventBatch, &db.batchEvents},
	}
	for _, b := range batches {
		batch, err := prepareBatch(ctx, db.db, b.name, texts[b.name], b.max)
		if err != nil {
			for _, st := range stmts {
				st.Close()
			}
			return err
		}
		for _, st := range batch {
			stmts = append(stmts, st)
		}
		*b.into = batch
	}
	db.q, db.stmts = q, stmts
	return nil
}

// inTx runs fn in one immediate transaction.
func (db *DB) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Times are stored as UTC RFC 3339 text, which sorts correctly.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func parseTime(s sql.NullString) time.Time {
	if !s.Valid || s.String == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return time.Time{}
	}
	return t
}

// fixSidecars gives the database's -wal and -shm files the database file's
// permissions when they lack write permission it has: SQLite creates them
// with the permissions the database had at the time, so after a
// `chmod 444 sheaf.db` and back they stay read-only and every later open
// fails with "attempt to write a readonly database". They are never deleted
// (the -wal may hold committed transactions); when their mode cannot be
// changed the error names the file to fix.
func fixSidecars(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return nil // a new database: nothing to fix
	}
	mode := st.Mode().Perm()
	if mode&0o200 == 0 {
		return fmt.Errorf("open database %s: the file is read-only (mode %04o); give it write permission, e.g. chmod u+w %s", path, mode, path)
	}
	for _, side := range []string{path + "-wal", path + "-shm"} {
		sst, err := os.Stat(side)
		if err != nil || sst.Mode().Perm()&0o200 != 0 {
			continue
		}
		if err := os.Chmod(side, mode); err != nil {
			return fmt.Errorf("open database %s: %s is read-only (mode %04o) and its mode cannot be changed (%v); give it the database's permissions, e.g. chmod %04o %s", path, side, sst.Mode().Perm(), err, mode, side)
		}
	}
	return nil
}
