package extract

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestExampleYearColumnSheet reads the example's 发改局 workbook as
// LibreOffice saved it: codes of the bureau's own scheme, 代码/指标/计量单位
// merged down over two header rows, a 年度 banner merged over the years.
// Every figure comes from its own year's column.
func TestExampleYearColumnSheet(t *testing.T) {
	dir := filepath.Join("..", "examples", "shangzhi-2024")
	cfg, err := config.Load(filepath.Join(dir, "sheaf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	name := "主要经济社会指标.xlsx"
	data, err := os.ReadFile(filepath.Join(dir, "inbox", "发改局", name))
	if err != nil {
		t.Fatal(err)
	}
	shs, err := sheets.ReadWorkbook(name, data, sheets.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	dept, _ := cfg.Department("ndrc")
	obs, fs, out := NewExtractor(cfg, dept).ExtractOutcomes(shs)
	assertObs(t, obs,
		"主要指标!D4 econ.gdp@2022 = 186.3/1 raw 186.3",
		"主要指标!E4 econ.gdp@2023 = 195.2/1 raw 195.2",
		"主要指标!F4 econ.gdp@2024 = 203.5/1 raw 203.5",
		"主要指标!D5 econ.revenue@2022 = 91234/0 raw 91234",
		"主要指标!E5 econ.revenue@2023 = 95876/0 raw 95876",
		"主要指标!F5 econ.revenue@2024 = 101203/0 raw 101203",
		"主要指标!D6 econ.population@2022 = 520011/0 raw 520011",
		"主要指标!E6 econ.population@2023 = 515632/0 raw 515632",
		"主要指标!F6 econ.population@2024 = 510248/0 raw 510248",
	)
	// The footer under the codes (数据来源：…) is a note, no unknown row.
	assertFindings(t, fs)
	assertOutcomes(t, out, "主要指标 read 9")
}
