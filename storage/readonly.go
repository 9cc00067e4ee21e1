package storage

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// OpenReadOnly opens an existing database for reading only: another
// cycle's database consulted for reference (last cycle's figures beside
// this cycle's templates), which must not be changed, migrated or created.
// A database written by an older sheaf, with migrations pending, is an
// error naming them: its queries would not match its tables.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// mode=ro refuses every write at the SQLite level; no journal_mode
	// pragma, which would be one.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_foreign_keys=on&_busy_timeout=10000"
	sdb, err := sqlx.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	sdb.SetMaxOpenConns(1)
	db := &DB{db: sdb, Now: time.Now}
	if err := db.checkMigrated(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := db.prepare(ctx, queryFiles); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// checkMigrated fails when the database lacks a migration this sheaf has.
func (db *DB) checkMigrated(ctx context.Context) error {
	var applied []string
	if err := db.db.SelectContext(ctx, &applied, `SELECT name FROM migrations`); err != nil {
		return fmt.Errorf("not a sheaf database (%w)", err)
	}
	have := map[string]bool{}
	for _, n := range applied {
		have[n] = true
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	var pending []string
	for _, n := range names {
		if !have[n] {
			pending = append(pending, strings.TrimPrefix(n, "migrations/"))
		}
	}
	if len(pending) > 0 {
		return fmt.Errorf("written by an older sheaf (migrations %s not applied); open it once with this sheaf (sheaf sync with its configuration) first", strings.Join(pending, ", "))
	}
	return nil
}
