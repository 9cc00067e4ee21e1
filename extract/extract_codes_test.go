package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestDepartmentCodes: a code column holding the department's own codes
// (indicators[].codes) is matched like the id, folded alike (full-width,
// case). A careless reader matching codes by prefix would take A0101's
// row for A01; an unknown code is listed, not dropped.
func TestDepartmentCodes(t *testing.T) {
	cfg := testCatalogue(t)
	for i := range cfg.Indicators {
		switch cfg.Indicators[i].ID {
		case "schools.total":
			cfg.Indicators[i].Codes = []string{"A01", "JY-01"}
		case "students.total":
			cfg.Indicators[i].Codes = []string{"A0101", "教基1001"}
		}
	}
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "代码", "指标", "数值"),
		r(2, "a0101", "在校学生", "#36614"),
		r(3, "ＪＹ－０１", "学校", "#44"),
		r(4, "教基1001", "", "#36614"),
		r(5, "A0102", "其他", "#7"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!C2 students.total@2024 = 36614/0 raw 36614",
		"S!C3 schools.total@2024 = 44/0 raw 44",
		"S!C4 students.total@2024 = 36614/0 raw 36614",
	)
	assertFindings(t, fs, "unknown info ! @|1 行不在指标目录中|S!B5 其他")
}

// TestCodeAndNameDisagree: the rows re-sorted by name with their codes
// left in place, so each code names one indicator and the name beside it
// exactly another. A reader going by the code alone stores the students'
// 36614 as the schools' figure, ok; neither is guessed. A name that is no
// indicator's (a department's own wording) beside a code is no
// contradiction, and neither is a name of the code's own indicator.
func TestCodeAndNameDisagree(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标编码", "指标名称", "数值"),
		r(2, "schools.total", "在校生数", "#36614"),
		r(3, "students.total", "学校总数", "#44"),
		r(4, "edu.spend", "教育经费支出合计（决算）", "#70001"),
		r(5, "pay.per_student", "生均经费", "#17500"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!C4 edu.spend@2024 = 70001/0 raw 70001",
		"S!C5 pay.per_student@2024 = 17500/0 raw 17500",
	)
	assertFindings(t, fs,
		"invalid error S!A2 schools.total@|编码「schools.total」是“学校总数”（schools.total），名称「在校生数」却是另一指标“在校生数”（students.total）",
		"invalid error S!A3 students.total@|名称「学校总数」却是另一指标")
}

// TestCodeBesideAnotherIndicatorsAlias: a breakdown's short label (小学
// under 在校生数) that is another indicator's alias is what the code is
// there to settle: the code is read, not flagged. In a years-across table
// a contradiction is said once, not once a year.
func TestCodeBesideAnotherIndicatorsAlias(t *testing.T) {
	cfg := testCatalogue(t)
	cfg.Indicators = append(cfg.Indicators,
		config.Indicator{ID: "schools.primary", Name: "小学数", Aliases: []string{"小学"}, Unit: "所", Owner: "edu"},
		config.Indicator{ID: "students.primary", Name: "小学在校生数", Unit: "人", Owner: "edu"})
	obs, fs, _ := run(t, cfg, nil, sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标编码", "指标名称", "数值"),
		r(2, "students.primary", "小学", "#20000"),
	}})
	assertObs(t, obs, "S!C2 students.primary@2024 = 20000/0 raw 20000")
	assertFindings(t, fs)

	_, fs, _ = run(t, cfg, nil, sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标编码", "指标名称", "2023年", "2024年"),
		r(2, "schools.total", "在校生数", "#35000", "#36614"),
	}})
	assertFindings(t, fs, "invalid error S!A2 schools.total@|名称「在校生数」却是另一指标")
}
