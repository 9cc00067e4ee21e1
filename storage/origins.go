package storage

import (
	"database/sql"
	"fmt"
	"hash/maphash"
	"math"
	"time"

	"github.com/sheaf-dev/sheaf"
)

// origin is when a value first appeared in a file: the start of the sync
// that first read it, and the file's modification time then (as stored).
type origin struct{ seen, mod string }

// valueOrigins maps a file's earlier values (indicator, period, value) to
// when each first appeared. Values are kept as 64-bit hashes and origins
// as indexes into the few distinct ones, so that a very large file costs
// little memory when it is read again.
type valueOrigins struct {
	seed    maphash.Seed
	index   map[uint64]int32
	origins []origin
}

// valueKey hashes what identifies a value within a file: indicator, period
// and the value as stored (a blank is a value too: it withdraws).
func (v *valueOrigins) valueKey(indicator, period string, value sql.NullFloat64) uint64 {
	var h maphash.Hash
	h.SetSeed(v.seed)
	h.WriteString(indicator)
	h.WriteByte(0x1f)
	h.WriteString(period)
	h.WriteByte(0x1f)
	if value.Valid {
		var b [8]byte
		bits := math.Float64bits(value.Float64)
		for i := range b {
			b[i] = byte(bits >> (8 * i))
		}
		h.WriteByte(1)
		h.Write(b[:])
	} else {
		h.WriteByte(0)
	}
	return h.Sum64()
}

// of returns when o's value first appeared in the file: when it did in an
// earlier read, else now.
func (v *valueOrigins) of(o sheaf.Observation, now origin) origin {
	if len(v.index) == 0 {
		return now
	}
	val := sql.NullFloat64{Float64: o.Value, Valid: o.HasValue}
	if i, ok := v.index[v.valueKey(o.Indicator, o.Period, val)]; ok {
		return v.origins[i]
	}
	return now
}

// loadOrigins reads when each value of the file's last good read first
// appeared (call it before the read is recorded), and when this read happens: the start of its sync, so that
// files first read in one sync tie and their modification times decide.
func (w *ReadWriter) loadOrigins(now time.Time) error {
	w.now = origin{seen: formatTime(now), mod: formatTime(w.r.Ref.ModTime)}
	if w.r.RunID != 0 {
		var started string
		if err := bind(w.ctx, w.tx, w.db.q.RunStarted).GetContext(w.ctx, &started, w.r.RunID); err != nil {
			return fmt.Errorf("read the start of run %d: %w", w.r.RunID, err)
		}
		w.now.seen = started
	}
	rows, err := bind(w.ctx, w.tx, w.db.q.PreviousValues).QueryxContext(w.ctx, w.fileID, w.r.Ref.ChangeKey, w.r.Department)
	if err != nil {
		return fmt.Errorf("read earlier values of %s: %w", w.r.Ref.Path, err)
	}
	defer rows.Close()
	v := &w.origins
	v.seed = maphash.MakeSeed()
	v.index = map[uint64]int32{}
	distinct := map[origin]int32{}
	for rows.Next() {
		var indicator, period string
		var value sql.NullFloat64
		var packed sql.RawBytes
		if err := rows.Scan(&indicator, &period, &value, &packed); err != nil {
			return fmt.Errorf("read earlier values of %s: %w", w.r.Ref.Path, err)
		}
		d, err := splitDetails(packed)
		if err != nil {
			return fmt.Errorf("read earlier values of %s: %w", w.r.Ref.Path, err)
		}
		o := origin{seen: string(d[dFirstSeen]), mod: string(d[dFirstModTime])}
		i, ok := distinct[o]
		if !ok {
			i = int32(len(v.origins))
			v.origins = append(v.origins, o)
			distinct[o] = i
		}
		k := v.valueKey(indicator, period, value)
		// The same value twice in one read: the earlier origin holds.
		if j, ok := v.index[k]; !ok || v.origins[i].seen < v.origins[j].seen {
			v.index[k] = i
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read earlier values of %s: %w", w.r.Ref.Path, err)
	}
	return nil
}
