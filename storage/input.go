package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

// CurrentInput loads what reconcile works from, but for the observations
// (see CurrentSlots): the findings of every present file's current read,
// the sources' status, files per department and accepted flags.
func (db *DB) CurrentInput(ctx context.Context) (reconcile.Input, error) {
	if err := ctx.Err(); err != nil {
		return reconcile.Input{}, err
	}
	ctx = uninterrupted(ctx)
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
		f.File = sheaf.DisplayPath(f.Source, f.File)
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
		frows, err := db.q.CurrentFiles.QueryxContext(uninterrupted(ctx))
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
			f.path = sheaf.DisplayPath(f.source, f.path)
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
		// Uninterrupted, and ctx checked every few thousand rows instead
		// (see uninterrupted).
		rows, err := db.q.CurrentObservations.QueryContext(uninterrupted(ctx))
		if err != nil {
			return fmt.Errorf("load observations: %w", err)
		}
		defer rows.Close()
		var packed sql.RawBytes
		var part [4][]byte
		var batch []reconcile.Observation
		for n := 0; rows.Next(); n++ {
			if n%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			var o reconcile.Observation
			var v sql.NullFloat64
			if err := rows.Scan(&v, &packed); err != nil {
				return fmt.Errorf("load observations: %w", err)
			}
			rest := []byte(packed)
			for k := range part {
				i := bytes.IndexByte(rest, 0x1f)
				if i < 0 {
					return fmt.Errorf("load observations: row %d: %d fields, want 5", n, k+1)
				}
				part[k], rest = rest[:i], rest[i+1:]
			}
			var ok [2]bool
			o.ID, ok[0] = atoi(part[0])
			o.FileID, ok[1] = atoi(part[1])
			d, err := splitDetails(rest)
			if err != nil || ok != [2]bool{true, true} {
				return fmt.Errorf("load observations: row %d: %q: %v", n, packed, err)
			}
			var num [4]bool
			var dec, seq, hidden, fraction int64
			dec, num[0] = atoi(d[dDecimals])
			seq, num[1] = atoi(d[dSeq])
			hidden, num[2] = atoi(d[dHidden])
			fraction, num[3] = atoi(d[dFraction])
			if num != [4]bool{true, true, true, true} {
				return fmt.Errorf("load observations: row %d: bad numbers %q", n, packed)
			}
			o.Decimals, o.Seq, o.HiddenRow, o.Fraction = int(dec), int(seq), hidden != 0, fraction != 0
			o.FirstSeen, o.FirstModTime = timeOf(d[dFirstSeen]), timeOf(d[dFirstModTime])
			o.Indicator, o.Period, o.Department = intern(part[2]), intern(part[3]), intern(d[dDepartment])
			o.Approx, o.Sheet = sheaf.Approximation(intern(d[dApprox])), intern(d[dSheet])
			// Raw, note and cell lie in order in rest: one string for the
			// three.
			off := func(b []byte) int { return cap(rest) - cap(b) }
			str := substrings(rest[off(d[dRaw]) : off(d[dCell])+len(d[dCell])])
			o.Raw, o.Note, o.Cell = str(d[dRaw]), str(d[dNote]), str(d[dCell])
			o.Value, o.HasValue = v.Float64, v.Valid
			f := files[o.FileID]
			o.Source, o.File = f.source, f.path
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

// atoi reads a decimal integer as SQLite writes one.
func atoi(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
