package extract

import (
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

func hiddenWorkbook() []sheets.Sheet {
	return []sheets.Sheet{
		{SheetInfo: sheets.SheetInfo{Name: "汇总"}, Rows: []sheets.Row{
			r(1, "指标名称", "数值"),
			r(2, "学校总数", "#44"),
			// A helper row the department hid: its value counts.
			func() sheets.Row { x := r(3, "在校生数", "#36614"); x.Hidden = true; return x }(),
		}},
		{SheetInfo: sheets.SheetInfo{Name: "旧版勿用", Hidden: sheets.Hidden}, Rows: []sheets.Row{
			r(1, "指标名称", "数值"),
			r(2, "学校总数", "#40"),
			r(3, "保安员人数", "#200"),
			r(4, "食堂数量", "#3"),
		}},
		{SheetInfo: sheets.SheetInfo{Name: "2025年（旧）", Hidden: sheets.VeryHidden}, Rows: []sheets.Row{
			r(1, "指标名称", "数值"),
			r(2, "学校总数", "待统计"),
		}},
	}
}

// TestHiddenSheetsSkipped: hidden and very hidden sheets are not read by
// default; a careless reader would take 40 (the old value) or 待统计 as
// the department's figures. What they hold is reported as hidden_sheet
// findings, for the missing flag to say where it is.
func TestHiddenSheetsSkipped(t *testing.T) {
	cfg := testCatalogue(t)
	obs, fs, out := run(t, cfg, nil, hiddenWorkbook()...)
	assertObs(t, obs,
		"汇总!B2 schools.total@2024 = 44/0 raw 44",
		"汇总!B3 students.total@2024 = 36614/0 raw 36614 hidden-row",
	)
	assertFindings(t, fs,
		"hidden_sheet info 旧版勿用!B2 schools.total@2024|在隐藏工作表「旧版勿用」中有此项，未读取",
		"hidden_sheet info 旧版勿用!B3 safety.guards@2024|在隐藏工作表「旧版勿用」中有此项",
		// The sheet's name gives its year: the table has no period column.
		"hidden_sheet info 2025年（旧）!B2 schools.total@2025|在隐藏工作表「2025年（旧）」中有此项",
	)
	if fs[0].Raw != "40" {
		t.Errorf("hidden-sheet finding raw = %q, want 40", fs[0].Raw)
	}
	assertOutcomes(t, out, "汇总 read 2", "旧版勿用 hidden 0", "2025年（旧） hidden 0")
	if !strings.Contains(out[1].Reason, "隐藏") || !strings.Contains(out[2].Reason, "深度隐藏") {
		t.Errorf("reasons %q, %q: want them to say the sheets are hidden", out[1].Reason, out[2].Reason)
	}
}

// TestHiddenSheetsRead: extraction.hidden_sheets: read reads them like any
// sheet; a department's setting overrides the global one.
func TestHiddenSheetsRead(t *testing.T) {
	cfg := testCatalogue(t)
	cfg.Extraction.HiddenSheets = config.HiddenSheetsRead
	obs, fs, out := run(t, cfg, nil, hiddenWorkbook()...)
	assertObs(t, obs,
		"汇总!B2 schools.total@2024 = 44/0 raw 44",
		"汇总!B3 students.total@2024 = 36614/0 raw 36614 hidden-row",
		"旧版勿用!B2 schools.total@2024 = 40/0 raw 40",
		"旧版勿用!B3 safety.guards@2024 = 200/0 raw 200",
	)
	assertFindings(t, fs,
		"invalid error 2025年（旧）!B2 schools.total@2025|年度 2025年 不在该指标的填报年度内（2024年）；表中没有年度列，年度取自工作表名「2025年（旧）」",
		"unknown info ! @|旧版勿用!A4 食堂数量",
	)
	assertOutcomes(t, out, "汇总 read 2", "旧版勿用 read 2", "2025年（旧） read 0")

	dept := &config.Department{ID: "edu", Extraction: config.Extraction{HiddenSheets: config.HiddenSheetsSkip}}
	obs, _, out = run(t, cfg, dept, hiddenWorkbook()...)
	if len(obs) != 2 || out[1].Outcome != sheaf.SheetHidden {
		t.Errorf("department skip over global read: %d observations, outcomes %+v; want the hidden sheets skipped", len(obs), out)
	}
}

// TestOnlyHiddenSheetsHoldData: a file whose only table is on a hidden sheet
// is not told its header is wrong: the unknown warning says the data is on
// a hidden sheet.
func TestOnlyHiddenSheetsHoldData(t *testing.T) {
	cfg := testCatalogue(t)
	book := hiddenWorkbook()[1:] // 旧版勿用 and 2025年（旧） only
	_, fs, _ := run(t, cfg, nil, book...)
	var unknown []sheaf.Finding
	for _, f := range fs {
		if f.Kind == sheaf.KindUnknown {
			unknown = append(unknown, f)
		}
	}
	if len(unknown) != 1 {
		t.Fatalf("unknown findings %+v", unknown)
	}
	m := unknown[0].Message
	if !strings.Contains(m, "只有隐藏的工作表「旧版勿用」、「2025年（旧）」有内容") || strings.Contains(m, "表头须包含") ||
		!strings.Contains(m, "工作表「旧版勿用」隐藏的工作表，未读取") {
		t.Errorf("message %q", m)
	}
}
