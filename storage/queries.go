package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"reflect"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"
)

// queryFiles holds the SQL, one file per table or concern; in each, a
// query follows a "-- name: x" line.
//
//go:embed queries/*.sql
var queryFiles embed.FS

// queries are every statement sheaf runs, prepared once when the database
// opens: a query with a typo, a field without a query or a query without a
// field stops the start, not a job hours later. Each field's tag names its
// query in queries/*.sql.
type queries struct {
	// files.sql
	AllKnownFiles     *sqlx.Stmt `query:"all-known-files"`
	UpsertFile        *sqlx.Stmt `query:"upsert-file"`
	TouchPresentFiles *sqlx.Stmt `query:"touch-present-files"`
	PresentFiles      *sqlx.Stmt `query:"present-files"`
	MarkAbsent        *sqlx.Stmt `query:"mark-absent"`
	FilesSummary      *sqlx.Stmt `query:"files-summary"`

	// reads.sql
	InsertRead     *sqlx.Stmt `query:"insert-read"`
	SetCurrentRead *sqlx.Stmt `query:"set-current-read"`
	RunStarted     *sqlx.Stmt `query:"run-started"`
	PreviousValues *sqlx.Stmt `query:"previous-values"`
	FinishRead     *sqlx.Stmt `query:"finish-read"`
	SetReadSheets  *sqlx.Stmt `query:"set-read-sheets"`
	// InsertObservation stores one row; ReadWriter uses the multi-row forms
	// prepareBatch builds from its text.
	InsertObservation  *sqlx.Stmt `query:"insert-observation"`
	InsertFinding      *sqlx.Stmt `query:"insert-finding"`
	ObservationHistory *sqlx.Stmt `query:"observation-history"`

	// sources.sql
	UpsertSourceOK    *sqlx.Stmt `query:"upsert-source-ok"`
	UpsertSourceError *sqlx.Stmt `query:"upsert-source-error"`
	SourceStatuses    *sqlx.Stmt `query:"source-statuses"`
	SourceErrors      *sqlx.Stmt `query:"source-errors"`

	// input.sql
	CurrentFiles        *sqlx.Stmt `query:"current-files"`
	CurrentObservations *sqlx.Stmt `query:"current-observations"`
	CurrentFindings     *sqlx.Stmt `query:"current-findings"`
	PresentFileCounts   *sqlx.Stmt `query:"present-file-counts"`

	// figures.sql
	FigureSignatures  *sqlx.Stmt `query:"figure-signatures"`
	DeleteFigure      *sqlx.Stmt `query:"delete-figure"`
	UpsertFigure      *sqlx.Stmt `query:"upsert-figure"`      // the one-row form of batchFig
	UpsertBareFigure  *sqlx.Stmt `query:"upsert-bare-figure"` // the one-row form of batchBare
	Figures           *sqlx.Stmt `query:"figures"`
	Figure            *sqlx.Stmt `query:"figure"`
	DepartmentFigures *sqlx.Stmt `query:"department-figures"`

	// rules.sql
	DeleteRuleResults *sqlx.Stmt `query:"delete-rule-results"`
	InsertRuleResult  *sqlx.Stmt `query:"insert-rule-result"`
	RuleResults       *sqlx.Stmt `query:"rule-results"`
	RuleStateCounts   *sqlx.Stmt `query:"rule-state-counts"`

	// flags.sql
	FlagStates            *sqlx.Stmt `query:"flag-states"`
	InsertFlag            *sqlx.Stmt `query:"insert-flag"` // the one-row form of batchFlags
	RefreshFlag           *sqlx.Stmt `query:"refresh-flag"`
	ReopenFlag            *sqlx.Stmt `query:"reopen-flag"`
	AcceptFlag            *sqlx.Stmt `query:"accept-flag"`
	FlagState             *sqlx.Stmt `query:"flag-state"`
	AcceptedDigests       *sqlx.Stmt `query:"accepted-digests"`
	FlagEvents            *sqlx.Stmt `query:"flag-events"`
	ResolveFlag           *sqlx.Stmt `query:"resolve-flag"`
	InsertFlagEvent       *sqlx.Stmt `query:"insert-flag-event"`
	Flags                 *sqlx.Stmt `query:"flags"`
	OpenFlagCounts        *sqlx.Stmt `query:"open-flag-counts"`
	OpenFlagsByDepartment *sqlx.Stmt `query:"open-flags-by-department"`

	// runs.sql
	InsertRun     *sqlx.Stmt `query:"insert-run"`
	FinishRun     *sqlx.Stmt `query:"finish-run"`
	InterruptRuns *sqlx.Stmt `query:"interrupt-runs"`
	// InterruptAll marks every run still "running" interrupted.
	InterruptAll *sqlx.Stmt `query:"interrupt-all-runs"`
	Runs         *sqlx.Stmt `query:"runs"`
	LastRun      *sqlx.Stmt `query:"last-run"`
	LastRunAny   *sqlx.Stmt `query:"last-run-any"`

	// outbox.sql
	InsertOutbox  *sqlx.Stmt `query:"insert-outbox"`
	DueOutbox     *sqlx.Stmt `query:"due-outbox"`
	ListOutbox    *sqlx.Stmt `query:"list-outbox"`
	OutboxSent    *sqlx.Stmt `query:"outbox-sent"`
	OutboxRetry   *sqlx.Stmt `query:"outbox-retry"`
	OutboxFailed  *sqlx.Stmt `query:"outbox-failed"`
	OutboxRequeue *sqlx.Stmt `query:"outbox-requeue"`
	OutboxState   *sqlx.Stmt `query:"outbox-state"`
	ExpireOutbox  *sqlx.Stmt `query:"expire-outbox"`

	OutboxPartlySent       *sqlx.Stmt `query:"outbox-partly-sent"`
	OutboxCancel           *sqlx.Stmt `query:"outbox-cancel"`
	OutboxRevise           *sqlx.Stmt `query:"outbox-revise"`
	OutboxCancelSuperseded *sqlx.Stmt `query:"outbox-cancel-superseded"`
	OutboxDecisions        *sqlx.Stmt `query:"outbox-decisions"`
	OutboxRefusedSince     *sqlx.Stmt `query:"outbox-refused-since"`

	// meta.sql
	GetMeta *sqlx.Stmt `query:"get-meta"`
	SetMeta *sqlx.Stmt `query:"set-meta"`
	AddMeta *sqlx.Stmt `query:"add-meta"`

	// sessions.sql
	InsertSession         *sqlx.Stmt `query:"insert-session"`
	Session               *sqlx.Stmt `query:"session"`
	DeleteSession         *sqlx.Stmt `query:"delete-session"`
	DeleteExpiredSessions *sqlx.Stmt `query:"delete-expired-sessions"`

	// links.sql
	DepartmentLink       *sqlx.Stmt `query:"department-link"`
	UpsertDepartmentLink *sqlx.Stmt `query:"upsert-department-link"`
	InsertFlagAnswer     *sqlx.Stmt `query:"insert-flag-answer"`
	WithdrawFlagAnswers  *sqlx.Stmt `query:"withdraw-flag-answers"`
	DecideFlagAnswer     *sqlx.Stmt `query:"decide-flag-answer"`
	FlagAnswers          *sqlx.Stmt `query:"flag-answers"`
	DepartmentValues     *sqlx.Stmt `query:"department-values"`
	DepartmentFindings   *sqlx.Stmt `query:"department-findings"`
}

// parseQueries reads every *.sql file of dir in files into its named
// queries. A name given twice is an error.
func parseQueries(files fs.FS, dir string) (map[string]string, error) {
	names, err := fs.Glob(files, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	where := map[string]string{}
	for _, file := range names {
		body, err := fs.ReadFile(files, file)
		if err != nil {
			return nil, err
		}
		name := ""
		var text strings.Builder
		flush := func() error {
			if name == "" {
				return nil
			}
			if prev, ok := where[name]; ok {
				return fmt.Errorf("query %q is in both %s and %s", name, prev, file)
			}
			out[name], where[name] = text.String(), file
			text.Reset()
			return nil
		}
		for _, line := range strings.Split(string(body), "\n") {
			if n, ok := strings.CutPrefix(strings.TrimSpace(line), "-- name:"); ok {
				if err := flush(); err != nil {
					return nil, err
				}
				name = strings.TrimSpace(n)
				continue
			}
			text.WriteString(line)
			text.WriteByte('\n')
		}
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// prepareQueries prepares the query named by each field's tag into the
// field. A field whose query is missing, or a query no field takes, is an
// error naming it.
func prepareQueries(ctx context.Context, db *sqlx.DB, texts map[string]string) (*queries, []*sqlx.Stmt, error) {
	q := &queries{}
	var all []*sqlx.Stmt
	fail := func(err error) (*queries, []*sqlx.Stmt, error) {
		for _, st := range all {
			st.Close()
		}
		return nil, nil, err
	}
	v := reflect.ValueOf(q).Elem()
	used := map[string]string{} // query name → field
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		name := f.Tag.Get("query")
		text, ok := texts[name]
		if name == "" || !ok {
			return fail(fmt.Errorf("prepare queries: no query %q for field %s", name, f.Name))
		}
		if other, ok := used[name]; ok {
			return fail(fmt.Errorf("prepare queries: fields %s and %s both take query %q", other, f.Name, name))
		}
		used[name] = f.Name
		st, err := db.PreparexContext(ctx, text)
		if err != nil {
			return fail(fmt.Errorf("prepare query %q: %w", name, err))
		}
		all = append(all, st)
		v.Field(i).Set(reflect.ValueOf(st))
	}
	var unused []string
	for name := range texts {
		if used[name] == "" {
			unused = append(unused, name)
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		return fail(fmt.Errorf("prepare queries: no field takes query %s", strings.Join(unused, ", ")))
	}
	return q, all, nil
}

// observationBatch is how many observations one INSERT stores (4
// parameters each, and the read and file once: well under SQLite's limit
// of 32,766); figureBatch how many figures one upsert stores (9 each).
const (
	observationBatch = 256
	figureBatch      = 64
	// bareFigureBatch: a bare figure takes three parameters.
	bareFigureBatch = 256
	// flagBatch new flags (14 parameters each) and eventBatch flag events
	// (4 each) a statement.
	flagBatch  = 64
	eventBatch = 256
)

// prepareBatch builds multi-row forms of an INSERT of one row (its VALUES
// tuple, then any ON CONFLICT clause), one for each power of two up to
// max, so that any number of rows takes few statements (200 rows:
// 64+64+64+8) and the columns are written in one place only. batch[1] is
// the one-row form.
func prepareBatch(ctx context.Context, db *sqlx.DB, name, insert string, max int) (map[int]*sqlx.Stmt, error) {
	one := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(insert), ";"))
	head, rest, ok := strings.Cut(one, "VALUES")
	end := closingParen(rest)
	if !ok || end < 0 {
		return nil, fmt.Errorf("prepare batch insert: %s has no VALUES (…)", name)
	}
	tuple, tail := strings.TrimSpace(rest[:end+1]), rest[end+1:]
	batch := map[int]*sqlx.Stmt{}
	for n := 1; n <= max; n *= 2 {
		q := head + "VALUES " + strings.TrimSuffix(strings.Repeat(tuple+",", n), ",") + tail
		st, err := db.PreparexContext(ctx, q)
		if err != nil {
			for _, s := range batch {
				s.Close()
			}
			return nil, fmt.Errorf("prepare batch insert: %w", err)
		}
		batch[n] = st
	}
	return batch, nil
}

// closingParen is the index of the parenthesis closing the first one
// opened in s (a row of VALUES, which may hold a CAST(…)), or -1.
func closingParen(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
			if depth < 0 {
				return -1
			}
		}
	}
	return -1
}

// execBatches runs rows rows of per arguments each through the batch
// statements of prepareBatch: the largest that fit first.
func execBatches(ctx context.Context, tx *sqlx.Tx, batch map[int]*sqlx.Stmt, max, per, rows int, args []any) error {
	return execSharedBatches(ctx, tx, batch, max, nil, per, rows, args)
}

// execSharedBatches is execBatches for statements whose first parameters
// (shared) are the same for every row, bound once per statement.
func execSharedBatches(ctx context.Context, tx *sqlx.Tx, batch map[int]*sqlx.Stmt, max int, shared []any, per, rows int, args []any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx = uninterrupted(ctx)
	var buf []any
	done := 0
	for size := max; rows-done > 0; size /= 2 {
		for rows-done >= size {
			a := args[done*per : (done+size)*per]
			if len(shared) > 0 {
				buf = append(append(buf[:0], shared...), a...)
				a = buf
			}
			if _, err := bind(ctx, tx, batch[size]).ExecContext(ctx, a...); err != nil {
				return err
			}
			done += size
		}
	}
	return nil
}

// uninterrupted is ctx without its cancellation, for the statements of a
// sync's hot paths. go-sqlite3 runs a statement under a context that can be
// cancelled on a goroutine of its own, and every step of a query too, so
// that it can interrupt SQLite: reading back a cycle's 100,000
// observations started 100,000 goroutines, and the one writer of a sync
// waited for a processor while the parsing workers held both, idling them
// in turn. The loops that use it check their context between batches.
func uninterrupted(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// bind returns st bound to tx, or st itself when tx is nil.
func bind(ctx context.Context, tx *sqlx.Tx, st *sqlx.Stmt) *sqlx.Stmt {
	if tx == nil {
		return st
	}
	return tx.StmtxContext(ctx, st)
}

// countsByKey runs a query of (key, count) rows into a map.
func countsByKey(ctx context.Context, st *sqlx.Stmt) (map[string]int, error) {
	rows, err := st.QueryxContext(ctx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
