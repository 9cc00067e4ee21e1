package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/sheaf-dev/sheaf"
)

// Read outcomes, as stored in reads.outcome.
const (
	ReadOK        = "ok"
	ReadFailed    = "failed"
	ReadDuplicate = "duplicate"
)

// Read is one reading of a file, stored as a whole or not at all.
type Read struct {
	Department  string
	Source      string
	Ref         sheaf.FileRef
	RunID       int64
	Fingerprint string
	Outcome     string // ReadOK, ReadFailed or ReadDuplicate
	Error       string // why a read failed, in words a department understands
	// DuplicateOf is the id of the file whose identical content counts instead.
	DuplicateOf  int64
	Rows         int
	Observations []sheaf.Observation
	Findings     []sheaf.Finding
	// Sheets says what became of each sheet of the file.
	Sheets []sheaf.SheetOutcome
}

// StoreRead stores a read of a file with all its observations and findings in
// one transaction and makes it the file's current read. A process killed
// half-way leaves either the whole read or none of it.
func (db *DB) StoreRead(ctx context.Context, r Read) (int64, error) {
	w, err := db.BeginRead(ctx, r)
	if err != nil {
		return 0, err
	}
	for _, o := range r.Observations {
		if err := w.Observation(o); err != nil {
			w.Rollback()
			return 0, err
		}
	}
	for _, f := range r.Findings {
		if err := w.Finding(f); err != nil {
			w.Rollback()
			return 0, err
		}
	}
	w.Sheets(r.Sheets)
	return w.Commit(r.Outcome, r.Error, r.Rows)
}

// ReadWriter stores one read of a file inside one transaction, streaming
// its observations in as they are extracted, so that a sheet of any size
// is stored in constant memory and still all or nothing.
type ReadWriter struct {
	db *DB
	// ctx is parent without its cancellation (see uninterrupted); a
	// cancelled parent ends the read at the next batch.
	ctx, parent context.Context
	tx          *sqlx.Tx
	r           Read
	fileID      int64
	readID      int64
	seq         int
	batch       []any // arguments of buffered observation rows
	n           int   // rows in batch
	details     []byte
	detailEnds  []int         // where each row's details end in details
	buf         *detailBuffer // where details and detailEnds came from
	// origins tells when each value of the file first appeared (see
	// valueOrigins); a value not in it appears now.
	origins valueOrigins
	now     origin
	sheets  []sheaf.SheetOutcome
	// The arguments every row shares, boxed once rather than per row.
	readArg, fileArg any
}

// lastArg boxes a text as a statement argument, reusing the last box
// while the text repeats.
type lastArg struct {
	s string
	v any
}

func (a *lastArg) of(s string) any {
	if a.v == nil || a.s != s {
		a.s, a.v = s, s
	}
	return a.v
}

// BeginRead starts storing a read of a file; r's observations and findings
// are ignored (give them through Observation and Finding).
func (db *DB) BeginRead(ctx context.Context, r Read) (*ReadWriter, error) {
	tx, err := db.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	w := &ReadWriter{db: db, ctx: uninterrupted(ctx), parent: ctx, tx: tx, r: r}
	now := db.Now()
	state := map[string]string{ReadOK: FileRead, ReadFailed: FileFailed, ReadDuplicate: FileDuplicate}[r.Outcome]
	if w.fileID, err = db.upsertFile(ctx, tx, r.Department, r.Source, r.Ref, state, now); err != nil {
		tx.Rollback()
		return nil, err
	}
	if r.Outcome == ReadOK {
		if err := w.loadOrigins(now); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	var dup sql.NullInt64
	if r.DuplicateOf != 0 {
		dup = sql.NullInt64{Int64: r.DuplicateOf, Valid: true}
	}
	runID := sql.NullInt64{Int64: r.RunID, Valid: r.RunID != 0}
	if err := bind(ctx, tx, db.q.InsertRead).GetContext(ctx, &w.readID, w.fileID, runID, r.Ref.ChangeKey,
		r.Fingerprint, r.Ref.Size, nullTime(r.Ref.ModTime), formatTime(now), r.Outcome, r.Error, dup, r.Rows); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("record read of %s: %w", r.Ref.Path, err)
	}
	return w, nil
}

// Observation adds one observation of the read.
func (w *ReadWriter) Observation(o sheaf.Observation) error {
	var v sql.NullFloat64
	if o.HasValue {
		v = sql.NullFloat64{Float64: o.Value, Valid: true}
	}
	from := w.origins.of(o, w.now)
	if w.readArg == nil {
		w.readArg, w.fileArg = w.readID, w.fileID
	}
	// The details are packed into one buffer for the batch and given as
	// parts of it when it is flushed (flush; SQLite copies them).
	if w.buf == nil {
		w.buf = detailBuffers.Get().(*detailBuffer)
		w.details, w.detailEnds = w.buf.b, w.buf.ends
	}
	w.details = appendDetails(w.details, &details{Decimals: o.Decimals, Seq: w.seq, HiddenRow: o.HiddenRow,
		Fraction: o.Fraction, FirstSeen: from.seen, FirstModTime: from.mod, Department: w.r.Department,
		Approx: string(o.Approx), Unit: o.Unit, Sheet: o.Sheet, Raw: o.Raw, Note: o.Note, Cell: o.Cell, Label: o.Label})
	w.detailEnds = append(w.detailEnds, len(w.details))
	w.batch = append(w.batch, o.Indicator, o.Period, v, nil)
	w.seq++
	w.n++
	if w.n == observationBatch {
		return w.flush()
	}
	return nil
}

// observationArgs is how many parameters one observation row takes; the
// last is its details.
const observationArgs = 4

// flush inserts the buffered observations: many rows per statement, since
// one statement per row spends most of its time outside SQLite.
func (w *ReadWriter) flush() error {
	start := 0
	for i, end := range w.detailEnds {
		w.batch[(i+1)*observationArgs-1] = w.details[start:end:end]
		start = end
	}
	err := w.parent.Err()
	if err == nil {
		err = execSharedBatches(w.ctx, w.tx, w.db.batchObs, observationBatch, []any{w.readArg, w.fileArg}, observationArgs, w.n, w.batch)
	}
	clear(w.batch) // let go of the strings
	w.batch, w.n, w.details, w.detailEnds = w.batch[:0], 0, w.details[:0], w.detailEnds[:0]
	if err != nil {
		return fmt.Errorf("store observations of %s: %w", w.r.Ref.Path, err)
	}
	return nil
}

// Finding adds one finding of the read.
func (w *ReadWriter) Finding(f sheaf.Finding) error {
	if _, err := bind(w.ctx, w.tx, w.db.q.InsertFinding).ExecContext(w.ctx, w.readID, f.Kind, f.Severity, f.Indicator,
		f.Period, f.Sheet, f.Cell, f.Raw, f.Note, f.Message); err != nil {
		return fmt.Errorf("store finding of %s: %w", w.r.Ref.Path, err)
	}
	return nil
}

// Sheets records what became of each sheet of the file (read, or skipped
// and why), stored with the read when it commits.
func (w *ReadWriter) Sheets(outcomes []sheaf.SheetOutcome) { w.sheets = outcomes }

// Commit ends the read with its outcome, makes it the file's current read
// and commits. It returns the file's id.
func (w *ReadWriter) Commit(outcome, errMsg string, rows int) (int64, error) {
	defer w.tx.Rollback() // a no-op after a commit
	if err := w.flush(); err != nil {
		return 0, err
	}
	state := map[string]string{ReadOK: FileRead, ReadFailed: FileFailed, ReadDuplicate: FileDuplicate}[outcome]
	if _, err := bind(w.ctx, w.tx, w.db.q.FinishRead).ExecContext(w.ctx, outcome, errMsg, rows, w.readID); err != nil {
		return 0, fmt.Errorf("record read of %s: %w", w.r.Ref.Path, err)
	}
	if w.sheets != nil {
		js, err := json.Marshal(w.sheets)
		if err != nil {
			return 0, fmt.Errorf("record sheets of %s: %w", w.r.Ref.Path, err)
		}
		if _, err := bind(w.ctx, w.tx, w.db.q.SetReadSheets).ExecContext(w.ctx, string(js), w.readID); err != nil {
			return 0, fmt.Errorf("record sheets of %s: %w", w.r.Ref.Path, err)
		}
	}
	// A failed read keeps the last good one counting: a file re-saved
	// corrupt changes nothing but its own file flag.
	keepGood := outcome == ReadFailed
	good := sql.NullInt64{Int64: w.readID, Valid: outcome == ReadOK}
	if _, err := bind(w.ctx, w.tx, w.db.q.SetCurrentRead).ExecContext(w.ctx, w.readID, w.r.Ref.ChangeKey, state,
		keepGood, good, w.fileID); err != nil {
		return 0, fmt.Errorf("record read of %s: %w", w.r.Ref.Path, err)
	}
	w.release()
	if err := w.tx.Commit(); err != nil {
		return 0, fmt.Errorf("commit read of %s: %w", w.r.Ref.Path, err)
	}
	return w.fileID, nil
}

// Rollback abandons the read: nothing of it is stored.
func (w *ReadWriter) Rollback() {
	w.tx.Rollback()
	w.release()
}

// detailBuffers hold the packed details of a batch, kept from one file to
// the next instead of grown again for each.
var detailBuffers = sync.Pool{New: func() any {
	return &detailBuffer{b: make([]byte, 0, observationBatch*128), ends: make([]int, 0, observationBatch)}
}}

type detailBuffer struct {
	b    []byte
	ends []int
}

// release gives the batch buffers back; the writer is done.
func (w *ReadWriter) release() {
	if w.buf != nil {
		w.buf.b, w.buf.ends = w.details[:0], w.detailEnds[:0]
		detailBuffers.Put(w.buf)
		w.buf, w.details, w.detailEnds = nil, nil, nil
	}
}
