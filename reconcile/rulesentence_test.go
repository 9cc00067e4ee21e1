package reconcile

import (
	"testing"

	"github.com/sheaf-dev/sheaf/config"
)

// A failed rule without a message says in words what should hold, with the
// figures' names, and what the figures came to.
func TestRuleSentence(t *testing.T) {
	cfg := &config.Config{
		Cycle: config.Cycle{Period: "2024"},
		Indicators: []config.Indicator{
			{ID: "sped.students", Name: "特殊教育学校学生数"}, {ID: "sped.teachers", Name: "特殊教育学校教师数"},
			{ID: "kg.total", Name: "幼儿园数"}, {ID: "kg.public", Name: "公办幼儿园数"}, {ID: "kg.private", Name: "民办幼儿园数"},
			{ID: "spend", Name: "教育支出", Periods: []string{"2023", "2024"}},
			{ID: "rate", Name: "预算执行率"},
		},
	}
	figures := ruleFigures{
		figAt("sped.students", "2024"): ruleValue(406, 0), figAt("sped.teachers", "2024"): ruleValue(100, 0),
		figAt("kg.total", "2024"): ruleValue(100, 0), figAt("kg.public", "2024"): ruleValue(60, 0),
		figAt("kg.private", "2024"): ruleValue(38, 0),
		figAt("spend", "2023"):      ruleValue(120, 0), figAt("spend", "2024"): ruleValue(100, 0),
		figAt("rate", "2024"): ruleValue(48.3, 1),
	}
	for _, tc := range []struct {
		name, expr, want string
	}{
		{"ratio against a constant", `ratio(v("sped.students"), v("sped.teachers")) <= 3.1`,
			"特殊教育学校学生数 ÷ 特殊教育学校教师数 应不大于 3.1，实际为 4.06"},
		{"division", `v("sped.students") / v("sped.teachers") < 3`,
			"特殊教育学校学生数 ÷ 特殊教育学校教师数 应小于 3，实际为 4.06"},
		{"a total and its parts", `v("kg.total") == sum("kg.public", "kg.private")`,
			"幼儿园数 应等于 公办幼儿园数 + 民办幼儿园数，实际前者为 100，后者为 98"},
		{"last year", `v("spend") >= prev("spend")`,
			"教育支出 应不小于 上年教育支出，实际前者为 100，后者为 120"},
		{"a named period", `v("spend", "2024") >= v("spend", "2023") * 1.05`,
			"教育支出（2024年） 应不小于 教育支出（2023年） × 1.05，实际前者为 100，后者为 126"},
		{"same", `same(pct(v("kg.public"), v("kg.total")), "rate")`,
			"公办幼儿园数 ÷ 幼儿园数 × 100 应与预算执行率一致"},
		{"and", `v("kg.total") > 0 and v("kg.public") > 100`,
			"幼儿园数 应大于 0，且公办幼儿园数 应大于 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := *cfg
			cfg.Rules = []config.Rule{{ID: "r", Expr: tc.expr, Severity: "warning", Class: "check"}}
			rs, err := compileRules(&cfg)
			if err != nil {
				t.Fatal(err)
			}
			out := rs.Evaluate(figures.lookup)[0]
			if out.State != RuleFail {
				t.Fatalf("state %s, want fail", out.State)
			}
			if out.Sentence != tc.want {
				t.Errorf("sentence\n got %s\nwant %s", out.Sentence, tc.want)
			}
		})
	}
	// A rule with a message keeps it: no sentence is made.
	cfg.Rules = []config.Rule{{ID: "r", Expr: `v("kg.total") < 0`, Message: "幼儿园数有误", Severity: "warning", Class: "check"}}
	rs, err := compileRules(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if out := rs.Evaluate(figures.lookup)[0]; out.Sentence != "" {
		t.Errorf("a rule with a message got the sentence %q", out.Sentence)
	}
}
