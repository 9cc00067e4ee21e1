package reconcile

import (
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

func flagsOf(res Result, kind sheaf.Kind) []sheaf.Flag {
	var out []sheaf.Flag
	for _, f := range res.Flags {
		if f.Kind == kind {
			out = append(out, f)
		}
	}
	return out
}

func finding(kind sheaf.Kind, dept string, fileID int64, file string, received time.Time, ind, period, cell, raw, msg string) Finding {
	sev := sheaf.SeverityError
	if kind != sheaf.KindInvalid {
		sev = sheaf.SeverityWarning
	}
	return Finding{Finding: sheaf.Finding{Kind: kind, Severity: sev, Indicator: ind, Period: period, Sheet: "Sheet1",
		Cell: cell, Raw: raw, Message: msg}, Department: dept, FileID: fileID, File: file, Received: received, ModTime: received}
}

func TestFlagIdentityLeavesOutPathsAndCells(t *testing.T) {
	later := t0.Add(24 * time.Hour)
	run := func(file, cell, raw string) Result {
		return reconcileTest(t, testConfig(), Input{Findings: []Finding{
			finding(sheaf.KindInvalid, "edu", 1, file, t0, "students.total", "2024", cell, raw, "无法识别「"+raw+"」"),
			{Finding: sheaf.Finding{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Message: "文件已损坏"},
				Department: "edu", FileID: 1, File: file, Content: "sha256:abc", Received: later},
		}})
	}
	a := run("edu/快报.xlsx", "D5", "三万六")
	b := run("edu/快报（改名）.xlsx", "D9", "三万六")
	c := run("edu/快报.xlsx", "D5", "三万七")
	for _, kind := range []sheaf.Kind{sheaf.KindInvalid, sheaf.KindFile} {
		fa, fb, fc := flagsOf(a, kind), flagsOf(b, kind), flagsOf(c, kind)
		if len(fa) != 1 || len(fb) != 1 || len(fc) != 1 {
			t.Fatalf("%s flags: %d %d %d, want one each", kind, len(fa), len(fb), len(fc))
		}
		if fa[0].Key() != fb[0].Key() {
			t.Errorf("%s key changed with the file's name: %q vs %q", kind, fa[0].Key(), fb[0].Key())
		}
		if fa[0].Digest != fb[0].Digest {
			t.Errorf("%s digest changed with the file's name and cell only", kind)
		}
		if kind == sheaf.KindInvalid && fa[0].Digest == fc[0].Digest {
			t.Errorf("digest unchanged although the raw text changed")
		}
	}
	if got, want := flagsOf(a, sheaf.KindFile)[0].Key(), "file\x1fedu\x1f\x1f\x1f\x1ffile:sha256:abc"; got != want {
		t.Errorf("file flag key %q, want %q", got, want)
	}

	// Two unreadable cells of one figure are one flag holding both.
	two := reconcileTest(t, testConfig(), Input{Findings: []Finding{
		finding(sheaf.KindInvalid, "edu", 1, "edu/a.xlsx", t0, "students.total", "2024", "D5", "三万六", "无法识别「三万六」"),
		finding(sheaf.KindInvalid, "edu", 1, "edu/a.xlsx", t0, "students.total", "2024", "D6", "待统计", "无法识别「待统计」"),
	}})
	inv := flagsOf(two, sheaf.KindInvalid)
	if len(inv) != 1 || len(inv[0].Evidence) != 2 || inv[0].Evidence[1].Cell != "D6" ||
		inv[0].Message != "无法识别「三万六」；无法识别「待统计」" {
		t.Errorf("invalid flags = %+v, want one with both cells", inv)
	}
}

func TestSupersededFindingsResolve(t *testing.T) {
	later := t0.Add(24 * time.Hour)
	approx := obs("edu", 1, t0, t0, "fund.edu_spend", "2022", 4600)
	approx.Approx, approx.Raw, approx.Cell = sheaf.About, "约4600", "D6"
	oldFile := []Finding{
		finding(sheaf.KindInvalid, "edu", 1, "edu/快报.xlsx", t0, "students.total", "2024", "D4", "三万六", "在校生数：无法识别「三万六」"),
		finding(sheaf.KindApproximate, "edu", 1, "edu/快报.xlsx", t0, "fund.edu_spend", "2022", "D6", "约4600", "约数"),
	}
	invalidKey := sheaf.Flag{Kind: sheaf.KindInvalid, Department: "edu", Indicator: "students.total", Period: "2024"}.Key()
	approxKey := sheaf.Flag{Kind: sheaf.KindApproximate, Department: "edu", Indicator: "fund.edu_spend", Period: "2022"}.Key()

	t.Run("a newer file fixes the cells", func(t *testing.T) {
		fixed := obs("edu", 2, later, later, "students.total", "2024", 36614)
		fixed2 := obs("edu", 2, later, later, "fund.edu_spend", "2022", 4645)
		res := reconcileTest(t, testConfig(), Input{Observations: []Observation{approx, fixed, fixed2}, Findings: oldFile})
		if fl := flagsOf(res, sheaf.KindInvalid); len(fl) != 0 {
			t.Errorf("invalid flags %+v, want none", fl)
		}
		if fl := flagsOf(res, sheaf.KindApproximate); len(fl) != 0 {
			t.Errorf("approximate flags %+v, want none", fl)
		}
		if res.Closed[invalidKey] != Superseded || res.Closed[approxKey] != Superseded {
			t.Errorf("closed = %q, want both keys %q", res.Closed, Superseded)
		}
		for _, k := range [][2]string{{"students.total", "2024"}, {"fund.edu_spend", "2022"}} {
			if f := figure(t, res, k[0], k[1]); f.Status != sheaf.StatusOK || f.Cell != "D4" || f.File != "f.xlsx" {
				t.Errorf("%s status %s (%v) from %s, want ok", k[0], f.Status, f.Statuses, f.Cell)
			}
		}
		for _, fl := range res.Flags {
			if fl.Kind == sheaf.KindMissing && fl.Indicator == "students.total" {
				t.Errorf("missing flag %q for a figure the newer file gives", fl.Message)
			}
		}
	})
	t.Run("an older file's value does not supersede a newer unreadable cell", func(t *testing.T) {
		old := obs("edu", 1, t0, t0, "students.total", "2024", 36000)
		bad := finding(sheaf.KindInvalid, "edu", 2, "edu/快报（修订）.xlsx", later, "students.total", "2024", "D4", "三万六", "无法识别")
		res := reconcileTest(t, testConfig(), Input{Observations: []Observation{old}, Findings: []Finding{bad}})
		if fl := flagsOf(res, sheaf.KindInvalid); len(fl) != 1 || fl[0].Evidence[0].File != "edu/快报（修订）.xlsx" {
			t.Errorf("invalid flags %+v, want the newer file's", fl)
		}
		if len(res.Closed) != 0 {
			t.Errorf("closed %v, want nothing", res.Closed)
		}
		if f := figure(t, res, "students.total", "2024"); f.Status != sheaf.StatusInvalid {
			t.Errorf("status %s, want invalid", f.Status)
		}
	})
	t.Run("another department's value supersedes nothing", func(t *testing.T) {
		stats := obs("stats", 2, later, later, "students.total", "2024", 36614)
		res := reconcileTest(t, testConfig(), Input{Observations: []Observation{stats}, Findings: oldFile[:1]})
		if fl := flagsOf(res, sheaf.KindInvalid); len(fl) != 1 {
			t.Errorf("invalid flags %+v, want the owner's", fl)
		}
	})
}

func rateConfig() *config.Config {
	cfg := testConfig()
	cfg.Indicators = append(cfg.Indicators,
		config.Indicator{ID: "rate.consolidation", Name: "九年义务教育巩固率", Unit: "%", Owner: "edu", Periods: []string{"2023", "2024"}},
		config.Indicator{ID: "rate.growth", Name: "增长率", Unit: "%", Owner: "edu", Periods: []string{"2023", "2024"}},
	)
	return cfg
}

func TestDoubtfulFigures(t *testing.T) {
	later := t0.Add(24 * time.Hour)
	spend := obs("edu", 1, t0, t0, "fund.edu_spend", "2022", 175000000)
	spend.Cell, spend.Raw = "D6", "17500"
	rangeKey := sheaf.Flag{Kind: sheaf.KindRange, Department: "edu", Indicator: "fund.edu_spend", Period: "2022"}.Key()

	tests := []struct {
		name       string
		obs        []Observation
		findings   []Finding
		accepted   func(Result) map[string]string
		wantStatus sheaf.Status
	}{
		{name: "a unit finding on the value", obs: []Observation{spend},
			findings:   []Finding{finding(sheaf.KindUnit, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D6", "17500", "单位：万元")},
			wantStatus: sheaf.StatusDoubtful},
		{name: "a range finding on the value", obs: []Observation{spend},
			findings:   []Finding{finding(sheaf.KindRange, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D6", "17500", "超出范围")},
			wantStatus: sheaf.StatusDoubtful},
		{name: "an accepted range finding", obs: []Observation{spend},
			findings: []Finding{finding(sheaf.KindRange, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D6", "17500", "超出范围")},
			accepted: func(r Result) map[string]string {
				for _, f := range r.Flags {
					if f.Key() == rangeKey {
						return map[string]string{rangeKey: f.Digest}
					}
				}
				return nil
			},
			wantStatus: sheaf.StatusAccepted},
		{name: "a layout finding on the value (a form's label moved)", obs: []Observation{spend},
			findings:   []Finding{finding(sheaf.KindLayout, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D6", "17500", "标签移动")},
			wantStatus: sheaf.StatusDoubtful},
		{name: "a conflict finding on the value (a list's 合计 row differs)", obs: []Observation{spend},
			findings:   []Finding{finding(sheaf.KindConflict, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D6", "17500", "与合计行不一致")},
			wantStatus: sheaf.StatusDoubtful},
		{name: "a layout finding on another cell than the value's", obs: []Observation{spend},
			findings:   []Finding{finding(sheaf.KindLayout, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D9", "17500", "标签移动")},
			wantStatus: sheaf.StatusOK},
		{name: "a range finding on another cell than the value's", obs: []Observation{spend},
			findings:   []Finding{finding(sheaf.KindRange, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D9", "17500", "超出范围")},
			wantStatus: sheaf.StatusOK},
		{name: "a range finding superseded by a newer file",
			obs: []Observation{spend, func() Observation {
				o := obs("edu", 2, later, later, "fund.edu_spend", "2022", 17500)
				o.Cell = "D6"
				return o
			}()},
			findings:   []Finding{finding(sheaf.KindRange, "edu", 1, "f.xlsx", t0, "fund.edu_spend", "2022", "D6", "17500", "超出范围")},
			wantStatus: sheaf.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := Input{Observations: tc.obs, Findings: tc.findings}
			if tc.accepted != nil {
				in.Accepted = tc.accepted(reconcileTest(t, testConfig(), in))
			}
			res := reconcileTest(t, testConfig(), in)
			if f := figure(t, res, "fund.edu_spend", "2022"); f.Status != tc.wantStatus {
				t.Errorf("status %s (%v), want %s", f.Status, f.Statuses, tc.wantStatus)
			}
		})
	}
}

func TestFractionBesidePercentages(t *testing.T) {
	pct := func(ind, period string, v float64, raw string, fraction bool) Observation {
		o := obs("edu", 1, t0, t0, ind, period, v)
		o.Unit, o.Raw, o.Fraction, o.Decimals = "%", raw, fraction, 4
		o.Cell = map[string]string{"2023": "C4", "2024": "C5"}[period]
		if !fraction {
			o.Decimals = 2
		}
		return o
	}
	res := reconcileTest(t, rateConfig(), Input{Observations: []Observation{
		pct("rate.consolidation", "2023", 95.1, "95.10", false),
		pct("rate.consolidation", "2024", 0.9675, "0.9675", true),
		pct("rate.growth", "2023", 0.05, "0.05", true),
		pct("rate.growth", "2024", 0.07, "0.07", true),
	}})
	ranges := flagsOf(res, sheaf.KindRange)
	if len(ranges) != 1 {
		t.Fatalf("range flags %+v, want one", ranges)
	}
	want := "疑似小数形式：九年义务教育巩固率（2024年）在 f.xlsx Sheet1!C5 填写 0.9675，如为 96.75% 请改为百分数"
	if fl := ranges[0]; fl.Message != want || fl.Severity != sheaf.SeverityWarning || fl.Indicator != "rate.consolidation" ||
		fl.Period != "2024" || fl.Department != "edu" {
		t.Errorf("flag %+v\nwant message %s", fl, want)
	}
	if f := figure(t, res, "rate.consolidation", "2024"); f.Status != sheaf.StatusDoubtful {
		t.Errorf("status %s, want doubtful", f.Status)
	}
	for _, p := range []string{"2023", "2024"} {
		if f := figure(t, res, "rate.growth", p); f.Status != sheaf.StatusOK {
			t.Errorf("growth %s status %s: a real small rate must stay quiet", p, f.Status)
		}
	}
	if f := figure(t, res, "rate.consolidation", "2023"); f.Status != sheaf.StatusOK {
		t.Errorf("2023 status %s", f.Status)
	}
}

func TestMissingFoundOnHiddenSheet(t *testing.T) {
	hidden := Finding{Finding: sheaf.Finding{Kind: sheaf.KindHiddenSheet, Indicator: "students.total", Period: "2024",
		Sheet: "旧版勿用", Cell: "C4", Raw: "36614"}, Department: "edu", FileID: 1, File: "edu/快报.xlsx", Received: t0}
	other := obs("edu", 1, t0, t0, "fund.edu_spend", "2022", 4645)
	res := reconcileTest(t, testConfig(), Input{Observations: []Observation{other}, Findings: []Finding{hidden},
		Files: map[string]int{"edu": 1, "stats": 0}})
	var msg string
	for _, f := range res.Flags {
		if f.Kind == sheaf.KindHiddenSheet {
			t.Errorf("a hidden-sheet finding became a flag: %+v", f)
		}
		if f.Kind == sheaf.KindMissing && f.Indicator == "students.total" {
			msg = f.Message
			if f.Subject != sheaf.MissingHiddenSheet {
				t.Errorf("subject %q, want %q", f.Subject, sheaf.MissingHiddenSheet)
			}
			if len(f.Evidence) != 1 || f.Evidence[0].Sheet != "旧版勿用" || f.Evidence[0].Cell != "C4" {
				t.Errorf("evidence %+v", f.Evidence)
			}
		}
	}
	want := "市教育局的在校生数（2024年，单位：人）在隐藏工作表「旧版勿用」中有此项（edu/快报.xlsx!C4），未读取；如该表数据有效，请移到可见工作表或取消隐藏"
	if msg != want {
		t.Errorf("missing flag %q\nwant %q", msg, want)
	}
	if f := figure(t, res, "students.total", "2024"); f.Status != sheaf.StatusMissing || f.HasValue {
		t.Errorf("figure %v %s, want missing with no value", f.Value, f.Status)
	}
	// Another figure with no hidden row still says 未报送.
	for _, f := range res.Flags {
		if f.Kind == sheaf.KindMissing && f.Indicator == "fund.edu_spend" && f.Period == "2023" && f.Message != "市教育局未报送一般公共预算教育支出（2023年，单位：万元）" {
			t.Errorf("2023 message %q", f.Message)
		}
	}
}

// TestMissingBesideAnUnreadableFile: a department one of whose files cannot
// be read is not told it sent nothing: the figure may be in that file.
func TestMissingBesideAnUnreadableFile(t *testing.T) {
	broken := Finding{Finding: sheaf.Finding{Kind: sheaf.KindFile, Severity: sheaf.SeverityError,
		Message: "文件已损坏"}, Department: "edu", FileID: 2, File: "edu/快报.xlsx", Content: "sha256:1"}
	res := reconcileTest(t, testConfig(), Input{Findings: []Finding{broken}, Files: map[string]int{"edu": 1, "stats": 0}})
	found := false
	for _, f := range res.Flags {
		if f.Kind != sheaf.KindMissing || f.Department != "edu" || f.Indicator != "students.total" {
			continue
		}
		found = true
		want := "尚未读到市教育局的在校生数（2024年，单位：人）：「edu/快报.xlsx」无法读取，该项可能在其中；请按文件问题的提示重新保存后报送"
		if f.Message != want || f.Subject != sheaf.MissingUnreadFile {
			t.Errorf("missing flag %q (subject %q)\nwant %q", f.Message, f.Subject, want)
		}
	}
	if !found {
		t.Fatalf("no missing flag for students.total: %+v", res.Flags)
	}
}

// TestVersionFindingJoinsTheVersionFlag: a hidden sheet's differing value
// (a version finding of extraction) and two files that disagree are one
// version flag for the figure, holding both.
func TestVersionFindingJoinsTheVersionFlag(t *testing.T) {
	oldFile := obs("edu", 1, t0, t0, "students.total", "2024", 36000)
	newFile := obs("edu", 2, t0.Add(time.Hour), t0.Add(time.Hour), "students.total", "2024", 36614)
	oldFile.File, newFile.File = "edu/1.xlsx", "edu/2.xlsx"
	hidden := Finding{Finding: sheaf.Finding{Kind: "version", Severity: sheaf.SeverityWarning, Indicator: "students.total", Period: "2024",
		Sheet: "修订", Cell: "C4", Raw: "36620", Message: "隐藏工作表「修订」!C4 为 36620人"}, Department: "edu", FileID: 2, File: "edu/2.xlsx",
		Received: t0.Add(time.Hour), ModTime: t0.Add(time.Hour)}
	for _, tt := range []struct {
		name  string
		obs   []Observation
		parts []string
	}{
		{"two files and a hidden sheet", []Observation{oldFile, newFile}, []string{"不一致", "隐藏工作表「修订」!C4 为 36620人"}},
		{"a hidden sheet only", []Observation{newFile}, []string{"隐藏工作表「修订」!C4 为 36620人"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := reconcileTest(t, testConfig(), Input{Observations: tt.obs, Findings: []Finding{hidden},
				Files: map[string]int{"edu": 2, "stats": 0}})
			var versions []sheaf.Flag
			keys := map[string]bool{}
			for _, f := range res.Flags {
				if keys[f.Key()] {
					t.Errorf("two flags with the key %q", f.Key())
				}
				keys[f.Key()] = true
				if f.Kind == sheaf.KindVersion {
					versions = append(versions, f)
				}
			}
			if len(versions) != 1 {
				t.Fatalf("%d version flags, want 1: %+v", len(versions), versions)
			}
			for _, p := range tt.parts {
				if !strings.Contains(versions[0].Message, p) {
					t.Errorf("version flag %q lacks %q", versions[0].Message, p)
				}
			}
			// The hidden sheet disagrees with the value read: doubtful.
			if f := figure(t, res, "students.total", "2024"); f.Value != 36614 || f.Status != sheaf.StatusDoubtful {
				t.Errorf("figure %v %s %v, want 36614 doubtful", f.Value, f.Status, f.Statuses)
			}
		})
	}
}
