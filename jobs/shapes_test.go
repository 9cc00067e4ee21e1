package jobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
)

// shapesConfig is the catalogue jobs/testdata/shapes/教育局报表.xlsx is read
// against (see testdata-src/shapes/make.py for the workbook).
const shapesConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 0s, workers: 1}
departments:
  - id: edu
    name: 市教育局
    sources: [{dir: inbox/edu}]
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: kg.public, name: 公办园, unit: 所, owner: edu, required: true}
  - {id: kg.private, name: 民办园, unit: 所, owner: edu, required: true}
  - {id: rate.consolidation, name: 巩固率, unit: "%", owner: edu, required: true, range: [80, 100]}
  - {id: rate.degree, name: 教师学历达标率, unit: "%", owner: edu, required: true, range: [0, 100]}
  - {id: fund.edu_spend, name: 教育支出, unit: 万元, owner: edu, periods: ["2023", "2024"], required: true}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu, periods: ["2023", "2024"], required: true}
  - {id: fund.per_pupil, name: 生均教育经费, unit: 元, owner: edu, required: true}
  - {id: health.examined, name: 体检学生数, unit: 人, owner: edu, required: true}
`

// TestCountyShapesReadRightOrFlagged reads one workbook in the shapes county
// departments make, saved by LibreOffice, and checks every figure a careless
// reader would get wrong with status ok: the second table's year read as its
// value, the hidden old sheet's values, the merged name's second year, the
// 万元 note converting a 元 figure, a fraction typed for a percentage, the
// formula's 13 decimals; and that every sheet has an outcome.
func TestCountyShapesReadRightOrFlagged(t *testing.T) {
	f := newFixture(t, shapesConfig)
	data, err := os.ReadFile(filepath.Join("testdata", "shapes", "教育局报表.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	f.write("inbox/edu/教育局报表.xlsx", data)
	rep := f.sync()
	if rep.Read != 1 || rep.Failed != 0 {
		t.Fatalf("report = %+v", rep)
	}
	figs := f.figures()
	const file = "inbox/edu/教育局报表.xlsx"
	for _, c := range []struct {
		key      string
		value    float64
		decimals int
		cell     string
		status   sheaf.Status
	}{
		// The visible sheet's 44, not the hidden old version's 40.
		{"schools.total@2024", 44, 0, "B4", sheaf.StatusOK},
		{"kg.public@2024", 20, 0, "B5", sheaf.StatusOK},
		// A hidden row is read.
		{"kg.private@2024", 12, 0, "B6", sheaf.StatusOK},
		// 0.9675 typed for 96.75%: read as written, but not ok.
		{"rate.consolidation@2024", 0.9675, 4, "B7", sheaf.StatusDoubtful},
		// A formula shown as 48.29 is 48.29, not 48.2857142857143.
		{"rate.degree@2024", 48.29, 2, "B8", sheaf.StatusOK},
		// The second table's own columns: 70001, not the year.
		{"fund.edu_spend@2023", 65000, 0, "C13", sheaf.StatusOK},
		{"fund.edu_spend@2024", 70001, 0, "C14", sheaf.StatusOK},
		// 在校生数 merged over A15:A16 names both year rows.
		{"students.total@2023", 36000, 0, "C15", sheaf.StatusOK},
		{"students.total@2024", 36614, 0, "C16", sheaf.StatusOK},
		// 17500 under the 万元 note is converted (precise to 万), and doubtful.
		{"fund.per_pupil@2024", 175000000, -4, "C17", sheaf.StatusDoubtful},
	} {
		fig, ok := figs[c.key]
		if !ok {
			t.Errorf("no figure %s", c.key)
			continue
		}
		if !fig.HasValue || fig.Value != c.value || fig.Decimals != c.decimals || fig.Cell != c.cell || fig.File != file {
			t.Errorf("%s = %v (has %v, decimals %d) from %s %s; want %v (decimals %d) from %s",
				c.key, fig.Value, fig.HasValue, fig.Decimals, fig.File, fig.Cell, c.value, c.decimals, c.cell)
		}
		if fig.Status != c.status {
			t.Errorf("%s status %s (%v), want %s", c.key, fig.Status, fig.Statuses, c.status)
		}
	}
	if fig := figs["health.examined@2024"]; fig.HasValue || fig.Status != sheaf.StatusMissing {
		t.Errorf("health.examined = %v (has %v) %s; only the hidden sheet has it", fig.Value, fig.HasValue, fig.Status)
	}

	byKind := map[sheaf.Kind][]string{}
	for _, fl := range f.openFlags() {
		byKind[fl.Kind] = append(byKind[fl.Kind], fl.Message)
	}
	want := func(kind sheaf.Kind, parts ...string) {
		t.Helper()
		for _, m := range byKind[kind] {
			all := true
			for _, p := range parts {
				all = all && strings.Contains(m, p)
			}
			if all {
				return
			}
		}
		t.Errorf("no open %s flag saying %q; %s flags: %q", kind, parts, kind, byKind[kind])
	}
	// The figure only the hidden sheet holds is not "未报送".
	want(sheaf.KindMissing, "隐藏工作表「旧版勿用」", "体检学生数")
	for _, m := range byKind[sheaf.KindMissing] {
		if strings.Contains(m, "体检学生数") && strings.Contains(m, "未报送") {
			t.Errorf("missing flag blames the department: %s", m)
		}
	}
	want(sheaf.KindUnit, "单位：万元", "17500")
	want(sheaf.KindRange, "疑似小数形式", "0.9675", "96.75%")
	// The sheet with no header is named; the empty one is not flagged.
	want(sheaf.KindUnknown, "历年支出")
	for kind, msgs := range byKind {
		for _, m := range msgs {
			if strings.Contains(m, "Sheet3") {
				t.Errorf("the empty sheet is flagged (%s): %s", kind, m)
			}
		}
	}
	for _, kind := range []sheaf.Kind{sheaf.KindConflict, sheaf.KindInvalid, sheaf.KindFile} {
		if len(byKind[kind]) > 0 {
			t.Errorf("unexpected %s flags: %q", kind, byKind[kind])
		}
	}
	// Only the listed indicators are missing: nothing else was lost.
	if n := len(byKind[sheaf.KindMissing]); n != 1 {
		t.Errorf("%d missing flags, want 1 (体检学生数): %q", n, byKind[sheaf.KindMissing])
	}
}
