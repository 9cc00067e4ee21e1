package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sheaf-dev/sheaf"
)

// DepartmentLink is what is kept of a department's page link: the SHA-256
// (hex) of its token, never the token, and how many times it was rotated.
type DepartmentLink struct {
	Department string
	Version    int
	TokenHash  string
	UpdatedAt  time.Time
}

// DepartmentLink returns a department's link, or ErrNotFound when none was
// made yet.
func (db *DB) DepartmentLink(ctx context.Context, department string) (DepartmentLink, error) {
	var (
		l       DepartmentLink
		updated sql.NullString
	)
	err := db.q.DepartmentLink.QueryRowxContext(ctx, department).Scan(&l.Department, &l.Version, &l.TokenHash, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return DepartmentLink{}, fmt.Errorf("link of department %q: %w", department, ErrNotFound)
	}
	if err != nil {
		return DepartmentLink{}, fmt.Errorf("read the link of department %q: %w", department, err)
	}
	l.UpdatedAt = parseTime(updated)
	return l, nil
}

// SetDepartmentLink stores a department's link (version and token hash),
// replacing the one before.
func (db *DB) SetDepartmentLink(ctx context.Context, l DepartmentLink) error {
	if _, err := db.q.UpsertDepartmentLink.ExecContext(ctx, l.Department, l.Version, l.TokenHash, formatTime(db.Now())); err != nil {
		return fmt.Errorf("store the link of department %q: %w", l.Department, err)
	}
	return nil
}

// FlagAnswer is a department's answer to one of its flags, and the
// coordinator's decision on it.
type FlagAnswer struct {
	ID         int64
	FlagID     int64
	Department string
	// Corrected: the department says it corrected its file (sync again).
	Corrected    bool
	Note         string
	By           string
	At           time.Time
	State        sheaf.AnswerState
	DecisionNote string
	DecidedBy    string
	DecidedAt    time.Time
}

// AnswerFlag stores a department's answer to an open flag, replacing that
// department's pending answer if any (a flag on the figures of two
// departments keeps each one's answer). It returns ErrNotFound for an unknown flag and an
// error for one that is not open. Whose flag it is, the caller decides.
func (db *DB) AnswerFlag(ctx context.Context, a FlagAnswer) (int64, error) {
	var id int64
	err := db.inTx(ctx, func(tx *sqlx.Tx) error {
		var state sheaf.FlagState
		err := bind(ctx, tx, db.q.FlagState).GetContext(ctx, &state, a.FlagID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("flag %d: %w", a.FlagID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if state != sheaf.FlagOpen {
			return fmt.Errorf("flag %d is %s: only an open flag can be answered", a.FlagID, state)
		}
		if _, err := bind(ctx, tx, db.q.WithdrawFlagAnswers).ExecContext(ctx, a.FlagID, a.Department); err != nil {
			return err
		}
		corrected := 0
		if a.Corrected {
			corrected = 1
		}
		res, err := bind(ctx, tx, db.q.InsertFlagAnswer).ExecContext(ctx, a.FlagID, a.Department, corrected, a.Note, a.By, formatTime(db.Now()))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		if err != nil {
			return err
		}
		msg := "部门答复：" + a.Note
		if a.By != "" {
			msg = a.By + "（部门答复）：" + a.Note
		}
		_, err = bind(ctx, tx, db.q.InsertFlagEvent).ExecContext(ctx, a.FlagID, formatTime(db.Now()), sheaf.FlagOpen, msg)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("answer flag %d: %w", a.FlagID, err)
	}
	return id, nil
}

// RejectAnswer rejects the pending answer to a flag with the
// coordinator's note, which the department reads on its page; the flag
// stays open. It returns ErrNotFound when the flag has no pending answer.
func (db *DB) RejectAnswer(ctx context.Context, flagID int64, note, by string) error {
	return db.inTx(ctx, func(tx *sqlx.Tx) error {
		at := formatTime(db.Now())
		res, err := bind(ctx, tx, db.q.DecideFlagAnswer).ExecContext(ctx, sheaf.AnswerRejected, note, by, at, flagID)
		if err != nil {
			return fmt.Errorf("reject the answer to flag %d: %w", flagID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("flag %d has no answer waiting: %w", flagID, ErrNotFound)
		}
		msg := "退回部门答复：" + note
		if by != "" {
			msg = by + "：" + msg
		}
		_, err = bind(ctx, tx, db.q.InsertFlagEvent).ExecContext(ctx, flagID, at, sheaf.FlagOpen, msg)
		return err
	})
}

// FlagAnswers returns, by flag id, the latest answer of each department
// that answered the flag, oldest first.
func (db *DB) FlagAnswers(ctx context.Context) (map[int64][]FlagAnswer, error) {
	rows, err := db.q.FlagAnswers.QueryxContext(ctx)
	if err != nil {
		return nil, fmt.Errorf("load flag answers: %w", err)
	}
	defer rows.Close()
	out := map[int64][]FlagAnswer{}
	for rows.Next() {
		var (
			a         FlagAnswer
			corrected int
			at, dec   sql.NullString
		)
		if err := rows.Scan(&a.ID, &a.FlagID, &a.Department, &corrected, &a.Note, &a.By, &at, &a.State,
			&a.DecisionNote, &a.DecidedBy, &dec); err != nil {
			return nil, fmt.Errorf("load flag answers: %w", err)
		}
		a.Corrected = corrected == 1
		a.At, a.DecidedAt = parseTime(at), parseTime(dec)
		out[a.FlagID] = append(out[a.FlagID], a)
	}
	return out, rows.Err()
}

// TakenValue is one value sheaf took from a department's file.
type TakenValue struct {
	File, Indicator, Period, Raw, Sheet, Cell, Label string
	// Value is the value as sheaf read it (HasValue false for a blank),
	// Decimals its precision, Unit its unit.
	Value    float64
	HasValue bool
	Decimals int
	Unit     string
}

// DepartmentValues lists the values taken from a department's present
// files by the reads that count, file by file.
func (db *DB) DepartmentValues(ctx context.Context, department string) ([]TakenValue, error) {
	rows, err := db.q.DepartmentValues.QueryxContext(ctx, department)
	if err != nil {
		return nil, fmt.Errorf("load the values of department %q: %w", department, err)
	}
	defer rows.Close()
	var out []TakenValue
	for rows.Next() {
		var v TakenValue
		var packed sql.RawBytes
		var value sql.NullFloat64
		if err := rows.Scan(&v.File, &v.Indicator, &v.Period, &value, &packed); err != nil {
			return nil, fmt.Errorf("load the values of department %q: %w", department, err)
		}
		d, err := unpackDetails(packed)
		if err != nil {
			return nil, fmt.Errorf("load the values of department %q: %w", department, err)
		}
		v.Raw, v.Sheet, v.Cell, v.Label = d.Raw, d.Sheet, d.Cell, d.Label
		v.Value, v.HasValue, v.Decimals, v.Unit = value.Float64, value.Valid, d.Decimals, d.Unit
		out = append(out, v)
	}
	return out, rows.Err()
}

// FileFinding is what reading a department's file noticed.
type FileFinding struct {
	File                                         string
	Kind                                         sheaf.Kind
	Severity                                     sheaf.Severity
	Indicator, Period, Sheet, Cell, Raw, Message string
}

// DepartmentFindings lists what reading a department's present files
// noticed (rows not recognised, unreadable cells), file by file.
func (db *DB) DepartmentFindings(ctx context.Context, department string) ([]FileFinding, error) {
	rows, err := db.q.DepartmentFindings.QueryxContext(ctx, department)
	if err != nil {
		return nil, fmt.Errorf("load the findings of department %q: %w", department, err)
	}
	defer rows.Close()
	var out []FileFinding
	for rows.Next() {
		var f FileFinding
		if err := rows.Scan(&f.File, &f.Kind, &f.Severity, &f.Indicator, &f.Period, &f.Sheet, &f.Cell, &f.Raw, &f.Message); err != nil {
			return nil, fmt.Errorf("load the findings of department %q: %w", department, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
