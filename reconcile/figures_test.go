package reconcile

import (
	"fmt"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

func testConfig() *config.Config {
	return &config.Config{
		Cycle:       config.Cycle{Period: "2024", Location: time.UTC},
		Departments: []config.Department{{ID: "edu", Name: "市教育局"}, {ID: "stats", Name: "市统计局"}},
		Indicators: []config.Indicator{
			{ID: "students.total", Name: "在校生数", Unit: "人", Owner: "edu", Required: true},
			{ID: "health.examined", Name: "体检学生数", Unit: "人", Owner: "edu"},
			{ID: "fund.edu_spend", Name: "一般公共预算教育支出", Unit: "万元", Owner: "edu", Periods: []string{"2022", "2023"}, Required: true},
		},
	}
}

var t0 = time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC)

func obs(dept string, fileID int64, firstSeen, mod time.Time, ind, period string, value float64) Observation {
	return Observation{
		Observation: sheaf.Observation{Indicator: ind, Period: period, Value: value, HasValue: true, Unit: "人",
			Sheet: "Sheet1", Cell: "D4"},
		Department: dept, FileID: fileID, File: "f.xlsx", FirstSeen: firstSeen, FirstModTime: mod,
	}
}

func figure(t *testing.T, res Result, ind, period string) sheaf.Figure {
	t.Helper()
	for _, f := range res.Figures {
		if f.Indicator == ind && f.Period == period {
			return f
		}
	}
	t.Fatalf("no figure %s %s", ind, period)
	return sheaf.Figure{}
}

func TestWhichValueCounts(t *testing.T) {
	later := t0.Add(24 * time.Hour)
	tests := []struct {
		name       string
		obs        []Observation
		wantValue  float64
		wantHas    bool
		wantStatus sheaf.Status
	}{
		{
			name:      "owner's value",
			obs:       []Observation{obs("edu", 1, t0, t0, "students.total", "2024", 36614)},
			wantValue: 36614, wantHas: true, wantStatus: sheaf.StatusOK,
		},
		{
			name: "a resubmission seen later wins even with an older modification time",
			obs: []Observation{
				obs("edu", 1, t0, t0, "students.total", "2024", 36000),
				obs("edu", 2, later, t0.Add(-48*time.Hour), "students.total", "2024", 36614),
			},
			wantValue: 36614, wantHas: true, wantStatus: sheaf.StatusOK,
		},
		{
			name: "files seen in the same sync: the newer modification time wins",
			obs: []Observation{
				obs("edu", 2, t0, later, "students.total", "2024", 36614),
				obs("edu", 1, t0, t0, "students.total", "2024", 36000),
			},
			wantValue: 36614, wantHas: true, wantStatus: sheaf.StatusOK,
		},
		{
			name: "the owner's value beats another department's, which disagrees",
			obs: []Observation{
				obs("stats", 2, later, later, "students.total", "2024", 36600),
				obs("edu", 1, t0, t0, "students.total", "2024", 36614),
			},
			wantValue: 36614, wantHas: true, wantStatus: sheaf.StatusConflict,
		},
		{
			name:      "no owner value: another department's stands in, unverified",
			obs:       []Observation{obs("stats", 2, t0, t0, "students.total", "2024", 36614)},
			wantValue: 36614, wantHas: true, wantStatus: sheaf.StatusUnverified,
		},
		{
			name: "a blank in a later file withdraws the value",
			obs: func() []Observation {
				o := obs("edu", 2, later, later, "students.total", "2024", 0)
				o.HasValue = false
				return []Observation{obs("edu", 1, t0, t0, "students.total", "2024", 36614), o}
			}(),
			wantStatus: sheaf.StatusMissing,
		},
		{name: "nothing given", wantStatus: sheaf.StatusMissing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := reconcileTest(t, testConfig(), Input{Observations: tc.obs})
			f := figure(t, res, "students.total", "2024")
			if f.HasValue != tc.wantHas || f.Value != tc.wantValue || f.Status != tc.wantStatus {
				t.Errorf("figure = %v (has %v) %s, want %v (has %v) %s", f.Value, f.HasValue, f.Status, tc.wantValue, tc.wantHas, tc.wantStatus)
			}
			missing := 0
			for _, fl := range res.Flags {
				if fl.Kind == sheaf.KindMissing && fl.Indicator == "students.total" {
					missing++
					if fl.Department != "edu" {
						t.Errorf("missing flag on %s, want the owner edu", fl.Department)
					}
				}
			}
			wantMissing := 0
			if tc.wantStatus == sheaf.StatusMissing || tc.wantStatus == sheaf.StatusUnverified {
				wantMissing = 1 // the owner still owes the figure
			}
			if missing != wantMissing {
				t.Errorf("%d missing flags, want %d", missing, wantMissing)
			}
		})
	}
}

func TestEveryDeclaredPeriodIsAFigure(t *testing.T) {
	res := reconcileTest(t, testConfig(), Input{Observations: []Observation{obs("edu", 1, t0, t0, "fund.edu_spend", "2022", 68211)}})
	if f := figure(t, res, "fund.edu_spend", "2022"); f.Value != 68211 {
		t.Errorf("2022 = %v", f.Value)
	}
	if f := figure(t, res, "fund.edu_spend", "2023"); f.Status != sheaf.StatusMissing {
		t.Errorf("2023 status %s, want missing", f.Status)
	}
	// Not required: no flag, but still a figure with status missing.
	if f := figure(t, res, "health.examined", "2024"); f.Status != sheaf.StatusMissing {
		t.Errorf("examined status %s", f.Status)
	}
	for _, fl := range res.Flags {
		if fl.Indicator == "health.examined" {
			t.Errorf("flag for an optional indicator: %+v", fl)
		}
	}
}

func TestApproximateAndInvalid(t *testing.T) {
	o := obs("edu", 1, t0, t0, "health.examined", "2024", 36000)
	o.Approx = sheaf.Over
	in := Input{
		Observations: []Observation{o},
		Findings: []Finding{{Finding: sheaf.Finding{Kind: sheaf.KindInvalid, Severity: "error", Indicator: "students.total",
			Period: "2024", Sheet: "S", Cell: "D5", Raw: "待统计", Message: "无法识别"}, Department: "edu", File: "f.xlsx"}},
	}
	res := reconcileTest(t, testConfig(), in)
	if f := figure(t, res, "health.examined", "2024"); f.Status != sheaf.StatusApproximate {
		t.Errorf("examined status %s, want approximate", f.Status)
	}
	if f := figure(t, res, "students.total", "2024"); f.Status != sheaf.StatusMissing || len(f.Statuses) != 2 {
		t.Errorf("students statuses %v, want missing and invalid", f.Statuses)
	}
	var inv *sheaf.Flag
	for i, fl := range res.Flags {
		if fl.Kind == sheaf.KindInvalid {
			inv = &res.Flags[i]
		}
	}
	if inv == nil || inv.Key() != "invalid\x1fedu\x1fstudents.total\x1f2024\x1f\x1f" || inv.Evidence[0].Cell != "D5" ||
		inv.Evidence[0].Raw != "待统计" {
		t.Errorf("invalid flag = %+v", inv)
	}
}

func reconcileTest(t *testing.T, cfg *config.Config, in Input) Result {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r.Reconcile(in)
}

// A figure given many times with one value and once with another is still
// a conflict: comparing each distinct written value once must not let the
// repeats hide the odd one, nor a repeat of the same value raise one.
func TestConflictAmongRepeatedValues(t *testing.T) {
	conflicts := func(values ...float64) int {
		t.Helper()
		var in Input
		for i, v := range values {
			o := obs("edu", 1, t0, t0, "students.total", "2024", v)
			o.Seq, o.Cell = i, fmt.Sprintf("D%d", i+1)
			in.Observations = append(in.Observations, o)
		}
		n := 0
		for _, f := range reconcileTest(t, testConfig(), in).Flags {
			if f.Kind == sheaf.KindConflict {
				n++
			}
		}
		return n
	}
	same := make([]float64, 1000)
	for i := range same {
		same[i] = 36614
	}
	if n := conflicts(same...); n != 0 {
		t.Errorf("1,000 rows of 36614: %d conflict flags, want none", n)
	}
	if n := conflicts(append(same, 36600)...); n != 1 {
		t.Errorf("1,000 rows of 36614 and one of 36600: %d conflict flags, want one", n)
	}
}

// A catalogue built in code may list an indicator twice, with periods that
// differ. Every slot's figure is still found after deciding: no missing
// flag for a value the owner gave, and a stand-in for a slot only the
// first entry has is named, not a crash.
func TestIndicatorListedTwiceWithOtherPeriods(t *testing.T) {
	cfg := testConfig()
	cfg.Indicators = []config.Indicator{
		{ID: "a", Name: "甲", Unit: "人", Owner: "edu", Required: true, Periods: []string{"2023", "2024"}},
		{ID: "a", Name: "甲", Unit: "人", Owner: "edu", Required: true, Periods: []string{"2024"}},
		{ID: "b", Name: "乙", Unit: "人", Owner: "edu", Required: true},
	}
	res := reconcileTest(t, cfg, Input{Observations: []Observation{
		obs("edu", 1, t0, t0, "a", "2023", 5), obs("edu", 1, t0, t0, "a", "2024", 6)}})
	for _, fl := range res.Flags {
		if fl.Kind == sheaf.KindMissing && fl.Indicator == "a" {
			t.Errorf("missing flag for a figure the owner gave: %s", fl.Message)
		}
	}
	res = reconcileTest(t, cfg, Input{Observations: []Observation{
		obs("finance", 2, t0, t0, "a", "2023", 5), obs("edu", 1, t0, t0, "a", "2024", 6)}})
	found := false
	for _, fl := range res.Flags {
		if fl.Kind == sheaf.KindMissing && fl.Indicator == "a" && fl.Period == "2023" {
			found = true
		}
		if fl.Kind == sheaf.KindMissing && fl.Indicator == "a" && fl.Period == "2024" {
			t.Errorf("missing flag for a/2024, which the owner gave: %s", fl.Message)
		}
	}
	if !found {
		t.Error("no missing flag for a/2023, which only another department gave")
	}
}
