// Command gen writes sheets/testdata/excelize_sharedstrings.xlsx: a few rows
// of lo_cases.xlsx as excelize (not LibreOffice) writes them, with a
// shared-string table, the built-in percent format (numFmtId 10) and one
// formula that has no cached value, as files written by Go programs and some
// web systems have.
//
// Run from the module root: go run ./testdata-src/gen
// (testdata-src/fixtures/make-fixtures.sh does this).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/xuri/excelize/v2"
)

func main() {
	out := flag.String("o", "sheets/testdata/excelize_sharedstrings.xlsx", "file to write")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// rows are written from A1; a nil value leaves the cell out.
var rows = [][]any{
	{"指标编码", "指标名称", "年度", "数值", "单位", "备注"},
	{"schools.total", "学校总数", 2024, 44, "所", nil},
	{nil, "在校生数", "2024年度", 36614, "人", nil},
	{"fund.edu_spend", "一般公共预算教育支出", "2022年", "68,211", "万元", nil},
	{"health.myopia_rate", "近视率", 2022, 0.5032, "%", nil},
	{"special.ratio", "特教生师比", 2024, "1:4.1", nil, nil},
	{"fund.budget", "教育经费预算", 2024, nil, "万元", "公式未计算"},
}

func write(path string) error {
	f := excelize.NewFile()
	defer f.Close()

	const sheet = "汇总表"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	for r, row := range rows {
		for c, v := range row {
			if v == nil {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if err := f.SetCellValue(sheet, ref, v); err != nil {
				return fmt.Errorf("set %s: %w", ref, err)
			}
		}
	}

	// D5: 0.5032 shown as 50.32% through the built-in format 10 ("0.00%"),
	// where LibreOffice would write a custom numFmt instead.
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "D5", "D5", pct); err != nil {
		return err
	}

	// D7: a formula and nothing else. excelize does not calculate on save, so
	// the cell has <f> and no <v>: a reader sees no value for it.
	if err := f.SetCellFormula(sheet, "D7", "50000+6366"); err != nil {
		return err
	}
	return f.SaveAs(path)
}
