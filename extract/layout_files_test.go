package extract

import (
	"bytes"
	"os"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// formsListsWorkbook writes the workbook of lo_forms_lists.fods with
// excelize: a form sheet with a merged title and a merged label, a list
// with a merged title, a hidden school, a 合计 row of formulas and a note.
func formsListsWorkbook(t *testing.T) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(x.SetSheetName("Sheet1", "基本情况"))
	set := func(sheet, cell string, v any) { must(x.SetCellValue(sheet, cell, v)) }
	set("基本情况", "A1", "2024年教育基本情况表")
	must(x.MergeCell("基本情况", "A1", "F1"))
	set("基本情况", "A2", "填报单位：尚志市教育局")
	set("基本情况", "A3", "学校总数（所）")
	must(x.MergeCell("基本情况", "A3", "B3"))
	set("基本情况", "C3", 44)
	set("基本情况", "D3", "其中：小学")
	set("基本情况", "E3", 16)
	set("基本情况", "A4", "在校生数（人）")
	set("基本情况", "C4", "教师平均工资（元）")
	set("基本情况", "A5", 36614)
	set("基本情况", "C5", 97987.6)
	set("基本情况", "A7", "联系电话")
	set("基本情况", "B7", 13800000000)
	_, err := x.NewSheet("学校名册")
	must(err)
	set("学校名册", "A1", "2024年学校名册")
	must(x.MergeCell("学校名册", "A1", "D1"))
	for i, row := range [][]any{
		{"学校名称", "学校类型", "教职工数", "在校生数（人）"},
		{"第一小学", "小学", 50, 800},
		{"第二小学", "小学", 40, 600},
		{"第一中学", "初中", 60, 900},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		must(x.SetSheetRow("学校名册", cell, &row))
	}
	must(x.SetRowVisible("学校名册", 4, false))
	set("学校名册", "A6", "合 计")
	must(x.SetCellFormula("学校名册", "C6", "SUM(C3:C5)"))
	must(x.SetCellFormula("学校名册", "D6", "SUM(D3:D5)"))
	must(x.UpdateLinkedValue())
	set("学校名册", "A7", "注：教职工数含代课教师")
	var buf bytes.Buffer
	must(x.Write(&buf))
	return buf.Bytes()
}

// TestFormsAndListsInFiles reads the form and the list as LibreOffice and
// excelize write them, streamed and whole: every figure exact and at its
// cell, the hidden school counted, the 合计 row not; the list's two
// primary schools against the form's 16 is a breakdown difference.
func TestFormsAndListsInFiles(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	dept.Lists = []config.List{{Sheet: "学校名册", Key: "学校名称", Figures: []config.ListFigure{
		{Indicator: "staff.total", Derive: "sum(教职工数)"},
		{Indicator: "schools.primary", Derive: "count where 学校类型 = 小学"},
	}}}
	lo, err := os.ReadFile("../sheets/testdata/layouts/lo_forms_lists.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"libreoffice": lo, "excelize": formsListsWorkbook(t)}
	for _, name := range []string{"libreoffice", "excelize"} {
		for _, mode := range []string{"stream", "whole"} {
			t.Run(name+"/"+mode, func(t *testing.T) {
				var obs []sheaf.Observation
				var fs []sheaf.Finding
				x := NewCatalogue(cfg).Extractor(dept).Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { fs = append(fs, f) })
				if mode == "stream" {
					if _, err := sheets.StreamWorkbook("f.xlsx", files[name], sheets.Limits{}, streamTo{x}); err != nil {
						t.Fatal(err)
					}
				} else {
					shs, err := sheets.ReadWorkbook("f.xlsx", files[name], sheets.Limits{})
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
					x.Finish()
				}
				if mode == "stream" {
					x.Finish()
				}
				assertObs(t, obs,
					"基本情况!C3 schools.total@2024 = 44/0 raw 44",
					"基本情况!E3 schools.primary@2024 = 16/0 raw 16",
					"基本情况!A5 students.total@2024 = 36614/0 raw 36614",
					"基本情况!C5 pay.teacher_avg@2024 = 97987.6/1 raw 97987.6",
					"学校名册!A3:D5 staff.total@2024 = 150/0 raw sum(教职工数)",
					"学校名册!A3:D5 schools.primary@2024 = 2/0 raw count where 学校类型 = 小学",
				)
				assertFindings(t, fs,
					"conflict warning 学校名册!A3:D5 schools.primary@2024|按 count where 学校类型 = 小学 计算为 2所|「基本情况」!E3 填报的 「16」",
					"conflict warning 基本情况!E3 schools.primary@2024|计算为 2所",
					"unknown info ! @|基本情况!A7 联系电话")
				assertOutcomes(t, x.Outcomes(), "基本情况 read 4", "学校名册 read 2")
			})
		}
	}
}

// TestExampleSchoolRegister reads the example's school register as its
// department keeps it: 44 schools, the 合计 row (written in the 序号
// column, merged over 学校名称) neither a school nor a difference.
func TestExampleSchoolRegister(t *testing.T) {
	cfg, err := config.Load("../examples/shangzhi-2024/sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dept, ok := cfg.Department("edu-basic")
	if !ok {
		t.Fatal("no department edu-basic in the example")
	}
	const name = "2024年学校名册.xlsx"
	data, err := os.ReadFile("../examples/shangzhi-2024/inbox/教育局基础教育科/" + name)
	if err != nil {
		t.Fatal(err)
	}
	shs, err := sheets.ReadWorkbook(name, data, sheets.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	obs, fs, out := NewExtractor(cfg, dept).ExtractOutcomes(shs)
	assertObs(t, obs,
		"学校名册!A4:F47 schools.total@2024 = 44/0 raw count",
		"学校名册!A4:F47 schools.primary@2024 = 16/0 raw count where 学校类型 = 小学",
		"学校名册!A4:F47 schools.nine_year@2024 = 11/0 raw count where 学校类型 = 九年一贯制学校",
		"学校名册!A4:F47 staff.total@2024 = 4141/0 raw sum(教职工数)",
		"学校名册!A4:F47 students.total@2024 = 36614/0 raw sum(在校生数)",
	)
	assertFindings(t, fs)
	assertOutcomes(t, out, "学校名册 read 5")
}
