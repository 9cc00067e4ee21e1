package report

import (
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestFunctions runs each template function on the fixture's figures.
func TestFunctions(t *testing.T) {
	tests := []struct {
		name, template, want string
	}{
		{"fig with thousands", `{{fig "staff.total"}}`, "4,141人"},
		{"fig 万元 with 0 decimals", `{{fig "fund.edu_spend" "2022"}}`, "68,211万元"},
		{"fig 元 as written when the indicator sets no decimals", `{{fig "pay.teacher_avg"}}`, "97,987.6元"},
		{"fig with the indicator's decimals", `{{fig "fund.spent_q2"}}`, "27,216.8万元"},
		{"fig percent", `{{fig "fund.progress_rate"}}`, "48.29%"},
		{"fig ratio", `{{fig "special.ratio"}}`, "1:4.1"},
		{"fig percentage points", `{{fig "compulsory.met_rate_gain"}}`, "3个百分点"},
		{"fig only declared period", `{{fig "health.examined"}}`, "36,000人【待核实：约数】"},
		{"fig missing", `{{fig "schools.special"}}`, "【缺：特殊教育学校数，市教育局】"},
		{"fig missing names a period other than the default", `{{fig "fund.edu_spend" "2023"}}`, "68,258万元"},
		{"fig accepted", `{{fig "rotation.teachers"}}`, "69人"},
		{"num", `{{num "staff.total"}}`, "4,141"},
		{"num ratio", `{{num "special.ratio"}}`, "4.1"},
		{"num doubtful", `{{num "students.total"}}`, "36,614【待核实：数值不一致】"},
		{"num missing", `{{num "schools.special"}}`, "【缺：特殊教育学校数，市教育局】"},
		{"pct", `{{pct "fund.spent_q2" "fund.budget"}}`, "48.29%"},
		{"pct decimals", `{{pct "fund.spent_q2" "fund.budget" 1}}`, "48.3%"},
		{"pct of a period", `{{pct "fund.edu_spend@2023" "fund.edu_spend@2022" 3}}`, "100.069%"},
		{"pct of a missing figure", `{{pct "schools.special" "schools.total"}}`, "【缺：特殊教育学校数，市教育局】"},
		{"pct doubtful inputs", `{{pct "kg.public" "kg.total" 0}}`,
			"45%【待核实：公办幼儿园数，校验不通过：幼儿园数应等于公办园与民办园之和】【待核实：幼儿园数，校验不通过：幼儿园数应等于公办园与民办园之和】"},
		// The same thing in different units is compared in one: a careless
		// quotient of 56366 万元 over 195.2 亿元 is 28876.02%.
		{"pct across units", `{{pct "fund.budget" "gdp"}}`, "2.89%"},
		{"per across units", `{{per "special.teachers" "students.wan" 1000}}`, "0.98"},
		{"yi of 万元", `{{yi "fund.budget"}}`, "5.64亿"},
		{"yi of 亿元", `{{yi "gdp"}}`, "195.2亿"},
		{"wan of 万元", `{{wan "fund.budget"}}`, "56366万"},
		{"ratio", `{{ratio "special.students" "special.teachers"}}`, "1:4.1"},
		{"ratio decimals", `{{ratio "special.students" "special.teachers" 2}}`, "1:4.06"},
		{"ratio divides by zero", `{{ratio "special.students" "zero"}}`, "【待核实：零值为0，无法计算】"},
		{"diff", `{{diff "fund.edu_spend" "2022" "2023"}}`, "47万元"},
		{"diff down", `{{diff "fund.edu_spend" "2023" "2022"}}`, "-47万元"},
		{"diff of percentages", `{{diff "health.myopia_rate" "2022" "2023"}}`, "降低1.45个百分点"},
		{"growth", `{{growth "fund.edu_spend" "2022" "2023"}}`, "增长了0.07%（47万元）"},
		{"growth down", `{{growth "health.myopia_rate" "2022" "2023"}}`, "降低1.45个百分点"},
		{"growth flat", `{{growth "flat" "2022" "2023"}}`, "持平"},
		// From a loss, a rate means nothing (-12.5 to 203.5 is no 1728% growth).
		{"growth from a negative base", `{{growth "loss" "2022" "2023"}}`, "增长了216.0万元"},
		{"yoy from a negative base", `{{yoy "loss" "2022" "2023"}}`, "同比增加216.0万元"},
		{"growth missing", `{{growth "pay.civil_avg" "2023" "2024"}}`, "【缺：本地公务员平均年工资收入（2023年），市人社局】"},
		{"parts", `{{parts "教师进修学校" "schools.teacher_training" "小学" "schools.primary" "初级中学" "schools.junior"}}`,
			"教师进修学校1所、小学16所、初级中学3所"},
		{"parts marked", `{{parts "小学" "schools.primary" "特殊教育学校" "schools.special"}}`,
			"小学16所、特殊教育学校【缺：特殊教育学校数，市教育局】"},
		{"standards", `{{standards}}`, "- 特殊教育学校师生比未达到1:3.1的省定标准"},
		{"explanations", `{{explanations}}`,
			"- 市教育局关于轮岗交流教师数（2024年）的说明：3名教师因病延至2025年春季学期轮岗。"},
		{"dot", `{{.Title}}|{{.Period}}|{{.PeriodWord}}|{{.Date}}|{{.AsOf.Format "15:04"}}|{{len .Changes}}`,
			"尚志市2024年度履行教育职责自评报告|2024|2024年|2025年3月20日|17:00|2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testData(t)
			got, err := render("t.tmpl", "t.tmpl", tt.template, d)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if got != tt.want {
				t.Errorf("%s\n got %s\nwant %s", tt.template, got, tt.want)
			}
		})
	}
}

// testData is the fixture with two more indicators: one of value 0, and
// one that did not change between two periods.
func testData(t *testing.T) Data {
	d := inlineGrouped(fixture(t))
	d.Config.Indicators = append(d.Config.Indicators,
		indicator("zero", "零值", "人", "edu"),
		indicator("flat", "不变值", "万元", "finance", "2022", "2023"),
		indicator("gdp", "地区生产总值", "亿元", "finance"),
		indicator("loss", "结余", "万元", "finance", "2022", "2023"),
		indicator("students.wan", "在校生（万人）", "万人", "edu"),
	)
	for i := range d.Config.Indicators {
		if d.Config.Indicators[i].ID == "pay.civil_avg" {
			d.Config.Indicators[i].Periods = []string{"2023", "2024"}
		}
	}
	d.Figures = append(d.Figures,
		sheaf.Figure{Indicator: "zero", Period: "2024", HasValue: true, Status: sheaf.StatusOK},
		sheaf.Figure{Indicator: "flat", Period: "2022", Value: 12.5, HasValue: true, Status: sheaf.StatusOK},
		sheaf.Figure{Indicator: "flat", Period: "2023", Value: 12.5, HasValue: true, Status: sheaf.StatusOK},
		sheaf.Figure{Indicator: "loss", Period: "2022", Value: -12.5, Decimals: 1, HasValue: true, Status: sheaf.StatusOK},
		sheaf.Figure{Indicator: "loss", Period: "2023", Value: 203.5, Decimals: 1, HasValue: true, Status: sheaf.StatusOK},
		sheaf.Figure{Indicator: "gdp", Period: "2024", Value: 195.2, Decimals: 1, HasValue: true, Status: sheaf.StatusOK},
		sheaf.Figure{Indicator: "students.wan", Period: "2024", Value: 3.6614, Decimals: 4, HasValue: true, Status: sheaf.StatusOK},
	)
	return d
}

func indicator(id, name, unit, owner string, periods ...string) config.Indicator {
	return config.Indicator{ID: id, Name: name, Unit: unit, Owner: owner, Periods: periods}
}

// TestListsWhenEmpty: with no failing standard and no accepted flag, the
// lists say so.
func TestListsWhenEmpty(t *testing.T) {
	d := fixture(t)
	d.Rules, d.Flags = nil, nil
	got, err := render("t.tmpl", "t.tmpl", "{{standards}}/{{explanations}}", d)
	if err != nil {
		t.Fatal(err)
	}
	if got != "无/无" {
		t.Errorf("got %q, want 无/无", got)
	}
}

// TestTemplateErrors: a template that cannot be parsed or run names the
// file, the line and the action.
func TestTemplateErrors(t *testing.T) {
	tests := []struct {
		name, template string
		want           []string
	}{
		{"unknown function", "# 标题\n\n学校{{figure \"schools.total\"}}\n",
			[]string{"report template testdata/bad.md.tmpl:", "bad.md.tmpl:3:", `function "figure" not defined`}},
		{"unclosed action", "# 标题\n{{fig \"schools.total\"\n",
			[]string{"report template testdata/bad.md.tmpl:", "bad.md.tmpl:3: unclosed action started at bad.md.tmpl:2"}},
		{"unknown indicator", "# 标题\n\n\n学校{{fig \"schools.all\"}}\n",
			[]string{"bad.md.tmpl:4:", `<fig "schools.all">`, `"schools.all" is not an indicator id`}},
		{"period not collected", "{{fig \"fund.edu_spend\" \"2024\"}}",
			[]string{"bad.md.tmpl:1:", `indicator "fund.edu_spend" is not collected for "2024" (its periods: 2022, 2023)`}},
		{"odd parts", "x\n{{parts \"小学\" \"schools.primary\" \"初中\"}}",
			[]string{"bad.md.tmpl:2:", "takes pairs of a label and an indicator id, got 3 arguments"}},
		{"two periods for fig", "{{fig \"fund.edu_spend\" \"2022\" \"2023\"}}",
			[]string{"takes one period at most"}},
		{"growth without periods", "{{growth \"fund.edu_spend\" \"\" \"2023\"}}",
			[]string{"needs an indicator and two periods"}},
		{"unknown field", "{{.Titel}}",
			[]string{"bad.md.tmpl:1:", "can't evaluate field Titel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := buildFrom("testdata/bad.md.tmpl", tt.template, fixture(t))
			if err == nil {
				t.Fatal("buildFrom succeeded, want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestBuildReadsTheFile(t *testing.T) {
	if _, err := Build("testdata/no-such.md.tmpl", fixture(t)); err == nil || !strings.Contains(err.Error(), "no-such.md.tmpl") {
		t.Errorf("Build of a missing file: %v, want an error naming it", err)
	}
	if _, err := buildFrom("x", "x", Data{}); err == nil {
		t.Error("buildFrom without a configuration succeeded")
	}
}

// inlineGrouped sets report.marks: inline and report.number_style: grouped,
// which the tests written before numbered marks expect.
func inlineGrouped(d Data) Data {
	d.Config.Report.Marks = "inline"
	d.Config.Report.NumberStyle = "grouped"
	return d
}

// TestStandardsSayWhatTheyRestOn: a failing standard that rests on a
// doubtful figure carries its mark, as a computed value does; one that
// waits for a missing figure is listed as not yet judged, with the mark of
// what it waits for, not left out without a word.
func TestStandardsSayWhatTheyRestOn(t *testing.T) {
	d := testData(t)
	for i := range d.Rules {
		switch d.Rules[i].Rule {
		case "special_ratio":
			d.Rules[i].Inputs = append(d.Rules[i].Inputs, storage.RuleInputValue{Indicator: "health.examined", Period: "2023"})
		case "teacher_pay":
			d.Rules[i].State = "incomplete"
			d.Rules[i].Inputs = []storage.RuleInputValue{{Indicator: "pay.teacher_avg", Period: "2024"}, {Indicator: "schools.special", Period: "2024"}}
		}
	}
	got, err := render("t.tmpl", "t.tmpl", `{{standards}}`, d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"- 「义务教育教师平均工资收入不得低于当地公务员」：所需数据未报齐，尚无法判断【缺：特殊教育学校数，市教育局】",
		"- 特殊教育学校师生比未达到1:3.1的省定标准【待核实：健康体检学生数，约数】",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("standards lack %q:\n%s", want, got)
		}
	}
}
