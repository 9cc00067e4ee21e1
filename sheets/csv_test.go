package sheets

import (
	"fmt"
	"strings"
	"testing"
)

// TestCSVRowsCountRecords: a quoted cell holding line breaks is one cell
// of one row, as a spreadsheet program shows it; the rows after it keep
// their numbers, so their cell references in flags and mails are right.
// (Numbering by the line a record starts on gives 教育支出 row 6, "B6".)
func TestCSVRowsCountRecords(t *testing.T) {
	for _, eol := range []string{"\n", "\r\n"} {
		t.Run(fmt.Sprintf("%q", eol), func(t *testing.T) {
			csv := strings.Join([]string{
				"指标名称,数值,备注",
				`在校生数,4141,"含
随班就读
及送教上门"`,
				"",
				"教育支出,70001,",
				`"专任教师
（人）",318,`,
				"生均经费,17500,",
			}, eol) + eol
			shs, err := ReadWorkbook("统计.csv", []byte(csv), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(shs) != 1 {
				t.Fatalf("%d sheets", len(shs))
			}
			var got []string
			for _, r := range shs[0].Rows {
				got = append(got, fmt.Sprintf("%d %s=%s %s=%s", r.Num, r.Col(0).Ref, r.Col(0).Raw, r.Col(1).Ref, r.Col(1).Raw))
			}
			want := []string{
				"1 A1=指标名称 B1=数值",
				"2 A2=在校生数 B2=4141",
				// row 3 is the blank line: an empty row, not yielded
				"4 A4=教育支出 B4=70001",
				"5 A5=专任教师\n（人） B5=318",
				"6 A6=生均经费 B6=17500",
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("rows\n got %q\nwant %q", got, want)
			}
			if c := shs[0].Rows[1].Col(2); c.Ref != "C2" || c.Raw != "含\n随班就读\n及送教上门" {
				t.Errorf("the multi-line cell is %s %q", c.Ref, c.Raw)
			}
		})
	}
}
