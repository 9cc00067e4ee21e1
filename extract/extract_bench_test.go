package extract

import (
	"strconv"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

// BenchmarkExtractRows streams a 200,000-row sheet through extraction, one
// row at a time as the readers deliver it: every row is looked at as a
// possible header, matched and normalised; nothing is kept per row.
func BenchmarkExtractRows(b *testing.B) {
	cfg := loadTestConfig(&testing.T{})
	e := NewExtractor(cfg, nil)
	names := []string{"学校总数", "在校生数", "教师平均工资", "不在目录的行", "保安员人数"}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		x := e.Start(func(sheaf.Observation) { n++ }, func(sheaf.Finding) {})
		x.Sheet(sheets.SheetInfo{Name: "S"})
		x.Row(r(1, "指标名称", "数值", "备注"))
		for i := 2; i <= 200_000; i++ {
			x.Row(r(i, names[i%len(names)], "#"+strconv.Itoa(i), "说明"))
		}
		x.Finish()
		if n == 0 {
			b.Fatal("no observations")
		}
	}
}
