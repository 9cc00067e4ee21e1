package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// TestUnitFromNoteIsFlagged: a 万元 note above a table converts a 元
// indicator's row that names no unit of its own; a careless reader stores
// 175000000元 with status ok. sheaf converts (the note says so) and flags
// it, quoting the note, the raw value and the converted one. A unit in the
// row itself is explicit: no flag.
func TestUnitFromNoteIsFlagged(t *testing.T) {
	cfg := testCatalogue(t)
	cfg.Indicators[len(cfg.Indicators)-5].Range = nil // 生均经费: the range is TestRange's
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "单位：万元"),
		r(2, "指标名称", "数值", "单位"),
		r(3, "生均经费", "#17500"),
		r(4, "教育支出", "#70001"),
		r(5, "生均经费（元）", "#17500"),
		r(6, "生均经费", "17500元"),
		r(7, "生均经费", "#17500", "元"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B3 pay.per_student@2024 = 175000000/-4 raw 17500",
		"S!B4 edu.spend@2024 = 70001/0 raw 70001",
		"S!B5 pay.per_student@2024 = 17500/0 raw 17500",
		"S!B6 pay.per_student@2024 = 17500/0 raw 17500元",
		"S!B7 pay.per_student@2024 = 17500/0 raw 17500",
	)
	assertFindings(t, fs, "unit warning S!B3 pay.per_student@2024|「单位：万元」|「17500」|175000000元|以元计")
}

// TestUnitFromHeaderIsFlagged: the same for a unit only in the value
// column's header.
func TestUnitFromHeaderIsFlagged(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值（万元）"),
		r(2, "生均经费", "#1.75"),
		r(3, "教育支出", "#70001"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B2 pay.per_student@2024 = 17500/-2 raw 1.75",
		"S!B3 edu.spend@2024 = 70001/0 raw 70001",
	)
	assertFindings(t, fs, "unit warning S!B2 pay.per_student@2024|「数值（万元）」|「1.75」|17500元")
}

// TestUnitFromHeaderInEveryForm: the value column's header names its unit
// after a slash (ASCII or full-width) or a unit label as well as in
// brackets. A reader that does not see the unit there stores 1.75元 with
// status ok; each form converts to 17500元 and flags it.
func TestUnitFromHeaderInEveryForm(t *testing.T) {
	cfg := testCatalogue(t)
	for _, header := range []string{"数值（万元）", "数值/万元", "数值／万元", "数值 单位：万元", "数值（单位：万元）"} {
		sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
			r(1, "指标名称", header),
			r(2, "生均经费", "#1.75"),
		}}
		obs, fs, _ := run(t, cfg, nil, sh)
		assertObs(t, obs, "S!B2 pay.per_student@2024 = 17500/-2 raw 1.75")
		assertFindings(t, fs, "unit warning S!B2 pay.per_student@2024|「"+header+"」|「1.75」|17500元")
	}
}

// TestRange: values outside indicators[].range are flagged; a % value
// between 0 and 1 typed without a % sign or format is marked as a
// possible fraction, and worded so when it falls below the range (a
// careless reader stores 0.97%). A real 0.07% growth stays quiet.
func TestRange(t *testing.T) {
	cfg := testCatalogue(t)
	percent := func(num int, name, stored string) sheets.Row {
		x := r(num, name, "#"+stored)
		x.Cells[1].Percent, x.Cells[1].Fixed, x.Cells[1].Decimals = true, true, 2
		return x
	}
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值"),
		r(2, "巩固率", "#0.9675"),
		r(3, "巩固率", "#96.75"),
		percent(4, "巩固率", "0.9675"),
		r(5, "巩固率", "#85"),
		r(6, "增长率", "#0.07"),
		r(7, "增长率", "0.5%"),
		r(8, "生均经费", "#250000"),
		r(9, "生均经费", "#17500"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B2 rate.retention@2024 = 0.9675/4 raw 0.9675 fraction",
		"S!B3 rate.retention@2024 = 96.75/2 raw 96.75",
		"S!B4 rate.retention@2024 = 96.75/2 raw 96.75%",
		"S!B5 rate.retention@2024 = 85/0 raw 85",
		"S!B6 rate.growth@2024 = 0.07/2 raw 0.07 fraction",
		"S!B7 rate.growth@2024 = 0.5/1 raw 0.5%",
		"S!B8 pay.per_student@2024 = 250000/0 raw 250000",
		"S!B9 pay.per_student@2024 = 17500/0 raw 17500",
	)
	assertFindings(t, fs,
		"range warning S!B2 rate.retention@2024|疑似小数形式|填写 0.9675|如为 96.75% 请改为百分数|90–100%",
		"range warning S!B5 rate.retention@2024|为 85%|超出合理范围（90–100%）",
		"range warning S!B8 pay.per_student@2024|为 250000元|超出合理范围（1000–100000元）",
	)
}
