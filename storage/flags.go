package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/jmoiron/sqlx"
)

// FlagChanges counts what SaveResult did to flags.
type FlagChanges struct {
	Opened   int `json:"opened"`
	Reopened int `json:"reopened"`
	Resolved int `json:"resolved"`
	Obsolete int `json:"obsolete"`
}

// MarshalJSON writes the counts under the names of the states they led to,
// taken from the vocabulary, so that a script reading "resolved" reads the
// same word as a flag's state.
func (c FlagChanges) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]int{"opened": c.Opened, "reopened": c.Reopened,
		string(sheaf.FlagResolved): c.Resolved, string(sheaf.FlagObsolete): c.Obsolete})
}

func (db *DB) syncFlags(ctx context.Context, tx *sqlx.Tx, flags []sheaf.Flag, closed map[string]string, opts SaveOptions,
	now time.Time, ch *FlagChanges) error {
	type known struct {
		id                      int64
		state                   sheaf.FlagState
		kind                    sheaf.Kind
		dept, subject, accepted string
		sig                     string
	}
	existing := map[string]known{}
	rows, err := bind(ctx, tx, db.q.FlagStates).QueryxContext(ctx)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k known
		var key string
		if err := rows.Scan(&k.id, &key, &k.state, &k.dept, &k.kind, &k.subject, &k.accepted, &k.sig); err != nil {
			rows.Close()
			return err
		}
		existing[key] = k
	}
	rows.Close()
	at := formatTime(now)
	// New flags and all events are written in batches, in the order met:
	// a cycle whose departments have sent nothing yet opens a flag for
	// every figure they owe (50,000 one statement and one event at a time
	// took 1.4 s). An event of a new flag takes its id when the flag is
	// written (newAt: its place among the new flags).
	type pendingEvent struct {
		id    int64
		newAt int
		state sheaf.FlagState
		msg   string
	}
	var newArgs []any
	var newKeys []string
	var events []pendingEvent
	event := func(id int64, state sheaf.FlagState, msg string) {
		events = append(events, pendingEvent{id: id, newAt: -1, state: state, msg: msg})
	}
	flushEvents := func() error {
		ids := make([]int64, len(newKeys))
		if len(newKeys) > 0 {
			byKey, err := db.insertFlags(ctx, tx, newArgs, len(newKeys))
			if err != nil {
				return fmt.Errorf("open flags: %w", err)
			}
			for i, key := range newKeys {
				if ids[i] = byKey[key]; ids[i] == 0 {
					return fmt.Errorf("open flags: no id for %q", key)
				}
			}
		}
		args := make([]any, 0, 4*len(events))
		for _, e := range events {
			id := e.id
			if e.newAt >= 0 {
				id = ids[e.newAt]
			}
			args = append(args, id, at, e.state, e.msg)
		}
		if err := execBatches(ctx, tx, db.batchEvents, eventBatch, 4, len(events), args); err != nil {
			return fmt.Errorf("record flag events: %w", err)
		}
		newArgs, newKeys, events = newArgs[:0], newKeys[:0], events[:0]
		return nil
	}
	// A flag about a source's own failure is known even when the source is
	// not; everything else about a frozen department stays as it was.
	frozen := func(dept string, kind sheaf.Kind, subject string) bool {
		return opts.Frozen[dept] && !(kind == sheaf.KindFile && strings.HasPrefix(subject, sheaf.SourceSubject))
	}
	seen := map[string]bool{}
	for _, f := range flags {
		key := f.Key()
		if seen[key] {
			continue
		}
		seen[key] = true
		ev, _ := json.Marshal(nonNil(f.Evidence))
		sig := flagSig(f, ev)
		k, ok := existing[key]
		switch {
		case !ok:
			if frozen(f.Department, f.Kind, f.Subject) {
				continue
			}
			newArgs = append(newArgs, key, f.Kind, f.Severity, f.Department, f.Indicator, f.Period, f.Rule, f.Subject,
				f.Message, string(ev), at, at, f.Digest, sig)
			events = append(events, pendingEvent{newAt: len(newKeys), state: sheaf.FlagOpen, msg: f.Message})
			newKeys = append(newKeys, key)
			ch.Opened++
		case (k.state == sheaf.FlagResolved || k.state == sheaf.FlagObsolete) && !frozen(f.Department, f.Kind, f.Subject),
			k.state == sheaf.FlagAccepted && k.accepted != f.Digest:
			if _, err := bind(ctx, tx, db.q.ReopenFlag).ExecContext(ctx, f.Severity, f.Subject, f.Message, string(ev), at, f.Digest, sig, k.id); err != nil {
				return fmt.Errorf("reopen flag %d: %w", k.id, err)
			}
			ch.Reopened++
			msg := f.Message
			if k.state == sheaf.FlagAccepted {
				msg = "数值已变化，原说明不再适用：" + f.Message
			}
			event(k.id, sheaf.FlagOpen, msg)
		case (k.state == sheaf.FlagOpen || k.state == sheaf.FlagAccepted) && k.sig != sig:
			// A current flag whose words or cells changed; one that says
			// the same is not written (the last reconcile's time is its
			// last_seen_at).
			if _, err := bind(ctx, tx, db.q.RefreshFlag).ExecContext(ctx, f.Severity, f.Subject, f.Message, string(ev), at, f.Digest, sig, k.id); err != nil {
				return fmt.Errorf("refresh flag %d: %w", k.id, err)
			}
		}
	}
	if err := flushEvents(); err != nil {
		return err
	}
	keys := make([]string, 0, len(existing))
	for key := range existing {
		keys = append(keys, key)
	}
	sort.Strings(keys) // deterministic event order
	for _, key := range keys {
		k := existing[key]
		if seen[key] || (k.state != sheaf.FlagOpen && k.state != sheaf.FlagAccepted) || frozen(k.dept, k.kind, k.subject) {
			continue
		}
		state := sheaf.FlagResolved
		if opts.IsObsolete != nil {
			p := keyParts(key)
			if opts.IsObsolete(p[2], p[4]) {
				state = sheaf.FlagObsolete
			}
		}
		if _, err := bind(ctx, tx, db.q.ResolveFlag).ExecContext(ctx, state, at, k.id); err != nil {
			return fmt.Errorf("resolve flag %d: %w", k.id, err)
		}
		if state == sheaf.FlagObsolete {
			ch.Obsolete++
		} else {
			ch.Resolved++
		}
		// Why it closed, when reconcile knows ("已由较新的文件更正").
		msg := ""
		if state == sheaf.FlagResolved {
			msg = closed[key]
		}
		event(k.id, state, msg)
	}
	return flushEvents()
}

// insertFlags inserts n new flags (args: insert-flag's parameters, row by
// row) in batches and returns their ids by key.
func (db *DB) insertFlags(ctx context.Context, tx *sqlx.Tx, args []any, n int) (map[string]int64, error) {
	const per = 14
	ids := make(map[string]int64, n)
	done := 0
	for size := flagBatch; n-done > 0; size /= 2 {
		for n-done >= size {
			rows, err := bind(ctx, tx, db.batchFlags[size]).QueryContext(ctx, args[done*per:(done+size)*per]...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id int64
				var key string
				if err := rows.Scan(&id, &key); err != nil {
					rows.Close()
					return nil, err
				}
				ids[key] = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			done += size
		}
	}
	return ids, nil
}

// flagSig digests what a stored flag says beyond its identity: severity,
// subject, message, evidence and digest.
func flagSig(f sheaf.Flag, evidence []byte) string {
	h := sha256.New()
	var n [8]byte
	for _, s := range []string{string(f.Severity), f.Subject, f.Message, string(evidence), f.Digest} {
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// keyParts splits a flag key into kind, department, indicator, period, rule
// and subject.
func keyParts(key string) []string {
	p := strings.SplitN(key, "\x1f", 6)
	for len(p) < 6 {
		p = append(p, "")
	}
	return p
}

func nonNil(ev []sheaf.Evidence) []sheaf.Evidence {
	if ev == nil {
		return []sheaf.Evidence{}
	}
	return ev
}

// StoredFlag is a flag with its life so far.
type StoredFlag struct {
	sheaf.Flag
	ID         int64
	State      sheaf.FlagState
	OpenedAt   time.Time
	LastSeenAt time.Time
	ResolvedAt time.Time
	// The explanation (说明) a flag was accepted with.
	Note       string
	AcceptedBy string
	AcceptedAt time.Time
}

// Flags returns every flag, open ones first.
func (db *DB) Flags(ctx context.Context) ([]StoredFlag, error) {
	rows, err := db.q.Flags.QueryxContext(ctx, nil, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("load flags: %w", err)
	}
	return scanFlags(rows)
}

// FigureFlags returns the flags of one indicator and period, as Flags
// orders them.
func (db *DB) FigureFlags(ctx context.Context, indicator, period string) ([]StoredFlag, error) {
	rows, err := db.q.Flags.QueryxContext(ctx, indicator, period, nil)
	if err != nil {
		return nil, fmt.Errorf("load flags: %w", err)
	}
	return scanFlags(rows)
}

// DepartmentOpenFlags returns the open flags a department's page shows,
// as Flags orders them: its own, and those with a cell of its in their
// evidence (a conflict with another department). A page does not read a
// cycle's every flag, open or long resolved.
func (db *DB) DepartmentOpenFlags(ctx context.Context, department string) ([]StoredFlag, error) {
	rows, err := db.q.Flags.QueryxContext(ctx, nil, nil, department)
	if err != nil {
		return nil, fmt.Errorf("load flags of %s: %w", department, err)
	}
	return scanFlags(rows)
}

func scanFlags(rows *sqlx.Rows) ([]StoredFlag, error) {
	defer rows.Close()
	var out []StoredFlag
	for rows.Next() {
		var (
			f                      StoredFlag
			ev                     string
			opened, seen, resolved sql.NullString
			accepted               sql.NullString
		)
		if err := rows.Scan(&f.ID, &f.Kind, &f.Severity, &f.Department, &f.Indicator, &f.Period, &f.Rule, &f.Subject,
			&f.Message, &ev, &f.State, &opened, &seen, &resolved, &f.Note, &f.AcceptedBy, &accepted); err != nil {
			return nil, fmt.Errorf("load flags: %w", err)
		}
		if err := json.Unmarshal([]byte(ev), &f.Evidence); err != nil {
			return nil, fmt.Errorf("flag %d: bad evidence: %w", f.ID, err)
		}
		f.OpenedAt, f.LastSeenAt, f.ResolvedAt = parseTime(opened), parseTime(seen), parseTime(resolved)
		f.AcceptedAt = parseTime(accepted)
		out = append(out, f)
	}
	return out, rows.Err()
}

// AcceptFlag accepts an open flag with a department's explanation (说明): it
// stops reminders and draft marks while the values it is about stay the
// same, and reopens by itself when they change. It returns ErrNotFound for
// an unknown id, and an error for a flag that is resolved or obsolete.
func (db *DB) AcceptFlag(ctx context.Context, id int64, note, by string) error {
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		var state sheaf.FlagState
		err := bind(ctx, tx, db.q.FlagState).GetContext(ctx, &state, id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("flag %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("accept flag %d: %w", id, err)
		}
		if state != sheaf.FlagOpen && state != sheaf.FlagAccepted {
			return fmt.Errorf("flag %d is %s: only an open flag can be accepted", id, state)
		}
		at := formatTime(db.Now())
		if _, err := bind(ctx, tx, db.q.AcceptFlag).ExecContext(ctx, note, by, at, id); err != nil {
			return fmt.Errorf("accept flag %d: %w", id, err)
		}
		// A department's answer waiting for the coordinator is settled by
		// the acceptance.
		if _, err := bind(ctx, tx, db.q.DecideFlagAnswer).ExecContext(ctx, sheaf.AnswerAccepted, note, by, at, id); err != nil {
			return fmt.Errorf("accept flag %d: %w", id, err)
		}
		// The figures must be reconciled again at the next sync.
		if _, err := bind(ctx, tx, db.q.SetMeta).ExecContext(ctx, ReconcileStamp, ""); err != nil {
			return fmt.Errorf("accept flag %d: %w", id, err)
		}
		msg := note
		if by != "" {
			msg = by + "：" + note
		}
		_, err = bind(ctx, tx, db.q.InsertFlagEvent).ExecContext(ctx, id, at, sheaf.FlagAccepted, msg)
		return err
	})
}

// FlagEvent is one step in a flag's life.
type FlagEvent struct {
	At      time.Time
	State   sheaf.FlagState
	Message string
}

// FlagEvents returns a flag's history, oldest first.
func (db *DB) FlagEvents(ctx context.Context, id int64) ([]FlagEvent, error) {
	rows, err := db.q.FlagEvents.QueryxContext(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load history of flag %d: %w", id, err)
	}
	defer rows.Close()
	var out []FlagEvent
	for rows.Next() {
		var e FlagEvent
		var at string
		if err := rows.Scan(&at, &e.State, &e.Message); err != nil {
			return nil, err
		}
		e.At = parseTime(sql.NullString{String: at, Valid: true})
		out = append(out, e)
	}
	return out, rows.Err()
}

// OpenFlagCounts counts open flags by kind.
func (db *DB) OpenFlagCounts(ctx context.Context) (map[string]int, error) {
	m, err := countsByKey(ctx, db.q.OpenFlagCounts)
	if err != nil {
		return nil, fmt.Errorf("count open flags: %w", err)
	}
	return m, nil
}

// OpenFlagsByDepartment counts open flags by department.
func (db *DB) OpenFlagsByDepartment(ctx context.Context) (map[string]int, error) {
	m, err := countsByKey(ctx, db.q.OpenFlagsByDepartment)
	if err != nil {
		return nil, fmt.Errorf("count open flags: %w", err)
	}
	return m, nil
}
