package storage

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// tricky are texts a packed field must give back exactly: separators of
// the format itself, lengths and colons that look like its own, control
// and multi-byte characters.
var tricky = []string{"", "\x1f", "3:abc", "12:", ":", "万元", "a\x1fb\x1f", "0", "\n\t", "约3.6万余", strings.Repeat("长", 300), "9:", "-1:x"}

// checkPacked: packed unpacks to want, and any cut of it is an error,
// never other details.
func checkPacked[T comparable](t *testing.T, packed []byte, want T, unpack func([]byte) (T, error)) {
	t.Helper()
	if got, err := unpack(packed); err != nil || got != want {
		t.Fatalf("%q unpacked to %+v, %v; want %+v", packed, got, err, want)
	}
	for cut := range len(packed) {
		if got, err := unpack(packed[:cut]); err == nil {
			t.Fatalf("%q cut at %d unpacked to %+v", packed, cut, got)
		}
	}
}

func FuzzDetails(f *testing.F) {
	for i, s := range tricky {
		f.Add(i-3, i*7, i%2 == 0, i%3 == 0, s, tricky[(i+1)%len(tricky)], tricky[(i+5)%len(tricky)])
	}
	f.Fuzz(func(t *testing.T, decimals, seq int, hidden, fraction bool, a, b, c string) {
		d := details{Decimals: decimals, Seq: seq, HiddenRow: hidden, Fraction: fraction,
			FirstSeen: "2026-12-03T02:00:00.000000001Z", FirstModTime: "", Department: a, Approx: b, Unit: c,
			Sheet: a + b, Raw: b + c, Note: c, Cell: a, Label: c + a}
		checkPacked(t, appendDetails([]byte("junk"), &d)[4:], d, unpackDetails)
	})
}

// TestMigrationPacksObservationDetails: migration 0015 packs every
// observation's columns in SQL exactly as the writer packs them in Go,
// texts of every kind included, keeps every id a figure refers to, and
// leaves foreign keys on.
func TestMigrationPacksObservationDetails(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	sdb := olderDB(t, path, "migrations/0015")
	for _, q := range []string{
		`INSERT INTO files (id, department, source, path, first_seen, last_seen, present, state)
		 VALUES (1, 'edu', 'dir:inbox', '快报.xlsx', '2025-03-01T09:00:00Z', '2025-03-01T09:00:00Z', 1, 'read')`,
		`INSERT INTO reads (id, file_id, change_key, fingerprint, size, mod_time, read_at, outcome)
		 VALUES (1, 1, 'k1', 'fp', 1, '2025-03-01T08:00:00Z', '2025-03-01T09:00:01Z', 'ok')`,
		`UPDATE files SET current_read = 1, good_read = 1`,
	} {
		if _, err := sdb.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var want []details
	for i, s := range tricky {
		d := details{Decimals: i - 2, Seq: i, HiddenRow: i%2 == 1, Fraction: i%3 == 1,
			FirstSeen: "2025-03-01T09:00:00Z", FirstModTime: "2025-03-01T08:00:00Z",
			Department: "edu", Approx: s, Unit: tricky[(i+1)%len(tricky)], Sheet: s + "表", Raw: s,
			Note: tricky[(i+2)%len(tricky)], Cell: "E" + s, Label: s + s}
		want = append(want, d)
		if _, err := sdb.Exec(`INSERT INTO observations (id, read_id, file_id, department, indicator, period, value, decimals,
			approx, unit, raw, note, sheet, cell, label, seq, first_seen, first_mod_time, hidden_row, fraction)
			VALUES (?, 1, 1, ?, 'students.total', '2024', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			100+i, d.Department, float64(i)+0.1, d.Decimals, d.Approx, d.Unit, d.Raw, d.Note, d.Sheet, d.Cell, d.Label,
			d.Seq, d.FirstSeen, d.FirstModTime, d.HiddenRow, d.Fraction); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sdb.Exec(`INSERT INTO figures (indicator, period, value, unit, status, observation_id, updated_at, ord, sig)
		VALUES ('students.total', '2024', 3.1, '人', 'ok', 103, '2025-03-01T09:00:01Z', 0, 's')`); err != nil {
		t.Fatal(err)
	}
	db := upgrade(t, sdb, path)
	rows, err := db.db.QueryxContext(ctx, `SELECT id, value, details FROM observations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for ; rows.Next(); i++ {
		var id int64
		var v sql.NullFloat64
		var packed []byte
		if err := rows.Scan(&id, &v, &packed); err != nil {
			t.Fatal(err)
		}
		if id != int64(100+i) || v.Float64 != float64(i)+0.1 {
			t.Errorf("row %d: id %d value %v", i, id, v)
		}
		if goPacked := appendDetails(nil, &want[i]); string(packed) != string(goPacked) {
			t.Errorf("row %d packed by the migration as\n%q, by the writer as\n%q", i, packed, goPacked)
		}
		if got, err := unpackDetails(packed); err != nil || got != want[i] {
			t.Errorf("row %d: %+v, %v; want %+v", i, got, err, want[i])
		}
	}
	rows.Close()
	if i != len(tricky) {
		t.Fatalf("%d observations after migrating, want %d", i, len(tricky))
	}
	var broken int
	if err := db.db.GetContext(ctx, &broken, `SELECT count(*) FROM pragma_foreign_key_check`); err != nil || broken != 0 {
		t.Fatalf("%d rows refer to nothing (%v)", broken, err)
	}
	if _, err := db.db.ExecContext(ctx, `UPDATE figures SET observation_id = 99999`); err == nil {
		t.Error("foreign keys are off after the migration")
	}
}

func FuzzFigureDetails(f *testing.F) {
	for i, s := range tricky {
		f.Add(i-3, s, tricky[(i+1)%len(tricky)], tricky[(i+5)%len(tricky)])
	}
	f.Fuzz(func(t *testing.T, decimals int, a, b, c string) {
		d := figureDetails{Decimals: decimals, Unit: a, Statuses: b, Department: c, File: a + b, Sheet: b + c,
			Cell: c, Raw: a, Note: b, Reason: c + a}
		checkPacked(t, appendFigureDetails([]byte("junk"), &d)[4:], d, unpackFigureDetails)
	})
}

// TestMigrationPacksFigureDetails: migration 0016 packs every figure's
// columns in SQL exactly as saveFigures does in Go, and Figures reads
// each back as it was, its signature and order kept (so that the first
// sync after it rewrites nothing).
func TestMigrationPacksFigureDetails(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	sdb := olderDB(t, path, "migrations/0016")
	var want []figureDetails
	for i, s := range tricky {
		d := figureDetails{Decimals: i - 2, Unit: s, Statuses: `["ok"]`, Department: "edu" + s, File: s + "/快报.xlsx",
			Sheet: tricky[(i+1)%len(tricky)], Cell: "E" + s, Raw: s + s, Note: tricky[(i+3)%len(tricky)], Reason: s}
		want = append(want, d)
		if _, err := sdb.Exec(`INSERT INTO figures (indicator, period, value, decimals, unit, status, statuses, department,
			file, sheet, cell, raw, note, observation_id, updated_at, reason, ord, sig)
			VALUES (?, '2024', ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?, ?, NULL, '2025-03-01T09:00:01Z', ?, ?, ?)`,
			fmt.Sprintf("i%02d", i), float64(i)/3, d.Decimals, d.Unit, d.Statuses, d.Department, d.File, d.Sheet, d.Cell,
			d.Raw, d.Note, d.Reason, len(tricky)-i, fmt.Sprintf("sig%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	db := upgrade(t, sdb, path)
	rows, err := db.db.QueryxContext(ctx, `SELECT indicator, ord, sig, details FROM figures ORDER BY indicator`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; rows.Next(); i++ {
		var ind, sig string
		var ord int
		var packed []byte
		if err := rows.Scan(&ind, &ord, &sig, &packed); err != nil {
			t.Fatal(err)
		}
		if ord != len(tricky)-i || sig != fmt.Sprintf("sig%d", i) {
			t.Errorf("%s: ord %d sig %q", ind, ord, sig)
		}
		if goPacked := appendFigureDetails(nil, &want[i]); string(packed) != string(goPacked) {
			t.Errorf("%s packed by the migration as\n%q, by saveFigures as\n%q", ind, packed, goPacked)
		}
	}
	rows.Close()
	figs, err := db.Figures(ctx)
	if err != nil || len(figs) != len(tricky) {
		t.Fatalf("%d figures, %v", len(figs), err)
	}
	for _, f := range figs {
		var i int
		fmt.Sscanf(f.Indicator, "i%02d", &i)
		w := want[i]
		got := figureDetails{Decimals: f.Decimals, Unit: f.Unit, Statuses: w.Statuses, Department: f.Department, File: f.File,
			Sheet: f.Sheet, Cell: f.Cell, Raw: f.Raw, Note: f.Note, Reason: f.Reason}
		if got != w || f.Value != float64(i)/3 || len(f.Statuses) != 1 || f.Statuses[0] != "ok" {
			t.Errorf("%s read back as %+v %v %v, want %+v", f.Indicator, got, f.Value, f.Statuses, w)
		}
	}
}
