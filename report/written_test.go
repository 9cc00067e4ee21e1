package report

import (
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestNumbersAsWritten: a figure keeps the decimals and the grouping its
// department wrote; a value converted between units keeps the written
// precision, scaled, without trailing zeros.
func TestNumbersAsWritten(t *testing.T) {
	d := fixture(t)
	set := func(id, period, raw string, v float64, dec int) {
		for i, f := range d.Figures {
			if f.Indicator == id && f.Period == period {
				d.Figures[i].Value, d.Figures[i].Decimals, d.Figures[i].Raw = v, dec, raw
				return
			}
		}
		t.Fatalf("no figure %s@%s", id, period)
	}
	set("pay.teacher_avg", "2024", "97,987.60", 97987.6, 2)
	set("students.total", "2024", "36614", 36614, 0)
	set("fund.edu_spend", "2022", "682110000元", 68211, 4)
	set("fund.edu_spend", "2023", "682580000", 68258, 4)
	set("health.examined", "2023", "3.6万余", 36000, -3)
	tests := []struct{ name, style, template, want string }{
		{"written decimals and grouping kept", "", `{{num "pay.teacher_avg"}}`, "97,987.60"},
		{"ungrouped stays ungrouped", "", `{{num "students.total"}}`, "36614"},
		{"converted drops the scaled zeros", "", `{{fig "fund.edu_spend" "2022"}}`, "68211万元"},
		{"growth of converted values", "", `{{growth "fund.edu_spend" "2022" "2023"}}`, "增长了0.07%（47万元）"},
		{"written in 万", "", `{{num "health.examined"}}`, "3.6万余"},
		{"plain", "plain", `{{num "pay.teacher_avg"}}`, "97987.60"},
		{"grouped", "grouped", `{{num "students.total"}}`, "36,614"},
		{"wan", "", `{{wan "students.total"}}`, "3.66万"},
		{"yi with decimals", "", `{{yi "fund.edu_spend@2022" 4}}`, "6.8211亿"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.Config.Report.NumberStyle = tt.style
			got, err := render("t.tmpl", "t.tmpl", tt.template, d)
			if err != nil {
				t.Fatal(err)
			}
			if first, _, _ := strings.Cut(got, "【"); first != tt.want {
				t.Errorf("%s = %q, want %q", tt.template, got, tt.want)
			}
		})
	}
	// The catalogue's decimals cap a converted value's precision.
	one := 1
	for i := range d.Config.Indicators {
		if d.Config.Indicators[i].ID == "fund.edu_spend" {
			d.Config.Indicators[i].Decimals = &one
		}
	}
	set("fund.edu_spend", "2022", "682115000元", 68211.5, 4)
	d.Config.Report.NumberStyle = ""
	if got, _ := render("t.tmpl", "t.tmpl", `{{fig "fund.edu_spend" "2022"}}`, d); got != "68211.5万元" {
		t.Errorf("capped: got %q", got)
	}
}

// TestNumberedMarks: the ten inputs of one failing check share one number
// in the text and one entry in the list at the end of the draft.
func TestNumberedMarks(t *testing.T) {
	d := fixture(t)
	var inputs []storage.RuleInputValue
	var tmpl strings.Builder
	d.Figures = nil
	for i := range 10 {
		id := []string{"schools.total", "schools.teacher_training", "schools.primary", "schools.junior", "schools.special",
			"staff.total", "students.total", "kg.total", "kg.public", "kg.private"}[i]
		v := float64(i + 1)
		d.Figures = append(d.Figures, sheaf.Figure{Indicator: id, Period: "2024", Value: v, HasValue: true,
			Status: sheaf.StatusFailing, Department: "edu", File: "edu/a.xlsx", Sheet: "表1", Cell: "C" + string(rune('1'+i)), Raw: "1"})
		inputs = append(inputs, storage.RuleInputValue{Indicator: id, Period: "2024", Value: &v})
		tmpl.WriteString(`{{fig "` + id + `"}}、`)
	}
	d.Rules = []storage.RuleResult{{Rule: "kg_sum", Class: "check", State: "fail", Inputs: inputs}}
	d.Flags = nil
	got, err := render("t.tmpl", "t.tmpl", tmpl.String()+"\n\n再次提到{{fig \"kg.total\"}}。", d)
	if err != nil {
		t.Fatal(err)
	}
	body, list, ok := strings.Cut(got, "## 待核实事项")
	if !ok {
		t.Fatalf("no list:\n%s", got)
	}
	if n := strings.Count(body, "【待核实①】"); n != 2 {
		t.Errorf("body has %d marks ①, want one per paragraph (2):\n%s", n, body)
	}
	if strings.Contains(got, "②") {
		t.Errorf("a second number:\n%s", got)
	}
	if n := strings.Count(list, "【待核实①】"); n != 1 || !strings.Contains(list, "幼儿园数应等于公办园与民办园之和") ||
		!strings.Contains(list, "教职工数（2024年）6人，市教育局「a.xlsx」表1!C6") || !strings.Contains(list, "请核实") {
		t.Errorf("list:\n%s", list)
	}
	d.Config.Report.Marks = "inline"
	got, _ = render("t.tmpl", "t.tmpl", `{{fig "kg.total"}}`, d)
	if got != "8所【待核实：校验不通过：幼儿园数应等于公办园与民办园之和】" {
		t.Errorf("inline: %s", got)
	}
}

// TestHelpers: date, growth and diff of percentages, yoy, per and the
// explanations in prose.
func TestHelpers(t *testing.T) {
	d := fixture(t)
	d.Config.Cycle.Location = time.FixedZone("CST", 8*3600)
	tests := []struct{ name, template, want string }{
		{"date in the cycle's zone", `{{date .AsOf "2006年1月2日 15:04"}}`, "2025年3月20日 17:00"},
		{"growth of a percentage", `{{growth "health.myopia_rate" "2022" "2023"}}`, "降低1.45个百分点"},
		{"diff of a percentage", `{{diff "health.myopia_rate" "2022" "2023"}}`, "降低1.45个百分点"},
		{"diff", `{{diff "fund.edu_spend" "2022" "2023"}}`, "47万元"},
		{"yoy up", `{{yoy "fund.edu_spend" "2022" "2023"}}`, "同比增长0.07%"},
		{"yoy down", `{{yoy "fund.edu_spend" "2023" "2022"}}`, "同比下降0.07%"},
		{"yoy of a percentage", `{{yoy "health.myopia_rate" "2023" "2022"}}`, "同比提高1.45个百分点"},
		{"per thousand", `{{per "special.teachers" "special.students" 1000}}`, "246.58"},
		{"per with decimals", `{{per "special.teachers" "special.students" 100 1}}`, "24.7"},
		{"explanations", `{{explanations}}`, "- 市教育局关于轮岗交流教师数（2024年）的说明：3名教师因病延至2025年春季学期轮岗。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := render("t.tmpl", "t.tmpl", tt.template, d)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.template, got, tt.want)
			}
		})
	}
}

// TestCheckTemplate: config check finds an unknown indicator, a period it
// is not collected for and a wrong number of arguments, each with its
// file, line and column.
func TestCheckTemplate(t *testing.T) {
	d := fixture(t)
	tmpl := "# 标题\n\n学校{{fig \"schools.total\"}}，{{fig \"schools.totl\"}}。\n" +
		"{{growth \"fund.edu_spend\" \"2022\" \"2021\"}}{{pct \"kg.public\"}}{{date .AsOf \"2006年1月2日\"}}{{.AsOf | date \"1月2日\"}}\n" +
		"{{parts \"小学\" \"schools.primary@2024\"}}{{wan \"students.total\"}}{{per \"a.b\" \"kg.total\" 1000}}"
	err := checkTemplate("report.md.tmpl", tmpl, d.Config)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`report.md.tmpl:3:29: fig: "schools.totl" is not an indicator id`,
		`report.md.tmpl:4:3: growth: indicator "fund.edu_spend" is not collected for "2021"`,
		`report.md.tmpl:4:44: pct takes 2 to 3 arguments, got 1`,
		`report.md.tmpl:5:64: per: "a.b" is not an indicator id`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 4 {
		t.Errorf("%d errors, want 4:\n%v", n, err)
	}
	if err := checkTemplate("ok.tmpl", `{{fig "schools.total"}}{{parts "小学" "schools.primary"}}`, d.Config); err != nil {
		t.Errorf("good template: %v", err)
	}
	if err := checkTemplate("bad.tmpl", "\n{{nosuch 1}}", d.Config); err == nil || !strings.Contains(err.Error(), "bad.tmpl:2") {
		t.Errorf("unknown function: %v", err)
	}
}

// TestConditionOnAFigure: {{if num "id"}} is always true, since a missing
// figure writes its 【缺】 mark: the draft would say "已有统计" with no
// mark at all. Such a condition is an error, in config check and in the
// draft alike; has "id" asks whether the figure has a value.
func TestConditionOnAFigure(t *testing.T) {
	d := fixture(t)
	bad := "前言\n{{if num \"schools.special\"}}已有统计{{end}}{{with fig \"staff.total\"}}{{.}}{{end}}{{if not (pct \"kg.public\" \"kg.total\")}}无{{end}}"
	err := checkTemplate("r.tmpl", bad, d.Config)
	for _, want := range []string{"r.tmpl:2:6: a condition on num is always true", "r.tmpl:2:", "a condition on fig", "a condition on pct"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("check: %v, want %q", err, want)
		}
	}
	if _, err := render("r.tmpl", "r.tmpl", bad, d); err == nil || !strings.Contains(err.Error(), "always true") {
		t.Errorf("draft: %v", err)
	}
	good := "{{if has \"schools.special\"}}特教学校{{fig \"schools.special\"}}{{else}}特教学校数未报送{{end}}；{{if has \"staff.total\"}}教职工{{num \"staff.total\"}}{{end}}"
	if err := checkTemplate("ok.tmpl", good, d.Config); err != nil {
		t.Fatalf("has: %v", err)
	}
	md, err := render("ok.tmpl", "ok.tmpl", good, d)
	if err != nil || !strings.Contains(md, "特教学校数未报送") || !strings.Contains(md, "教职工4141") {
		t.Errorf("has: %v\n%s", err, md)
	}
}
