package extract

import (
	"os"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
	"github.com/xuri/excelize/v2"
)

// TestNormalizeFormatQuantity: a number is read as its cell shows it. A
// careless reader takes the stored number: 68211 under 0"万元" as 68211元,
// 682110000 under 0!.0000 as 682110000万元, 96.5 under 0.0"%" as a
// percentage format's 9650%.
func TestNormalizeFormatQuantity(t *testing.T) {
	cell := func(raw string, fixed bool, d int, f sheets.NumberFormat) sheets.Cell {
		return sheets.Cell{Kind: sheets.CellNumber, Raw: raw, Fixed: fixed, Decimals: d, Format: f}
	}
	tests := []struct {
		name     string
		cell     sheets.Cell
		hints    unitHints
		target   string
		value    float64
		decimals int
		approx   sheaf.Approximation
		shown    string
		err      string
	}{
		{"万元 text, 元 indicator", cell("68211", true, 0, sheets.NumberFormat{Code: `0"万元"`, Suffix: "万元"}), unitHints{}, "元", 682110000, -4, sheaf.Exact, "68211万元", ""},
		{"万元 text, 万元 indicator", cell("68211", true, 0, sheets.NumberFormat{Code: `0"万元"`, Suffix: "万元"}), unitHints{}, "万元", 68211, 0, sheaf.Exact, "68211万元", ""},
		{"万元 text beats a 元 header", cell("6.82", true, 2, sheets.NumberFormat{Code: `0.00"万元"`, Suffix: "万元"}), unitHints{Header: "元"}, "元", 68200, -2, sheaf.Exact, "6.82万元", ""},
		{"人 text", cell("36614", true, 0, sheets.NumberFormat{Code: `0"人"`, Suffix: "人"}), unitHints{}, "人", 36614, 0, sheaf.Exact, "36614人", ""},
		{"grouped with 元", sheets.Cell{Kind: sheets.CellNumber, Raw: "1234.5", Fixed: true, Decimals: 2, Grouped: true, Format: sheets.NumberFormat{Code: `#,##0.00"元"`, Suffix: "元"}}, unitHints{}, "万元", 0.12345, 6, sheaf.Exact, "1,234.50元", ""},
		{"literal % is a written percent", cell("96.5", true, 1, sheets.NumberFormat{Code: `0.0"%"`, Suffix: "%"}), unitHints{}, "%", 96.5, 1, sheaf.Exact, "96.5%", ""},
		{"literal % under a 元 indicator", cell("96.5", true, 1, sheets.NumberFormat{Code: `0.0"%"`, Suffix: "%"}), unitHints{}, "元", 0, 0, sheaf.Exact, "", "「96.5%」的单位是%，无法换算为元"},
		{"万 multiplier", cell("3.6", true, 1, sheets.NumberFormat{Code: `0.0"万人"`, Suffix: "万人"}), unitHints{}, "人", 36000, -3, sheaf.Exact, "3.6万人", ""},
		{"万 in a 万元 column is ambiguous", cell("68211", true, 0, sheets.NumberFormat{Code: `0"万"`, Suffix: "万"}), unitHints{Header: "万元"}, "元", 0, 0, sheaf.Exact, "", "「68211万」含义不明确"},
		{"约 word", cell("12", true, 0, sheets.NumberFormat{Code: `"约"0`, Prefix: "约"}), unitHints{}, "人", 12, 0, sheaf.About, "约12", ""},
		{"unknown text", cell("44", true, 0, sheets.NumberFormat{Code: `"第"0"名"`, Prefix: "第", Suffix: "名"}), unitHints{}, "所", 0, 0, sheaf.Exact, "", `单元格的数字格式「"第"0"名"」使数值显示为「第44名」：无法识别为数字：「第44名」`},
		{"千 before a known unit", cell("1234", true, 2, sheets.NumberFormat{Code: `0.00"千人"`, Suffix: "千人"}), unitHints{}, "人", 1234000, -1, sheaf.Exact, "1234.00千人", ""},
		{"unknown unit", cell("1234", true, 2, sheets.NumberFormat{Code: `0.00"千担"`, Suffix: "千担"}), unitHints{}, "人", 0, 0, sheaf.Exact, "", `「1234.00千担」中的单位「千担」无法识别，无法换算为人`},
		{"literal point", cell("682110000", true, 4, sheets.NumberFormat{Code: "0!.0000", Scale: 4}), unitHints{Header: "万元"}, "万元", 68211, 4, sheaf.Exact, "68211.0000", ""},
		{"literal point rounds as shown", cell("682115678.9", true, 4, sheets.NumberFormat{Code: `0\.0000`, Scale: 4}), unitHints{}, "万元", 68211.5679, 4, sheaf.Exact, "68211.5679", ""},
		{"literal point with its unit", cell("682110000", true, 4, sheets.NumberFormat{Code: `0!.0000"万元"`, Suffix: "万元", Scale: 4}), unitHints{}, "元", 682110000, 0, sheaf.Exact, "68211.0000万元", ""},
		{"thousands", sheets.Cell{Kind: sheets.CellNumber, Raw: "68211499", Fixed: true, Grouped: true, Format: sheets.NumberFormat{Code: "#,##0,", Scale: 3}}, unitHints{}, "元", 68211, 0, sheaf.Exact, "68,211", ""},
		{"millions", cell("68251000", true, 1, sheets.NumberFormat{Code: "0.0,,", Scale: 6}), unitHints{}, "元", 68.3, 1, sheaf.Exact, "68.3", ""},
		{"text among digits", cell("4401234", true, 0, sheets.NumberFormat{Code: "000-0000", Unreadable: true}), unitHints{}, "人", 0, 0, sheaf.Exact, "", "单元格的数字格式「000-0000」显示的不是单纯的数值"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := config.LookupUnit(tt.target)
			got, err := normalize(nil, tt.cell, tt.hints, u)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.HasValue || got.Value != tt.value || got.Decimals != tt.decimals || got.Approx != tt.approx {
				t.Errorf("Normalize = %v/%d %q, want %v/%d %q", got.Value, got.Decimals, got.Approx, tt.value, tt.decimals, tt.approx)
			}
			if s := shownText(tt.cell); s != tt.shown {
				t.Errorf("shown %q, want %q", s, tt.shown)
			}
		})
	}
}

// extractBoth extracts a workbook through StreamWorkbook and through
// ReadWorkbook and an Extractor, and checks both give the same.
func extractBoth(t *testing.T, name string, data []byte, check func(t *testing.T, obs []sheaf.Observation, fs []sheaf.Finding)) {
	t.Helper()
	cfg := loadTestConfig(t)
	dept, _ := cfg.Department("edu")
	for _, path := range []string{"stream", "whole"} {
		t.Run(path, func(t *testing.T) {
			var obs []sheaf.Observation
			var fs []sheaf.Finding
			x := NewExtractor(cfg, dept).Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { fs = append(fs, f) })
			if path == "stream" {
				if _, err := sheets.StreamWorkbook(name, data, sheets.Limits{}, streamTo{x}); err != nil {
					t.Fatal(err)
				}
			} else {
				shs, err := sheets.ReadWorkbook(name, data, sheets.Limits{})
				if err != nil {
					t.Fatal(err)
				}
				for _, sh := range shs {
					if x.Sheet(sh.SheetInfo) {
						for _, r := range sh.Rows {
							x.Row(r)
						}
					}
				}
			}
			x.Finish()
			check(t, obs, fs)
		})
	}
}

// TestNumberFormatExtraction reads the LibreOffice-written fixture: every
// value is the quantity its cell shows, or flagged.
func TestNumberFormatExtraction(t *testing.T) {
	data, err := os.ReadFile("../sheets/testdata/lo_numformat.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	extractBoth(t, "lo_numformat.xlsx", data, func(t *testing.T, obs []sheaf.Observation, fs []sheaf.Finding) {
		assertObs(t, obs,
			"格式!C2 pay.teacher_avg@2024 = 68200/-2 raw 6.82万元", // not 6.82元
			"格式!C3 fund.budget@2024 = 68211/4 raw 68211.0000",  // not 682110000万元, and flagged
			"格式!C4 students.total@2024 = 36614/0 raw 36614人",
			"格式!C5 health.examined@2024 = 36000/-3 raw 3.6万人",  // not 3.6人
			"格式!C6 health.myopia_rate@2023 = 96.5/1 raw 96.5%", // a typed %, not a % format's 9650%
			"格式!C7 safety.guards@2024 = 12/0 raw 约12人",
			"格式!C9 fund.edu_spend@2023 = 68211/0 raw 68,211", // not 68211000万元, and flagged
		)
		assertFindings(t, fs,
			`unit warning 格式!C3 fund.budget@2024|数字格式「0\.0000」把存储的 682110000 显示为「68211.0000」（缩小 10000 倍），已按显示的数字读取为 68211.0000万元`,
			"approximate warning 格式!C7 safety.guards@2024|为约数「约12人」，暂按 12人 计",
			`invalid error 格式!C8 schools.total@2024|数字格式「\第0\名」使数值显示为「第44名」：无法识别为数字`,
			"unit warning 格式!C9 fund.edu_spend@2023|数字格式「#,##0,」把存储的 68211000 显示为「68,211」（缩小 1000 倍），已按显示的数字读取为 68211万元",
		)
	})
}

// TestNumberFormatExtractionExcelize reads the excelize-written workbook.
func TestNumberFormatExtractionExcelize(t *testing.T) {
	extractBoth(t, "formats.xlsx", formatWorkbook(t), func(t *testing.T, obs []sheaf.Observation, fs []sheaf.Finding) {
		assertObs(t, obs,
			"Sheet1!C2 fund.budget@2024 = 68211/4 raw 68211.0000",
			"Sheet1!C3 fund.edu_spend@2023 = 68.3/1 raw 68.3",
			"Sheet1!C4 pay.teacher_avg@2024 = 682110000/-4 raw 68211万元", // not 68211元
			"Sheet1!C5 fund.edu_spend@2022 = 68211/4 raw 68211.0000万元",  // its own unit: no flag
			"Sheet1!C6 safety.guards@2024 = 12/0 raw 约12",
			"Sheet1!C7 students.total@2024 = 36614/0 raw 36,614人",
			"Sheet1!C10 health.examined@2024 = 93000/-3 raw 9.3万", // its multiplier, but rounded: flagged
		)
		assertFindings(t, fs,
			"unit warning Sheet1!C2 fund.budget@2024|数字格式「0!.0000」把存储的 682110000 显示为「68211.0000」（缩小 10000 倍）",
			"unit warning Sheet1!C3 fund.edu_spend@2023|数字格式「0.0,,」把存储的 68251000 显示为「68.3」（缩小 1000000 倍），已按显示的数字读取为 68.3万元",
			"approximate warning Sheet1!C6 safety.guards@2024|为约数「约12」",
			"invalid error Sheet1!C8 health.myopia_rate@2022|数字格式「000-0000」显示的不是单纯的数值|「4401234」",
			`invalid error Sheet1!C9 schools.total@2024|数字格式「0.00"千担"」使数值显示为「1234.00千担」|单位「千担」无法识别`,
			`unit warning Sheet1!C10 health.examined@2024|数字格式「0!.0,"万"」把存储的 92500 显示为「9.3万」，舍去了部分数位，已按显示的数字读取为 93000人`,
		)
	})
}

// formatWorkbook is a workbook as excelize writes it, with number formats
// that show another quantity than the cell stores.
func formatWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	rows := []struct {
		name   string
		year   int
		value  float64
		format string
	}{
		{"教育经费预算", 2024, 682110000, "0!.0000"},
		{"一般公共预算教育支出", 2023, 68251000, "0.0,,"},
		{"教师平均工资", 2024, 68211, `0"万元"`},
		{"一般公共预算教育支出", 2022, 682110000, `0!.0000"万元"`},
		{"保安员人数", 2024, 12, `"约"0`},
		{"在校生数", 2024, 36614, `#,##0[$人]`},
		{"近视率", 2022, 4401234, "000-0000"},
		{"学校总数", 2024, 1234, `0.00"千担"`},
		{"体检学生数", 2024, 92500, `0!.0,"万"`},
	}
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("A1", "指标名称")
	set("B1", "年度")
	set("C1", "数值")
	for i, r := range rows {
		n := i + 2
		set(sheets.CellName(0, n), r.name)
		set(sheets.CellName(1, n), r.year)
		set(sheets.CellName(2, n), r.value)
		code := r.format
		st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", sheets.CellName(2, n), sheets.CellName(2, n), st); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
