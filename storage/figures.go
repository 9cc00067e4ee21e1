package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

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

// Figures returns the figures of the latest sync, in catalogue order.
func (db *DB) Figures(ctx context.Context) ([]sheaf.Figure, error) {
	rows, err := db.q.Figures.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("load figures: %w", err)
	}
	defer rows.Close()
	var out []sheaf.Figure
	for rows.Next() {
		var f sheaf.Figure
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
