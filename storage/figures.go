package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"time"

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
		// One transaction, which a cancelled ctx rolls back; its
		// statements run uninterrupted (see uninterrupted).
		ctx := uninterrupted(ctx)
		if err := db.saveFigures(ctx, tx, res.Figures, now); err != nil {
			return err
		}
		if err := db.saveRules(ctx, tx, res.Rules, opts.Class, now); err != nil {
			return err
		}
		if err := db.syncFlags(ctx, tx, res.Flags, res.Closed, opts, now, &ch); err != nil {
			return err
		}
		_, err := bind(ctx, tx, db.q.SetMeta).ExecContext(ctx, reconciledAt, formatTime(now))
		return err
	})
	if err != nil {
		return ch, fmt.Errorf("save figures and flags: %w", err)
	}
	return ch, nil
}

// saveFigures brings the figures table in line with figs, writing only the
// rows that changed: a sync that changed one file rewrites the figures of
// that file, not the whole catalogue's. A row's sig digests everything it
// says; its ord is its place in figs (catalogue order).
func (db *DB) saveFigures(ctx context.Context, tx *sqlx.Tx, figs []sheaf.Figure, now time.Time) error {
	type stored struct {
		ord int
		sig string
	}
	old := make(map[[2]string]stored, len(figs))
	rows, err := bind(ctx, tx, db.q.FigureSignatures).QueryContext(ctx)
	if err != nil {
		return fmt.Errorf("load figure signatures: %w", err)
	}
	for rows.Next() {
		var k [2]string
		var s stored
		if err := rows.Scan(&k[0], &k[1], &s.ord, &s.sig); err != nil {
			rows.Close()
			return fmt.Errorf("load figure signatures: %w", err)
		}
		old[k] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load figure signatures: %w", err)
	}
	at := formatTime(now)
	var sigBuf []byte
	const per, perBare = 9, 3
	args := make([]any, 0, figureBatch*per)
	n := 0
	// A batch's details are packed into one buffer and given as parts of
	// it when it is flushed (SQLite copies them).
	var details []byte
	var detailEnds []int
	flush := func() error {
		start := 0
		for i, end := range detailEnds {
			args[(i+1)*per-1] = details[start:end:end]
			start = end
		}
		err := execBatches(ctx, tx, db.batchFig, figureBatch, per, n, args)
		clear(args)
		args, n, details, detailEnds = args[:0], 0, details[:0], detailEnds[:0]
		if err != nil {
			return fmt.Errorf("store figures: %w", err)
		}
		return nil
	}
	// Bare figures go in runs that share their signature (their unit,
	// status and statuses), bound once a statement.
	bareArgs := make([]any, 0, bareFigureBatch*perBare)
	var bareShared []any
	runSig := ""
	nBare := 0
	flushBare := func() error {
		err := execSharedBatches(ctx, tx, db.batchBare, bareFigureBatch, bareShared, perBare, nBare, bareArgs)
		bareArgs, nBare = bareArgs[:0], 0
		if err != nil {
			return fmt.Errorf("store figures: %w", err)
		}
		return nil
	}
	// Most figures share their status with the one before: boxed once.
	var status lastArg
	var bareSig lastSig
	atArg := any(at)
	statusesOf := map[sheaf.Status][]byte{}
	for i, f := range figs {
		k := [2]string{f.Indicator, f.Period}
		var statuses []byte
		if len(f.Statuses) == 1 {
			// One status, as most figures have: its JSON made once.
			if statuses = statusesOf[f.Statuses[0]]; statuses == nil {
				statuses, _ = json.Marshal(f.Statuses)
				statusesOf[f.Statuses[0]] = statuses
			}
		} else {
			statuses, _ = json.Marshal(f.Statuses)
		}
		var sig string
		isBare := bare(f)
		if isBare {
			// All a bare figure says is short: it is its own signature, the
			// same text for most missing figures of a cycle, and no digest
			// of 32 hex digits can be it.
			sig = bareSig.of(f.Unit, string(f.Status), string(statuses))
		} else {
			sigBuf, sig = figureSig(sigBuf[:0], f, statuses)
		}
		s, had := old[k]
		delete(old, k)
		if had && s.sig == sig && s.ord == i {
			continue
		}
		if isBare {
			// A figure with nothing to say but its status: fewer binds.
			if nBare > 0 && sig != runSig {
				if err := flushBare(); err != nil {
					return err
				}
			}
			if nBare == 0 {
				runSig = sig
				packed := appendFigureDetails(nil, &figureDetails{Unit: f.Unit, Statuses: string(statuses)})
				bareShared = []any{string(f.Status), string(packed), atArg, sig}
			}
			bareArgs = append(bareArgs, f.Indicator, f.Period, i)
			if nBare++; nBare == bareFigureBatch {
				if err := flushBare(); err != nil {
					return err
				}
			}
			continue
		}
		var v sql.NullFloat64
		if f.HasValue {
			v = sql.NullFloat64{Float64: f.Value, Valid: true}
		}
		obs := sql.NullInt64{Int64: f.ObservationID, Valid: f.ObservationID != 0}
		details = appendFigureDetails(details, &figureDetails{Decimals: f.Decimals, Unit: f.Unit, Statuses: string(statuses),
			Department: f.Department, File: f.File, Sheet: f.Sheet, Cell: f.Cell, Raw: f.Raw, Note: f.Note, Reason: f.Reason})
		detailEnds = append(detailEnds, len(details))
		args = append(args, f.Indicator, f.Period, v, status.of(string(f.Status)), obs, atArg, i, sig, nil)
		if n++; n == figureBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := flushBare(); err != nil {
		return err
	}
	if len(old) > 0 {
		del := bind(ctx, tx, db.q.DeleteFigure)
		for k := range old {
			if _, err := del.ExecContext(ctx, k[0], k[1]); err != nil {
				return fmt.Errorf("remove figure %s %s: %w", k[0], k[1], err)
			}
		}
	}
	return nil
}

// bare reports whether a figure says nothing but its unit and status: no
// value, no source, no reason (a missing figure nobody gave).
func bare(f sheaf.Figure) bool {
	return !f.HasValue && f.Decimals == 0 && f.Department == "" && f.File == "" && f.Sheet == "" && f.Cell == "" &&
		f.Raw == "" && f.Note == "" && f.ObservationID == 0 && f.Reason == ""
}

// lastSig is the signature of a bare figure, made again only when its
// unit, status or statuses differ from the last one's.
type lastSig struct {
	parts [3]string
	sig   string
}

func (l *lastSig) of(unit, status, statuses string) string {
	if l.sig == "" || l.parts != [3]string{unit, status, statuses} {
		l.parts = [3]string{unit, status, statuses}
		l.sig = "bare\x1f" + unit + "\x1f" + status + "\x1f" + statuses
	}
	return l.sig
}

// figureSig digests everything a stored figure says, its time aside,
// using buf for the text digested; it returns buf for the next figure.
func figureSig(buf []byte, f sheaf.Figure, statuses []byte) ([]byte, string) {
	if f.HasValue {
		buf = append(buf, 1)
	} else {
		buf = append(buf, 0)
	}
	buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f.Value))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(int64(f.Decimals)))
	buf = binary.LittleEndian.AppendUint64(buf, uint64(f.ObservationID))
	for _, s := range []string{f.Unit, string(f.Status), string(statuses), f.Department, f.File,
		f.Sheet, f.Cell, f.Raw, f.Note, f.Reason} {
		// Length first, so that no text can pass for two.
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	sum := sha256.Sum256(buf)
	return buf, hex.EncodeToString(sum[:16])
}

// Figures returns the figures of the latest sync, in catalogue order.
func (db *DB) Figures(ctx context.Context) ([]sheaf.Figure, error) {
	var out []sheaf.Figure
	err := db.EachFigure(ctx, func(f *sheaf.Figure) error {
		out = append(out, *f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EachFigure gives fn the figures of the latest sync one at a time, in
// catalogue order, without holding them all (100,000 figures are some
// 40 MB): f is valid until fn returns. An error of fn ends it.
func (db *DB) EachFigure(ctx context.Context, fn func(f *sheaf.Figure) error) error {
	rows, err := db.q.Figures.QueryxContext(ctx)
	if err != nil {
		return fmt.Errorf("load figures: %w", err)
	}
	return eachFigure(rows, fn)
}

// Figure returns the figure of one indicator and period, or ErrNotFound.
func (db *DB) Figure(ctx context.Context, indicator, period string) (sheaf.Figure, error) {
	rows, err := db.q.Figure.QueryxContext(ctx, indicator, period)
	if err != nil {
		return sheaf.Figure{}, fmt.Errorf("load figure: %w", err)
	}
	var out sheaf.Figure
	found := false
	err = eachFigure(rows, func(f *sheaf.Figure) error {
		out, found = *f, true
		return nil
	})
	if err != nil {
		return sheaf.Figure{}, err
	}
	if !found {
		return sheaf.Figure{}, ErrNotFound
	}
	return out, nil
}

// DepartmentFigures gives fn, in catalogue order, the figures of the
// indicators owned (their ids) and those whose value the department gave,
// each once, as EachFigure would give them: a department's page reads its
// own figures, not all of a prefecture's.
func (db *DB) DepartmentFigures(ctx context.Context, department string, owned []string, fn func(f *sheaf.Figure) error) error {
	ids, err := json.Marshal(owned)
	if err != nil {
		return err
	}
	if owned == nil {
		ids = []byte("[]")
	}
	rows, err := db.q.DepartmentFigures.QueryxContext(ctx, string(ids), department)
	if err != nil {
		return fmt.Errorf("load figures of %s: %w", department, err)
	}
	return eachFigure(rows, fn)
}

// eachFigure reads figure rows into fn and closes them.
func eachFigure(rows *sqlx.Rows, fn func(f *sheaf.Figure) error) error {
	defer rows.Close()
	// Few distinct status lists: each parsed once, each figure given a
	// copy of its own.
	statuses := map[string][]sheaf.Status{}
	for rows.Next() {
		var f sheaf.Figure
		var v sql.NullFloat64
		var packed sql.RawBytes
		if err := rows.Scan(&f.Indicator, &f.Period, &v, &f.Status, &f.ObservationID, &packed); err != nil {
			return fmt.Errorf("load figures: %w", err)
		}
		d, err := unpackFigureDetails(packed)
		if err != nil {
			return fmt.Errorf("load figures: %s %s: %w", f.Indicator, f.Period, err)
		}
		f.Decimals, f.Unit, f.Department, f.File, f.Sheet = d.Decimals, d.Unit, d.Department, d.File, d.Sheet
		f.Cell, f.Raw, f.Note, f.Reason = d.Cell, d.Raw, d.Note, d.Reason
		f.Value, f.HasValue = v.Float64, v.Valid
		st, ok := statuses[d.Statuses]
		if !ok {
			_ = json.Unmarshal([]byte(d.Statuses), &st)
			statuses[d.Statuses] = st
		}
		if st != nil {
			f.Statuses = append(make([]sheaf.Status, 0, len(st)), st...)
		}
		if err := fn(&f); err != nil {
			return err
		}
	}
	return rows.Err()
}
