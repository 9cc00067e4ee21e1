package extract

import (
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// TestSheetOutcomes: every sheet is accounted for; a sheet with figures
// but no recognisable header is flagged when another sheet was read (it
// was skipped without a word before), empty and notes-only sheets never.
func TestSheetOutcomes(t *testing.T) {
	cfg := testCatalogue(t)
	cfg.Extraction.Sheets = []string{"汇总", "Sheet*", "填表说明", "历年支出", "封面"}
	shs := []sheets.Sheet{
		{SheetInfo: sheets.SheetInfo{Name: "汇总"}, Rows: []sheets.Row{
			r(1, "指标名称", "数值"),
			r(2, "学校总数", "#44"),
			r(3, "在校生数", "#36614"),
		}},
		{SheetInfo: sheets.SheetInfo{Name: "Sheet2"}},
		{SheetInfo: sheets.SheetInfo{Name: "填表说明"}, Rows: []sheets.Row{
			r(1, "填表说明"),
			r(2, "1. 请于3月31日前报送"),
			r(3, "#2024"),
		}},
		{SheetInfo: sheets.SheetInfo{Name: "封面"}, Rows: []sheets.Row{
			r(1, "填报单位", "市教育局"),
			r(2, "填报人", "王五"),
		}},
		{SheetInfo: sheets.SheetInfo{Name: "历年支出"}, Rows: []sheets.Row{
			r(1, "年份", "支出"),
			r(2, "#2022", "#68211"),
			r(3, "#2023", "#68258"),
		}},
		{SheetInfo: sheets.SheetInfo{Name: "草稿"}, Rows: []sheets.Row{r(1, "指标名称", "数值"), r(2, "学校总数", "#1")}},
	}
	obs, fs, out := run(t, cfg, nil, shs...)
	if len(obs) != 2 {
		t.Errorf("%d observations, want the 2 of 汇总", len(obs))
	}
	assertFindings(t, fs, "unknown warning 历年支出!A1 @|表「历年支出」没有找到表头行|「年份」「支出」「2022」「68211」")
	assertOutcomes(t, out,
		"汇总 read 2", "Sheet2 empty 0", "填表说明 notes 0", "封面 notes 0", "历年支出 no_table 0", "草稿 excluded 0")
}

// TestFileWithoutTableIsUnknownNotFile: a file read without error but with
// no table sheaf recognises is the department's to fix (unknown warning),
// not a file that could not be read (file error).
func TestFileWithoutTableIsUnknownNotFile(t *testing.T) {
	cfg := testCatalogue(t)
	shs := []sheets.Sheet{
		{SheetInfo: sheets.SheetInfo{Name: "历年支出"}, Rows: []sheets.Row{
			r(1, "年份", "支出"),
			r(2, "#2022", "#68211"),
		}},
		{SheetInfo: sheets.SheetInfo{Name: "Sheet2"}},
	}
	_, fs, out := run(t, cfg, nil, shs...)
	assertFindings(t, fs, "unknown warning ! @|文件中没有可读取的表格|工作表「历年支出」没有找到表头行|工作表「Sheet2」为空")
	assertOutcomes(t, out, "历年支出 no_table 0", "Sheet2 empty 0")
	if strings.Contains(fs[0].Message, "\n") {
		t.Errorf("message spans lines: %q", fs[0].Message)
	}
}

// TestSheetWithPartialHeader: a sheet whose header row lacks a value
// column says so, instead of "no header".
func TestSheetWithPartialHeader(t *testing.T) {
	cfg := testCatalogue(t)
	shs := []sheets.Sheet{
		{SheetInfo: sheets.SheetInfo{Name: "汇总"}, Rows: []sheets.Row{r(1, "指标名称", "数值"), r(2, "学校总数", "#44")}},
		{SheetInfo: sheets.SheetInfo{Name: "经费"}, Rows: []sheets.Row{r(1, "指标名称", "年度", "本年数"), r(2, "教育支出", "#2024", "#70001")}},
	}
	_, fs, out := run(t, cfg, nil, shs...)
	assertFindings(t, fs, "unknown warning 经费!A1 @|表「经费」没有找到表头行|第 1 行像表头|缺少“数值”列")
	assertOutcomes(t, out, "汇总 read 1", "经费 no_table 0")
}

// TestFileWithOnlyHiddenTables: a file whose only table is on a hidden
// sheet says so, not that it has no header.
func TestFileWithOnlyHiddenTables(t *testing.T) {
	cfg := testCatalogue(t)
	shs := []sheets.Sheet{
		{SheetInfo: sheets.SheetInfo{Name: "说明"}, Rows: []sheets.Row{r(1, "本表为旧版，请勿使用")}},
		{SheetInfo: sheets.SheetInfo{Name: "数据", Hidden: sheets.Hidden}, Rows: []sheets.Row{r(1, "指标名称", "数值"), r(2, "学校总数", "#44")}},
	}
	obs, fs, out := run(t, cfg, nil, shs...)
	assertObs(t, obs)
	assertFindings(t, fs,
		"hidden_sheet info 数据!B2 schools.total@2024|在隐藏工作表「数据」中有此项",
		"unknown warning ! @|文件中只有隐藏的工作表「数据」有内容|工作表「说明」只有标题或说明文字|工作表「数据」隐藏的工作表，未读取")
	assertOutcomes(t, out, "说明 notes 0", "数据 hidden 0")
}
