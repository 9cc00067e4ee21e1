package extract

import (
	"testing"

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
