package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// TestMergedLabelAppliesToEachRow: a name merged down over its year rows
// names each of them; a careless reader keeps only the first row and the
// 2024 figure is reported as not sent.
func TestMergedLabelAppliesToEachRow(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "经费", Merges: []sheets.Merge{
		{Top: 1, Left: 0, Bottom: 1, Right: 1}, // header 指标名称 over A1:B1: the role is A's
		{Top: 2, Left: 0, Bottom: 3, Right: 0}, // 教育支出 over A2:A3
		{Top: 4, Left: 4, Bottom: 5, Right: 4}, // note over E4:E5
		{Top: 6, Left: 1, Bottom: 7, Right: 1}, // period 2024 over B6:B7
	}}, Rows: []sheets.Row{
		r(1, "指标名称", "", "年度", "数值", "备注"),
		r(2, "教育支出", "", "#2023", "#68258"),
		r(3, "", "", "#2024", "#70001"),
		r(4, "学校总数", "", "", "#44", "含教师进修学校"),
		r(5, "在校生数", "", "", "#36614"),
		r(6, "生均经费", "", "2024年", "#17500"),
		r(7, "教师平均工资", "", "", "#97987.6"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"经费!D2 edu.spend@2023 = 68258/0 raw 68258",
		"经费!D3 edu.spend@2024 = 70001/0 raw 70001",
		"经费!D4 schools.total@2024 = 44/0 raw 44",
		"经费!D5 students.total@2024 = 36614/0 raw 36614",
		"经费!D6 pay.per_student@2024 = 17500/0 raw 17500",
		"经费!D7 pay.teacher_avg@2024 = 97987.6/1 raw 97987.6",
	)
	if obs[3].Note != "含教师进修学校" {
		t.Errorf("merged note on row 5 = %q, want 含教师进修学校", obs[3].Note)
	}
	assertFindings(t, fs)
}

// TestMergedValueIsOneValue: a value merged over two periods' rows is one
// value, at its top-left cell. The covered row must not become a second
// 68258 nor a blank that withdraws the 2024 figure: it gives nothing, and a
// warning names the range.
func TestMergedValueIsOneValue(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S", Merges: []sheets.Merge{
		{Top: 2, Left: 0, Bottom: 3, Right: 0}, // 教育支出 over A2:A3
		{Top: 2, Left: 2, Bottom: 3, Right: 2}, // 68258 over C2:C3
		{Top: 4, Left: 2, Bottom: 5, Right: 2}, // 44 over C4:C5
	}}, Rows: []sheets.Row{
		r(1, "指标名称", "年度", "数值", "备注"),
		r(2, "教育支出", "#2023", "#68258"),
		r(3, "", "#2024", ""),
		r(4, "学校总数", "", "#44"),
		// No indicator of its own: nothing to say.
		r(5, "", "", "", "含分校"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!C2 edu.spend@2023 = 68258/0 raw 68258",
		"S!C4 schools.total@2024 = 44/0 raw 44",
	)
	assertFindings(t, fs, "invalid warning S!C3 edu.spend@2024|合并单元格 C2:C3|「68258」|未读取")
}
