package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// TestEveryTableInASheet: a second table lower in the sheet has its own
// columns. Read with the first table's columns, 教育支出 2024 would be
// 2024万元 (the year in the second column) with status ok.
func TestEveryTableInASheet(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "汇总"}, Rows: []sheets.Row{
		r(1, "2024年教育统计表"),
		r(2, "指标名称", "数值"),
		r(3, "学校总数", "#44"),
		r(4, "单位：万元"),
		// Still the first table: the note above is for the next table,
		// so 97987.6 stays 元 (not 979876000元).
		r(5, "教师平均工资", "#97987.6"),
		r(7, "表2 教育经费"),
		r(8, "指标名称", "年度", "数值"),
		r(9, "教育支出", "#2023", "#68258"),
		r(10, "教育支出", "#2024", "#70001"),
		r(11, "填表说明：按决算口径"),
		// A header-like row without a value column ends table 2: the row
		// under it is no data of table 2 (which would read 35000).
		r(13, "指标名称", "年度", "上年数", "本年数"),
		r(14, "在校生数", "#2024", "#35000", "#36614"),
		// A third table, whose note above gives 万元 (no flag: the
		// indicator is 万元).
		r(16, "单位：万元"),
		r(17, "", "指标名称", "数值"),
		r(18, "", "教育经费预算", "#56366"),
	}}
	obs, fs, out := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"汇总!B3 schools.total@2024 = 44/0 raw 44",
		"汇总!B5 pay.teacher_avg@2024 = 97987.6/1 raw 97987.6",
		"汇总!C9 edu.spend@2023 = 68258/0 raw 68258",
		"汇总!C10 edu.spend@2024 = 70001/0 raw 70001",
		"汇总!C18 fund.budget@2024 = 56366/0 raw 56366",
	)
	assertFindings(t, fs,
		"unknown warning 汇总!A13 @|第 13 行像表头|A13「指标名称」|缺少“数值”列|其下 1 行数据未读取")
	assertOutcomes(t, out, "汇总 read 5")
}

// TestNoteAfterTableDoesNotConvertItsRows: a 万元 note between two tables
// converts none of the first table's rows (a careless reader would read
// 生均经费 17500 as 175000000元), only the next table's.
func TestNoteAfterTableDoesNotConvertItsRows(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值"),
		r(2, "学校总数", "#44"),
		r(3, "（单位：万元）"),
		r(4, "生均经费", "#17500"),
		r(5, "指标名称", "数值"),
		r(6, "教育支出", "#70001"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B2 schools.total@2024 = 44/0 raw 44",
		"S!B4 pay.per_student@2024 = 17500/0 raw 17500",
		"S!B6 edu.spend@2024 = 70001/0 raw 70001",
	)
	assertFindings(t, fs)
}

// TestDataRowWithRoleWordsStaysData: a data row whose cells happen to be
// column titles ("项目" as a name, "说明" as a note) but that holds a
// figure is data, not a header-like row ending the table.
func TestDataRowWithRoleWordsStaysData(t *testing.T) {
	cfg := testCatalogue(t)
	cfg.Indicators = append(cfg.Indicators, cfg.Indicators[0])
	cfg.Indicators[len(cfg.Indicators)-1].ID, cfg.Indicators[len(cfg.Indicators)-1].Name = "projects", "项目"
	cfg.Indicators[len(cfg.Indicators)-1].Aliases = nil
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值", "备注"),
		r(2, "项目", "#12", "说明"),
		r(3, "学校总数", "#44"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B2 projects@2024 = 12/0 raw 12",
		"S!B3 schools.total@2024 = 44/0 raw 44",
	)
	assertFindings(t, fs)
}

// TestRowsAboveTheFirstTable: a table sheaf does not recognise above one
// it does is not lost without a word; one line of the title block is not
// taken for a table.
func TestRowsAboveTheFirstTable(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "联系电话", "#13800000000"),
		r(2, "项目", "完成情况"),
		r(3, "教育支出", "#70001"),
		r(4, "学校总数", "#44"),
		r(6, "指标名称", "数值"),
		r(7, "在校生数", "#36614"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs, "S!B7 students.total@2024 = 36614/0 raw 36614")
	assertFindings(t, fs, "unknown warning S!A1 @|第 6 行的表头之上有 3 行数据（自第 1 行起）|未读取")

	sh.Rows = append([]sheets.Row{}, sh.Rows[0], sh.Rows[4], sh.Rows[5])
	_, fs, _ = run(t, cfg, nil, sh)
	assertFindings(t, fs)
}
