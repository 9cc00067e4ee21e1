package extract

import (
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// Fuzz targets: `go test ./extract -run '^$' -fuzz FuzzNormalize` (and the
// others) explores further; a plain `go test` runs their seeds.

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"36,614", "３６６１４", "3.6万余", "48.29%", "1:4.1", "68211万元", "682110000元",
		"约5000人", "—", "无", "待统计", "1.2亿元", "-0.5", "1e400", "0.1.2", "5吨", "，", "万"} {
		f.Add(s, "", "", false)
	}
	f.Add("0.108", "", "", true)
	f.Add("592", "人", "万元", false)
	units := config.UnitNames()
	f.Fuzz(func(t *testing.T, raw, column, header string, percent bool) {
		for _, u := range units {
			target, _ := config.LookupUnit(u)
			kind := sheets.CellText
			if percent {
				kind = sheets.CellNumber
			}
			r, err := normalize(nil, sheets.Cell{Raw: raw, Kind: kind, Percent: percent}, unitHints{Column: column, Header: header}, target)
			if err == nil && r.HasValue && (r.Value != r.Value) { // NaN
				t.Fatalf("Normalize(%q → %s) = NaN", raw, u)
			}
		}
	})
}

func FuzzNormalizePeriod(f *testing.F) {
	for _, s := range []string{"2024", "2024年度", "2024年第二季度", "2024Q2", "45292", "去年", "2024-13-01"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, raw string, date bool) {
		p, err := normalizePeriod(sheets.Cell{Raw: raw, Kind: sheets.CellText, Date: date})
		if err == nil && p != "" && !sheaf.ValidPeriod(p) {
			t.Fatalf("NormalizePeriod(%q) = %q, not a valid period", raw, p)
		}
	})
}

// FuzzHeader feeds extraction a grid of random cells: no panic, and every
// observation is for a catalogue indicator and a valid period.
func FuzzHeader(f *testing.F) {
	f.Add("指标名称|年度|数值\n学校总数|2024|44")
	f.Add("标题\n单位：万元\n项目|年份|数据|计量单位|备注\n教育经费预算||56366||说明")
	f.Add("指标编码|数值\nschools.total|44\n1.在校生数|36614")
	cfg := &config.Config{Cycle: config.Cycle{Period: "2024"}, Indicators: []config.Indicator{
		{ID: "schools.total", Name: "学校总数", Unit: "所", Owner: "edu"},
		{ID: "students.total", Name: "在校生数", Unit: "人", Owner: "edu"},
		{ID: "fund.budget", Name: "教育经费预算", Unit: "万元", Owner: "edu"},
	}}
	ex := NewExtractor(cfg, nil)
	f.Fuzz(func(t *testing.T, grid string) {
		var sh sheets.Sheet
		for i, line := range strings.Split(grid, "\n") {
			row := sheets.Row{Num: i + 1}
			for j, v := range strings.Split(line, "|") {
				row.Cells = append(row.Cells, sheets.Cell{Ref: sheets.CellName(j, i+1), Raw: v, Kind: sheets.CellText})
			}
			sh.Rows = append(sh.Rows, row)
		}
		obs, _ := ex.Extract([]sheets.Sheet{sh})
		for _, o := range obs {
			if _, ok := cfg.Indicator(o.Indicator); !ok || !sheaf.ValidPeriod(o.Period) {
				t.Fatalf("observation %+v", o)
			}
		}
	})
}
