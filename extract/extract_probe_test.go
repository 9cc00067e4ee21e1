package extract

import (
	"os"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// probeCatalogue is the fixtures' catalogue with 专任教师数 added and
// 教师平均工资 reported for 2023 and 2024, as the lo_merged_header_ordinal,
// lo_year_*, lo_hidden_newer and lo_label_ordinal fixtures need.
func probeCatalogue(t *testing.T) *config.Config {
	t.Helper()
	cfg := testCatalogue(t)
	cfg.Indicators = append(cfg.Indicators,
		config.Indicator{ID: "teachers.total", Name: "专任教师数", Unit: "人", Owner: "edu", Required: true, Periods: []string{"2023", "2024"}})
	for i := range cfg.Indicators {
		if cfg.Indicators[i].ID == "pay.teacher_avg" {
			cfg.Indicators[i].Periods = []string{"2023", "2024"}
		}
	}
	return cfg
}

// streamFixture extracts a fixture through the streaming reader, as the
// sync does.
func streamFixture(t *testing.T, cfg *config.Config, name string) ([]sheaf.Observation, []sheaf.Finding, []sheaf.SheetOutcome) {
	t.Helper()
	data, err := os.ReadFile("../sheets/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var obs []sheaf.Observation
	var fs []sheaf.Finding
	x := NewExtractor(cfg, nil).Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { fs = append(fs, f) })
	if _, err := sheets.StreamWorkbook(name, data, sheets.Limits{}, streamTo{x}); err != nil {
		t.Fatal(err)
	}
	x.Finish()
	return obs, fs, x.Outcomes()
}

// TestMergedHeaderOverOrdinals: "指标" merged over A1:B1, ordinals in A
// ("（一）", "▲", 1) and names in B. A reader taking column A as the name
// loses every row, and the required 专任教师数 would be flagged 未报送.
func TestMergedHeaderOverOrdinals(t *testing.T) {
	obs, fs, out := streamFixture(t, probeCatalogue(t), "lo_merged_header_ordinal.xlsx")
	assertObs(t, obs,
		"教师!D2 teachers.total@2023 = 2950/0 raw 2950",
		"教师!D3 teachers.total@2024 = 3010/0 raw 3010",
		"教师!D4 pay.teacher_avg@2023 = 80000/0 raw 80000",
		"教师!D5 pay.teacher_avg@2024 = 85000/0 raw 85000",
	)
	assertFindings(t, fs)
	assertOutcomes(t, out, "教师 read 4")
	for i, want := range []string{"专任教师数", "专任教师数", "教师平均工资", "教师平均工资"} {
		if i < len(obs) && obs[i].Label != want {
			t.Errorf("%s: label %q, want %q", obs[i].Cell, obs[i].Label, want)
		}
	}

	// Constructed: a name in the first column of the span is taken as
	// written; a row with only an ordinal in the span is no name.
	cfg := probeCatalogue(t)
	obs, fs, _ = run(t, cfg, nil, sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "表", Merges: []sheets.Merge{{Top: 1, Left: 0, Bottom: 1, Right: 1}}}, Rows: []sheets.Row{
		r(1, "指标", "", "数值"),
		r(2, "专任教师数", "", "#3010"),
		r(3, "一", "保安员人数", "#12"),
	}})
	assertObs(t, obs,
		"表!C2 teachers.total@2024 = 3010/0 raw 3010",
		"表!C3 safety.guards@2024 = 12/0 raw 12",
	)
	assertFindings(t, fs)
	if len(obs) == 2 && (obs[0].Label != "专任教师数" || obs[1].Label != "保安员人数") {
		t.Errorf("labels %q, %q", obs[0].Label, obs[1].Label)
	}
}

// TestValueWithoutName: a row with a value but no name, or a name that is
// only an ordinal, is an unknown row naming its cells; a careless reader
// drops 85000 and 99999 without a word. Rows under a merged name and rows
// without a value stay quiet.
func TestValueWithoutName(t *testing.T) {
	obs, fs, out := streamFixture(t, probeCatalogue(t), "lo_label_ordinal.xlsx")
	assertObs(t, obs, "表!D2 teachers.total@2024 = 3010/0 raw 3010")
	assertFindings(t, fs, "unknown info ! @|2 行不在指标目录中，未读取：表!A3 第 3 行没有可识别的指标名称：「合计」「99999」；表!A4 第 4 行没有可识别的指标名称：「2」「（二）」「2024」「85000」")
	assertOutcomes(t, out, "表 read 1")

	cfg := probeCatalogue(t)
	obs, fs, _ = run(t, cfg, nil, sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "表", Merges: []sheets.Merge{{Top: 2, Left: 0, Bottom: 3, Right: 0}}}, Rows: []sheets.Row{
		r(1, "指标名称", "年度", "数值"),
		r(2, "专任教师数", "#2023", "#2950"),
		r(3, "", "#2024", "#3010"), // under the merged name
		r(4, "", "", ""),           // no value
		r(5, "合计", "", "#5960"),    // a total in the name column: unknown as before
		r(6, "▲", "#2024", "#7"),
	}})
	assertObs(t, obs,
		"表!C2 teachers.total@2023 = 2950/0 raw 2950",
		"表!C3 teachers.total@2024 = 3010/0 raw 3010",
	)
	assertFindings(t, fs, "unknown info ! @|2 行不在指标目录中，未读取：表!A5 合计；表!A6 第 6 行没有可识别的指标名称：「▲」「2024」「7」")
}

// TestYearFromSheetNameAndTitle: a table without a period column takes the
// year its sheet name or title gives. A careless reader files the 2023
// sheet's figures as 2024's, status ok.
func TestYearFromSheetNameAndTitle(t *testing.T) {
	cfg := probeCatalogue(t)
	obs, fs, out := streamFixture(t, cfg, "lo_year_sheet_name.xlsx")
	assertObs(t, obs,
		"2023年!B3 teachers.total@2023 = 2950/0 raw 2950",
		"2023年!B4 pay.teacher_avg@2023 = 80000/0 raw 80000",
		"2024年!B3 teachers.total@2024 = 3010/0 raw 3010",
	)
	assertFindings(t, fs)
	assertOutcomes(t, out, "2023年 read 2", "2024年 read 1")

	obs, fs, _ = streamFixture(t, cfg, "lo_year_title.xlsx")
	assertObs(t, obs, "Sheet1!B3 pay.teacher_avg@2023 = 80000/0 raw 80000")
	assertFindings(t, fs)

	sheet := func(name string, rows ...sheets.Row) sheets.Sheet {
		return sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: name}, Rows: rows}
	}
	cases := []struct {
		name     string
		sheet    sheets.Sheet
		obs      []string
		findings []string
	}{
		{
			name: "sheet name and title disagree",
			sheet: sheet("2023年（旧）",
				r(1, "2024年度教育统计表"),
				r(2, "指标名称", "数值"),
				r(3, "专任教师数", "#2950"),
				r(4, "教师平均工资", "#80000"),
			),
			findings: []string{
				"invalid error 2023年（旧）!B3 teachers.total@|专任教师数：无法确定年度：表中没有年度列，工作表名「2023年（旧）」、A1「2024年度教育统计表」写的年度不同（2023年、2024年）",
				"invalid error 2023年（旧）!B4 pay.teacher_avg@|教师平均工资：无法确定年度",
			},
		},
		{
			name: "a date line is no title",
			sheet: sheet("Sheet1",
				r(1, "填报单位：县教育局", "填报日期：2025年1月10日"),
				r(2, "统计截至2023年12月31日"),
				r(3, "指标名称", "数值"),
				r(4, "专任教师数", "#3010"),
			),
			obs: []string{"Sheet1!B4 teachers.total@2024 = 3010/0 raw 3010"},
		},
		{
			// A blank period cell in a table the sheet and its title say
			// is 2023's is 2023, not the indicator's only period: a
			// careless reader stores 12 guards for 2024, ok.
			name: "a period column decides, not the title, but a blank is the title's",
			sheet: sheet("2023年",
				r(1, "2023年度履行教育职责自评"),
				r(2, "指标名称", "年度", "数值"),
				r(3, "专任教师数", "#2024", "#3010"),
				r(4, "保安员人数", "", "#12"),
			),
			obs:      []string{"2023年!C3 teachers.total@2024 = 3010/0 raw 3010"},
			findings: []string{"invalid error 2023年!B4 safety.guards@2023|保安员人数：年度 2023年 不在该指标的填报年度内（2024年）；年度列为空，年度取自工作表名「2023年」"},
		},
		{
			name: "a blank period under titles that disagree is the indicator's",
			sheet: sheet("2023年",
				r(1, "2024年度履行教育职责自评"),
				r(2, "指标名称", "年度", "数值"),
				r(3, "专任教师数", "#2023", "#2950"),
				r(4, "保安员人数", "", "#12"),
			),
			obs: []string{
				"2023年!C3 teachers.total@2023 = 2950/0 raw 2950",
				"2023年!C4 safety.guards@2024 = 12/0 raw 12",
			},
		},
		{
			name: "a blank period under the title's year",
			sheet: sheet("Sheet1",
				r(1, "2024年度履行教育职责自评"),
				r(2, "指标名称", "年度", "数值"),
				r(3, "保安员人数", "", "#12"),
			),
			obs: []string{"Sheet1!C3 safety.guards@2024 = 12/0 raw 12"},
		},
		{
			name: "each table its own title",
			sheet: sheet("Sheet1",
				r(1, "2023年教育统计表"),
				r(2, "指标名称", "数值"),
				r(3, "专任教师数", "#2950"),
				r(5, "2024年教育统计表"),
				r(6, "指标名称", "数值"),
				r(7, "专任教师数", "#3010"),
				r(9, "指标名称", "数值"),
				r(10, "保安员人数", "#12"),
			),
			obs: []string{
				"Sheet1!B3 teachers.total@2023 = 2950/0 raw 2950",
				"Sheet1!B7 teachers.total@2024 = 3010/0 raw 3010",
				"Sheet1!B10 safety.guards@2024 = 12/0 raw 12",
			},
		},
		{
			// A careless reader takes a half year's figures for the
			// year's, under the cycle's period: 8000 for 2024, ok.
			name: "a part of the year in the title is not the year",
			sheet: sheet("Sheet1",
				r(1, "2024年1-6月教育经费执行情况表"),
				r(2, "指标名称", "数值"),
				r(3, "生均经费", "#8000"),
			),
			findings: []string{"invalid error Sheet1!B3 pay.per_student@2024M01-06|生均经费：年度 2024年1-6月 不在该指标的填报年度内（2024年）；表中没有年度列，年度取自A1「2024年1-6月"},
		},
		{
			name: "a quarter's sheet",
			sheet: sheet("2024年第二季度",
				r(1, "指标名称", "数值"),
				r(2, "生均经费", "#4000"),
			),
			findings: []string{"invalid error 2024年第二季度!B2 pay.per_student@2024Q2|年度 2024年第2季度 不在该指标的填报年度内"},
		},
		{
			// 本期 of a third quarter's table is that quarter, and 上年同期
			// the same quarter a year before: neither is 2024 nor 2023.
			name: "this period of a quarter",
			sheet: sheet("Sheet1",
				r(1, "2024年第三季度教育经费"),
				r(2, "指标名称", "本期", "上年同期"),
				r(3, "生均经费", "#5000", "#4000"),
			),
			findings: []string{
				"unknown info Sheet1!B3 @2024Q3|「本期」列（2024年第3季度）的 1 个数值（生均经费）不在相应指标的填报年度内",
				"unknown info Sheet1!C3 @2023Q3|「上年同期」列（2023年第3季度）的 1 个数值（生均经费）不在相应指标的填报年度内",
			},
		},
		{
			name: "a year the indicator is not reported for",
			sheet: sheet("2023",
				r(1, "指标名称", "数值"),
				r(2, "生均经费", "#17500"),
			),
			findings: []string{"invalid error 2023!B2 pay.per_student@2023|生均经费：年度 2023年 不在该指标的填报年度内（2024年）；表中没有年度列，年度取自工作表名「2023」"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obs, fs, _ := run(t, cfg, nil, tc.sheet)
			assertObs(t, obs, tc.obs...)
			assertFindings(t, fs, tc.findings...)
		})
	}
}

func TestTitleYears(t *testing.T) {
	for text, want := range map[string]string{
		"2023年":             "2023",
		"2023":              "2023",
		"2023年度":            "2023",
		"2023年（旧）":          "2023",
		"2023年度教育统计表":       "2023",
		"汇总2023":            "2023",
		"填报日期：2025年1月10日":   "",
		"2025年1月10日":        "",
		"2024-01-05":        "",
		"2024年12月":          "",
		"2024年第一季度":         "2024Q1",
		"2024年 2季度报表":       "2024Q2",
		"2024年上半年":          "2024M01-06",
		"2024年下半年":          "2024M07-12",
		"2024年前三季度":         "2024M01-09",
		"2024年1-6月教育经费执行情况": "2024M01-06",
		"2024年1—11月":        "2024M01-11",
		"2024年1至12月":        "2024",
		"2024年全年":           "2024",
		"2024年6-1月":         "",
		"2024年首月":           "",
		"2024年第一季度至第三季度教育经费": "2024M01-09",
		"2024年一季度—三季度":       "2024M01-09",
		"2024年第一至第四季度":       "2024",
		"2024年第三季度至第一季度":     "",
		"2024年第一季度、第二季度":     "",
		"电话 13820231234":     "",
		"Sheet1":             "",
		"2023—2024学年教育统计表":   "2023 2024",
	} {
		if got := strings.Join(titleYears(text), " "); got != want {
			t.Errorf("TitleYears(%q) = %q, want %q", text, got, want)
		}
	}
}

// TestHiddenSheetDisagrees: a skipped hidden sheet ("汇总(修订)") giving
// another value than the visible sheet is a version warning naming both
// cells: a careless reader keeps 3010 silently while the revision says
// 3055.
func TestHiddenSheetDisagrees(t *testing.T) {
	cfg := probeCatalogue(t)
	obs, fs, out := streamFixture(t, cfg, "lo_hidden_newer.xlsx")
	assertObs(t, obs,
		"汇总!C2 teachers.total@2024 = 3010/0 raw 3010",
		"汇总!C3 pay.teacher_avg@2024 = 85000/0 raw 85000",
	)
	assertFindings(t, fs,
		"hidden_sheet info 汇总(修订)!C2 teachers.total@2024|在隐藏工作表「汇总(修订)」中有此项，未读取",
		"hidden_sheet info 汇总(修订)!C3 pay.teacher_avg@2024",
		"version warning 汇总(修订)!C2 teachers.total@2024|专任教师数（2024年）：隐藏工作表「汇总(修订)」!C2 为 3055人，与采用的「汇总」!C2 的 3010人 不同；隐藏的工作表未读取，请确认哪个是最新的数据，并删除或更正另一个",
		"version warning 汇总(修订)!C3 pay.teacher_avg@2024|教师平均工资（2024年）：隐藏工作表「汇总(修订)」!C3 为 86500元，与采用的「汇总」!C3 的 85000元 不同",
	)
	if len(fs) == 4 && fs[2].Raw != "3055" {
		t.Errorf("version finding raw = %q, want 3055", fs[2].Raw)
	}
	assertOutcomes(t, out, "汇总 read 2", "汇总(修订) hidden 0")

	book := func(hiddenName string, hiddenFirst bool, hiddenRows ...sheets.Row) []sheets.Sheet {
		vis := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "汇总"}, Rows: []sheets.Row{
			r(1, "指标名称", "数值"),
			r(2, "专任教师数", "#3010"),
			r(3, "教育支出", "#68211"),
			r(4, "专任教师数", "#2999"), // a second row: the first counts here
		}}
		hid := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: hiddenName, Hidden: sheets.Hidden}, Rows: append([]sheets.Row{r(1, "指标名称", "数值")}, hiddenRows...)}
		if hiddenFirst {
			return []sheets.Sheet{hid, vis}
		}
		return []sheets.Sheet{vis, hid}
	}
	cases := []struct {
		name   string
		sheets []sheets.Sheet
		want   []string
	}{
		{"hidden sheet first", book("修订", true, r(2, "专任教师数", "#3055")), []string{
			"hidden_sheet info 修订!B2 teachers.total@2024",
			"version warning 修订!B2 teachers.total@2024|隐藏工作表「修订」!B2 为 3055人，与采用的「汇总」!B2 的 3010人 不同",
		}},
		{"values that agree", book("修订", false, r(2, "专任教师数", "3010人"), r(3, "教育支出", "682110000元")), []string{
			"hidden_sheet info 修订!B2 teachers.total@2024",
			"hidden_sheet info 修订!B3 edu.spend@2024",
		}},
		{"an approximate value that covers it", book("修订", false, r(2, "专任教师数", "约3000")), []string{
			"hidden_sheet info 修订!B2 teachers.total@2024",
		}},
		{"a figure only the hidden sheet gives", book("修订", false, r(2, "保安员人数", "#12")), []string{
			"hidden_sheet info 修订!B2 safety.guards@2024",
		}},
		{"a sheet named as old", book("旧版勿用", false, r(2, "专任教师数", "#2800")), []string{
			"hidden_sheet info 旧版勿用!B2 teachers.total@2024",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, fs, _ := run(t, cfg, nil, tc.sheets...)
			assertFindings(t, fs, tc.want...)
		})
	}

	// Read hidden sheets: both values are read and reconciled as any two.
	cfg.Extraction.HiddenSheets = config.HiddenSheetsRead
	obs, fs, _ = run(t, cfg, nil, book("修订", false, r(2, "专任教师数", "#3055"))...)
	if len(obs) != 4 || len(fs) != 0 {
		t.Errorf("hidden_sheets: read gave %d observations and findings %v, want 4 and none", len(obs), fs)
	}
}

// TestQuarterRangeTitleIsItsMonths: a table titled 第一季度至第三季度 is the
// first nine months, not the first quarter: a careless reader stores its
// total for 2024Q1, ok.
func TestQuarterRangeTitleIsItsMonths(t *testing.T) {
	cfg := testCatalogue(t)
	cfg.Indicators = append(cfg.Indicators, config.Indicator{ID: "edu.q", Name: "教育支出累计", Unit: "万元", Owner: "edu", Periods: []string{"2024Q1", "2024M01-09"}})
	obs, fs, _ := run(t, cfg, nil, sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "2024年第一季度至第三季度教育经费执行情况"),
		r(2, "指标", "数值"),
		r(3, "教育支出累计", "#52000"),
	}})
	assertObs(t, obs, "S!B3 edu.q@2024M01-09 = 52000/0 raw 52000")
	assertFindings(t, fs)
}
