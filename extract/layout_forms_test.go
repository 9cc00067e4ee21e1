package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// layoutCatalogue is the test catalogue with the figures forms and lists
// give.
func layoutCatalogue(t *testing.T) (*config.Config, *config.Department) {
	t.Helper()
	cfg := testCatalogue(t)
	cfg.Indicators = append(cfg.Indicators,
		config.Indicator{ID: "schools.primary", Name: "小学数", Aliases: []string{"小学"}, Unit: "所", Owner: "edu"},
		config.Indicator{ID: "staff.total", Name: "教职工数", Unit: "人", Owner: "edu"},
	)
	dept, _ := cfg.Department("edu")
	d := *dept
	return cfg, &d
}

func sheet(name string, rows ...sheets.Row) sheets.Sheet {
	return sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: name}, Rows: rows}
}

// TestFormFoundByName: label / value pairs anywhere, several per row, the
// value right of the label or below it, read without configuration; a
// pair no indicator names is listed as not read.
func TestFormFoundByName(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	sh := sheet("基本情况",
		r(1, "2024年教育基本情况"),
		r(2, "学校总数", "#44", "其中：小学", "#16"),
		r(3, "在校生数（人）", "", "保安员人数"),
		r(4, "#36614", "", "#12"),
		r(6, "联系电话", "#13800000000"),
	)
	obs, fs, out := run(t, cfg, dept, sh)
	assertObs(t, obs,
		"基本情况!B2 schools.total@2024 = 44/0 raw 44",
		"基本情况!D2 schools.primary@2024 = 16/0 raw 16",
		"基本情况!A4 students.total@2024 = 36614/0 raw 36614",
		"基本情况!C4 safety.guards@2024 = 12/0 raw 12",
	)
	assertFindings(t, fs, "unknown info ! @|基本情况!A6 联系电话")
	assertOutcomes(t, out, "基本情况 read 4")
}

// TestFormYearFromTitle: a form's values take the year its sheet's title
// gives, not the cycle's, and a year outside the indicator's periods is
// an invalid flag, not a figure of another year.
func TestFormYearFromTitle(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	obs, fs, _ := run(t, cfg, dept, sheet("S", r(1, "2023年教育支出情况"), r(2, "教育支出", "#68258")))
	assertObs(t, obs, "S!B2 edu.spend@2023 = 68258/0 raw 68258")
	assertFindings(t, fs)
	_, fs, _ = run(t, cfg, dept, sheet("S", r(1, "2022年情况"), r(2, "学校总数", "#40")))
	assertFindings(t, fs, "invalid error S!B2 schools.total@2022|不在该指标的填报年度内")
}

// TestTableRowsAreNotForms: a careless reader takes "在校生数 | 2024 |
// 36614" for 在校生数 = 2024, and "教育支出 | 68211" under 项目 | 完成情况 for this
// year's figure. Neither is a form: both are flagged as not read.
func TestTableRowsAreNotForms(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	obs, fs, out := run(t, cfg, dept, sheet("S", r(1, "在校生数", "#2024", "#36614")))
	assertObs(t, obs)
	assertFindings(t, fs, "unknown warning ! @|没有可读取的表格")
	assertOutcomes(t, out, "S no_table 0")

	obs, fs, _ = run(t, cfg, dept,
		sheet("S", r(1, "项目", "完成情况"), r(2, "教育支出", "#68211"), r(3, "学校总数", "#43"),
			r(5, "指标名称", "数值"), r(6, "在校生数", "#36614")))
	assertObs(t, obs, "S!B6 students.total@2024 = 36614/0 raw 36614")
	assertFindings(t, fs, "unknown warning S!A2 @|第 5 行的表头之上有 2 行数据")
}

// TestMappedFormLabelAndCell: with label and cell, the value is read at
// the cell; a row inserted above moves it, and the label says where it
// went: read there, with a layout warning naming both cells.
func TestMappedFormLabelAndCell(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	dept.Forms = []config.Form{{Indicator: "schools.total", Label: "学校数（所）", Sheet: "基本情况", Cell: "B2"}}
	obs, fs, _ := run(t, cfg, dept, sheet("基本情况", r(1, "2024年"), r(2, "学校数（所）", "#44")))
	assertObs(t, obs, "基本情况!B2 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs)

	obs, fs, _ = run(t, cfg, dept, sheet("基本情况", r(1, "2024年"), r(2, "填报单位", "尚志市教育局"), r(3, "学校数（所）", "#44")))
	assertObs(t, obs, "基本情况!B3 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs, "layout warning 基本情况!B3 schools.total@2024|「基本情况」!B2|标签「学校数（所）」现在在 A3|取自 「基本情况」!B3（「44」）")

	// The label renamed: B2 now holds another figure, never read as this one.
	obs, fs, _ = run(t, cfg, dept, sheet("基本情况", r(1, "2024年"), r(2, "学校数量", "#45")))
	assertObs(t, obs)
	assertFindings(t, fs, "layout error 基本情况!B2 schools.total@2024|找不到标签「学校数（所）」|现为「45」|未读取")
}

// TestMappedFormCellMoved: a form mapped by cell alone whose rows moved:
// the cell now beside another indicator's label is not read as this one
// (a careless reader reports 12 guards as 在校生数), and where the
// indicator's own name went is said.
func TestMappedFormCellMoved(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	dept.Forms = []config.Form{{Indicator: "students.total", Sheet: "基本情况", Cell: "B3"}}
	obs, fs, _ := run(t, cfg, dept, sheet("基本情况", r(2, "学校总数", "#44"), r(3, "在校生数", "#36614")))
	assertObs(t, obs, "基本情况!B2 schools.total@2024 = 44/0 raw 44", "基本情况!B3 students.total@2024 = 36614/0 raw 36614")
	assertFindings(t, fs)

	obs, fs, _ = run(t, cfg, dept, sheet("基本情况", r(2, "学校总数", "#44"), r(3, "保安员人数", "#12"), r(4, "在校生数", "#36614")))
	assertObs(t, obs, "基本情况!B2 schools.total@2024 = 44/0 raw 44", "基本情况!B3 safety.guards@2024 = 12/0 raw 12")
	assertFindings(t, fs, "layout error 基本情况!B4 students.total@2024|配置的单元格为 「基本情况」!B3|标签「在校生数」在 A4|未读取")

	obs, fs, _ = run(t, cfg, dept, sheet("基本情况", r(2, "学校总数", "#44"), r(3, "保安员人数", "#12")))
	assertObs(t, obs, "基本情况!B2 schools.total@2024 = 44/0 raw 44", "基本情况!B3 safety.guards@2024 = 12/0 raw 12")
	assertFindings(t, fs, "layout error 基本情况!B3 students.total@2024|旁边的标签是 A3「保安员人数」|未读取")

	obs, fs, _ = run(t, cfg, dept, sheet("基本情况", r(2, "学校总数", "#44")))
	assertObs(t, obs, "基本情况!B2 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs, "layout error 基本情况!B3 students.total@2024|「基本情况」!B3 为空|也找不到该指标的名称「在校生数」")

	// Another file of the department, without the form's sheet: no word.
	_, fs, _ = run(t, cfg, dept, sheet("汇总", r(1, "指标名称", "数值"), r(2, "学校总数", "#44")))
	assertFindings(t, fs)
}

// TestMappedFormLabel: a label that names no indicator, the value below
// it; gone, a layout warning instead of a silent missing figure.
func TestMappedFormLabel(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	dept.Forms = []config.Form{{Indicator: "staff.total", Label: "在编在岗人员", Sheet: "基本情况"}}
	// The mapped indicator is not also found by its own name elsewhere.
	obs, fs, _ := run(t, cfg, dept, sheet("基本情况", r(1, "学校总数", "在编在岗人员："), r(2, "#44", "#3120"), r(3, "教职工数", "#9")))
	assertObs(t, obs, "基本情况!A2 schools.total@2024 = 44/0 raw 44", "基本情况!B2 staff.total@2024 = 3120/0 raw 3120")
	assertFindings(t, fs, "unknown info ! @|基本情况!A3 教职工数")

	obs, fs, _ = run(t, cfg, dept, sheet("基本情况", r(1, "学校总数", "#44")))
	assertObs(t, obs, "基本情况!B1 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs, "layout warning 基本情况! staff.total@2024|找不到标签「在编在岗人员」")
}

// TestFormValueBlankOrText: a mapped label with "—" beside it gives a
// blank (the department says it has none); one with text gives an
// invalid flag, not a figure.
func TestFormValueBlankOrText(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	dept.Forms = []config.Form{{Indicator: "staff.total", Label: "在编在岗人员"}}
	obs, fs, _ := run(t, cfg, dept, sheet("S", r(1, "在编在岗人员", "—")))
	assertObs(t, obs, "S!B1 staff.total@2024 = blank raw —")
	assertFindings(t, fs)
	obs, fs, _ = run(t, cfg, dept, sheet("S", r(1, "在编在岗人员", "待统计")))
	assertObs(t, obs)
	assertFindings(t, fs, "invalid error S!B1 staff.total@2024|待统计")
}

// TestFormOnAHiddenSheet: a form on a hidden sheet that is not read gives
// no figure, only where it is; a mapped one no layout finding either.
func TestFormOnAHiddenSheet(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	dept.Forms = []config.Form{{Indicator: "staff.total", Label: "在编在岗人员", Sheet: "基本情况", Cell: "B2"}}
	sh := sheet("基本情况", r(1, "学校总数", "#44"), r(2, "在编在岗人员", "#3120"))
	sh.Hidden = sheets.Hidden
	obs, fs, out := run(t, cfg, dept, sh, sheet("汇总", r(1, "指标名称", "数值"), r(2, "在校生数", "#800")))
	assertObs(t, obs, "汇总!B2 students.total@2024 = 800/0 raw 800")
	assertFindings(t, fs,
		"hidden_sheet info 基本情况!B1 schools.total@2024|在隐藏工作表「基本情况」中有此项",
		"hidden_sheet info 基本情况!B2 staff.total@2024|在隐藏工作表「基本情况」中有此项")
	assertOutcomes(t, out, "基本情况 hidden 0", "汇总 read 1")
}

// TestFormUnitBesideValue: a unit written right of a form's value converts
// it: a careless reader takes 682580000 (元) as 万元.
func TestFormUnitBesideValue(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	obs, fs, _ := run(t, cfg, dept, sheet("S", r(1, "教育支出", "#682580000", "元", "学校总数", "#44", "所")))
	assertObs(t, obs, "S!B1 edu.spend@2024 = 68258/4 raw 682580000", "S!E1 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs)
	obs, fs, _ = run(t, cfg, dept, sheet("S", r(1, "在校生数", "#44", "所")))
	assertObs(t, obs)
	assertFindings(t, fs, "invalid error S!B1 students.total@2024|所")
}

// TestFormFiguresNotReadAreListed: in a form sheet, a number under a label
// no indicator names, and the rows of a table beside the form under
// headings sheaf does not know, are listed as not read, never dropped
// silently.
func TestFormFiguresNotReadAreListed(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	obs, fs, _ := run(t, cfg, dept, sheet("S",
		r(1, "学校总数", "其他学校"),
		r(2, "#44", "#5"),
		r(4, "项目", "完成情况"),
		r(5, "教育支出", "#68211"),
	))
	assertObs(t, obs, "S!A2 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs, "unknown info ! @|2 行不在指标目录中|S!B2「5」|S!B5「68211」")
}

// TestFormLabelAndValueInOneCell: "学校总数：44" and a unit between a label
// and its value are read; the unit converts.
func TestFormLabelAndValueInOneCell(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	obs, fs, _ := run(t, cfg, dept, sheet("S",
		r(1, "学校总数：44所", "在校生数: 36614"),
		r(2, "教育支出", "元", "#682580000"),
	))
	assertObs(t, obs,
		"S!A1 schools.total@2024 = 44/0 raw 44所",
		"S!B1 students.total@2024 = 36614/0 raw 36614",
		"S!C2 edu.spend@2024 = 68258/4 raw 682580000",
	)
	assertFindings(t, fs)
}

// TestFormLabelWithWordsAroundItsValue: an indicator's label and a value
// wrapped in words in one cell ("学校总数：44所（其中小学16所）", "在校生数：
// 2023年36000人，2024年36614人") is not guessed at: a careless reader takes
// the first or the last number. It is flagged, not left for the
// department to learn the figure is "not submitted" with no reason. A
// label with words and no figure is a note.
func TestFormLabelWithWordsAroundItsValue(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	obs, fs, out := run(t, cfg, dept, sheet("S",
		r(1, "学校总数：44所（其中小学16所）"),
		r(2, "在校生数：2023年36000人，2024年36614人"),
		r(3, "教育支出：见附表1"),
	))
	assertObs(t, obs)
	assertFindings(t, fs,
		"invalid error S!A1 schools.total@|学校总数：S!A1「学校总数：44所（其中小学16所）」中的数值无法单独读出",
		"invalid error S!A2 students.total@|在校生数：S!A2「在校生数：2023年36000人，2024年36614人」中的数值无法单独读出",
		"unknown warning ! @|工作表「S」只有标题或说明文字，没有表格")
	assertOutcomes(t, out, "S notes 0")

	// A title naming an indicator, with a year, over the table that gives
	// it, is no value wrapped in words.
	obs, fs, _ = run(t, cfg, dept, sheet("S",
		r(1, "教育支出：2024年预算执行情况"),
		r(2, "指标", "数值"),
		r(3, "教育支出", "#70001"),
	))
	assertObs(t, obs, "S!B3 edu.spend@2024 = 70001/0 raw 70001")
	assertFindings(t, fs)
}

// TestColumnsAreNotForms: labels over a column of figures are a table's
// headings, not a form's labels over their values: a careless reader takes
// 68211 (2022's) as this year's 教育支出, or the first school's staff as
// the total.
func TestColumnsAreNotForms(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	for _, tc := range []struct {
		name string
		rows []sheets.Row
	}{
		{"two years", []sheets.Row{r(1, "年度", "教育支出"), r(2, "#2022", "#68211"), r(3, "#2023", "#68258")}},
		{"one year under 年份", []sheets.Row{r(1, "年份", "教育支出"), r(2, "#2023", "#68258")}},
		{"a list's first row", []sheets.Row{r(1, "学校", "教职工数"), r(2, "第一小学", "#50")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, _, _ := run(t, cfg, dept, sheet("S", tc.rows...))
			assertObs(t, obs)
		})
	}
	// Beside a form's values, they are listed as not read.
	obs, fs, _ := run(t, cfg, dept, sheet("S", r(1, "学校总数", "#44"), r(3, "教育支出"), r(4, "#68211"), r(5, "#68258")))
	assertObs(t, obs, "S!B1 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs, "unknown info ! @|S!A4 教育支出「68211」|S!A5「68258」")
}
