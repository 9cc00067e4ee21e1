package sheets

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// showRow writes a row compactly: each cell as Ref, kind (T text, N
// number, - empty), raw, and what its formula and format say.
func showRow(r Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", r.Num)
	if r.Hidden {
		b.WriteString(" hidden")
	}
	for _, c := range r.Cells {
		kind := map[CellKind]string{CellEmpty: "-", CellNumber: "N", CellText: "T", CellBool: "B", CellError: "E"}[c.Kind]
		fmt.Fprintf(&b, " | %s %s %s", c.Ref, kind, c.Raw)
		if c.Formula != "" {
			fmt.Fprintf(&b, " =%s", c.Formula)
		}
		if c.Fixed {
			fmt.Fprintf(&b, " .%d", c.Decimals)
		}
		if c.Percent {
			b.WriteString(" %")
		}
		if c.Grouped {
			b.WriteString(" ,")
		}
	}
	return b.String()
}

// checkSheets compares sheets with what is expected of them: name, hidden
// state, merged ranges and every row.
func checkSheets(t *testing.T, reader string, got []Sheet, want []Sheet, rows map[string][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d sheets, want %d", reader, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.Name || g.Hidden != w.Hidden || !slices.Equal(g.Merges, w.Merges) {
			t.Errorf("%s: sheet %d is %q hidden %q merges %v,\n want %q hidden %q merges %v", reader, i+1, g.Name, g.Hidden, g.Merges, w.Name, w.Hidden, w.Merges)
		}
		var lines []string
		for _, r := range g.Rows {
			lines = append(lines, showRow(r))
		}
		if wl := rows[w.Name]; !slices.Equal(lines, wl) {
			t.Errorf("%s: sheet %q rows\n got %s\nwant %s", reader, w.Name, strings.Join(lines, "\n     "), strings.Join(wl, "\n     "))
		}
	}
}

// TestReadersLibreOffice: a workbook as LibreOffice writes it, with a
// hidden and a very hidden sheet, merged ranges whose covered cells keep
// content Excel does not show, a hidden row and formulas with number
// formats. Both readers give exactly what Excel shows.
func TestReadersLibreOffice(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "lo_hidden_merged.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	// What a careless reader gets: the covered cells' hidden content, and
	// for D12 the formula of the range's first cell evaluated.
	f, err := excelize.OpenReader(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := f.GetRows("数据")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []struct {
		ref      string
		row, col int
		hidden   string
	}{{"B1", 1, 1, "旧标题"}, {"A4", 4, 0, "旧指标"}, {"C6", 6, 2, "9999"}} {
		if v := raw[h.row-1][h.col]; v != h.hidden {
			t.Errorf("the file no longer hides %q in %s (excelize's GetRows reads %q): the test proves nothing", h.hidden, h.ref, v)
		}
	}
	if v, _ := f.GetCellFormula("数据", "D12"); v != "2+3" {
		t.Errorf("excelize reads D12's formula as %q", v)
	}
	f.Close()

	want := []Sheet{
		{SheetInfo: SheetInfo{Name: "数据", Hidden: Visible, Merges: []Merge{
			{Top: 1, Left: 0, Bottom: 1, Right: 4}, {Top: 3, Left: 0, Bottom: 4, Right: 0},
			{Top: 5, Left: 2, Bottom: 6, Right: 2}, {Top: 12, Left: 2, Bottom: 12, Right: 3}}}},
		{SheetInfo: SheetInfo{Name: "旧版勿用", Hidden: Hidden}},
		{SheetInfo: SheetInfo{Name: "2025年（旧）", Hidden: VeryHidden}},
	}
	rows := map[string][]string{
		"数据": {
			"1 | A1 T 2024年教育统计表 | B1 - ",
			"2 | A2 T 指标名称 | B2 T 年度 | C2 T 数值 | D2 T 单位 | E2 T 备注",
			"3 | A3 T 教育支出 | B3 N 2023 | C3 N 68258 | D3 T 万元",
			"4 | A4 -  | B4 N 2024 | C4 N 70001 | D4 T 万元",
			"5 | A5 T 在校生数 | B5 N 2023 | C5 N 4141 | D5 T 人",
			"6 | A6 T 在校生数 | B6 N 2024 | C6 -  | D6 T 人",
			"7 hidden | A7 T 生均经费 | B7 N 2024 | C7 N 17500 | D7 T 元",
			"8 | A8 T 巩固率 | B8 N 2024 | C8 N 48.2859141791045 =4141/8576*100 .2 | D8 T %",
			"9 | A9 T 入园率 | B9 N 2024 | C9 N 0.482859141791045 =4141/8576 .0 %",
			"10 | A10 T 教育经费预算 | B10 N 2024 | C10 N 105001.5 =70001*1.5 .2 , | D10 T 万元",
			"11 | A11 T 生师比 | B11 N 2024 | C11 N 33.3333333333333 =100/3",
			"12 | A12 T 合计 | B12 N 2024 | C12 N 5 =2+3 .2 | D12 -  | E12 T 备注文本",
		},
		"旧版勿用": {
			"1 | A1 T 指标名称 | B1 T 年度 | C1 T 数值",
			"2 | A2 T 教育支出 | B2 N 2024 | C2 N 99999",
		},
		"2025年（旧）": {
			"1 | A1 T 指标名称 | B1 T 年度 | C1 T 数值",
			"2 | A2 T 在校生数 | B2 N 2024 | C2 N 3999",
		},
	}
	careful, err := readXLSX("lo_hidden_merged.xlsx", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	checkSheets(t, "careful", careful, want, rows)
	fast, err := streamSheets("lo_hidden_merged.xlsx", data)
	if err != nil {
		t.Fatalf("the fast reader: %v", err)
	}
	checkSheets(t, "fast", fast, want, rows)

	// The handler gets each sheet's info before its rows, and may refuse
	// the hidden ones.
	h := &recordHandler{skipHidden: true}
	st, err := StreamWorkbook("lo_hidden_merged.xlsx", data, Limits{}, h)
	if err != nil || st.FellBack {
		t.Fatalf("StreamWorkbook: %v, %+v", err, st)
	}
	wantLog := []string{"sheet 数据 merges 4", "row 1", "row 2", "row 3", "row 4", "row 5", "row 6", "row 7", "row 8", "row 9", "row 10", "row 11", "row 12",
		"sheet 旧版勿用 hidden merges 0", "sheet 2025年（旧） veryHidden merges 0"}
	if !slices.Equal(h.log, wantLog) {
		t.Errorf("handler saw %q,\nwant %q", h.log, wantLog)
	}
}

// recordHandler logs what a RowHandler is given.
type recordHandler struct {
	skipHidden bool
	log        []string
	rows       []Row
}

func (h *recordHandler) Sheet(info SheetInfo) bool {
	s := "sheet " + info.Name
	if info.Hidden != Visible {
		s += " " + info.Hidden
	}
	h.log = append(h.log, fmt.Sprintf("%s merges %d", s, len(info.Merges)))
	return !h.skipHidden || info.Hidden == Visible
}

func (h *recordHandler) Row(r Row) error {
	h.log = append(h.log, fmt.Sprintf("row %d", r.Num))
	h.rows = append(h.rows, r)
	return nil
}

func (h *recordHandler) Reset() { h.log, h.rows = nil, nil }

// excelizeShapesBook writes, with excelize's API, the shapes the readers
// must see as Excel shows them: merged ranges (excelize keeps no content in
// covered cells), a hidden row, number formats, and a hidden and a very
// hidden sheet. Column E holds numbers in six formats; with formulas set,
// they are formulas excelize leaves without a cached value (it does not
// calculate), else plain numbers.
func excelizeShapesBook(t *testing.T, formulas bool) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	const sh = "数据"
	must(f.SetSheetName("Sheet1", sh))
	style := func(s *excelize.Style) int {
		id, err := f.NewStyle(s)
		must(err)
		return id
	}
	custom := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }
	fix2, pct2, money, pct1, general := style(&excelize.Style{NumFmt: 2}), style(&excelize.Style{NumFmt: 10}),
		style(&excelize.Style{NumFmt: 4}), style(custom("0.0%")), style(&excelize.Style{NumFmt: 0})
	wan := style(custom(`#,##0.0"万元"`))
	set := func(cell string, v any) { must(f.SetCellValue(sh, cell, v)) }
	set("A1", "2024年统计")
	must(f.MergeCell(sh, "A1", "D1"))
	for i, row := range [][]any{{"指标名称", "年度", "数值", "备注"}, {"教育支出", 2023, 68258}, {nil, 2024, 70001}, {"在校生数", 2023, 4141}, {"在校生数", 2024}} {
		for j, v := range row {
			if v != nil {
				c, _ := excelize.CoordinatesToCellName(j+1, i+2)
				set(c, v)
			}
		}
	}
	must(f.MergeCell(sh, "A3", "A4"))
	must(f.MergeCell(sh, "C5", "C6"))
	set("A7", "生均经费")
	set("B7", 2024)
	set("C7", 17500)
	must(f.SetRowVisible(sh, 7, false))
	for i, c := range []struct {
		value   float64
		formula string
		style   int
	}{
		{48.2858460774226, "C5/8576*100", fix2},
		{0.125, "1/8", pct2},
		{105001.5, "C4*1.5", money},
		{0.0725, "0.0725", pct1},
		{33.3333333333333, "100/3", general},
		{7.0001, "C4/10000", wan},
	} {
		cell := fmt.Sprintf("E%d", i+3)
		if formulas {
			must(f.SetCellFormula(sh, cell, c.formula))
		} else {
			must(f.SetCellFloat(sh, cell, c.value, -1, 64))
		}
		must(f.SetCellStyle(sh, cell, cell, c.style))
	}
	for _, name := range []string{"旧版", "更旧"} {
		_, err := f.NewSheet(name)
		must(err)
		must(f.SetCellValue(name, "A1", "教育支出"))
		must(f.SetCellValue(name, "B1", 99999))
	}
	must(f.SetSheetVisible("旧版", false))
	must(f.SetSheetVisible("更旧", false, true))
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

// TestReadersExcelize: the same shapes as excelize writes them, through
// both readers, and formulas without a cached value through the careful
// reader (the fast one leaves them to it).
func TestReadersExcelize(t *testing.T) {
	want := []Sheet{
		{SheetInfo: SheetInfo{Name: "数据", Hidden: Visible, Merges: []Merge{
			{Top: 1, Left: 0, Bottom: 1, Right: 3}, {Top: 3, Left: 0, Bottom: 4, Right: 0}, {Top: 5, Left: 2, Bottom: 6, Right: 2}}}},
		{SheetInfo: SheetInfo{Name: "旧版", Hidden: Hidden}},
		{SheetInfo: SheetInfo{Name: "更旧", Hidden: VeryHidden}},
	}
	wantSheets := want
	rows := func(e3, e4, e5, e6, e7, e8 string) map[string][]string {
		return map[string][]string{
			"数据": {
				"1 | A1 T 2024年统计",
				"2 | A2 T 指标名称 | B2 T 年度 | C2 T 数值 | D2 T 备注",
				"3 | A3 T 教育支出 | B3 N 2023 | C3 N 68258 | D3 -  | E3 N " + e3 + " .2",
				"4 | A4 -  | B4 N 2024 | C4 N 70001 | D4 -  | E4 N " + e4 + " .2 %",
				"5 | A5 T 在校生数 | B5 N 2023 | C5 N 4141 | D5 -  | E5 N " + e5 + " .2 ,",
				"6 | A6 T 在校生数 | B6 N 2024 | C6 -  | D6 -  | E6 N " + e6 + " .1 %",
				"7 hidden | A7 T 生均经费 | B7 N 2024 | C7 N 17500 | D7 -  | E7 N " + e7,
				"8 | A8 -  | B8 -  | C8 -  | D8 -  | E8 N " + e8 + " .1 ,",
			},
			"旧版": {"1 | A1 T 教育支出 | B1 N 99999"},
			"更旧": {"1 | A1 T 教育支出 | B1 N 99999"},
		}
	}
	t.Run("values", func(t *testing.T) {
		data := excelizeShapesBook(t, false)
		want := rows("48.2858460774226", "0.125", "105001.5", "0.0725", "33.3333333333333", "7.0001")
		careful, err := readXLSX("excelize.xlsx", data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		checkSheets(t, "careful", careful, wantSheets, want)
		fast, err := streamSheets("excelize.xlsx", data)
		if err != nil {
			t.Fatalf("the fast reader: %v", err)
		}
		checkSheets(t, "fast", fast, wantSheets, want)
	})
	t.Run("formulas", func(t *testing.T) {
		data := excelizeShapesBook(t, true)
		want := rows("48.2859141791045 =C5/8576*100", "0.125 =1/8", "105001.5 =C4*1.5", "0.0725 =0.0725", "33.3333333333333 =100/3", "7.0001 =C4/10000")
		careful, err := readXLSX("excelize.xlsx", data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		checkSheets(t, "careful", careful, wantSheets, want)
		h := &recordHandler{}
		st, err := StreamWorkbook("excelize.xlsx", data, Limits{}, h)
		if err != nil {
			t.Fatal(err)
		}
		if st.FellBack {
			t.Errorf("the fast reader left formulas without a cached value to the careful one: %s", st.Reason)
		}
		var got []string
		for _, r := range h.rows[:8] {
			got = append(got, showRow(r))
		}
		if !slices.Equal(got, want["数据"]) {
			t.Errorf("StreamWorkbook gave\n%s", strings.Join(got, "\n"))
		}
	})
}

// TestReadersCoveredAndHidden: crafted packages whose covered cells hold
// text, numbers and formulas (with and without a cached value, a shared
// formula's text), and rows hidden in every spelling; both readers.
func TestReadersCoveredAndHidden(t *testing.T) {
	corpus := genCorpus(t)
	cases := []struct {
		file string
		want []Sheet
		rows map[string][]string
	}{
		{"covered.xlsx", []Sheet{{SheetInfo: SheetInfo{Name: "合并", Merges: []Merge{
			{Top: 1, Left: 0, Bottom: 2, Right: 0}, {Top: 1, Left: 2, Bottom: 2, Right: 3}, {Top: 3, Left: 0, Bottom: 4, Right: 1}, {Top: 5, Left: 1, Bottom: 5, Right: 2}}}}},
			map[string][]string{"合并": {
				"1 | A1 T 2024年统计表 | B1 T 指标 | C1 N 7 | D1 - ",
				"2 | A2 -  | B2 N 4 =C2*2 | C2 -  | D2 - ",
				"3 | A3 T 学校 | B3 -  | C3 N 5 | D3 T 甲",
				// row 4 holds only covered content: as Excel shows it, empty
				"5 | A5 N 1 | B5 N 2",
			}}},
		{"hidden.xlsx", []Sheet{
			{SheetInfo: SheetInfo{Name: "可见"}},
			{SheetInfo: SheetInfo{Name: "隐藏", Hidden: Hidden, Merges: []Merge{{Top: 1, Left: 0, Bottom: 1, Right: 1}}}},
			{SheetInfo: SheetInfo{Name: "深度隐藏", Hidden: VeryHidden}},
			{SheetInfo: SheetInfo{Name: "无状态", Merges: []Merge{{Top: 1, Left: 0, Bottom: 1, Right: 1}}}},
		}, map[string][]string{
			"可见": {"1 hidden | A1 N 1", "2 hidden | A2 N 2", "3 hidden | A3 N 3", "4 | A4 N 4", "5 | A5 N 5",
				"7 | A7 N 7", // a row without r: excelize drops its attributes
				"8 hidden | A8 N 8"},
			"隐藏":   {"1 | A1 T 2024年统计表"},
			"深度隐藏": {"1 | A1 N 1"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			careful, err := readXLSX(tc.file, corpus[tc.file], Limits{})
			if err != nil {
				t.Fatal(err)
			}
			checkSheets(t, "careful", careful, tc.want, tc.rows)
			fast, err := streamSheets(tc.file, corpus[tc.file])
			if err != nil {
				t.Fatal(err)
			}
			checkSheets(t, "fast", fast, tc.want, tc.rows)
		})
	}
}

// TestNumberFormatDecimals: what each format says of the decimals a
// number cell shows, for built-in ids and custom codes alike.
func TestNumberFormatDecimals(t *testing.T) {
	type nf = numFormat
	tests := []struct {
		name string
		got  numFormat
		want numFormat
	}{
		{"General (0)", builtInNumFormat(0), nf{}},
		{"0 (1)", builtInNumFormat(1), nf{fixed: true}},
		{"0.00 (2)", builtInNumFormat(2), nf{fixed: true, decimals: 2}},
		{"#,##0 (3)", builtInNumFormat(3), nf{fixed: true, grouped: true}},
		{"#,##0.00 (4)", builtInNumFormat(4), nf{fixed: true, decimals: 2, grouped: true}},
		{"0% (9)", builtInNumFormat(9), nf{percent: true, fixed: true}},
		{"0.00% (10)", builtInNumFormat(10), nf{percent: true, fixed: true, decimals: 2}},
		{"0.00E+00 (11)", builtInNumFormat(11), nf{}},
		{"# ?/? (12)", builtInNumFormat(12), nf{}},
		{"date (14)", builtInNumFormat(14), nf{date: true}},
		{"#,##0 ;(#,##0) (37)", builtInNumFormat(37), nf{fixed: true, grouped: true}},
		{"#,##0.00;[Red](#,##0.00) (40)", builtInNumFormat(40), nf{fixed: true, decimals: 2, grouped: true}},
		{"_(* #,##0_) (41)", builtInNumFormat(41), nf{fixed: true, grouped: true}},
		{"_($* #,##0.00_) (44)", builtInNumFormat(44), nf{fixed: true, decimals: 2, grouped: true}},
		{"##0.0E+0 (48)", builtInNumFormat(48), nf{}},
		{"@ (49)", builtInNumFormat(49), nf{}},
		{"General", classifyFormat("General"), nf{}},
		{"@", classifyFormat("@"), nf{}},
		{"0", classifyFormat("0"), nf{fixed: true}},
		{"0.00", classifyFormat("0.00"), nf{fixed: true, decimals: 2}},
		{"0.000", classifyFormat("0.000"), nf{fixed: true, decimals: 3}},
		{"#,##0.00", classifyFormat("#,##0.00"), nf{fixed: true, decimals: 2, grouped: true}},
		{"0%", classifyFormat("0%"), nf{percent: true, fixed: true}},
		{"0.00%", classifyFormat("0.00%"), nf{percent: true, fixed: true, decimals: 2}},
		{"0.0%", classifyFormat("0.0%"), nf{percent: true, fixed: true, decimals: 1}},
		{`0.00"万元"`, classifyFormat(`0.00"万元"`), nf{fixed: true, decimals: 2, format: NumberFormat{Code: `0.00"万元"`, Suffix: "万元"}}},
		{`[$¥-804]#,##0.00`, classifyFormat(`[$¥-804]#,##0.00`), nf{fixed: true, decimals: 2, grouped: true}},
		{`#,##0.00_);[Red](#,##0.00)`, classifyFormat(`#,##0.00_);[Red](#,##0.00)`), nf{fixed: true, decimals: 2, grouped: true}},
		{"0.0# (at most two)", classifyFormat("0.0#"), nf{fixed: true, decimals: 2}},
		{"#,##0, (thousands)", classifyFormat("#,##0,"), nf{fixed: true, grouped: true, format: NumberFormat{Code: "#,##0,", Scale: 3}}},
		{"0.0,, (millions)", classifyFormat("0.0,,"), nf{fixed: true, decimals: 1, format: NumberFormat{Code: "0.0,,", Scale: 6}}},
		{"0!.0000 (literal point)", classifyFormat("0!.0000"), nf{fixed: true, decimals: 4, format: NumberFormat{Code: "0!.0000", Scale: 4}}},
		{`0\.0000 (literal point)`, classifyFormat(`0\.0000`), nf{fixed: true, decimals: 4, format: NumberFormat{Code: `0\.0000`, Scale: 4}}},
		{`0"."0000 (literal point)`, classifyFormat(`0"."0000`), nf{fixed: true, decimals: 4, format: NumberFormat{Code: `0"."0000`, Scale: 4}}},
		{`0!.0000"万元"`, classifyFormat(`0!.0000"万元"`), nf{fixed: true, decimals: 4, format: NumberFormat{Code: `0!.0000"万元"`, Suffix: "万元", Scale: 4}}},
		{`0"万元"`, classifyFormat(`0"万元"`), nf{fixed: true, format: NumberFormat{Code: `0"万元"`, Suffix: "万元"}}},
		{`"约"0"人"`, classifyFormat(`"约"0"人"`), nf{fixed: true, format: NumberFormat{Code: `"约"0"人"`, Prefix: "约", Suffix: "人"}}},
		{`[$万元]0 (currency text)`, classifyFormat(`0[$万元]`), nf{fixed: true, format: NumberFormat{Code: `0[$万元]`, Suffix: "万元"}}},
		{`General"万元"`, classifyFormat(`General"万元"`), nf{format: NumberFormat{Code: `General"万元"`, Suffix: "万元"}}},
		{`0.0\% (literal percent)`, classifyFormat(`0.0\%`), nf{fixed: true, decimals: 1, format: NumberFormat{Code: `0.0\%`, Suffix: "%"}}},
		{`¥#,##0.00 (currency sign)`, classifyFormat(`¥#,##0.00`), nf{fixed: true, decimals: 2, grouped: true}},
		{`+0.00%;-0.00% (growth sign)`, classifyFormat(`+0.00%;-0.00%`), nf{percent: true, fixed: true, decimals: 2}},
		{`_ * #,##0_ ;_ * -#,##0_ ;_ * "-"_ ;_ @_  (accounting)`, classifyFormat(`_ * #,##0_ ;_ * -#,##0_ ;_ * "-"_ ;_ @_ `), nf{fixed: true, grouped: true}},
		{`# ##0 (space grouping)`, classifyFormat(`# ##0`), nf{fixed: true}},
		{`000-0000 (text among digits)`, classifyFormat(`000-0000`), nf{fixed: true, format: NumberFormat{Code: `000-0000`, Unreadable: true}}},
		{`[>=10000]0!.0,"万";0 (conditional scale)`, classifyFormat(`[>=10000]0!.0,"万";0`), nf{format: NumberFormat{Code: `[>=10000]0!.0,"万";0`, Unreadable: true}}},
		{"0.00E+00", classifyFormat("0.00E+00"), nf{}},
		{"# ?/?", classifyFormat("# ?/?"), nf{}},
		{"[>=100]0;0.0", classifyFormat("[>=100]0;0.0"), nf{}},
		{`yyyy"年"`, classifyFormat(`yyyy"年"`), nf{date: true}},
		{`0.0"%"`, classifyFormat(`0.0"%"`), nf{fixed: true, decimals: 1, format: NumberFormat{Code: `0.0"%"`, Suffix: "%"}}},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, tc.got, tc.want)
		}
	}
}

// TestStreamPrescanChunkEdge: the pre-scan finds "</sheetData" and the
// merged ranges after it wherever the end tag falls against the edge of
// the scanning buffer, split or not.
func TestStreamPrescanChunkEdge(t *testing.T) {
	sheet := func(pad int) string {
		return worksheetXML("", `<row r="1"><c r="A1" t="inlineStr"><is><t>`+strings.Repeat("x", pad)+
			`</t></is></c><c r="B1"><v>1</v></c><c r="C1"><v>2</v></c></row><row r="2"><c r="A2"><v>3</v></c></row>`,
			`<mergeCells count="1"><mergeCell ref="B1:C1"/></mergeCells>`)
	}
	base := sheet(0)
	at := strings.Index(base, "</sheetData")
	for k := -2; k <= len("</sheetData>")+1; k++ {
		pad := scanChunk - k - at
		xml := sheet(pad)
		if got := strings.Index(xml, "</sheetData"); got != scanChunk-k {
			t.Fatalf("end tag at %d, want %d", got, scanChunk-k)
		}
		data := genBook{sheets: []genSheet{{name: "S", xml: xml}}}.bytes(t)
		shs, err := streamSheets("edge.xlsx", data)
		if err != nil {
			t.Fatalf("end tag %d bytes before the edge: %v", k, err)
		}
		want := []Merge{{Top: 1, Left: 1, Bottom: 1, Right: 2}}
		if !slices.Equal(shs[0].Merges, want) || len(shs[0].Rows) != 2 || shs[0].Rows[0].Col(2) != (Cell{Ref: "C1"}) {
			t.Errorf("end tag %d bytes before the edge: merges %v, %d rows, C1 %+v", k, shs[0].Merges, len(shs[0].Rows), shs[0].Rows[0].Col(2))
		}
	}
}
