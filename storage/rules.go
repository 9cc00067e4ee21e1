package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheaf-dev/sheaf/reconcile"
)

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

// RuleStateCounts counts the rules of the latest sync by outcome.
func (db *DB) RuleStateCounts(ctx context.Context) (map[string]int, error) {
	m, err := countsByKey(ctx, db.q.RuleStateCounts)
	if err != nil {
		return nil, fmt.Errorf("count rule outcomes: %w", err)
	}
	return m, nil
}
