package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/jmoiron/sqlx"

	"github.com/sheaf-dev/sheaf/reconcile"
)

// goMigrations run after the SQL migration of the same name, in its
// transaction: what SQL alone cannot do.
var goMigrations = map[string]func(ctx context.Context, tx *sqlx.Tx) error{
	"migrations/0008_flag_identity.sql": rekeyFlags,
}

// fileContentSQL is a file's first-seen content (the change key a flag
// about the whole file is identified by), for a file f whose current read
// is r: the first content of the earliest file of the department that held
// r's content, so that a renamed or moved file keeps its identity. The same
// expression is in the current-findings query.
const fileContentSQL = `coalesce((SELECT r4.change_key FROM reads r4 WHERE r4.file_id = (
    SELECT r5.file_id FROM reads r5 JOIN files f5 ON f5.id = r5.file_id
    WHERE f5.department = f.department AND r5.change_key = r.change_key ORDER BY r5.id LIMIT 1)
  ORDER BY r4.id LIMIT 1), r.change_key, '')`

// rekeyFlags gives every existing flag its identity without file paths or
// cells (sheaf.Flag.Key) and its digest without where its values are
// (reconcile.Digest). An acceptance given for the values the flag holds now
// is carried over to the new digest. Flags that now share a key become one:
// the accepted or open one is kept (with its note), and the others' history
// is moved to it, so nothing is lost.
func rekeyFlags(ctx context.Context, tx *sqlx.Tx) error {
	contents := map[[2]string]string{} // department, displayed path → content
	frows, err := tx.QueryxContext(ctx, `SELECT f.department, f.source, f.path, `+fileContentSQL+`
		FROM files f LEFT JOIN reads r ON r.id = f.current_read`)
	if err != nil {
		return fmt.Errorf("re-key flags: %w", err)
	}
	for frows.Next() {
		var dept, source, path, content string
		if err := frows.Scan(&dept, &source, &path, &content); err != nil {
			frows.Close()
			return fmt.Errorf("re-key flags: %w", err)
		}
		if content != "" {
			contents[[2]string{dept, sheaf.DisplayPath(source, path)}] = content
		}
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return fmt.Errorf("re-key flags: %w", err)
	}

	type stored struct {
		id                     int64
		flag                   sheaf.Flag
		state                  sheaf.FlagState
		lastSeen               string
		digest, acceptedDigest string
		newKey, newSubject, nd string
		newAccepted            string
	}
	var all []*stored
	rows, err := tx.QueryxContext(ctx, `SELECT id, kind, department, indicator, period, rule, subject, evidence, state,
		last_seen_at, digest, accepted_digest FROM flags`)
	if err != nil {
		return fmt.Errorf("re-key flags: %w", err)
	}
	for rows.Next() {
		s := &stored{}
		var ev string
		f := &s.flag
		if err := rows.Scan(&s.id, &f.Kind, &f.Department, &f.Indicator, &f.Period, &f.Rule, &f.Subject, &ev, &s.state,
			&s.lastSeen, &s.digest, &s.acceptedDigest); err != nil {
			rows.Close()
			return fmt.Errorf("re-key flags: %w", err)
		}
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			f.Evidence = nil // a flag with unreadable evidence still gets its key
		}
		all = append(all, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("re-key flags: %w", err)
	}

	groups := map[string][]*stored{}
	for _, s := range all {
		f := s.flag
		f.Subject = newSubject(f, contents)
		s.newSubject, s.newKey = f.Subject, f.Key()
		if f.Indicator != "" {
			s.newSubject = ""
		}
		s.nd = reconcile.Digest(f)
		s.newAccepted = s.acceptedDigest
		if s.acceptedDigest != "" && s.acceptedDigest == s.digest {
			// Accepted for the values it holds: the acceptance holds on.
			s.newAccepted = s.nd
		}
		groups[s.newKey] = append(groups[s.newKey], s)
	}

	rank := map[sheaf.FlagState]int{sheaf.FlagAccepted: 0, sheaf.FlagOpen: 1, sheaf.FlagResolved: 2, sheaf.FlagObsolete: 3}
	var keep []*stored
	for _, g := range groups {
		sort.Slice(g, func(i, j int) bool {
			a, b := g[i], g[j]
			if rank[a.state] != rank[b.state] {
				return rank[a.state] < rank[b.state]
			}
			if a.lastSeen != b.lastSeen {
				return a.lastSeen > b.lastSeen
			}
			return a.id > b.id
		})
		keep = append(keep, g[0])
		for _, other := range g[1:] {
			if _, err := tx.ExecContext(ctx, `UPDATE flag_events SET flag_id = ? WHERE flag_id = ?`, g[0].id, other.id); err != nil {
				return fmt.Errorf("re-key flags: merge flag %d into %d: %w", other.id, g[0].id, err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM flags WHERE id = ?`, other.id); err != nil {
				return fmt.Errorf("re-key flags: merge flag %d into %d: %w", other.id, g[0].id, err)
			}
		}
	}
	// Two passes: a flag's new key may be another's old one.
	for _, s := range keep {
		if _, err := tx.ExecContext(ctx, `UPDATE flags SET key = ? WHERE id = ?`, fmt.Sprintf("rekey\x1f%d", s.id), s.id); err != nil {
			return fmt.Errorf("re-key flag %d: %w", s.id, err)
		}
	}
	for _, s := range keep {
		if _, err := tx.ExecContext(ctx, `UPDATE flags SET key = ?, subject = ?, digest = ?, accepted_digest = ? WHERE id = ?`,
			s.newKey, s.newSubject, s.nd, s.newAccepted, s.id); err != nil {
			return fmt.Errorf("re-key flag %d: %w", s.id, err)
		}
	}
	return nil
}

// newSubject is an old flag's subject in the new identity: a file path
// becomes the file's first-seen content; sources, departments and figures'
// flags keep theirs (a figure's subject is not part of its key).
func newSubject(f sheaf.Flag, contents map[[2]string]string) string {
	s := f.Subject
	switch {
	case f.Indicator != "", s == "", s == "department", strings.HasPrefix(s, sheaf.SourceSubject),
		strings.HasPrefix(s, "file:"):
		return s
	}
	if c, ok := contents[[2]string{f.Department, s}]; ok {
		return sheaf.FileSubject(c, "")
	}
	// "file!sheet!cell": the file is what identifies it now.
	if i := strings.IndexByte(s, '!'); i > 0 {
		if c, ok := contents[[2]string{f.Department, s[:i]}]; ok {
			return sheaf.FileSubject(c, "")
		}
	}
	return s // a file sheaf no longer knows: the flag keeps its old identity
}
