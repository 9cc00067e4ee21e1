package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// TestYearColumns: a statistics sheet with years across the columns.
// Each cell is its row's indicator for its column's year: a careless
// reader taking the last or the first number of the row would give 2023's
// 68258 as 2024's figure. Values for years an indicator is not collected
// for are known extras, listed once per column.
func TestYearColumns(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "统计"}, Rows: []sheets.Row{
		r(1, "主要指标（单位：万元）"),
		r(2, "指标", "2022年", "2023年", "2024年", "备注"),
		r(3, "教育支出", "#61000", "#68258", "#70001", "决算数"),
		r(4, "学校总数（所）", "#45", "#44", "#46"),
		r(5, "在校生数", "", "", "#36614"),
		r(6, "其他指标", "#1", "#2", "#3"),
	}}
	obs, fs, out := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"统计!C3 edu.spend@2023 = 68258/0 raw 68258",
		"统计!D3 edu.spend@2024 = 70001/0 raw 70001",
		"统计!D4 schools.total@2024 = 46/0 raw 46",
		"统计!D5 students.total@2024 = 36614/0 raw 36614",
	)
	assertFindings(t, fs,
		"unknown info 统计!B3 @2022|「2022年」列（2022年）的 2 个数值（教育支出、学校总数（所））不在相应指标的填报年度内",
		"unknown info 统计!C4 @2023|「2023年」列（2023年）的 1 个数值（学校总数（所））",
		"unknown info ! @|1 行不在指标目录中|其他指标")
	assertOutcomes(t, out, "统计 read 4")
	if obs[0].Note != "决算数" {
		t.Errorf("note %q, want 决算数", obs[0].Note)
	}
}

// TestRelativeYearColumns: 本年 / 上年 resolve against the cycle's
// period (2024), a unit in a header's brackets applies to its column only,
// and a column that is no period (增减%) is no value of the indicator. A
// 上年 column read as the cycle's year would make 2023's 68258 the 2024
// figure.
func TestRelativeYearColumns(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "上年同期（万元）", "本年实际（元）", "增减%"),
		r(2, "教育支出", "#68258", "#700010000", "#2.5"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B2 edu.spend@2023 = 68258/0 raw 68258",
		"S!C2 edu.spend@2024 = 70001/4 raw 700010000",
	)
	// As for a long table's header: a unit of another scale, written only
	// in the header, is applied and confirmed by a person.
	assertFindings(t, fs, "unit warning S!C2 edu.spend@2024|按表中的「本年实际（元）」换算为 70001.0000万元")

	// A title saying 2023 makes 本年 2023 and 上年 2022, not the cycle's.
	sh.Rows = append([]sheets.Row{r(0, "2023年教育经费情况")}, sh.Rows...)
	obs, fs, _ = run(t, cfg, nil, sh)
	assertObs(t, obs, "S!C2 edu.spend@2023 = 70001/4 raw 700010000")
	assertFindings(t, fs, "unit warning S!C2 edu.spend@2023", "unknown info S!B2 @2022|「上年同期（万元）」列（2022年）的 1 个数值")
}

// TestYearColumnsUnderMergedBanner: a 年度 banner merged over the year
// columns, and 指标 merged down over both header rows, as LibreOffice
// writes them: the covered cells are empty. Years as number cells.
func TestYearColumnsUnderMergedBanner(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S", Merges: []sheets.Merge{
		{Top: 1, Left: 0, Bottom: 1, Right: 2},
		{Top: 2, Left: 0, Bottom: 3, Right: 0},
		{Top: 2, Left: 1, Bottom: 2, Right: 2},
	}}, Rows: []sheets.Row{
		r(1, "全市教育经费", "", ""),
		r(2, "指标", "年度", ""),
		r(3, "", "#2023", "#2024"),
		r(4, "教育支出", "#68258", "#70001"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B4 edu.spend@2023 = 68258/0 raw 68258",
		"S!C4 edu.spend@2024 = 70001/0 raw 70001",
	)
	assertFindings(t, fs)
}

// TestPartialYearColumn: a 2024年1-11月 column is not the year 2024: its
// value is an extra for an indicator collected for 2024, and a figure for
// one that lists 2024M01-11.
func TestPartialYearColumn(t *testing.T) {
	cfg := testCatalogue(t)
	for i := range cfg.Indicators {
		if cfg.Indicators[i].ID == "students.total" {
			cfg.Indicators[i].Periods = []string{"2024M01-11", "2024"}
		}
	}
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "代码", "2024年1-11月", "2023年"),
		r(2, "schools.total", "#43", "#44"),
		r(3, "students.total", "#36000", "#35000"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs, "S!B3 students.total@2024M01-11 = 36000/0 raw 36000")
	assertFindings(t, fs,
		"unknown info S!B2 @2024M01-11|「2024年1-11月」列（2024年1-11月）的 1 个数值|部分月份的数值不作为全年数",
		"unknown info S!C2 @2023|「2023年」列（2023年）的 2 个数值")
}

// TestValueHeaderNamesItsYear: "数值（2023年）" says the long table's
// period, over the cycle's: a careless reader would take 2023's 68258 as
// the 2024 figure.
func TestValueHeaderNamesItsYear(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "2024年"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值（2023年）"),
		r(2, "教育支出", "#68258"),
		r(3, "学校总数", "#44"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs, "2024年!B2 edu.spend@2023 = 68258/0 raw 68258")
	assertFindings(t, fs, "invalid error 2024年!B3 schools.total@2023|年度 2023年 不在该指标的填报年度内|表头B1「数值（2023年）」")
}

// TestYearOverSubColumns: each year merged over the columns under it
// (2023年 over 金额 | 增长%), as finance tables are laid out. The year's
// figure is the column under it that holds the amount: a careless reader
// takes each merged year's first column, and stores 2024's growth rate
// 2.55 as its 万元, ok. A unit under the year applies to its column.
func TestYearOverSubColumns(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "经费", Merges: []sheets.Merge{
		{Top: 1, Left: 0, Bottom: 2, Right: 0},
		{Top: 1, Left: 1, Bottom: 1, Right: 2},
		{Top: 1, Left: 3, Bottom: 1, Right: 4},
	}}, Rows: []sheets.Row{
		r(1, "项目", "2023年", "", "2024年", ""),
		r(2, "", "金额", "增长%", "增长（%）", "金额（元）"),
		r(3, "教育支出", "#68258", "#0.07", "#2.55", "#700010000"),
	}}
	obs, fs, out := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"经费!B3 edu.spend@2023 = 68258/0 raw 68258",
		"经费!E3 edu.spend@2024 = 70001/4 raw 700010000",
	)
	assertFindings(t, fs, "unit warning 经费!E3 edu.spend@2024|金额（元）")
	assertOutcomes(t, out, "经费 read 2")

	// The same years written once and centred across their columns, not
	// merged: the empty header cells after a year are its columns.
	sh.Merges = nil
	obs, _, _ = run(t, cfg, nil, sh)
	assertObs(t, obs,
		"经费!B3 edu.spend@2023 = 68258/0 raw 68258",
		"经费!E3 edu.spend@2024 = 70001/4 raw 700010000",
	)
}

// TestYearOverSubColumnsUndecided: two columns that could each be the
// year's figure (预算数 | 执行数), or only a growth rate under a year, are
// not guessed between: that year is not read, and a finding says why; the
// other years are read.
func TestYearOverSubColumnsUndecided(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "经费", Merges: []sheets.Merge{
		{Top: 1, Left: 1, Bottom: 1, Right: 2},
	}}, Rows: []sheets.Row{
		r(1, "项目", "2024年", "", "2023年", "2022年"),
		r(2, "", "预算数", "执行数", "金额", "增长%"),
		r(3, "教育支出", "#70000", "#70001", "#68258", "#2.1"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs, "经费!D3 edu.spend@2023 = 68258/0 raw 68258")
	assertFindings(t, fs,
		"file error 经费!B1 @|表头B1「2024年」下有多列可作为该年的数值（B2「预算数」、C2「执行数」）",
		"file error 经费!E1 @|表头E1「2022年」下只有变化或排名列（E2「增长%」）")
}

// TestYearTableFirstRowIsNoSubHeader: a first data row without a name but
// with figures is a row of figures (an unknown row), not the names of the
// columns; the next rows are read.
func TestYearTableFirstRowIsNoSubHeader(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标", "2023年", "2024年"),
		r(2, "", "#1", "#2"),
		r(3, "教育支出", "#68258", "#70001"),
	}}
	obs, _, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B3 edu.spend@2023 = 68258/0 raw 68258",
		"S!C3 edu.spend@2024 = 70001/0 raw 70001",
	)
}

// TestYearOverSubColumnsAsLibreOfficeWrites: the same layout as
// LibreOffice saves it (lo_year_subcolumns.xlsx: covered cells written
// empty, a 单位：万元、% note above), read by both readers. 2022年 is over
// 金额 | 增长% and 2023年 over 增长% | 金额: a careless reader stores 2023's
// growth rate 2.55 as its 万元.
func TestYearOverSubColumnsAsLibreOfficeWrites(t *testing.T) {
	cfg := loadTestConfig(t)
	want := []string{
		"经费!B5 fund.edu_spend@2022 = 68258/0 raw 68258",
		"经费!E5 fund.edu_spend@2023 = 70001/0 raw 70001",
	}
	obs, fs, _ := streamFixture(t, cfg, "lo_year_subcolumns.xlsx")
	assertObs(t, obs, want...)
	assertFindings(t, fs)
	obs, fs, err := extractFile(t, cfg, "lo_year_subcolumns.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	assertObs(t, obs, want...)
	assertFindings(t, fs)
}

// TestYearColumnsSheafCannotPlace: a column headed by a year with words
// that make it another figure (2024年调整后, 2024年（预计）, 2023—2024学年)
// is not read, and says so: the department sees why its adjusted figure
// is not the one taken, rather than nothing.
func TestYearColumnsSheafCannotPlace(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标", "2024年", "2024年调整后", "2024年（预计）", "备注"),
		r(2, "教育支出", "#70001", "#69000", "#71000", "2024年调整后为决算数"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs, "S!B2 edu.spend@2024 = 70001/0 raw 70001")
	assertFindings(t, fs, "unknown info S!A1 @|表头中的C1「2024年调整后」、D1「2024年（预计）」不是可识别的年度，该列未读取")
}

// TestYearColumnsOverARowOfUnits: a row of units under the years (万元 |
// 万元, % | %) is the columns' unit: a careless reader takes 6.8258 万元
// for 元 as 6.8258 元, ok; a % under a year is a rate's unit, not a change.
func TestYearColumnsOverARowOfUnits(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标", "2023年", "2024年"),
		r(2, "", "亿元", "亿元"),
		r(3, "教育支出", "#6.8258", "#7.0001"),
		r(5, "指标", "2023年", "2024年"),
		r(6, "", "%", "%"),
		r(7, "增长率", "#2.1", "#3.4"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B3 edu.spend@2023 = 68258/0 raw 6.8258",
		"S!C3 edu.spend@2024 = 70001/0 raw 7.0001",
		"S!C7 rate.growth@2024 = 3.4/1 raw 3.4",
	)
	assertFindings(t, fs, "unit warning S!B3 edu.spend@2023", "unit warning S!C3 edu.spend@2024", "unknown info S!B7 @2023")
}
