package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/sheaf-dev/sheaf"
)

// File states, as stored in files.state.
const (
	FileRead      = "read"
	FileFailed    = "failed"
	FileDuplicate = "duplicate"
	FileDeferred  = "deferred"
)

// KnownFile is what the database remembers about a file of a source.
type KnownFile struct {
	ID   int64
	Path string
	// ChangeKey is the key the file had when it was last listed, with Size
	// and ModTime.
	ChangeKey string
	Size      int64
	ModTime   time.Time
	FirstSeen time.Time
	Present   bool
	State     string
	// Of the file's current read: the content it read, under which
	// extraction settings, and how it went.
	ReadKey     string
	Fingerprint string
	Outcome     string
	Error       string // why the read failed
}

// AllKnownFiles returns what is known of the files of every source, by
// department and source, then by path, with what their current read
// found: one query, where a sync of 500 departments made one per source.
func (db *DB) AllKnownFiles(ctx context.Context) (map[[2]string]map[string]KnownFile, error) {
	rows, err := db.q.AllKnownFiles.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("list known files: %w", err)
	}
	defer rows.Close()
	out := map[[2]string]map[string]KnownFile{}
	for rows.Next() {
		var k [2]string
		var f KnownFile
		if err := scanKnownFile(rows, &f, &k[0], &k[1]); err != nil {
			return nil, fmt.Errorf("list known files: %w", err)
		}
		m := out[k]
		if m == nil {
			m = map[string]KnownFile{}
			out[k] = m
		}
		m[f.Path] = f
	}
	return out, rows.Err()
}

// scanKnownFile scans a row of all-known-files, after the columns of first.
func scanKnownFile(rows *sqlx.Rows, f *KnownFile, first ...any) error {
	var (
		modTime, firstSeen sql.NullString
		present            int
	)
	dest := append(first, &f.ID, &f.Path, &f.ChangeKey, &f.Size, &modTime, &firstSeen, &present, &f.State,
		&f.Fingerprint, &f.Outcome, &f.ReadKey, &f.Error)
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	f.ModTime, f.FirstSeen, f.Present = parseTime(modTime), parseTime(firstSeen), present == 1
	return nil
}

// TouchFiles records that every present file of a source was seen now: for
// a listing where nothing changed, one statement instead of one per file.
func (db *DB) TouchFiles(ctx context.Context, department, source string) error {
	b := db.NewBookkeeping()
	b.TouchFiles(department, source)
	return b.Commit(ctx)
}

// Seen is a file found in a listing, with what the sync decided about it.
type Seen struct {
	Ref   sheaf.FileRef
	State string // FileDeferred, or the state it already had when unchanged
}

// SeeFiles records that files are (still) in a source without reading them:
// unchanged files and files left for the next sync.
func (db *DB) SeeFiles(ctx context.Context, department, source string, files []Seen) error {
	b := db.NewBookkeeping()
	b.SeeFiles(department, source, files)
	return b.Commit(ctx)
}

func (db *DB) upsertFile(ctx context.Context, tx *sqlx.Tx, department, source string, ref sheaf.FileRef, state string, now time.Time) (int64, error) {
	var id int64
	err := bind(ctx, tx, db.q.UpsertFile).GetContext(ctx, &id, department, source, ref.Path, ref.ChangeKey, ref.Size,
		nullTime(ref.ModTime), formatTime(now), formatTime(now), state)
	if err != nil {
		return 0, fmt.Errorf("record file %s: %w", ref.Path, err)
	}
	return id, nil
}

// Listed is one source whose listing was complete, with the paths it
// holds now.
type Listed struct {
	Department, Source string
	Present            map[string]bool
}

// MarkAbsent records as gone the files of each listed source that its
// listing no longer holds, in one transaction, and says how many.
func (db *DB) MarkAbsent(ctx context.Context, listed []Listed) (int, error) {
	if len(listed) == 0 {
		return 0, nil
	}
	n := 0
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		for _, l := range listed {
			rows, err := bind(ctx, tx, db.q.PresentFiles).QueryxContext(ctx, l.Department, l.Source)
			if err != nil {
				return fmt.Errorf("files of %s: %w", l.Source, err)
			}
			var gone []int64
			for rows.Next() {
				var id int64
				var path string
				if err := rows.Scan(&id, &path); err != nil {
					rows.Close()
					return fmt.Errorf("files of %s: %w", l.Source, err)
				}
				if !l.Present[path] {
					gone = append(gone, id)
				}
			}
			rows.Close()
			for _, id := range gone {
				if _, err := bind(ctx, tx, db.q.MarkAbsent).ExecContext(ctx, id); err != nil {
					return fmt.Errorf("files gone from %s: %w", l.Source, err)
				}
			}
			n += len(gone)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("record files gone: %w", err)
	}
	return n, nil
}

// FileSummary is one file as `sheaf status` shows it.
type FileSummary struct {
	Department string
	Source     string
	Path       string
	Size       int64
	ModTime    time.Time
	FirstSeen  time.Time
	LastSeen   time.Time
	Present    bool
	State      string
	Outcome    string
	Error      string
	ReadAt     time.Time
	Rows       int
	// Received is when the department's files first held the content the
	// file holds now: the time of this submission.
	Received time.Time
	// Sheets says what became of each sheet at the current read.
	Sheets []sheaf.SheetOutcome
}

// Files lists every file ever seen, with its latest read.
func (db *DB) Files(ctx context.Context) ([]FileSummary, error) {
	rows, err := db.q.FilesSummary.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	defer rows.Close()
	var out []FileSummary
	for rows.Next() {
		var (
			f                    FileSummary
			modTime, first, last sql.NullString
			readAt, received     string
			present              int
			sheetsJSON           string
		)
		if err := rows.Scan(&f.Department, &f.Source, &f.Path, &f.Size, &modTime, &first, &last, &present, &f.State,
			&f.Outcome, &f.Error, &readAt, &f.Rows, &sheetsJSON, &received); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(sheetsJSON), &f.Sheets); err != nil {
			return nil, fmt.Errorf("file %s: bad sheet summary: %w", f.Path, err)
		}
		f.ModTime, f.FirstSeen, f.LastSeen = parseTime(modTime), parseTime(first), parseTime(last)
		f.ReadAt = parseTime(sql.NullString{String: readAt, Valid: true})
		f.Received = parseTime(sql.NullString{String: received, Valid: true})
		f.Present = present == 1
		out = append(out, f)
	}
	return out, rows.Err()
}
