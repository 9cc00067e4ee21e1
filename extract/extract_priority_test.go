package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestHeaderPriorities: configured header lists are priorities. With
// value: [决算数, 预算数] and both columns in the sheet, 决算数 counts even
// though 预算数 comes first in the sheet (a careless reader takes the first
// column: 50000). A department's own list comes before the global one.
func TestHeaderPriorities(t *testing.T) {
	cfg := testCatalogue(t)
	cfg.Extraction.Headers = map[string][]string{RoleValue: {"决算数", "预算数"}}
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "预算数", "决算数"),
		r(2, "教育支出", "#50000", "#70001"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs, "S!C2 edu.spend@2024 = 70001/0 raw 70001")
	assertFindings(t, fs)

	dept := &config.Department{ID: "edu", Extraction: config.Extraction{Headers: map[string][]string{RoleValue: {"预算数"}}}}
	obs, _, _ = run(t, cfg, dept, sh)
	assertObs(t, obs, "S!B2 edu.spend@2024 = 50000/0 raw 50000")
}

// TestEqualHeadersAreNotAGuess: two columns matching the value role with
// equal rank (two built-in names, or the same name twice) are a file
// finding naming both cells, and the table is not read.
func TestEqualHeadersAreNotAGuess(t *testing.T) {
	cfg := testCatalogue(t)
	tests := []struct {
		name   string
		header sheets.Row
		want   string
	}{
		{"two built-in names", r(1, "指标名称", "数值", "金额"), "B1「数值」和C1「金额」都可作为“数值”列"},
		{"one name twice", r(1, "指标名称", "数值（万元）", "数值（元）"), "B1「数值（万元）」和C1「数值（元）」"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{tc.header, r(2, "教育支出", "#50000", "#70001")}}
			obs, fs, out := run(t, cfg, nil, sh)
			assertObs(t, obs)
			assertFindings(t, fs,
				"file error S!A1 @|表「S」第 1 行|"+tc.want+"|该表未读取",
				"unknown warning ! @|文件中没有可读取的表格|都可作为“数值”列")
			assertOutcomes(t, out, "S no_table 0")
		})
	}
}
