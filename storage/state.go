package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/sheets"
)

// CurrentInput loads what reconcile works from, but for the observations
// (see CurrentSlots): the findings of every present file's current read,
// the sources' status, files per department and accepted flags.
func (db *DB) CurrentInput(ctx context.Context) (reconcile.Input, error) {
	var in reconcile.Input
	var err error

	frows, err := db.q.CurrentFindings.QueryxContext(ctx)
	if err != nil {
		return in, fmt.Errorf("load findings: %w", err)
	}
	for frows.Next() {
		var f reconcile.Finding
		var received, mod sql.NullString
		if err := frows.Scan(&f.FileID, &f.Department, &f.Source, &f.File, &f.Kind, &f.Severity, &f.Indicator, &f.Period,
			&f.Sheet, &f.Cell, &f.Raw, &f.Note, &f.Message, &f.Content, &received, &mod); err != nil {
			frows.Close()
			return in, fmt.Errorf("load findings: %w", err)
		}
		f.Received, f.ModTime = parseTime(received), parseTime(mod)
		f.File = sheets.DisplayPath(f.Source, f.File)
		in.Findings = append(in.Findings, f)
	}
	frows.Close()
	if err := frows.Err(); err != nil {
		return in, fmt.Errorf("load findings: %w", err)
	}

	if in.Files, err = countsByKey(ctx, db.q.PresentFileCounts); err != nil {
		return in, fmt.Errorf("count files: %w", err)
	}
	in.Accepted = map[string]string{}
	arows, err := db.q.AcceptedDigests.QueryxContext(ctx)
	if err != nil {
		return in, fmt.Errorf("load accepted flags: %w", err)
	}
	for arows.Next() {
		var key, d string
		if err := arows.Scan(&key, &d); err != nil {
			arows.Close()
			return in, fmt.Errorf("load accepted flags: %w", err)
		}
		in.Accepted[key] = d
	}
	arows.Close()

	srows, err := db.q.SourceStatuses.QueryxContext(ctx)
	if err != nil {
		return in, fmt.Errorf("load sources: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var s reconcile.SourceStatus
		var since, lastOK sql.NullString
		if err := srows.Scan(&s.Department, &s.Source, &s.Error, &since, &lastOK); err != nil {
			return in, fmt.Errorf("load sources: %w", err)
		}
		s.Since, s.LastOK = parseTime(since), parseTime(lastOK)
		in.Sources = append(in.Sources, s)
	}
	return in, srows.Err()
}

// CurrentSlots reads the observations of every present file's current
// read (without Unit and Label, which reconcile does not use: the figure's
// unit is the indicator's), one indicator and period at a time, so that reconciling a cycle of
// any size holds one slot in memory. File details are read once per file,
// and the few distinct departments, indicators, periods, units and sheet
// names are shared instead of allocated per row.
func (db *DB) CurrentSlots(ctx context.Context) reconcile.Slots {
	return func(yield func(indicator, period string, obs []reconcile.Observation) error) error {
		type fileInfo struct{ source, path string }
		files := map[int64]fileInfo{}
		frows, err := db.q.CurrentFiles.QueryxContext(ctx)
		if err != nil {
			return fmt.Errorf("load files: %w", err)
		}
		for frows.Next() {
			var id int64
			var f fileInfo
			if err := frows.Scan(&id, &f.source, &f.path); err != nil {
				frows.Close()
				return fmt.Errorf("load files: %w", err)
			}
			f.path = sheets.DisplayPath(f.source, f.path)
			files[id] = f
		}
		frows.Close()
		if err := frows.Err(); err != nil {
			return fmt.Errorf("load files: %w", err)
		}

		strs := map[string]string{}
		intern := func(b sql.RawBytes) string {
			if s, ok := strs[string(b)]; ok {
				return s
			}
			s := string(b)
			strs[s] = s
			return s
		}
		// Few distinct times: sync starts and modification times.
		times := map[string]time.Time{}
		timeOf := func(b sql.RawBytes) time.Time {
			if t, ok := times[string(b)]; ok {
				return t
			}
			t := parseTime(sql.NullString{String: string(b), Valid: true})
			times[string(b)] = t
			return t
		}
		rows, err := db.q.CurrentObservations.QueryContext(ctx)
		if err != nil {
			return fmt.Errorf("load observations: %w", err)
		}
		defer rows.Close()
		var key, firstSeen, firstMod sql.RawBytes
		var details string
		var part [5]sql.RawBytes
		var batch []reconcile.Observation
		for rows.Next() {
			var o reconcile.Observation
			var v sql.NullFloat64
			if err := rows.Scan(&o.ID, &o.FileID, &v, &o.Decimals, &o.Seq, &firstSeen, &firstMod, &o.HiddenRow, &o.Fraction, &key, &details); err != nil {
				return fmt.Errorf("load observations: %w", err)
			}
			if splitUnits(key, part[:]) != len(part) {
				return fmt.Errorf("load observations: observation %d: bad key", o.ID)
			}
			o.Indicator, o.Period, o.Department = intern(part[0]), intern(part[1]), intern(part[2])
			o.Approx, o.Sheet = sheets.Approximation(intern(part[3])), intern(part[4])
			// Split from the right: a cell reference never holds U+001F, and
			// of the texts a CSV's raw value is the likeliest to.
			j := strings.LastIndexByte(details, 0x1f)
			i := -1
			if j > 0 {
				i = strings.LastIndexByte(details[:j], 0x1f)
			}
			if i < 0 {
				return fmt.Errorf("load observations: observation %d: bad details", o.ID)
			}
			o.Raw, o.Note, o.Cell = details[:i], details[i+1:j], details[j+1:]
			o.Value, o.HasValue = v.Float64, v.Valid
			f := files[o.FileID]
			o.Source, o.File = f.source, f.path
			o.FirstSeen, o.FirstModTime = timeOf(firstSeen), timeOf(firstMod)
			if len(batch) > 0 && (batch[0].Indicator != o.Indicator || batch[0].Period != o.Period) {
				if err := yield(batch[0].Indicator, batch[0].Period, batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
			batch = append(batch, o)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load observations: %w", err)
		}
		if len(batch) > 0 {
			return yield(batch[0].Indicator, batch[0].Period, batch)
		}
		return nil
	}
}

// FlagChanges counts what SaveResult did to flags.
type FlagChanges struct {
	Opened   int `json:"opened"`
	Reopened int `json:"reopened"`
	Resolved int `json:"resolved"`
	Obsolete int `json:"obsolete"`
}

// SaveOptions say how SaveResult treats flags.
type SaveOptions struct {
	// IsObsolete says whether the indicator or rule behind a flag is no
	// longer configured: such a flag closes as obsolete, not resolved.
	IsObsolete func(indicator, rule string) bool
	// Frozen departments had a source that could not be listed: nothing is
	// known about them now, so their flags are neither opened nor resolved
	// (except the flag saying the source failed).
	Frozen map[string]bool
	// Class gives a rule's class, stored with its outcome.
	Class func(rule string) string
}

// SaveResult replaces the figures and rule outcomes and brings the flags in
// line with a reconcile result, in one transaction: flags in res stay or
// become open; an accepted flag stays accepted while its values are those it
// was accepted for and reopens when they change; open and accepted flags not
// in res are resolved (or obsolete).
func (db *DB) SaveResult(ctx context.Context, res reconcile.Result, opts SaveOptions) (FlagChanges, error) {
	now := db.Now()
	var ch FlagChanges
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := bind(ctx, tx, db.q.DeleteFigures).ExecContext(ctx); err != nil {
			return err
		}
		ins := bind(ctx, tx, db.q.InsertFigure)
		for _, f := range res.Figures {
			var v sql.NullFloat64
			if f.HasValue {
				v = sql.NullFloat64{Float64: f.Value, Valid: true}
			}
			statuses, _ := json.Marshal(f.Statuses)
			obs := sql.NullInt64{Int64: f.ObservationID, Valid: f.ObservationID != 0}
			if _, err := ins.ExecContext(ctx, f.Indicator, f.Period, v, f.Decimals, f.Unit, f.Status, string(statuses),
				f.Department, f.File, f.Sheet, f.Cell, f.Raw, f.Note, obs, formatTime(now), f.Reason); err != nil {
				return fmt.Errorf("store figure %s %s: %w", f.Indicator, f.Period, err)
			}
		}
		if err := db.saveRules(ctx, tx, res.Rules, opts.Class, now); err != nil {
			return err
		}
		return db.syncFlags(ctx, tx, res.Flags, res.Closed, opts, now, &ch)
	})
	if err != nil {
		return ch, fmt.Errorf("save figures and flags: %w", err)
	}
	return ch, nil
}

func (db *DB) syncFlags(ctx context.Context, tx *sqlx.Tx, flags []reconcile.Flag, closed map[string]string, opts SaveOptions,
	now time.Time, ch *FlagChanges) error {
	type known struct {
		id                                   int64
		state, dept, kind, subject, accepted string
	}
	existing := map[string]known{}
	rows, err := bind(ctx, tx, db.q.FlagStates).QueryxContext(ctx)
	if err != nil {
		return err
	}
	for rows.Next() {
		var k known
		var key string
		if err := rows.Scan(&k.id, &key, &k.state, &k.dept, &k.kind, &k.subject, &k.accepted); err != nil {
			rows.Close()
			return err
		}
		existing[key] = k
	}
	rows.Close()
	at := formatTime(now)
	event := func(id int64, state, msg string) error {
		_, err := bind(ctx, tx, db.q.InsertFlagEvent).ExecContext(ctx, id, at, state, msg)
		return err
	}
	// A flag about a source's own failure is known even when the source is
	// not; everything else about a frozen department stays as it was.
	frozen := func(dept, kind, subject string) bool {
		return opts.Frozen[dept] && !(kind == "file" && strings.HasPrefix(subject, reconcile.SourceSubject))
	}
	seen := map[string]bool{}
	for _, f := range flags {
		key := f.Key()
		if seen[key] {
			continue
		}
		seen[key] = true
		ev, _ := json.Marshal(nonNil(f.Evidence))
		k, ok := existing[key]
		switch {
		case !ok:
			if frozen(f.Department, f.Kind, f.Subject) {
				continue
			}
			var id int64
			if err := bind(ctx, tx, db.q.InsertFlag).GetContext(ctx, &id, key, f.Kind, f.Severity, f.Department,
				f.Indicator, f.Period, f.Rule, f.Subject, f.Message, string(ev), at, at, f.Digest); err != nil {
				return fmt.Errorf("open flag: %w", err)
			}
			ch.Opened++
			if err := event(id, "open", f.Message); err != nil {
				return err
			}
		case (k.state == "resolved" || k.state == "obsolete") && !frozen(f.Department, f.Kind, f.Subject),
			k.state == "accepted" && k.accepted != f.Digest:
			if _, err := bind(ctx, tx, db.q.ReopenFlag).ExecContext(ctx, f.Severity, f.Subject, f.Message, string(ev), at, f.Digest, k.id); err != nil {
				return fmt.Errorf("reopen flag %d: %w", k.id, err)
			}
			ch.Reopened++
			msg := f.Message
			if k.state == "accepted" {
				msg = "数值已变化，原说明不再适用：" + f.Message
			}
			if err := event(k.id, "open", msg); err != nil {
				return err
			}
		case k.state == "open" || k.state == "accepted":
			if _, err := bind(ctx, tx, db.q.RefreshFlag).ExecContext(ctx, f.Severity, f.Subject, f.Message, string(ev), at, f.Digest, k.id); err != nil {
				return fmt.Errorf("refresh flag %d: %w", k.id, err)
			}
		}
	}
	keys := make([]string, 0, len(existing))
	for key := range existing {
		keys = append(keys, key)
	}
	sort.Strings(keys) // deterministic event order
	for _, key := range keys {
		k := existing[key]
		if seen[key] || (k.state != "open" && k.state != "accepted") || frozen(k.dept, k.kind, k.subject) {
			continue
		}
		state := "resolved"
		if opts.IsObsolete != nil {
			p := keyParts(key)
			if opts.IsObsolete(p[2], p[4]) {
				state = "obsolete"
			}
		}
		if _, err := bind(ctx, tx, db.q.ResolveFlag).ExecContext(ctx, state, at, k.id); err != nil {
			return fmt.Errorf("resolve flag %d: %w", k.id, err)
		}
		if state == "obsolete" {
			ch.Obsolete++
		} else {
			ch.Resolved++
		}
		// Why it closed, when reconcile knows ("已由较新的文件更正").
		msg := ""
		if state == "resolved" {
			msg = closed[key]
		}
		if err := event(k.id, state, msg); err != nil {
			return err
		}
	}
	return nil
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

func nonNil(ev []reconcile.Evidence) []reconcile.Evidence {
	if ev == nil {
		return []reconcile.Evidence{}
	}
	return ev
}

// Figures returns the figures of the latest sync, in catalogue order.
func (db *DB) Figures(ctx context.Context) ([]reconcile.Figure, error) {
	rows, err := db.q.Figures.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("load figures: %w", err)
	}
	defer rows.Close()
	var out []reconcile.Figure
	for rows.Next() {
		var f reconcile.Figure
		var v sql.NullFloat64
		var statuses string
		if err := rows.Scan(&f.Indicator, &f.Period, &v, &f.Decimals, &f.Unit, &f.Status, &statuses, &f.Department,
			&f.File, &f.Sheet, &f.Cell, &f.Raw, &f.Note, &f.ObservationID, &f.Reason); err != nil {
			return nil, fmt.Errorf("load figures: %w", err)
		}
		f.Value, f.HasValue = v.Float64, v.Valid
		_ = json.Unmarshal([]byte(statuses), &f.Statuses)
		out = append(out, f)
	}
	return out, rows.Err()
}

// StoredFlag is a flag with its life so far.
type StoredFlag struct {
	reconcile.Flag
	ID         int64
	State      string
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
	rows, err := db.q.Flags.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("load flags: %w", err)
	}
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

// splitUnits splits b at U+001F into parts, returning how many it found.
func splitUnits(b []byte, parts []sql.RawBytes) int {
	n := 0
	for n < len(parts) {
		i := bytes.IndexByte(b, 0x1f)
		if i < 0 {
			parts[n] = b
			return n + 1
		}
		parts[n] = b[:i]
		b = b[i+1:]
		n++
	}
	return n + 1 // more parts than expected
}
