package storage

import (
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/reconcile"
)

// CurrentSlots reads each observation back as it was stored, through the
// one packed text column: texts holding the separator, line breaks and SQL
// operators, negative decimals, hidden rows and fractions, a value with
// every digit, no value at all.
func TestCurrentSlotsReadsBackWhatWasStored(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	mod := time.Date(2025, 3, 1, 8, 30, 0, 0, time.UTC)
	stored := []sheaf.Observation{
		{Indicator: "fund.total", Period: "2024", Value: 0.1 + 0.2, HasValue: true, Decimals: -2, Unit: "万元",
			Approx: sheaf.Over, Raw: "3.6万余\x1f||'", Note: "含\n专项", Sheet: "表 1 经费", Cell: "D4", Label: "经费合计", HiddenRow: true},
		{Indicator: "fund.total", Period: "2023", Value: math.MaxFloat64, HasValue: true, Unit: "万元", Raw: "x\x1fy\x1fz", Sheet: "S", Cell: "AB1000"},
		{Indicator: "rate.pass", Period: "2024", Value: 0.975, HasValue: true, Decimals: 1, Unit: "%", Fraction: true, Raw: "0.975", Sheet: "S", Cell: "E5"},
		{Indicator: "rate.pass", Period: "2024Q2", Unit: "%", Raw: "—", Note: "", Sheet: "S", Cell: "E6"},
	}
	ref := sheaf.FileRef{Path: "经费.xlsx", ChangeKey: "sha-1", Size: 10, ModTime: mod}
	if _, err := db.StoreRead(ctx, Read{Department: "edu", Source: "dir:inbox", Ref: ref, Outcome: ReadOK, Rows: len(stored),
		Observations: stored}); err != nil {
		t.Fatal(err)
	}
	// What the read-back leaves out, as stored: each row's details are
	// packed into one buffer per batch (reads.go), so a change from one
	// row to the next must reach its row.
	rows, err := db.db.QueryxContext(ctx, `SELECT details FROM observations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; rows.Next(); i++ {
		var packed []byte
		if err := rows.Scan(&packed); err != nil {
			t.Fatal(err)
		}
		d, err := unpackDetails(packed)
		if err != nil {
			t.Fatal(err)
		}
		w := stored[i]
		if d.Unit != w.Unit || d.Sheet != w.Sheet || d.Approx != string(w.Approx) || d.Label != w.Label || d.Seq != i {
			t.Errorf("row %d stored unit %q sheet %q approx %q label %q seq %d, want %q %q %q %q %d", i, d.Unit, d.Sheet, d.Approx, d.Label, d.Seq,
				w.Unit, w.Sheet, w.Approx, w.Label, i)
		}
	}
	rows.Close()
	got := map[[2]string]reconcile.Observation{}
	err = db.CurrentSlots(ctx)(func(indicator, period string, obs []reconcile.Observation) error {
		for _, o := range obs {
			if o.Indicator != indicator || o.Period != period {
				t.Errorf("slot %s %s holds %s %s", indicator, period, o.Indicator, o.Period)
			}
			got[[2]string{o.Indicator, o.Period}] = o
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range stored {
		g, ok := got[[2]string{w.Indicator, w.Period}]
		if !ok {
			t.Fatalf("%s %s not read back", w.Indicator, w.Period)
		}
		if g.HasValue != w.HasValue || math.Float64bits(g.Value) != math.Float64bits(w.Value) || g.Decimals != w.Decimals ||
			g.Approx != w.Approx || g.Raw != w.Raw || g.Note != w.Note || g.Sheet != w.Sheet || g.Cell != w.Cell ||
			g.HiddenRow != w.HiddenRow || g.Fraction != w.Fraction || g.Department != "edu" || g.Seq != i || g.ID == 0 || g.FileID == 0 ||
			!g.FirstModTime.Equal(mod) || g.FirstSeen.IsZero() {
			t.Errorf("read back %+v\nstored     %+v", g, w)
		}
	}
}

// The packed details travel to SQLite as bytes (no copy of them as a Go
// string) and must be stored as the text they are: a BLOB would compare
// unequal to the same text, and length() and substr() would count bytes,
// not characters. Both tables, through the batched statements.
func TestPackedDetailsAreStoredAsText(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	var stored []sheaf.Observation
	for i := range 300 { // more than one batch statement
		stored = append(stored, sheaf.Observation{Indicator: "fund.total", Period: strconv.Itoa(2000 + i), Value: float64(i), HasValue: true,
			Unit: "万元", Raw: "约3.6万余", Note: "含专项", Sheet: "经费表", Cell: "D" + strconv.Itoa(i+2), Label: "经费合计"})
	}
	ref := sheaf.FileRef{Path: "经费.xlsx", ChangeKey: "sha-2", Size: 10, ModTime: time.Date(2025, 3, 1, 8, 30, 0, 0, time.UTC)}
	if _, err := db.StoreRead(ctx, Read{Department: "edu", Source: "dir:inbox", Ref: ref, Outcome: ReadOK, Rows: len(stored),
		Observations: stored}); err != nil {
		t.Fatal(err)
	}
	var figs []sheaf.Figure
	for i := range 100 {
		figs = append(figs, sheaf.Figure{Indicator: "fund.total", Period: strconv.Itoa(2000 + i), Value: float64(i), HasValue: true,
			Unit: "万元", Status: sheaf.StatusOK, Department: "edu", File: "经费.xlsx", Sheet: "经费表", Cell: "D" + strconv.Itoa(i+2), Raw: "约3.6万余"})
	}
	if _, err := db.SaveResult(ctx, reconcile.Result{Figures: figs}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"observations", "figures"} {
		var n, notText, bytesNotChars int
		if err := db.db.QueryRowxContext(ctx, `SELECT count(*), count(*) FILTER (WHERE typeof(details) != 'text'),
			count(*) FILTER (WHERE length(details) = length(CAST(details AS BLOB))) FROM `+table).Scan(&n, &notText, &bytesNotChars); err != nil {
			t.Fatal(err)
		}
		if n == 0 || notText != 0 || bytesNotChars != 0 {
			t.Errorf("%s: %d rows, %d with details not text, %d whose length counts bytes", table, n, notText, bytesNotChars)
		}
	}
	rows, err := db.db.QueryxContext(ctx, `SELECT details FROM observations ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		var packed string
		if err := rows.Scan(&packed); err != nil {
			t.Fatal(err)
		}
		if d, err := unpackDetails([]byte(packed)); err != nil || d.Cell != stored[i].Cell || d.Seq != i {
			t.Fatalf("row %d: %+v, %v", i, d, err)
		}
	}
}

// DepartmentFigures finds a department's figures by key: those of the
// indicators it owns, whatever their value's source, and those whose value
// it gave for another's indicator (a stand-in), each once and in catalogue
// order; as filtering every figure would.
func TestDepartmentFiguresByKey(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	mod := time.Date(2025, 3, 1, 8, 30, 0, 0, time.UTC)
	store := func(dept, path string, obs ...sheaf.Observation) {
		t.Helper()
		mod = mod.Add(time.Hour)
		ref := sheaf.FileRef{Path: path, ChangeKey: "k-" + path + mod.String(), Size: 10, ModTime: mod}
		if _, err := db.StoreRead(ctx, Read{Department: dept, Source: "dir:" + dept, Ref: ref, Outcome: ReadOK, Rows: len(obs),
			Observations: obs}); err != nil {
			t.Fatal(err)
		}
	}
	val := func(ind string, v float64) sheaf.Observation {
		return sheaf.Observation{Indicator: ind, Period: "2024", Value: v, HasValue: true, Unit: "个", Raw: "x", Sheet: "S", Cell: "B2"}
	}
	store("edu", "edu.xlsx", val("schools.total", 44), val("students.total", 36614))
	store("finance", "finance.xlsx", val("fund.total", 7), val("pay.avg", 9), val("students.total", 36000))
	ids := map[[2]string]int64{} // department, indicator → observation id
	err := db.CurrentSlots(ctx)(func(_, _ string, obs []reconcile.Observation) error {
		for _, o := range obs {
			ids[[2]string{o.Department, o.Indicator}] = o.ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	owner := map[string]string{"schools.total": "edu", "students.total": "edu", "teachers.total": "edu",
		"fund.total": "finance", "pay.avg": "edu", "budget.total": "finance"}
	fig := func(ind, dept string) sheaf.Figure {
		f := sheaf.Figure{Indicator: ind, Period: "2024", Unit: "个", Status: sheaf.StatusMissing}
		if dept != "" {
			f.Value, f.HasValue, f.Status, f.Department, f.File, f.ObservationID = 1, true, sheaf.StatusOK, dept, dept+".xlsx", ids[[2]string{dept, ind}]
		}
		return f
	}
	figs := []sheaf.Figure{
		fig("schools.total", "edu"),
		fig("students.total", "edu"),
		fig("teachers.total", ""), // edu owes it
		fig("fund.total", "finance"),
		fig("pay.avg", "finance"), // edu's, given by finance only: a stand-in
		fig("budget.total", ""),   // finance owes it
	}
	if _, err := db.SaveResult(ctx, reconcile.Result{Figures: figs}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	// finance's file read again (a new version) before the figures are
	// decided again: the stand-in it gave is still its figure.
	store("finance", "finance.xlsx", val("fund.total", 8), val("pay.avg", 9), val("students.total", 36000))
	all, err := db.Figures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, dept := range []string{"edu", "finance", "health"} {
		var owned, want, got []string
		for ind, o := range owner {
			if o == dept {
				owned = append(owned, ind)
			}
		}
		for _, f := range all {
			if owner[f.Indicator] == dept || f.Department == dept {
				want = append(want, f.Indicator)
			}
		}
		err := db.DepartmentFigures(ctx, dept, owned, func(f *sheaf.Figure) error {
			got = append(got, f.Indicator)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: figures %v, want %v", dept, got, want)
		}
	}
	var fin []string
	db.DepartmentFigures(ctx, "finance", []string{"fund.total", "budget.total"}, func(f *sheaf.Figure) error {
		fin = append(fin, f.Indicator+"/"+f.Department)
		return nil
	})
	if strings.Join(fin, " ") != "fund.total/finance pay.avg/finance budget.total/" {
		t.Errorf("finance's figures: %v; want its own two and the stand-in it gave, in catalogue order", fin)
	}
}

// DepartmentOpenFlags selects in SQL what a department's page shows: its
// own open flags, and open flags of others with a cell of its in their
// evidence; not resolved ones, not others' without its cells, not a flag
// whose evidence merely mentions its id in a text.
func TestDepartmentOpenFlags(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	v := 1.0
	cell := func(dept string) sheaf.Evidence {
		return sheaf.Evidence{Department: dept, File: dept + ".xlsx", Sheet: "S", Cell: "B2", Raw: "1", Value: &v}
	}
	flags := []sheaf.Flag{
		{Kind: sheaf.KindMissing, Severity: sheaf.SeverityError, Department: "edu", Indicator: "a", Period: "2024", Message: "edu owes a"},
		{Kind: sheaf.KindConflict, Severity: sheaf.SeverityError, Department: "finance", Indicator: "b", Period: "2024", Message: "b disagrees",
			Evidence: []sheaf.Evidence{cell("finance"), cell("edu")}},
		{Kind: sheaf.KindConflict, Severity: sheaf.SeverityError, Department: "finance", Indicator: "c", Period: "2024", Message: "c disagrees",
			Evidence: []sheaf.Evidence{cell("finance"), cell("health")}},
		{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Department: "health", Indicator: "d", Period: "2024", Message: "edu",
			Evidence: []sheaf.Evidence{{Department: "health", File: "edu.xlsx", Note: "edu"}}},
		{Kind: sheaf.KindMissing, Severity: sheaf.SeverityError, Department: "edu", Indicator: "e", Period: "2024", Message: "edu owes e"},
	}
	if _, err := db.SaveResult(ctx, reconcile.Result{Flags: flags}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	// e is given now: its flag is resolved.
	if _, err := db.SaveResult(ctx, reconcile.Result{Flags: flags[:4]}, SaveOptions{}); err != nil {
		t.Fatal(err)
	}
	all, err := db.Flags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, dept := range []string{"edu", "finance", "health", "nobody"} {
		var want, got []string
		for _, f := range all {
			mine := f.Department == dept
			for _, e := range f.Evidence {
				mine = mine || e.Department == dept
			}
			if f.State == sheaf.FlagOpen && mine {
				want = append(want, f.Indicator)
			}
		}
		fs, err := db.DepartmentOpenFlags(ctx, dept)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			got = append(got, f.Indicator)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s: flags %v, want %v", dept, got, want)
		}
	}
	edu, _ := db.DepartmentOpenFlags(ctx, "edu")
	var ids []string
	for _, f := range edu {
		ids = append(ids, f.Indicator)
	}
	if strings.Join(ids, " ") != "a b" {
		t.Errorf("edu's page flags %v, want its own open one and the conflict it has a cell in", ids)
	}
}
