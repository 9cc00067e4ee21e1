package sheets

import (
	"os"
	"testing"

	"github.com/xuri/excelize/v2"
)

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
		{"学校总数", 2024, 1234, `0.00"千所"`},
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
		set(CellName(0, n), r.name)
		set(CellName(1, n), r.year)
		set(CellName(2, n), r.value)
		code := r.format
		st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", CellName(2, n), CellName(2, n), st); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestNumberFormatCells: both readers give each value cell the same
// format fields, for LibreOffice's and excelize's way of writing them.
func TestNumberFormatCells(t *testing.T) {
	lo, err := os.ReadFile("testdata/lo_numformat.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	num := func(ref, raw string, fixed bool, d int, grouped bool, f NumberFormat) Cell {
		return Cell{Ref: ref, Raw: raw, Kind: CellNumber, Fixed: fixed, Decimals: d, Grouped: grouped, Format: f}
	}
	files := []struct {
		name string
		data []byte
		want []Cell
	}{
		{"lo_numformat.xlsx", lo, []Cell{
			num("C2", "6.82", true, 2, false, NumberFormat{Code: `0.00"万元"`, Suffix: "万元"}),
			num("C3", "682110000", true, 4, false, NumberFormat{Code: `0\.0000`, Scale: 4}),
			num("C4", "36614", true, 0, false, NumberFormat{Code: `0\人`, Suffix: "人"}),
			num("C5", "3.6", true, 1, false, NumberFormat{Code: `0.0"万人"`, Suffix: "万人"}),
			num("C6", "96.5", true, 1, false, NumberFormat{Code: `0.0\%`, Suffix: "%"}),
			num("C7", "12", true, 0, false, NumberFormat{Code: `\约0\人`, Prefix: "约", Suffix: "人"}),
			num("C8", "44", true, 0, false, NumberFormat{Code: `\第0\名`, Prefix: "第", Suffix: "名"}),
			num("C9", "68211000", true, 0, true, NumberFormat{Code: `#,##0,`, Scale: 3}),
		}},
		{"excelize", formatWorkbook(t), []Cell{
			num("C2", "682110000", true, 4, false, NumberFormat{Code: "0!.0000", Scale: 4}),
			num("C3", "68251000", true, 1, false, NumberFormat{Code: "0.0,,", Scale: 6}),
			num("C4", "68211", true, 0, false, NumberFormat{Code: `0"万元"`, Suffix: "万元"}),
			num("C5", "682110000", true, 4, false, NumberFormat{Code: `0!.0000"万元"`, Suffix: "万元", Scale: 4}),
			num("C6", "12", true, 0, false, NumberFormat{Code: `"约"0`, Prefix: "约"}),
			num("C7", "36614", true, 0, true, NumberFormat{Code: `#,##0[$人]`, Suffix: "人"}),
			num("C8", "4401234", true, 0, false, NumberFormat{Code: "000-0000", Unreadable: true}),
			num("C9", "1234", true, 2, false, NumberFormat{Code: `0.00"千所"`, Suffix: "千所"}),
			num("C10", "92500", true, 1, false, NumberFormat{Code: `0!.0,"万"`, Suffix: "万", Scale: 4}),
		}},
	}
	for _, file := range files {
		for _, reader := range []struct {
			name string
			read func(string, []byte) ([]Sheet, error)
		}{{"careful", carefulSheets}, {"stream", streamSheets}} {
			t.Run(file.name+"/"+reader.name, func(t *testing.T) {
				shs, err := reader.read("f.xlsx", file.data)
				if err != nil {
					t.Fatal(err)
				}
				var got []Cell
				for _, row := range shs[0].Rows[1:] {
					got = append(got, row.Col(2))
				}
				if len(got) != len(file.want) {
					t.Fatalf("%d value cells, want %d", len(got), len(file.want))
				}
				for i := range got {
					if got[i] != file.want[i] {
						t.Errorf("got  %s\nwant %s", showCell(got[i]), showCell(file.want[i]))
					}
				}
			})
		}
	}
}

// FuzzFormatMeaning: any format code is classified without a panic, and a
// format that shows text or a scale is kept with its code.
func FuzzFormatMeaning(f *testing.F) {
	for _, code := range []string{`0"万元"`, "0!.0000", `0\.0000`, "#,##0,", "0.0,,", `"约"0`, `[$万元-804]0`, `[>=10000]0!.0,"万";0`, `_ * #,##0_ ;_ * -#,##0_ ;_ * "-"_ ;_ @_ `, `"`, `[`, `0!`, `_`, `General"元"`} {
		f.Add(code)
	}
	f.Fuzz(func(t *testing.T, code string) {
		nf := classifyFormat(code)
		if nf.format != (NumberFormat{}) && nf.format.Code != code {
			t.Errorf("%q: format code %q", code, nf.format.Code)
		}
	})
}
