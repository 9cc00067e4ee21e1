package extract

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// unitsConfig is a configuration with a units section and indicators in
// derived, rate and configured units.
func unitsConfig(t *testing.T) *config.Config {
	t.Helper()
	src := `
cycle:
  name: 年报
  period: "2024"
  timezone: Asia/Shanghai
departments:
  - id: health
    name: 市卫健委
units:
  - {name: 床, measures: 床, aliases: [张床位]}
  - {name: 万床, base: 床, factor: 10000}
indicators:
  - {id: staff, name: 卫生人员数, unit: 人, owner: health}
  - {id: visits, name: 诊疗人次, unit: 万人次, owner: health}
  - {id: hospitals, name: 医院数, unit: 所, owner: health}
  - {id: births, name: 出生率, unit: ‰, owner: health}
  - {id: share, name: 公办占比, unit: "%", owner: health}
  - {id: incidence, name: 传染病发病率, unit: 1/10万, owner: health}
  - {id: spend, name: 卫生支出, unit: 万元, owner: health}
  - {id: pay, name: 人均工资, unit: 元, owner: health}
  - {id: per_head, name: 人均经费, unit: 元/人, owner: health}
  - {id: beds, name: 床位数, unit: 床, owner: health}
`
	path := filepath.Join(t.TempDir(), "sheaf.yaml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestNormalizeUnitsCarelessReader: the values a careless reader takes
// with status ok and a wrong scale or kind. sheaf converts what converts,
// keeping the written precision, and refuses the rest naming both units.
func TestNormalizeUnitsCarelessReader(t *testing.T) {
	units := unitsConfig(t).UnitCatalogue()
	text := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellText, Raw: s} }
	number := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellNumber, Raw: s} }
	percent := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellNumber, Raw: s, Percent: true} }
	tests := []struct {
		name     string
		cell     sheets.Cell
		hints    unitHints
		target   string
		value    float64
		decimals int
		wantErr  string
	}{
		// 万 / 亿 / 千 before a unit: never the bare number.
		{"3.6万人 for 人", text("3.6万人"), unitHints{}, "人", 36000, -3, ""},
		{"3.6 in a 万人 column", number("3.6"), unitHints{Column: "万人"}, "人", 36000, -3, ""},
		{"3.6 under a 万人 header", number("3.6"), unitHints{Header: "万人"}, "人", 36000, -3, ""},
		{"36000人 for 万人次 is of another kind", text("36000人"), unitHints{}, "万人次", 0, 0, "「36000人」的单位是人，无法换算为万人次"},
		{"36000人次 for 万人次", text("36000人次"), unitHints{}, "万人次", 3.6, 4, ""},
		{"1.2亿人次 for 万人次", text("1.2亿人次"), unitHints{}, "万人次", 12000, -3, ""},
		{"5千人 for 人", text("5千人"), unitHints{}, "人", 5000, -3, ""},
		// 元 and 万元 both ways.
		{"元 for 万元", text("682110000元"), unitHints{}, "万元", 68211, 4, ""},
		{"元 column for 万元", number("682110000"), unitHints{Column: "元"}, "万元", 68211, 4, ""},
		{"万元 for 元", text("6.8211万元"), unitHints{}, "元", 68211, 0, ""},
		{"万元 header for 元", number("1.75"), unitHints{Header: "万元"}, "元", 17500, -2, ""},
		{"千元 for 万元", text("6821.1千元"), unitHints{}, "万元", 682.11, 2, ""},
		// ‰ is not %, 1/10万 is not ‰.
		{"‰ for %", text("5.2‰"), unitHints{}, "%", 0, 0, "「5.2‰」的单位是‰，无法换算为%"},
		{"‰ column for %", number("5.2"), unitHints{Column: "‰"}, "%", 0, 0, "单位列写的单位是「‰」，无法换算为%"},
		{"% for ‰", text("5.2%"), unitHints{}, "‰", 0, 0, "「5.2%」的单位是%，无法换算为‰"},
		{"% format for ‰", percent("0.052"), unitHints{}, "‰", 0, 0, "单元格设置为百分比格式，「0.052」无法换算为‰"},
		{"‰ for ‰", text("5.2‰"), unitHints{}, "‰", 5.2, 1, ""},
		{"1/10万 for ‰", text("3.2/10万"), unitHints{}, "‰", 0, 0, "「3.2/10万」的单位是1/10万，无法换算为‰"},
		{"1/10万 header for ‰", number("3.2"), unitHints{Header: "1/10万"}, "‰", 0, 0, "表头写的单位是「1/10万」，无法换算为‰"},
		{"‰ for 1/10万", text("3.2‰"), unitHints{}, "1/10万", 0, 0, "「3.2‰」的单位是‰，无法换算为1/10万"},
		{"1/10万 for 1/10万", text("3.25/10万"), unitHints{}, "1/10万", 3.25, 2, ""},
		// Counting units of different things.
		{"家 for 所", text("12家"), unitHints{}, "所", 0, 0, "「12家」的单位是家，无法换算为所"},
		{"家 column for 所", number("12"), unitHints{Column: "家"}, "所", 0, 0, "单位列写的单位是「家」，无法换算为所"},
		{"个 for 所", text("12个"), unitHints{}, "所", 0, 0, "「12个」的单位是个，无法换算为所"},
		{"张 for 床", text("120张"), unitHints{}, "床", 0, 0, "「120张」的单位是张，无法换算为床"},
		{"天 for 岁", text("12天"), unitHints{}, "岁", 0, 0, "「12天」的单位是天，无法换算为岁"},
		// Rates.
		{"元/人 for 元/人", text("15.5元/人"), unitHints{}, "元/人", 15.5, 1, ""},
		{"万元/人 for 元/人", text("1.5万元/人"), unitHints{}, "元/人", 15000, -3, ""},
		{"元/人 header", number("15.5"), unitHints{Header: "元/人"}, "元/人", 15.5, 1, ""},
		{"元 for 元/人", text("15元"), unitHints{}, "元/人", 0, 0, "「15元」的单位是元，无法换算为元/人"},
		{"元/人 for 元", text("15元/人"), unitHints{}, "元", 0, 0, "「15元/人」的单位是元/人，无法换算为元"},
		// Units of the configuration.
		{"configured unit", text("350床"), unitHints{}, "床", 350, 0, ""},
		{"configured alias", number("350"), unitHints{Column: "张床位"}, "床", 350, 0, ""},
		{"configured multiple", text("0.035万床"), unitHints{}, "床", 350, -1, ""},
		{"unknown unit names both", text("350铺"), unitHints{}, "床", 0, 0, "「350铺」中的单位「铺」无法识别，无法换算为床"},
		{"unknown column unit names both", number("350"), unitHints{Column: "铺位"}, "床", 0, 0, "单位列中的单位「铺位」无法识别，无法换算为床"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, ok := units.Lookup(tt.target)
			if !ok {
				t.Fatalf("unknown unit %q", tt.target)
			}
			got, err := normalize(units, tt.cell, tt.hints, target)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("normalize(%q) = %+v, %v; want error containing %q", tt.cell.Raw, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.HasValue || got.Value != tt.value || got.Decimals != tt.decimals {
				t.Errorf("normalize(%q) = %v/%d, want %v/%d", tt.cell.Raw, got.Value, got.Decimals, tt.value, tt.decimals)
			}
		})
	}
}

// TestStripUnitSuffixDerived: headers carrying derived and rate units.
func TestStripUnitSuffixDerived(t *testing.T) {
	units := unitsConfig(t).UnitCatalogue()
	tests := []struct{ header, base, unit string }{
		{"数值（万人）", "数值", "万人"},
		{"数值(万人次)", "数值", "万人次"},
		{"人均经费（元/人）", "人均经费", "元/人"},
		{"人均经费/元/人", "人均经费", "元/人"},
		{"发病率（1/10万）", "发病率", "1/10万"},
		{"出生率（‰）", "出生率", "‰"},
		{"床位数（张床位）", "床位数", "床"},
		{"数值 单位：千元", "数值", "千元"},
		{"男/女", "男/女", ""},
	}
	for _, tt := range tests {
		base, unit := stripUnitSuffix(units, tt.header)
		if base != tt.base || unit != tt.unit {
			t.Errorf("stripUnitSuffix(%q) = %q, %q; want %q, %q", tt.header, base, unit, tt.base, tt.unit)
		}
	}
	if u := unitFromNote(units, "填报单位：卫健委  单位：万人次"); u != "万人次" {
		t.Errorf("unitFromNote = %q, want 万人次", u)
	}
}

// TestUnitsExtraction reads a sheet whose units are written every way a
// department writes them: in the cell, in a unit column, in the name and
// in a note above the table.
func TestUnitsExtraction(t *testing.T) {
	cfg := unitsConfig(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "卫生"}, Rows: []sheets.Row{
		r(1, "2024年卫生事业统计表"),
		r(2, "指标名称", "数值", "单位"),
		r(3, "卫生人员数", "3.6万人"),
		r(4, "诊疗人次", "#36000", "人次"),
		r(5, "医院数", "#12", "家"),
		r(6, "出生率", "5.2‰"),
		r(7, "公办占比", "#5.2", "‰"),
		r(8, "传染病发病率", "#3.2", "1/10万"),
		r(9, "卫生支出", "#682110000", "元"),
		r(10, "人均工资", "#6.8211", "万元"),
		r(11, "人均经费（万元/人）", "#1.5"),
		r(12, "床位数", "#350", "张床位"),
		r(13, "床位数", "#120", "张"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"卫生!B3 staff@2024 = 36000/-3 raw 3.6万人",
		"卫生!B4 visits@2024 = 3.6/4 raw 36000",
		"卫生!B6 births@2024 = 5.2/1 raw 5.2‰",
		"卫生!B8 incidence@2024 = 3.2/1 raw 3.2",
		"卫生!B9 spend@2024 = 68211/4 raw 682110000",
		"卫生!B10 pay@2024 = 68211/0 raw 6.8211",
		"卫生!B11 per_head@2024 = 15000/-3 raw 1.5",
		"卫生!B12 beds@2024 = 350/0 raw 350",
	)
	assertFindings(t, fs,
		"invalid error 卫生!B5 hospitals@2024|单位列写的单位是「家」，无法换算为所",
		"invalid error 卫生!B7 share@2024|单位列写的单位是「‰」，无法换算为%",
		"invalid error 卫生!B13 beds@2024|单位列写的单位是「张」，无法换算为床",
	)
}

// TestUnitsExtractionExcelize reads a workbook as excelize writes it: a
// merged title, a 单位 note that fits only some rows, a unit column, a
// value in 人次 for a 万人次 indicator and a value in 家 for 所.
func TestUnitsExtractionExcelize(t *testing.T) {
	cfg := unitsConfig(t)
	f := excelize.NewFile()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "2024年卫生统计")
	if err := f.MergeCell("Sheet1", "A1", "C1"); err != nil {
		t.Fatal(err)
	}
	set("A2", "单位：万人次")
	for i, row := range [][]any{
		{"指标名称", "数值", "单位"},
		{"诊疗人次", 1234567, "人次"},
		{"医院数", "12家", nil},
		{"卫生人员数", "3.6万人", nil},
		{"人均经费", 1.5, "万元/人"},
		{"出生率", 5.2, "%"},
	} {
		for j, v := range row {
			if v != nil {
				set(sheets.CellName(j, i+3), v)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	shs, err := sheets.ReadWorkbook("units.xlsx", buf.Bytes(), sheets.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var obs []sheaf.Observation
	var fs []sheaf.Finding
	x := NewExtractor(cfg, nil).Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { fs = append(fs, f) })
	for _, sh := range shs {
		if x.Sheet(sh.SheetInfo) {
			for _, r := range sh.Rows {
				x.Row(r)
			}
		}
	}
	x.Finish()
	assertObs(t, obs,
		"Sheet1!B4 visits@2024 = 123.4567/4 raw 1234567", // not 1234567万人次
		"Sheet1!B6 staff@2024 = 36000/-3 raw 3.6万人",      // not 3.6, and the 万人次 note is not for 人
		"Sheet1!B7 per_head@2024 = 15000/-3 raw 1.5",     // not 1.5元/人
	)
	assertFindings(t, fs,
		"invalid error Sheet1!B5 hospitals@2024|「12家」的单位是家，无法换算为所",
		"invalid error Sheet1!B8 births@2024|单位列写的单位是「%」，无法换算为‰",
	)
}

// TestRedefinedUnitConverts: a units entry that joins ‰ to % makes a ‰
// value convert for a % indicator, with its precision; without it the same
// value is refused.
func TestRedefinedUnitConverts(t *testing.T) {
	tenth := 0.1
	joined := config.NewUnits([]config.UnitSpec{{Name: "‰", Base: "%", Factor: &tenth}})
	pct, _ := joined.Lookup("%")
	got, err := normalize(joined, sheets.Cell{Kind: sheets.CellText, Raw: "5.2‰"}, unitHints{}, pct)
	if err != nil || got.Value != 0.52 || got.Decimals != 2 {
		t.Errorf("with ‰ joined to %%: %+v, %v; want 0.52/2", got, err)
	}
	if _, err := normalize(nil, sheets.Cell{Kind: sheets.CellText, Raw: "5.2‰"}, unitHints{}, pct); err == nil {
		t.Error("built-in units: 5.2‰ was taken for a % indicator")
	}
}
