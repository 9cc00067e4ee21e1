package extract

import (
	"os"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestTablesInALibreOfficeFile reads lo_tables.xlsx as LibreOffice wrote
// it (sheets/testdata/README.md): the second table's 2022 and 2023 are
// figures, not its years; the header-like row without a value column
// starts no table; the sheet without a header is flagged, the empty one
// listed.
func TestTablesInALibreOfficeFile(t *testing.T) {
	cfg := loadTestConfig(t)
	data, err := os.ReadFile("../sheets/testdata/lo_tables.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"stream", "whole"} {
		t.Run(name, func(t *testing.T) {
			dept, _ := cfg.Department("edu")
			var obs []sheaf.Observation
			var fs []sheaf.Finding
			x := NewExtractor(cfg, dept).Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { fs = append(fs, f) })
			if name == "stream" {
				if _, err := sheets.StreamWorkbook("lo_tables.xlsx", data, sheets.Limits{}, streamTo{x}); err != nil {
					t.Fatal(err)
				}
			} else {
				shs, err := sheets.ReadWorkbook("lo_tables.xlsx", data, sheets.Limits{})
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
			assertObs(t, obs,
				"汇总!B3 schools.total@2024 = 44/0 raw 44",
				"汇总!B4 students.total@2024 = 36614/0 raw 36614",
				"汇总!B6 pay.teacher_avg@2024 = 97987.6/1 raw 97987.6",
				"汇总!C10 fund.edu_spend@2022 = 68211/0 raw 68211",
				"汇总!C11 fund.edu_spend@2023 = 68258/0 raw 68258",
			)
			assertFindings(t, fs,
				"unknown warning 汇总!A13 @|第 13 行像表头|缺少“数值”列|其下 1 行数据未读取",
				"unknown warning 历年支出!A1 @|表「历年支出」没有找到表头行|「年份」「支出」「2022」「68211」",
			)
			assertOutcomes(t, x.Outcomes(), "汇总 read 5", "历年支出 no_table 0", "Sheet3 empty 0")
		})
	}
}

// streamTo hands a streamed workbook to an extraction.
type streamTo struct{ x *FileExtraction }

func (s streamTo) Sheet(info sheets.SheetInfo) bool { return s.x.Sheet(info) }
func (s streamTo) Row(r sheets.Row) error           { s.x.Row(r); return nil }
func (s streamTo) Reset()                           {}
