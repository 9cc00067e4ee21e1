package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/sheets"
)

// AcceptFlag accepts an open flag with a department's explanation (说明): it
// stops reminders and draft marks while the values it is about stay the
// same, and reopens by itself when they change. It returns ErrNotFound for
// an unknown id, and an error for a flag that is resolved or obsolete.
func (db *DB) AcceptFlag(ctx context.Context, id int64, note, by string) error {
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		var state string
		err := bind(ctx, tx, db.q.FlagState).GetContext(ctx, &state, id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("flag %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("accept flag %d: %w", id, err)
		}
		if state != "open" && state != "accepted" {
			return fmt.Errorf("flag %d is %s: only an open flag can be accepted", id, state)
		}
		at := formatTime(db.Now())
		if _, err := bind(ctx, tx, db.q.AcceptFlag).ExecContext(ctx, note, by, at, id); err != nil {
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
		_, err = bind(ctx, tx, db.q.InsertFlagEvent).ExecContext(ctx, id, at, "accepted", msg)
		return err
	})
}

// FlagEvent is one step in a flag's life.
type FlagEvent struct {
	At      time.Time
	State   string
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

// RuleInputValue is one figure a rule read, as stored with its outcome.
type RuleInputValue struct {
	Indicator string   `json:"indicator"`
	Period    string   `json:"period"`
	Value     *float64 `json:"value"`
}

// RuleResult is a rule's outcome at the latest sync.
type RuleResult struct {
	Rule        string           `json:"rule"`
	Class       string           `json:"class"`
	State       string           `json:"state"` // pass | fail | incomplete | error
	Inputs      []RuleInputValue `json:"inputs"`
	Waiting     []RuleInputValue `json:"waiting"` // for incomplete: the figures it waits for
	Detail      string           `json:"detail"`
	EvaluatedAt time.Time        `json:"evaluated_at"`
}

func (db *DB) saveRules(ctx context.Context, tx *sqlx.Tx, outs []reconcile.RuleOutcome, class func(string) string, now time.Time) error {
	if _, err := bind(ctx, tx, db.q.DeleteRuleResults).ExecContext(ctx); err != nil {
		return fmt.Errorf("store rule outcomes: %w", err)
	}
	for _, o := range outs {
		var inputs, waiting []RuleInputValue
		for _, in := range o.Inputs {
			iv := RuleInputValue{Indicator: in.Indicator, Period: in.Period}
			if v, ok := o.Values[in]; ok {
				iv.Value = &v
			}
			inputs = append(inputs, iv)
		}
		for _, in := range o.Waiting {
			waiting = append(waiting, RuleInputValue{Indicator: in.Indicator, Period: in.Period})
		}
		ij, _ := json.Marshal(nonNilInputs(inputs))
		wj, _ := json.Marshal(nonNilInputs(waiting))
		c := o.Rule.Class
		if class != nil && c == "" {
			c = class(o.Rule.ID)
		}
		if _, err := bind(ctx, tx, db.q.InsertRuleResult).ExecContext(ctx, o.Rule.ID, c, o.State, string(ij), string(wj),
			o.Err, formatTime(now)); err != nil {
			return fmt.Errorf("store outcome of rule %s: %w", o.Rule.ID, err)
		}
	}
	return nil
}

func nonNilInputs(v []RuleInputValue) []RuleInputValue {
	if v == nil {
		return []RuleInputValue{}
	}
	return v
}

// RuleResults returns every rule's outcome at the latest sync.
func (db *DB) RuleResults(ctx context.Context) ([]RuleResult, error) {
	rows, err := db.q.RuleResults.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("load rule outcomes: %w", err)
	}
	defer rows.Close()
	var out []RuleResult
	for rows.Next() {
		var r RuleResult
		var inputs, waiting, at string
		if err := rows.Scan(&r.Rule, &r.Class, &r.State, &inputs, &waiting, &r.Detail, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(inputs), &r.Inputs); err != nil {
			return nil, fmt.Errorf("rule %s: bad inputs: %w", r.Rule, err)
		}
		if err := json.Unmarshal([]byte(waiting), &r.Waiting); err != nil {
			return nil, fmt.Errorf("rule %s: bad waiting list: %w", r.Rule, err)
		}
		r.EvaluatedAt = parseTime(sql.NullString{String: at, Valid: true})
		out = append(out, r)
	}
	return out, rows.Err()
}

// HistoricObservation is an observation with where and when it was read,
// and whether it still counts.
type HistoricObservation struct {
	ID         int64
	Department string
	File       string
	Present    bool // the file is still in its source
	Current    bool // it is from the file's read that counts: its latest good read
	ReadAt     time.Time
	sheets.Observation
}

// History returns every observation ever read for one indicator and
// period, oldest read first, including superseded reads and files that
// are gone.
func (db *DB) History(ctx context.Context, indicator, period string) ([]HistoricObservation, error) {
	rows, err := db.q.ObservationHistory.QueryxContext(ctx, indicator, period)
	if err != nil {
		return nil, fmt.Errorf("load history of %s %s: %w", indicator, period, err)
	}
	defer rows.Close()
	var out []HistoricObservation
	for rows.Next() {
		var (
			h                        HistoricObservation
			v                        sql.NullFloat64
			approx, source, path, at string
			present, current         bool
			outcome                  string
		)
		if err := rows.Scan(&h.ID, &h.Department, &v, &h.Decimals, &approx, &h.Unit, &h.Raw, &h.Note, &h.Sheet, &h.Cell,
			&h.Label, &h.HiddenRow, &h.Fraction, &source, &path, &present, &at, &current, &outcome); err != nil {
			return nil, err
		}
		h.Indicator, h.Period = indicator, period
		h.Value, h.HasValue, h.Approx = v.Float64, v.Valid, sheets.Approximation(approx)
		h.File = sheets.DisplayPath(source, path)
		h.Present, h.Current = present, current
		h.ReadAt = parseTime(sql.NullString{String: at, Valid: true})
		out = append(out, h)
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
