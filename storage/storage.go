// Package storage keeps sheaf's state in one SQLite file: files and their
// reads, every observation with its provenance, figures, flags and job runs.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"
)

// ErrNotFound is returned when a row asked for does not exist.
var ErrNotFound = errors.New("not found")

//go:embed migrations/*.sql
var migrations embed.FS

//go:embed queries.sql
var queriesSQL string

// DB is sheaf's database. It has one writer: every write runs in an
// immediate transaction so that two writers queue instead of failing.
type DB struct {
	db *sqlx.DB
	q  map[string]*sqlx.Stmt
	// batchObs[n] inserts n observations in one statement, for n a power
	// of two up to observationBatch.
	batchObs map[int]*sqlx.Stmt
	// Now is the clock used for every stored time.
	Now func() time.Time
}

// Open opens (creating if needed) the database at path, runs pending
// migrations and prepares every query, so that a broken query stops the
// start rather than a job hours later.
func Open(ctx context.Context, path string) (*DB, error) {
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
	sdb, err := sqlx.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// One connection: SQLite has one writer anyway, and a single connection
	// keeps prepared statements and transactions simple.
	sdb.SetMaxOpenConns(1)
	db := &DB{db: sdb, Now: time.Now}
	if err := db.migrate(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	if err := db.prepare(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	for _, s := range db.q {
		s.Close()
	}
	for _, s := range db.batchObs {
		s.Close()
	}
	return db.db.Close()
}

// IntegrityCheck runs SQLite's integrity check and returns its verdict
// ("ok" when the file is sound).
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := db.db.GetContext(ctx, &res, "PRAGMA integrity_check")
	return res, err
}

func (db *DB) migrate(ctx context.Context) error { return db.migrateBefore(ctx, "") }

// migrateBefore runs the pending migrations whose names sort before stop
// (all of them when stop is empty): a test builds an older database with it.
func (db *DB) migrateBefore(ctx context.Context, stop string) error {
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if stop != "" && name >= stop {
			break
		}
		if err := db.migrateOne(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateOne(ctx context.Context, name string) error {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM migrations WHERE name = ?`, name); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if fix := goMigrations[name]; fix != nil {
		if err := fix(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`,
		name, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}

// prepare parses queries.sql, where each query follows a "-- name: x" line.
func (db *DB) prepare(ctx context.Context) error {
	db.q = map[string]*sqlx.Stmt{}
	var name string
	var body strings.Builder
	flush := func() error {
		if name == "" {
			return nil
		}
		st, err := db.db.PreparexContext(ctx, body.String())
		if err != nil {
			return fmt.Errorf("prepare query %q: %w", name, err)
		}
		db.q[name] = st
		body.Reset()
		return nil
	}
	for _, line := range strings.Split(queriesSQL, "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
			if err := flush(); err != nil {
				return err
			}
			name = strings.TrimSpace(n)
			continue
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	if err := flush(); err != nil {
		return err
	}
	return db.prepareBatch(ctx)
}

// observationBatch is how many observations one INSERT stores (17
// parameters each, well under SQLite's limit of 32,766).
const observationBatch = 64

// prepareBatch builds multi-row forms of insert-observation from the query
// in queries.sql, so the columns are written in one place only: one for
// each power of two up to observationBatch, so that any number of rows
// takes few statements (200 rows: 64+64+64+8).
func (db *DB) prepareBatch(ctx context.Context) error {
	one := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(queryText("insert-observation")), ";"))
	head, tuple, ok := strings.Cut(one, "VALUES")
	if !ok {
		return fmt.Errorf("prepare batch insert: insert-observation has no VALUES")
	}
	tuple = strings.TrimSpace(tuple)
	db.batchObs = map[int]*sqlx.Stmt{}
	for n := 1; n <= observationBatch; n *= 2 {
		q := head + "VALUES " + strings.TrimSuffix(strings.Repeat(tuple+",", n), ",")
		st, err := db.db.PreparexContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare batch insert: %w", err)
		}
		db.batchObs[n] = st
	}
	return nil
}

// queryText returns the SQL of a named query in queries.sql.
func queryText(name string) string {
	_, rest, ok := strings.Cut(queriesSQL, "-- name: "+name+"\n")
	if !ok {
		return ""
	}
	body, _, _ := strings.Cut(rest, "-- name:")
	return body
}

// stmt returns the prepared query name, bound to tx when tx is not nil.
func (db *DB) stmt(ctx context.Context, tx *sqlx.Tx, name string) *sqlx.Stmt {
	st, ok := db.q[name]
	if !ok {
		panic("storage: no query named " + name) // a programming error, caught by any test
	}
	if tx != nil {
		return tx.StmtxContext(ctx, st)
	}
	return st
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
