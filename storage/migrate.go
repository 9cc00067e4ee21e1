package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed migrations/*.sql
var migrations embed.FS

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

func (db *DB) migrateOne(ctx context.Context, name string) (err error) {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	// A migration that rebuilds a table others refer to runs with foreign
	// keys off (SQLite ignores the pragma inside a transaction), on a
	// connection of its own, and checks them all before it commits.
	conn, err := db.db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	keysOff := strings.HasPrefix(string(body), "-- sheaf: foreign keys off")
	if keysOff {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return err
		}
		// The connection goes back to the pool: it must not keep them off.
		defer func() {
			if _, onErr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); onErr != nil && err == nil {
				err = fmt.Errorf("turn foreign keys back on: %w", onErr)
			}
		}()
	}
	tx, err := conn.BeginTxx(ctx, nil)
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
	// Rows that referred to nothing before (foreign keys were not always
	// on) are not this migration's doing.
	var brokenBefore int
	if keysOff {
		if err := tx.GetContext(ctx, &brokenBefore, `SELECT count(*) FROM pragma_foreign_key_check`); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if fix := goMigrations[name]; fix != nil {
		if err := fix(ctx, tx); err != nil {
			return err
		}
	}
	if keysOff {
		var broken int
		if err := tx.GetContext(ctx, &broken, `SELECT count(*) FROM pragma_foreign_key_check`); err != nil {
			return err
		}
		if broken > brokenBefore {
			return fmt.Errorf("%d rows refer to rows that are not there, %d before", broken, brokenBefore)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name, applied_at) VALUES (?, ?)`,
		name, formatTime(db.Now())); err != nil {
		return err
	}
	return tx.Commit()
}
