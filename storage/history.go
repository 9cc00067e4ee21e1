package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// HistoricObservation is an observation with where and when it was read,
// and whether it still counts.
type HistoricObservation struct {
	ID         int64
	Department string
	File       string
	Present    bool // the file is still in its source
	Current    bool // it is from the file's read that counts: its latest good read
	ReadAt     time.Time
	sheaf.Observation
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
			h                HistoricObservation
			v                sql.NullFloat64
			packed           sql.RawBytes
			source, path, at string
			present, current bool
			outcome          string
		)
		if err := rows.Scan(&h.ID, &v, &packed, &source, &path, &present, &at, &current, &outcome); err != nil {
			return nil, err
		}
		d, err := unpackDetails(packed)
		if err != nil {
			return nil, fmt.Errorf("load history of %s %s: observation %d: %w", indicator, period, h.ID, err)
		}
		h.Department, h.Decimals, h.Unit, h.Raw, h.Note = d.Department, d.Decimals, d.Unit, d.Raw, d.Note
		h.Sheet, h.Cell, h.Label, h.HiddenRow, h.Fraction = d.Sheet, d.Cell, d.Label, d.HiddenRow, d.Fraction
		h.Indicator, h.Period = indicator, period
		h.Value, h.HasValue, h.Approx = v.Float64, v.Valid, sheaf.Approximation(d.Approx)
		h.File = sheaf.DisplayPath(source, path)
		h.Present, h.Current = present, current
		h.ReadAt = parseTime(sql.NullString{String: at, Valid: true})
		out = append(out, h)
	}
	return out, rows.Err()
}
