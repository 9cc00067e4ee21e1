package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// schoolList is a department's list of schools with four derived figures.
func schoolList(t *testing.T) (*config.Config, *config.Department) {
	t.Helper()
	cfg, dept := layoutCatalogue(t)
	dept.Lists = []config.List{{Sheet: "学校名册", Key: "学校名称", Figures: []config.ListFigure{
		{Indicator: "schools.total", Derive: "count"},
		{Indicator: "schools.primary", Derive: "count where 学校类型 = 小学"},
		{Indicator: "staff.total", Derive: "sum(教职工数)"},
		{Indicator: "students.total", Derive: "sum(在校生数)"},
	}}}
	return cfg, dept
}

func hidden(row sheets.Row) sheets.Row { row.Hidden = true; return row }

// TestListDerivesFigures: count, count where and sum over a list's rows,
// each figure citing the list's range. A careless reader counts the 合计
// row as a school (4), skips the hidden row (2), or counts the row
// without a name; the 合计 row's 2310 students differ from the rows' 2300:
// a conflict finding on the derived figure.
func TestListDerivesFigures(t *testing.T) {
	cfg, dept := schoolList(t)
	sh := sheet("学校名册",
		r(1, "2024年学校名册"),
		r(2, "学校名称", "学校类型", "教职工数", "在校生数（人）"),
		r(3, "第一小学", "小学", "#50", "#800"),
		hidden(r(4, "第二小学", " 小学 ", "#40", "#600")),
		r(5, "第一中学", "初中", "#60", "#900"),
		r(6, "", "", "#5", "#10"),
		r(7, "合　计", "", "#150", "#2310"),
		r(8, "注：教职工数含代课教师"),
	)
	obs, fs, out := run(t, cfg, dept, sh)
	assertObs(t, obs,
		"学校名册!A3:D5 schools.total@2024 = 3/0 raw count",
		"学校名册!A3:D5 schools.primary@2024 = 2/0 raw count where 学校类型 = 小学",
		"学校名册!A3:D5 staff.total@2024 = 150/0 raw sum(教职工数)",
		"学校名册!A3:D5 students.total@2024 = 2300/0 raw sum(在校生数)",
	)
	assertFindings(t, fs,
		"conflict warning 学校名册!A3:D5 students.total@2024|逐行sum(在校生数)为 2300人|合计行 D7 的 「2310」",
		"unknown warning 学校名册!A6 @|有 1 行填有数字但「学校名称」为空（自 A6 起）")
	assertOutcomes(t, out, "学校名册 read 4")
}

// TestListBlankCellIsNoSum: a school whose staff cell is blank makes the
// sum invalid, naming the cell, rather than a total that is too small.
func TestListBlankCellIsNoSum(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[2:3]
	obs, fs, _ := run(t, cfg, dept, sheet("学校名册",
		r(1, "学校名称", "学校类型", "教职工数", "在校生数"),
		r(2, "第一小学", "小学", "#50"),
		r(3, "第二小学", "小学", "约40"),
		r(4, "第三小学", "小学", "若干"),
	))
	assertObs(t, obs)
	assertFindings(t, fs, "invalid error 学校名册!A2:D4 staff.total@2024|「学校名册」!A2:D4（3 行）|C4「若干」无法读取")
}

// TestListAgainstReportedTotal: the same file reports the total on a form:
// it and the list's sum are compared; a difference is a conflict finding
// on both cells.
func TestListAgainstReportedTotal(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:1]
	list := sheet("学校名册",
		r(1, "学校名称", "学校类型"),
		r(2, "第一小学", "小学"),
		r(3, "第一中学", "初中"),
	)
	obs, fs, _ := run(t, cfg, dept, sheet("基本情况", r(1, "学校总数", "#2")), list)
	assertObs(t, obs, "基本情况!B1 schools.total@2024 = 2/0 raw 2", "学校名册!A2:B3 schools.total@2024 = 2/0 raw count")
	assertFindings(t, fs)

	_, fs, _ = run(t, cfg, dept, list, sheet("基本情况", r(1, "学校总数", "#3")))
	assertFindings(t, fs,
		"conflict warning 学校名册!A2:B3 schools.total@2024|按 count 计算为 2所|「基本情况」!B1 填报的 「3」",
		"conflict warning 基本情况!B1 schools.total@2024|按 count 计算为 2所")
}

// TestListEndsAtATable: a long table under the list is read as a table,
// its rows never counted as schools.
func TestListEndsAtATable(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:1]
	obs, _, _ := run(t, cfg, dept, sheet("学校名册",
		r(1, "学校名称", "学校类型"),
		r(2, "第一小学", "小学"),
		r(4, "指标名称", "数值"),
		r(5, "在校生数", "#800"),
	))
	assertObs(t, obs, "学校名册!A2:B2 schools.total@2024 = 1/0 raw count", "学校名册!B5 students.total@2024 = 800/0 raw 800")
}

// TestListOnlyOnItsSheet: the list's sheet glob limits where its header is
// looked for.
func TestListOnlyOnItsSheet(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:1]
	obs, _, _ := run(t, cfg, dept, sheet("其他", r(1, "学校名称", "学校类型"), r(2, "第一小学", "小学")))
	assertObs(t, obs)
}

// TestListTotalsCompared: a 合计 row written in another column than the
// key is still the total, never a school nor a blank-key row; a 小计 row
// is not compared.
func TestListTotalsCompared(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:3]
	obs, fs, _ := run(t, cfg, dept, sheet("学校名册",
		r(1, "序号", "学校名称", "学校类型", "教职工数"),
		r(2, "#1", "第一小学", "小学", "#50"),
		r(3, "", "小计", "", "#50"),
		r(4, "#2", "第一中学", "初中", "#60"),
		r(5, "合计", "", "", "#111"),
		r(6, "", "其中：农村学校", "", "#60"),
	))
	assertObs(t, obs,
		"学校名册!A2:D4 schools.total@2024 = 2/0 raw count",
		"学校名册!A2:D4 schools.primary@2024 = 1/0 raw count where 学校类型 = 小学",
		"学校名册!A2:D4 staff.total@2024 = 110/0 raw sum(教职工数)",
	)
	assertFindings(t, fs, "conflict warning 学校名册!A2:D4 staff.total@2024|为 110人|合计行 D5 的 「111」")
}

// TestListAreaRowAndSections: the whole county's row labelled 全县, not
// 合计, and group headings numbered 一、 or （二） are no schools. A
// careless reader counts 7 schools and sums the county's staff into the
// schools' (1,180 + its 1 subtotal); here 3 schools, 110 staff, and the
// 全县 row compared as the total. A school whose name starts with 全县
// is a school.
func TestListAreaRowAndSections(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:3]
	obs, fs, _ := run(t, cfg, dept, sheet("学校名册",
		r(1, "序号", "学校名称", "学校类型", "教职工数"),
		r(2, "", " 全 县 ", "", "#111"),
		r(3, "", "一、小学", "", "#50"),
		r(4, "#1", "第一小学", "小学", "#50"),
		r(5, "", "（二）初中", "", ""),
		r(6, "#2", "第一中学", "初中", "#40"),
		r(7, "", "(三)高中", "", "#20"),
		r(8, "#3", "全县第一高级中学", "高中", "#20"),
	))
	assertObs(t, obs,
		"学校名册!A4:D8 schools.total@2024 = 3/0 raw count",
		"学校名册!A4:D8 schools.primary@2024 = 1/0 raw count where 学校类型 = 小学",
		"学校名册!A4:D8 staff.total@2024 = 110/0 raw sum(教职工数)",
	)
	assertFindings(t, fs, "conflict warning 学校名册!A4:D8 staff.total@2024|为 110人|合计行 D2 的 「111」")
}

// TestListSchoolListedTwice: a school whose row was pasted twice is
// counted as written, twice, but said: a careless reader's count (4)
// would go out as ok.
func TestListSchoolListedTwice(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:1]
	obs, fs, _ := run(t, cfg, dept, sheet("学校名册",
		r(1, "学校名称", "学校类型"),
		r(2, "第一小学", "小学"),
		r(3, "实验小学", "小学"),
		r(4, "第一中学", "初中"),
		r(5, "实验 小学", "小学"),
	))
	assertObs(t, obs, "学校名册!A2:B5 schools.total@2024 = 4/0 raw count")
	assertFindings(t, fs, "conflict warning 学校名册!A2:B5 schools.total@2024|「实验 小学」（第 3、5 行）重复出现，已分别计入")
}

// TestListNumberedSchools: schools numbered in Chinese numerals are
// schools when no unnumbered row is: 一、城关小学 alone, or （一）城关小学
// under the groups' 一、小学. Left out as headings, every figure of the
// list would be 0, ok.
func TestListNumberedSchools(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:3]
	obs, fs, _ := run(t, cfg, dept, sheet("学校名册",
		r(1, "学校名称", "学校类型", "教职工数"),
		r(2, "一、城关小学", "小学", "#50"),
		r(3, "二、实验小学", "小学", "#40"),
		r(4, "三、第一中学", "初中", "#60"),
	))
	assertObs(t, obs,
		"学校名册!A2:C4 schools.total@2024 = 3/0 raw count",
		"学校名册!A2:C4 schools.primary@2024 = 2/0 raw count where 学校类型 = 小学",
		"学校名册!A2:C4 staff.total@2024 = 150/0 raw sum(教职工数)")
	assertFindings(t, fs)

	obs, fs, _ = run(t, cfg, dept, sheet("学校名册",
		r(1, "学校名称", "学校类型", "教职工数"),
		r(2, "一、小学", "", "#90"),
		r(3, "（一）城关小学", "小学", "#50"),
		r(4, "（二）实验小学", "小学", "#40"),
		r(5, "二、初中", "", "#60"),
		r(6, "（一）第一中学", "初中", "#60"),
	))
	assertObs(t, obs,
		"学校名册!A3:C6 schools.total@2024 = 3/0 raw count",
		"学校名册!A3:C6 schools.primary@2024 = 2/0 raw count where 学校类型 = 小学",
		"学校名册!A3:C6 staff.total@2024 = 150/0 raw sum(教职工数)")
	assertFindings(t, fs)
}

func TestSectionLabel(t *testing.T) {
	for key, want := range map[string]int{
		"一、高中学校": 1, "十二、其他": 1, "（一）城区": 2, "(二)农村": 2, "三.小学": 1, "四､初中": 1,
		"一中": 0, "十里铺小学": 0, "三河小学": 0, "(一中)": 0, "1、实验小学": 0, "": 0,
	} {
		if got := sectionLabel(key); got != want {
			t.Errorf("sectionLabel(%q) = %v, want %v", key, got, want)
		}
	}
	for key, want := range map[string]bool{"全县": true, "全市": true, "全旗": true, "全县第一中学": false, "全": false, "全校": false} {
		if got := areaTotal(Fold(key)); got != want {
			t.Errorf("areaTotal(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestListOnAHiddenSheet: a list on a hidden sheet that is not read gives
// no figure, only where it is.
func TestListOnAHiddenSheet(t *testing.T) {
	cfg, dept := schoolList(t)
	dept.Lists[0].Figures = dept.Lists[0].Figures[:1]
	sh := sheet("学校名册", r(1, "学校名称", "学校类型"), r(2, "第一小学", "小学"))
	sh.Hidden = sheets.Hidden
	obs, fs, out := run(t, cfg, dept, sh, sheet("汇总", r(1, "指标名称", "数值"), r(2, "在校生数", "#800")))
	assertObs(t, obs, "汇总!B2 students.total@2024 = 800/0 raw 800")
	assertFindings(t, fs, "hidden_sheet info 学校名册!A2:B2 schools.total@2024|在隐藏工作表「学校名册」中有此项")
	assertOutcomes(t, out, "学校名册 hidden 0", "汇总 read 1")
}

// TestListHeaderRenamed: the list's sheet is there but a column was
// renamed: a layout finding says which columns the list needs, instead of
// its figures silently missing.
func TestListHeaderRenamed(t *testing.T) {
	cfg, dept := schoolList(t)
	obs, fs, out := run(t, cfg, dept, sheet("学校名册",
		r(1, "学校名称", "学校类别", "教职工数", "在校生数"),
		r(2, "第一小学", "小学", "#50", "#800"),
	))
	assertObs(t, obs)
	assertFindings(t, fs,
		"layout warning 学校名册!A1 @|找不到名册的表头行（须有「学校名称」、「学校类型」、「教职工数」、「在校生数」列）|学校总数、小学数、教职工数、在校生数未读取",
		"unknown warning ! @|没有找到表头行")
	assertOutcomes(t, out, "学校名册 no_table 0")
}
