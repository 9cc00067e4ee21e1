package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

const reconcileConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 1m, workers: 2}
departments:
  - {id: edu, name: 市教育局, sources: [{dir: inbox/edu}]}
  - {id: finance, name: 市财政局, sources: [{dir: inbox/finance}]}
  - {id: stats, name: 市统计局, sources: [{dir: inbox/stats}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: schools.primary, name: 小学数, unit: 所, owner: edu, required: false}
  - {id: schools.junior, name: 初中数, unit: 所, owner: edu, required: false}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu, required: true}
  - {id: health.examined, name: 体检学生数, unit: 人, owner: edu, required: false}
  - {id: special.teachers, name: 特教教师数, unit: 人, owner: edu, required: false}
  - {id: special.students, name: 特教学生数, unit: 人, owner: edu, required: false}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, periods: ["2022", "2023"], required: false}
  - {id: fund.per_pupil, name: 生均一般公共预算教育经费, unit: 元, owner: finance, periods: ["2023", "2024"], required: false}
rules:
  - id: schools_sum
    expr: v("schools.total") == sum("schools.primary", "schools.junior")
    message: 学校总数与分项之和不符
    class: check
    severity: error
  - id: special_ratio
    expr: ratio(v("special.students"), v("special.teachers")) <= 3.1
    message: 特殊教育生师比高于 1:3.1 的标准
    class: standard
  - id: per_pupil_up
    expr: v("fund.per_pupil") >= prev("fund.per_pupil")
    message: 生均经费不得下降
    class: standard
`

func row(code, name, period string, value any) []any {
	return []any{code, name, period, value, "", ""}
}

func (f *fixture) flagsOfKind(kind sheaf.Kind) []storage.StoredFlag {
	var out []storage.StoredFlag
	for _, fl := range f.openFlags() {
		if fl.Kind == kind {
			out = append(out, fl)
		}
	}
	return out
}

func TestTwoDepartmentsDisagreeMakeOneConflict(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	f.workbook("inbox/edu/edu.xlsx", row("students.total", "在校生数", "2024", 36614))
	f.workbook("inbox/stats/stats.xlsx", row("", "在校生数", "2024", 36600))
	f.sync()
	conflicts := f.flagsOfKind("conflict")
	if len(conflicts) != 1 {
		t.Fatalf("%d conflict flags, want 1", len(conflicts))
	}
	c := conflicts[0]
	if c.Department != "edu" || len(c.Evidence) != 2 {
		t.Fatalf("conflict = %+v, want it on the owner with both cells", c)
	}
	cells := c.Evidence[0].File + "!" + c.Evidence[0].Cell + " " + c.Evidence[1].File + "!" + c.Evidence[1].Cell
	if !strings.Contains(cells, "inbox/edu/edu.xlsx!D4") || !strings.Contains(cells, "inbox/stats/stats.xlsx!D4") {
		t.Errorf("evidence cells %s", cells)
	}
	if !strings.Contains(c.Message, "36614") || !strings.Contains(c.Message, "36600") {
		t.Errorf("message %q does not show both values", c.Message)
	}
	fig := f.figures()["students.total@2024"]
	if fig.Value != 36614 || fig.Status != sheaf.StatusConflict {
		t.Errorf("figure = %v %s, want the owner's 36614 marked conflict", fig.Value, fig.Status)
	}
}

func TestAgreeingValuesAreNoConflict(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	f.workbook("inbox/finance/经费.xlsx", row("fund.edu_spend", "", "2022", 68211))
	f.workbook("inbox/edu/edu.xlsx",
		[]any{"fund.edu_spend", "", "2022", 682110000, "元", ""},
		row("health.examined", "", "2024", "3.6万余"),
		row("students.total", "", "2024", 36614),
	)
	f.workbook("inbox/stats/stats.xlsx", row("health.examined", "", "2024", 36614))
	f.sync()
	if c := f.flagsOfKind("conflict"); len(c) != 0 {
		t.Fatalf("conflicts between agreeing values: %+v", c)
	}
	if fig := f.figures()["fund.edu_spend@2022"]; fig.Value != 68211 || fig.Status != sheaf.StatusOK {
		t.Errorf("fund.edu_spend = %v %s", fig.Value, fig.Status)
	}
}

func TestResubmissionSupersedesWithoutConflict(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	f.workbook("inbox/edu/初报.xlsx", row("students.total", "", "2024", 36000), row("schools.total", "", "2024", 44))
	f.sync()
	// The corrected file is a copy made in Explorer: it keeps an older time.
	p := f.workbook("inbox/edu/更正.xlsx", row("students.total", "", "2024", 36614), row("schools.total", "", "2024", "—"))
	old := f.now.Add(-30 * 24 * time.Hour)
	os.Chtimes(p, old, old)
	f.now = f.now.Add(time.Hour)
	f.sync()
	if c := f.flagsOfKind("conflict"); len(c) != 0 {
		t.Fatalf("a resubmission made a conflict: %+v", c)
	}
	figs := f.figures()
	if fig := figs["students.total@2024"]; fig.Value != 36614 || fig.File != "inbox/edu/更正.xlsx" {
		t.Errorf("students = %v from %s, want 36614 from the resubmission", fig.Value, fig.File)
	}
	// "—" in the newer file withdraws the older 44.
	if fig := figs["schools.total@2024"]; fig.HasValue || fig.Status != sheaf.StatusMissing {
		t.Errorf("schools = %+v, want withdrawn", fig)
	}
	// The first file is still in the folder with its 36000: the department
	// is asked to tidy it away (a withdrawn value is the missing flag's).
	vs := f.flagsOfKind(sheaf.KindVersion)
	if len(vs) != 1 || vs[0].Indicator != "students.total" || vs[0].Message != "市教育局的两个文件中「在校生数（2024年）」不一致："+
		"inbox/edu/更正.xlsx!Sheet1!D4 为 36614人（较新，已采用），inbox/edu/初报.xlsx!Sheet1!D4 为 36000人；"+
		"请删除过时的文件，或将其移入“旧版”文件夹" {
		t.Errorf("version flags = %+v", vs)
	}
	hist, err := f.db.History(context.Background(), "students.total", "2024")
	if err != nil || len(hist) != 2 {
		t.Fatalf("history has %d values (%v), want both submissions kept", len(hist), err)
	}
}

func TestTwoValuesInOneSubmissionConflict(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	f.workbook("inbox/edu/edu.xlsx", row("students.total", "", "2024", 36614), row("", "在校生数", "2024", 36000))
	f.sync()
	c := f.flagsOfKind("conflict")
	if len(c) != 1 || len(c[0].Evidence) != 2 || c[0].Evidence[0].Cell == c[0].Evidence[1].Cell {
		t.Fatalf("conflicts = %+v, want one with both rows", c)
	}
}

func TestFailingCheckAndStandardDiffer(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	f.workbook("inbox/edu/edu.xlsx",
		row("schools.total", "", "2024", 44), row("schools.primary", "", "2024", 16), row("schools.junior", "", "2024", 3),
		row("special.teachers", "", "2024", 36), row("special.students", "", "2024", 146),
	)
	rep := f.sync()
	if rep.Rules["fail"] != 2 || rep.Rules["incomplete"] != 1 {
		t.Fatalf("rules = %v, want 2 fail and 1 incomplete", rep.Rules)
	}
	rules := map[string]storage.StoredFlag{}
	for _, fl := range f.flagsOfKind("rule") {
		rules[fl.Rule] = fl
	}
	sum, ok := rules["schools_sum"]
	if !ok || sum.Department != "edu" || sum.Severity != "error" || len(sum.Evidence) != 3 {
		t.Fatalf("check flag = %+v", sum)
	}
	if _, ok := rules["special_ratio"]; !ok {
		t.Fatal("the failing standard is not flagged")
	}
	figs := f.figures()
	// A failing check makes its inputs doubtful …
	for _, k := range []string{"schools.total@2024", "schools.primary@2024", "schools.junior@2024"} {
		if figs[k].Status != sheaf.StatusFailing {
			t.Errorf("%s status %s, want failing", k, figs[k].Status)
		}
	}
	// … a failing standard does not: the figures are right.
	for _, k := range []string{"special.teachers@2024", "special.students@2024"} {
		if figs[k].Status != sheaf.StatusOK {
			t.Errorf("%s status %s, want ok", k, figs[k].Status)
		}
	}
	results, err := f.db.RuleResults(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if r.Rule == "per_pupil_up" {
			if r.State != "incomplete" || len(r.Waiting) != 2 {
				t.Errorf("per_pupil_up = %s waiting %v, want incomplete waiting for two periods", r.State, r.Waiting)
			}
		}
	}
}

func TestFlagLife(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	ctx := context.Background()
	// No file at all: one flag lists everything edu owes.
	f.sync()
	owed := f.flagsOfKind("missing")
	if len(owed) != 1 || owed[0].Department != "edu" || !strings.Contains(owed[0].Message, "学校总数") ||
		!strings.Contains(owed[0].Message, "在校生数") {
		t.Fatalf("missing flags with no file: %+v", owed)
	}

	// A file with a conflicting copy from stats; students given, schools not.
	f.workbook("inbox/edu/edu.xlsx", row("students.total", "", "2024", 36614))
	f.workbook("inbox/stats/stats.xlsx", row("students.total", "", "2024", 36600))
	f.now = f.now.Add(time.Hour)
	f.sync()
	flags, _ := f.db.Flags(ctx)
	states := map[string]string{}
	var conflictID int64
	for _, fl := range flags {
		states[string(fl.Kind)+" "+fl.Indicator+" "+fl.Subject] = string(fl.State)
		if fl.Kind == "conflict" {
			conflictID = fl.ID
		}
	}
	if states["missing  department"] != "resolved" || states["missing schools.total "] != "open" || conflictID == 0 {
		t.Fatalf("after the first file: %v", states)
	}

	// The edu share goes offline: nothing about edu opens or resolves.
	os.Rename(filepath.Join(f.dir, "inbox/edu"), filepath.Join(f.dir, "inbox/edu-offline"))
	f.now = f.now.Add(time.Hour)
	f.sync()
	for _, fl := range f.openFlags() {
		if fl.Department == "edu" && fl.Kind == "missing" && fl.Subject == "department" {
			t.Fatal("a failed listing opened a flag")
		}
	}
	if fig := f.figures()["students.total@2024"]; fig.Value != 36614 {
		t.Fatalf("a failed listing changed a figure: %+v", fig)
	}
	if len(f.flagsOfKind("conflict")) != 1 {
		t.Fatal("a failed listing resolved a conflict")
	}
	os.Rename(filepath.Join(f.dir, "inbox/edu-offline"), filepath.Join(f.dir, "inbox/edu"))

	// Accepting the conflict with an explanation: the figure is no longer doubtful.
	if err := f.db.AcceptFlag(ctx, conflictID, "统计局口径不含职教学生", "督导室"); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	f.sync()
	if fig := f.figures()["students.total@2024"]; fig.Status != sheaf.StatusAccepted {
		t.Fatalf("accepted conflict: figure status %s, want accepted", fig.Status)
	}
	if len(f.flagsOfKind("conflict")) != 0 {
		t.Fatal("an accepted flag is still open")
	}

	// stats sends a different value: the explanation no longer covers it.
	f.workbook("inbox/stats/stats2.xlsx", row("students.total", "", "2024", 36500))
	f.now = f.now.Add(time.Hour)
	f.sync()
	reopened := f.flagsOfKind("conflict")
	if len(reopened) != 1 || reopened[0].ID != conflictID {
		t.Fatalf("changed values did not reopen the accepted flag: %+v", reopened)
	}
	events, err := f.db.FlagEvents(ctx, conflictID)
	if err != nil || len(events) != 3 || events[1].State != "accepted" || events[2].State != "open" {
		t.Fatalf("history = %+v %v, want open, accepted, open", events, err)
	}

	// The department fixes its figure: the conflict resolves.
	f.workbook("inbox/stats/stats3.xlsx", row("students.total", "", "2024", 36614))
	f.now = f.now.Add(time.Hour)
	f.sync()
	if len(f.flagsOfKind("conflict")) != 0 {
		t.Fatal("the conflict did not resolve after the fix")
	}
}

func TestCorrectionWinsOverBackupCopies(t *testing.T) {
	f := newFixture(t, reconcileConfig)
	orig := f.workbook("inbox/edu/报表.xlsx", row("students.total", "", "2024", 36000))
	f.sync()
	// A backup copy of the original, then the original is overwritten with a
	// correction: the correction is the newest content and wins.
	data, _ := os.ReadFile(orig)
	os.MkdirAll(filepath.Join(f.dir, "inbox/edu/存档"), 0o755)
	f.write("inbox/edu/存档/报表 - 副本.xlsx", data)
	f.now = f.now.Add(time.Hour)
	f.sync()
	f.workbook("inbox/edu/报表.xlsx", row("students.total", "", "2024", 36614))
	f.now = f.now.Add(time.Hour)
	f.sync()
	if fig := f.figures()["students.total@2024"]; fig.Value != 36614 || fig.File != "inbox/edu/报表.xlsx" {
		t.Fatalf("after overwriting the original: %v from %s, want 36614 from the original", fig.Value, fig.File)
	}

	// A separate correction file, then the old original is moved into the
	// backup folder: its content is old, so the correction still wins.
	f.workbook("inbox/edu/报表（更正）.xlsx", row("students.total", "", "2024", 36700))
	f.now = f.now.Add(time.Hour)
	f.sync()
	old, _ := os.ReadFile(filepath.Join(f.dir, "inbox/edu/报表.xlsx"))
	os.Remove(filepath.Join(f.dir, "inbox/edu/报表.xlsx"))
	f.write("inbox/edu/存档/报表（原）.xlsx", old)
	f.now = f.now.Add(time.Hour)
	f.sync()
	if fig := f.figures()["students.total@2024"]; fig.Value != 36700 {
		t.Fatalf("after moving the old original into a backup folder: %v from %s, want the correction 36700", fig.Value, fig.File)
	}
	if c := f.flagsOfKind("conflict"); len(c) != 0 {
		t.Errorf("superseded copies made conflicts: %+v", c)
	}
}
