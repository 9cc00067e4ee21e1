package extract

import (
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

func TestNormalizePeriod(t *testing.T) {
	text := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellText, Raw: s} }
	number := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellNumber, Raw: s} }
	date := func(s string) sheets.Cell { return sheets.Cell{Kind: sheets.CellNumber, Raw: s, Date: true} }

	tests := []struct {
		name    string
		cell    sheets.Cell
		want    string
		wantErr string
	}{
		{"empty cell", sheets.Cell{}, "", ""},
		{"empty text", text(" "), "", ""},
		{"empty number", number(""), "", ""},

		{"year", text("2024"), "2024", ""},
		{"year 年", text("2024年"), "2024", ""},
		{"year 年度", text("2024年度"), "2024", ""},
		{"full-width with spaces", text(" ２０２４年 "), "2024", ""},
		{"ideographic spaces", text("\u30002024年\u3000"), "2024", ""},
		{"number cell", number("2024"), "2024", ""},
		{"number cell with .0", number("2024.0"), "2024", ""},

		{"date serial new year", date("45292"), "2024", ""},
		{"date serial new year's eve", date("45657"), "2024", ""},
		{"date serial with time", date("45657.75"), "2024", ""},
		{"date serial in 1900", date("100"), "1900", ""},
		{"ISO date", text("2024-01-01"), "2024", ""},
		{"slash date", text("2024/12/31"), "2024", ""},
		{"dotted date", text("2024.12.31"), "2024", ""},
		{"date with time", text("2024-01-01 00:00:00"), "2024", ""},
		{"ISO date-time", text("2024-01-01T08:30:00"), "2024", ""},
		{"year and month", text("2024-12"), "2024", ""},
		{"Chinese year and month", text("2024年12月"), "2024", ""},
		{"Chinese date", text("2024年12月31日"), "2024", ""},
		{"leap day", text("2024-02-29"), "2024", ""},

		{"Q", text("2024Q2"), "2024Q2", ""},
		{"lower-case q", text("2024q2"), "2024Q2", ""},
		{"space Q", text("2024 Q2"), "2024Q2", ""},
		{"年Q", text("2024年Q2"), "2024Q2", ""},
		{"年第二季度", text("2024年第二季度"), "2024Q2", ""},
		{"年二季度", text("2024年二季度"), "2024Q2", ""},
		{"年2季度", text("2024年2季度"), "2024Q2", ""},
		{"年第2季度", text("2024年第2季度"), "2024Q2", ""},
		{"dash Q", text("2024-Q2"), "2024Q2", ""},
		{"full-width Q", text("２０２４年Ｑ４"), "2024Q4", ""},
		{"first quarter", text("2024年第一季度"), "2024Q1", ""},
		{"季 without 度", text("2024年三季"), "2024Q3", ""},

		{"word", text("去年"), "", `「去年」不是有效的年度或季度`},
		{"two-digit year", text("24年"), "", `「24年」不是有效的年度或季度`},
		{"year too early", text("1899"), "", "年份应在 1900–2100 之间"},
		{"year too late", text("2101年"), "", "年份应在 1900–2100 之间"},
		{"number too early", number("1800"), "", "年份应在 1900–2100 之间"},
		{"number too large", number("45292"), "", "年份应在 1900–2100 之间"},
		{"fractional number", number("2024.5"), "", `「2024.5」不是有效的年度或季度`},
		{"number cell not a number", number("abc"), "", `「abc」不是有效的年度或季度`},
		{"negative date serial", date("-1"), "", `「-1」不是有效的日期`},
		{"quarter 5", text("2024Q5"), "", `「2024Q5」不是有效的年度或季度`},
		{"quarter 五", text("2024年第五季度"), "", "不是有效的年度或季度"},
		{"month 13", text("2024-13-01"), "", "不存在"},
		{"February 30", text("2024-02-30"), "", "不存在"},
		{"not a leap year", text("2023-02-29"), "", "不存在"},
		{"year-month with a dot", text("2024.12"), "", `「2024.12」不是有效的年度或季度`},
		{"month range", text("2024年1-12月"), "", "不是有效的年度或季度"},
		{"bool", sheets.Cell{Kind: sheets.CellBool, Raw: "TRUE"}, "", `「TRUE」不是有效的年度或季度`},
		{"error", sheets.Cell{Kind: sheets.CellError, Raw: "#REF!"}, "", `「#REF!」不是有效的年度或季度`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := normalizePeriod(tt.cell)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("NormalizePeriod(%q) = %q, %v; want error containing %q", tt.cell.Raw, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizePeriod(%q): %v", tt.cell.Raw, err)
			}
			if got != tt.want {
				t.Errorf("NormalizePeriod(%q) = %q, want %q", tt.cell.Raw, got, tt.want)
			}
			if got != "" && !sheaf.ValidPeriod(got) {
				t.Errorf("ValidPeriod(%q) = false for a normalised period", got)
			}
		})
	}
}

func TestValidPeriod(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"year", "2024", true},
		{"quarter", "2024Q1", true},
		{"fourth quarter", "2024Q4", true},
		{"first year", "1900", true},
		{"last year", "2100", true},
		{"quarter 0", "2024Q0", false},
		{"quarter 5", "2024Q5", false},
		{"lower-case q", "2024q1", false},
		{"two-digit quarter", "2024Q12", false},
		{"year too early", "1899", false},
		{"year too late", "2101", false},
		{"two-digit year", "24", false},
		{"with 年", "2024年", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sheaf.ValidPeriod(tt.in); got != tt.want {
				t.Errorf("ValidPeriod(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
