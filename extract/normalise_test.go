package extract

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// unit returns a known unit by name, failing the test if there is none.
func unit(t *testing.T, name string) config.Unit {
	t.Helper()
	u, ok := config.LookupUnit(name)
	if !ok {
		t.Fatalf("unknown unit %q", name)
	}
	return u
}

func TestNormalize(t *testing.T) {
	text := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellText, Raw: s} }
	number := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellNumber, Raw: s} }
	percent := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellNumber, Raw: s, Percent: true} }
	column := func(s string) unitHints { return unitHints{Column: s} }
	header := func(s string) unitHints { return unitHints{Header: s} }
	value := func(v float64, decimals int) Reading { return Reading{Value: v, HasValue: true, Decimals: decimals} }
	over := func(v float64, decimals int) Reading {
		return Reading{Value: v, HasValue: true, Decimals: decimals, Approx: sheaf.Over}
	}
	about := func(v float64, decimals int) Reading {
		return Reading{Value: v, HasValue: true, Decimals: decimals, Approx: sheaf.About}
	}

	tests := []struct {
		name    string
		cell    sheets.Cell
		hints   unitHints
		target  string
		want    Reading
		wantErr string
	}{
		// No value.
		{"empty cell", sheets.Cell{}, unitHints{}, "人", Reading{}, ""},
		{"empty text", text(""), unitHints{}, "人", Reading{}, ""},
		{"blank text", text(" \u3000"), unitHints{}, "人", Reading{}, ""},
		{"empty number cell", number(""), unitHints{}, "人", Reading{}, ""},
		{"em dash", text("—"), unitHints{}, "人", Reading{}, ""},
		{"double em dash", text("——"), unitHints{}, "人", Reading{}, ""},
		{"hyphen", text("-"), unitHints{}, "人", Reading{}, ""},
		{"full-width hyphen", text("－"), unitHints{}, "人", Reading{}, ""},
		{"double hyphen", text("--"), unitHints{}, "人", Reading{}, ""},
		{"slash", text("/"), unitHints{}, "人", Reading{}, ""},
		{"full-width slash", text("／"), unitHints{}, "人", Reading{}, ""},
		{"无", text("无"), unitHints{}, "人", Reading{}, ""},
		{"空", text("空"), unitHints{}, "人", Reading{}, ""},
		{"N/A", text("N/A"), unitHints{}, "人", Reading{}, ""},
		{"n/a with spaces", text(" n/a "), unitHints{}, "人", Reading{}, ""},

		// Cells that hold no number.
		{"bool", sheets.Cell{Kind: sheets.CellBool, Raw: "TRUE"}, unitHints{}, "人", Reading{}, `逻辑值「TRUE」`},
		{"error", sheets.Cell{Kind: sheets.CellError, Raw: "#DIV/0!"}, unitHints{}, "人", Reading{}, `错误值「#DIV/0!」`},
		{"Chinese numerals", text("三十"), unitHints{}, "人", Reading{}, `无法识别为数字：「三十」`},
		{"approximation only", text("约"), unitHints{}, "人", Reading{}, `无法识别为数字：「约」`},
		{"two decimal points", text("1.2.3"), unitHints{}, "人", Reading{}, `无法识别为数字：「1.2.3」`},
		{"range", text("5-6"), unitHints{}, "人", Reading{}, `无法识别为数字：「5-6」`},
		{"number cell not a number", number("abc"), unitHints{}, "人", Reading{}, `无法识别为数字：「abc」`},
		{"date-formatted number", sheets.Cell{Kind: sheets.CellNumber, Raw: "45292", Date: true}, unitHints{}, "人", Reading{}, `单元格设置为日期或时间格式，「45292」不能作为数值读取`},

		// Numbers as written.
		{"text number", text("592"), unitHints{}, "人", value(592, 0), ""},
		{"number cell", number("36614"), unitHints{}, "人", value(36614, 0), ""},
		{"decimals as written", text("2587.80"), unitHints{}, "万元", value(2587.8, 2), ""},
		{"trimmed", text("  592 "), unitHints{}, "人", value(592, 0), ""},
		{"spaces inside", text("1 234 567"), unitHints{}, "人", value(1234567, 0), ""},
		{"thousands separators", text("1,234,567.89"), unitHints{}, "元", value(1234567.89, 2), ""},
		{"full-width thousands separator", text("1，234"), unitHints{}, "人", value(1234, 0), ""},
		{"full-width digits", text("１２３４．５"), unitHints{}, "万元", value(1234.5, 1), ""},
		{"full-width digits and unit", text("１２３４人"), unitHints{}, "人", value(1234, 0), ""},
		{"leading plus", text("+5"), unitHints{}, "人", value(5, 0), ""},
		{"leading minus", text("-5.5"), unitHints{}, "万元", value(-5.5, 1), ""},
		{"full-width minus", text("－５"), unitHints{}, "人", value(-5, 0), ""},
		{"minus sign", text("\u22125"), unitHints{}, "人", value(-5, 0), ""},
		{"leading decimal point", text(".5"), unitHints{}, "万元", value(0.5, 1), ""},
		{"zero", text("0"), unitHints{}, "人", value(0, 0), ""},
		{"negative zero", text("-0"), unitHints{}, "人", value(0, 0), ""},
		{"thousands group too short", text("1,23"), unitHints{}, "人", Reading{}, `无法识别为数字：「1,23」（千位分隔符位置不对）`},
		{"thousands group too long", text("12,3456"), unitHints{}, "人", Reading{}, `无法识别为数字：「12,3456」`},
		{"first group too long", text("1234,567"), unitHints{}, "人", Reading{}, `无法识别为数字：「1234,567」`},

		// Stored binary noise.
		{"noise in a number cell", number("27216.799999999999"), unitHints{}, "万元", value(27216.8, 1), ""},
		{"noise below one", number("0.48289999999999999"), unitHints{}, "%", value(0.4829, 4), ""},
		{"noise of a sum", number("0.30000000000000004"), unitHints{}, "万元", value(0.3, 1), ""},
		{"exponent", number("1E-3"), unitHints{}, "万元", value(0.001, 3), ""},
		{"large exponent", number("1.5E+10"), unitHints{}, "元", value(15000000000, 0), ""},
		{"noise converted", number("27216.799999999999"), column("元"), "万元", value(2.72168, 5), ""},

		// Units and where they are written.
		{"unit in text", text("592人"), unitHints{}, "人", value(592, 0), ""},
		{"unit of same dimension", text("592名"), unitHints{}, "人", value(592, 0), ""},
		{"unit after a space", text("5 人"), unitHints{}, "人", value(5, 0), ""},
		{"万元 in text", text("68211万元"), unitHints{}, "万元", value(68211, 0), ""},
		{"元 to 万元", text("682110000元"), unitHints{}, "万元", value(68211, 4), ""},
		{"亿元 to 万元", text("1.2亿元"), unitHints{}, "万元", value(12000, -3), ""},
		{"万元 to 元", text("2587.8万元"), unitHints{}, "元", value(25878000, -3), ""},
		{"tiny amount", text("0.07元"), unitHints{}, "万元", value(0.000007, 6), ""},
		{"column unit", text("682110000"), column("元"), "万元", value(68211, 4), ""},
		{"column unit for a number cell", number("682110000"), column("元"), "万元", value(68211, 4), ""},
		{"column unit full-width", text("48.29"), column("％"), "%", value(48.29, 2), ""},
		{"header unit", text("68211"), header("万元"), "元", value(682110000, -4), ""},
		{"text beats column", text("68211万元"), column("元"), "万元", value(68211, 0), ""},
		{"column beats header", number("682110000"), unitHints{Column: "元", Header: "万元"}, "万元", value(68211, 4), ""},
		{"target when nothing says", text("2587.8"), unitHints{}, "万元", value(2587.8, 1), ""},
		{"other dimension in text", text("5所"), unitHints{}, "人", Reading{}, `「5所」的单位是所，无法换算为人`},
		{"other dimension in column", text("592人"), column("所"), "人", Reading{}, `单位列写的单位是「所」，无法换算为人`},
		{"other dimension in header", text("592"), header("所"), "人", Reading{}, `表头写的单位是「所」`},
		{"unknown unit in text", text("5担"), unitHints{}, "人", Reading{}, `「5担」中的单位「担」无法识别，无法换算为人`},
		{"unknown unit in column", text("5"), column("担"), "人", Reading{}, `单位列中的单位「担」无法识别，无法换算为人`},

		// 万 and 亿 multipliers.
		{"万 persons", text("3.6万"), unitHints{}, "人", value(36000, -3), ""},
		{"万人", text("3.6万人"), unitHints{}, "人", value(36000, -3), ""},
		{"万 人 with a space", text("3.6 万人"), unitHints{}, "人", value(36000, -3), ""},
		{"万 noise", text("1.1万"), unitHints{}, "人", value(11000, -3), ""},
		{"万人次", text("2.5万人次"), unitHints{}, "人次", value(25000, -3), ""},
		{"亿 persons", text("1.4亿"), unitHints{}, "人", value(140000000, -7), ""},
		{"万亿元", text("1.2万亿元"), unitHints{}, "亿元", value(12000, -3), ""},
		{"万 in a 元 column", text("3.6万"), column("元"), "万元", value(3.6, 1), ""},
		{"万 with no unit for 万元", text("3.6万"), unitHints{}, "万元", Reading{}, `「3.6万」含义不明确`},
		{"万 in a 万元 column", text("3.6万"), column("万元"), "元", Reading{}, `「3.6万」含义不明确`},
		{"unknown after multiplier", text("3.6万担"), unitHints{}, "人", Reading{}, `「3.6万担」中的单位「担」无法识别，无法换算为人`},

		// Approximations.
		{"余 before unit", text("840余万元"), unitHints{}, "万元", over(840, 0), ""},
		{"余 after multiplier", text("3.6万余"), unitHints{}, "人", over(36000, -3), ""},
		{"余 between multiplier and unit", text("3.6万余人"), unitHints{}, "人", over(36000, -3), ""},
		{"余 between number and multiplier", text("3.6余万人"), unitHints{}, "人", over(36000, -3), ""},
		{"多", text("500多人"), unitHints{}, "人", over(500, 0), ""},
		{"以上 after unit", text("500人以上"), unitHints{}, "人", over(500, 0), ""},
		{"以上 after number", text("500以上"), unitHints{}, "人", over(500, 0), ""},
		{"超过", text("超过500人"), unitHints{}, "人", over(500, 0), ""},
		{"约", text("约500人"), unitHints{}, "人", about(500, 0), ""},
		{"大约", text("大约500"), unitHints{}, "人", about(500, 0), ""},
		{"近", text("近500"), unitHints{}, "人", about(500, 0), ""},
		{"将近", text("将近3.6万人"), unitHints{}, "人", about(36000, -3), ""},
		{"左右", text("500人左右"), unitHints{}, "人", about(500, 0), ""},
		{"上下", text("500上下"), unitHints{}, "人", about(500, 0), ""},
		{"约 and 左右", text("约500人左右"), unitHints{}, "人", about(500, 0), ""},
		{"约 and 以上", text("约500人以上"), unitHints{}, "人", about(500, 0), ""},

		// Percentages.
		{"percent text", text("48.29%"), unitHints{}, "%", value(48.29, 2), ""},
		{"full-width percent text", text("48.29％"), unitHints{}, "%", value(48.29, 2), ""},
		{"percent cell", percent("0.108"), unitHints{}, "%", value(10.8, 1), ""},
		{"percent cell with noise", percent("0.48289999999999999"), unitHints{}, "%", value(48.29, 2), ""},
		{"percent cell one decimal", percent("0.5"), unitHints{}, "%", value(50, 0), ""},
		{"percent cell whole", percent("1"), unitHints{}, "%", value(100, 0), ""},
		{"percent cell many decimals", percent("0.12345"), unitHints{}, "%", value(12.345, 3), ""},
		{"plain text for percent", text("48.29"), unitHints{}, "%", value(48.29, 2), ""},
		{"plain number for percent", number("48.29"), unitHints{}, "%", value(48.29, 2), ""},
		{"fraction as text taken as written", text("0.4829"), unitHints{}, "%", value(0.4829, 4), ""},
		{"percent cell for persons", percent("0.108"), unitHints{}, "人", Reading{}, `单元格设置为百分比格式，「0.108」无法换算为`},
		{"percent cell for points", percent("0.03"), unitHints{}, "百分点", Reading{}, `单元格设置为百分比格式，「0.03」无法换算为百分点`},
		{"percent text for money", text("48.29%"), unitHints{}, "万元", Reading{}, `「48.29%」的单位是%，无法换算为万元`},
		{"percent text for points", text("3%"), unitHints{}, "百分点", Reading{}, `「3%」的单位是%`},
		{"个百分点", text("3个百分点"), unitHints{}, "百分点", value(3, 0), ""},
		{"百分点", text("3百分点"), unitHints{}, "百分点", value(3, 0), ""},
		{"plain points", text("3"), unitHints{}, "百分点", value(3, 0), ""},
		{"fractional points", text("0.5个百分点"), unitHints{}, "百分点", value(0.5, 1), ""},
		{"negative points", text("-1.2个百分点"), unitHints{}, "百分点", value(-1.2, 1), ""},

		// Ratios.
		{"ratio", text("1:4.1"), unitHints{}, config.Ratio, value(4.1, 1), ""},
		{"ratio full-width colon", text("1：4.1"), unitHints{}, config.Ratio, value(4.1, 1), ""},
		{"ratio sign", text("1∶4.1"), unitHints{}, config.Ratio, value(4.1, 1), ""},
		{"ratio with spaces", text("1 : 4.1"), unitHints{}, config.Ratio, value(4.1, 1), ""},
		{"ratio not per one", text("2:8"), unitHints{}, config.Ratio, value(4, 0), ""},
		{"ratio repeating", text("3:10"), unitHints{}, config.Ratio, value(3.3333333333, 0), ""},
		{"approximate ratio", text("约1:4"), unitHints{}, config.Ratio, about(4, 0), ""},
		{"plain ratio", text("4.1"), unitHints{}, config.Ratio, value(4.1, 1), ""},
		{"number cell ratio", number("4.1"), unitHints{}, config.Ratio, value(4.1, 1), ""},
		{"ratio column 比", text("4.1"), column("比"), config.Ratio, value(4.1, 1), ""},
		{"ratio first term zero", text("0:5"), unitHints{}, config.Ratio, Reading{}, `无法识别为比例：「0:5」的前项为 0`},
		{"ratio three terms", text("1:4:5"), unitHints{}, config.Ratio, Reading{}, `无法识别为比例：「1:4:5」`},
		{"ratio not a number", text("1:x"), unitHints{}, config.Ratio, Reading{}, `无法识别为比例：「1:x」`},
		{"ratio for persons", text("1:4.1"), unitHints{}, "人", Reading{}, `「1:4.1」是比例，无法换算为人`},
		{"ratio typed into Excel as a time", sheets.Cell{Kind: sheets.CellNumber, Raw: "4.4444444444444446E-2", Date: true}, unitHints{}, config.Ratio, Reading{}, "日期或时间格式"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalize(nil, tt.cell, tt.hints, unit(t, tt.target))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Normalize(%q) = %+v, %v; want error containing %q", tt.cell.Raw, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize(%q): %v", tt.cell.Raw, err)
			}
			// Exact comparison on purpose: float noise must not survive.
			if got != tt.want {
				t.Errorf("Normalize(%q) = %+v, want %+v", tt.cell.Raw, got, tt.want)
			}
		})
	}
}

func TestNormalizeNoTargetUnit(t *testing.T) {
	if _, err := normalize(nil, sheets.Cell{Kind: sheets.CellText, Raw: "5"}, unitHints{}, config.Unit{}); err == nil {
		t.Fatal("Normalize with no target unit: want an error")
	}
}

func TestRoundDecimals(t *testing.T) {
	tests := []struct {
		name   string
		v      float64
		places int
		want   float64
	}{
		{"conversion noise", 682110000.0 / 1e4, 14, 68211},
		{"percent noise", 0.108 * 100, 11, 10.8},
		{"multiplier noise", 1.1 * 1e4, 7, 11000},
		{"keeps digits", 12.345678901, 10, 12.345678901},
		{"negative places", 12345, -2, 12300},
		{"negative zero", -0.0000000000001, 10, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := roundDecimals(tt.v, tt.places); got != tt.want {
				t.Errorf("roundDecimals(%v, %d) = %v, want %v", tt.v, tt.places, got, tt.want)
			}
		})
	}
}

// TestPlainNumberAsTheSlowPath: the fast path of storedNumber gives the
// same number and decimals as the slow one for every input it takes, and
// takes the common ones; a wrong decimal count here is a wrong precision
// on a figure with status ok.
func TestPlainNumberAsTheSlowPath(t *testing.T) {
	inputs := []string{"0", "-0", "0.0", "-0.0", "1", "10", "100", "1.50", "0.001", "-12.340", "4645", "0.30000000000000004",
		"27216.799999999999", "123456789012345", "1234567890123456", "12345678901234.5", "0.000000000000000001",
		"1e5", "1E-3", "+5", ".5", "5.", "", "-", "1.2.3", "00012", "000.5000", "999999999999999", "9999999999999999",
		"1.000000000000001", "0.1000000000000000", "100000000000000000000", "-1234.5678", "3.14159265358979"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200_000 {
		var b []byte
		if r.IntN(4) == 0 {
			b = append(b, '-')
		}
		for range 1 + r.IntN(12) {
			b = append(b, byte('0'+r.IntN(10)))
		}
		if r.IntN(2) == 0 {
			b = append(b, '.')
			for range 1 + r.IntN(12) {
				b = append(b, byte('0'+r.IntN(10)))
			}
		}
		if r.IntN(8) == 0 {
			b = append(b, byte("0.e-+5"[r.IntN(6)]))
		}
		inputs = append(inputs, string(b))
	}
	fast := 0
	for _, in := range inputs {
		v, d, ok := plainNumber(in)
		if !ok {
			continue
		}
		fast++
		sv, sd, err := storedNumberSlow(in)
		if err != nil || math.Float64bits(v) != math.Float64bits(sv) || d != sd {
			t.Fatalf("%q: fast %v (%d decimals), slow %v (%d decimals, %v)", in, v, d, sv, sd, err)
		}
	}
	if fast < len(inputs)/2 {
		t.Errorf("the fast path took %d of %d inputs", fast, len(inputs))
	}
	for _, in := range []string{"4645", "1.50", "-12.340", "0.001"} {
		if _, _, ok := plainNumber(in); !ok {
			t.Errorf("%q took the slow path", in)
		}
	}
}
