package reconcile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
)

// ruleFigures is a fixed set of figures for rules to read.
type ruleFigures map[ruleInput]figureValue

func (f ruleFigures) lookup(indicator, period string) figureValue {
	return f[ruleInput{indicator, period}]
}

// ruleValue is a figure with a value written with dec decimals.
func ruleValue(v float64, dec int) figureValue { return figureValue{Value: v, Decimals: dec, OK: true} }

func figAt(indicator, period string) ruleInput { return ruleInput{indicator, period} }

// ruleTestConfig is a catalogue for rule tests, for a cycle such as "2024"
// or "2024Q2": a, b, c and rate for the cycle's period; spend for the
// cycle's period and the one a year before; once, collected for 2023 only.
func ruleTestConfig(cycle string, exprs ...string) *config.Config {
	prev, _ := rulePreviousPeriod(cycle)
	cfg := &config.Config{
		Cycle: config.Cycle{Period: cycle},
		Indicators: []config.Indicator{
			{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "rate"},
			{ID: "spend", Periods: []string{prev, cycle}},
			{ID: "once", Periods: []string{"2023"}},
		},
	}
	for i, e := range exprs {
		cfg.Rules = append(cfg.Rules, config.Rule{ID: fmt.Sprintf("r%d", i), Expr: e, Severity: "warning", Class: "check"})
	}
	return cfg
}

// evaluateOne compiles one rule over ruleTestConfig and evaluates it.
func evaluateOne(t *testing.T, cycle, expression string, figures ruleFigures) RuleOutcome {
	t.Helper()
	rs, err := compileRules(ruleTestConfig(cycle, expression))
	if err != nil {
		t.Fatalf("compile %s: %v", expression, err)
	}
	outs := rs.Evaluate(figures.lookup)
	if len(outs) != 1 {
		t.Fatalf("%d outcomes, want 1", len(outs))
	}
	return outs[0]
}

func TestRuleHelpers(t *testing.T) {
	tests := []struct {
		name       string
		cycle      string // default "2024"
		expr       string
		figures    ruleFigures
		want       string
		wantInputs []ruleInput // checked when set
	}{
		{
			name: "v is the figure for the cycle's period", expr: `v("a") == 5`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(5, 0)},
			want:    RulePass, wantInputs: []ruleInput{figAt("a", "2024")},
		},
		{
			name: "v that does not hold", expr: `v("a") == 5`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(6, 0)},
			want:    RuleFail,
		},
		{
			name: "v with a period", expr: `v("spend", "2023") == 7`,
			figures: ruleFigures{figAt("spend", "2023"): ruleValue(7, 0), figAt("spend", "2024"): ruleValue(9, 0)},
			want:    RulePass, wantInputs: []ruleInput{figAt("spend", "2023")},
		},
		{
			name: "v of an indicator with one declared period is for that period", expr: `v("once") == 3`,
			figures: ruleFigures{figAt("once", "2023"): ruleValue(3, 0)},
			want:    RulePass, wantInputs: []ruleInput{figAt("once", "2023")},
		},
		{
			name: "prev of a year", expr: `prev("spend") == 7 && v("spend") == 9`,
			figures: ruleFigures{figAt("spend", "2023"): ruleValue(7, 0), figAt("spend", "2024"): ruleValue(9, 0)},
			want:    RulePass, wantInputs: []ruleInput{figAt("spend", "2023"), figAt("spend", "2024")},
		},
		{
			name: "prev of a quarter", cycle: "2024Q2", expr: `prev("spend") < v("spend")`,
			figures: ruleFigures{figAt("spend", "2023Q2"): ruleValue(7, 0), figAt("spend", "2024Q2"): ruleValue(9, 0)},
			want:    RulePass, wantInputs: []ruleInput{figAt("spend", "2023Q2"), figAt("spend", "2024Q2")},
		},
		{
			name: "prev that does not hold: spending fell", expr: `v("spend") >= prev("spend")`,
			figures: ruleFigures{figAt("spend", "2023"): ruleValue(9, 0), figAt("spend", "2024"): ruleValue(7, 0)},
			want:    RuleFail,
		},
		{
			name: "sum", expr: `v("a") == sum("b", "c")`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(5, 0), figAt("b", "2024"): ruleValue(2, 0), figAt("c", "2024"): ruleValue(3, 0)},
			want:    RulePass, wantInputs: []ruleInput{figAt("a", "2024"), figAt("b", "2024"), figAt("c", "2024")},
		},
		{
			name: "sum that does not hold", expr: `v("a") == sum("b", "c")`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(6, 0), figAt("b", "2024"): ruleValue(2, 0), figAt("c", "2024"): ruleValue(3, 0)},
			want:    RuleFail,
		},
		{
			name: "a sum of decimals compared exactly carries binary noise", expr: `sum("a", "b") == 0.3`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(0.1, 1), figAt("b", "2024"): ruleValue(0.2, 1)},
			want:    RuleFail,
		},
		{
			name: "a sum of decimals compared at its rounding", expr: `round(sum("a", "b"), 1) == 0.3`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(0.1, 1), figAt("b", "2024"): ruleValue(0.2, 1)},
			want:    RulePass,
		},
		{
			name: "pct", expr: `pct(v("a"), v("b")) == 25`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(1, 0), figAt("b", "2024"): ruleValue(4, 0)},
			want:    RulePass,
		},
		{
			name: "pct of whole numbers in the expression", expr: `pct(1, 8) == 12.5 && v("a") == 1`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(1, 0)},
			want:    RulePass,
		},
		{
			name: "ratio", expr: `ratio(v("a"), v("b")) == 0.25`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(1, 0), figAt("b", "2024"): ruleValue(4, 0)},
			want:    RulePass,
		},
		{
			name: "ratio that does not hold", expr: `ratio(v("a"), v("b")) <= 3.1`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(146, 0), figAt("b", "2024"): ruleValue(36, 0)},
			want:    RuleFail,
		},
		{
			name: "round half up although 48.285 is stored below it", expr: `round(v("a"), 2) == 48.29`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(48.285, 3)},
			want:    RulePass,
		},
		{
			name: "round 2.675 to 2.68", expr: `round(v("a"), 2) == 2.68`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(2.675, 3)},
			want:    RulePass,
		},
		{
			name: "round -1.5 away from zero", expr: `round(v("a"), 0) == -2`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(-1.5, 1)},
			want:    RulePass,
		},
		{
			name: "round a quotient", expr: `round(v("a") / v("b") * 100, 0) == 53`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(2556, 0), figAt("b", "2024"): ruleValue(4862, 0)},
			want:    RulePass,
		},
		{
			name: "dec", expr: `dec("rate") == 2 && dec("spend", "2023") == 1`,
			figures: ruleFigures{figAt("rate", "2024"): ruleValue(48.29, 2), figAt("spend", "2023"): ruleValue(68211.5, 1)},
			want:    RulePass, wantInputs: []ruleInput{figAt("rate", "2024"), figAt("spend", "2023")},
		},
		{
			name: "same: a stated rate equals its quotient at its written rounding",
			expr: `same(pct(v("a"), v("b")), "rate")`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(27216.8, 1), figAt("b", "2024"): ruleValue(56366, 0),
				figAt("rate", "2024"): ruleValue(48.29, 2)},
			want: RulePass, wantInputs: []ruleInput{figAt("a", "2024"), figAt("b", "2024"), figAt("rate", "2024")},
		},
		{
			name: "same: 52.57 is not a stated 52 (53 at no decimals)",
			expr: `same(v("a") / v("b") * 100, "rate")`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(2556, 0), figAt("b", "2024"): ruleValue(4862, 0),
				figAt("rate", "2024"): ruleValue(52, 0)},
			want: RuleFail,
		},
		{
			name: "same with a period", expr: `same(v("a"), "spend", "2023")`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(7.04, 2), figAt("spend", "2023"): ruleValue(7.0, 1)},
			want:    RulePass, wantInputs: []ruleInput{figAt("a", "2024"), figAt("spend", "2023")},
		},
		{
			name: "expr's builtins", expr: `abs(v("a") - v("b")) <= 1 && max(v("a"), v("b")) == 5 && floor(v("a")) == 4`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(4.5, 1), figAt("b", "2024"): ruleValue(5, 0)},
			want:    RulePass,
		},
		{
			name: "a figure named twice is one input", expr: `v("a") + v("a") == 2 * v("a") && sum("a", "b") > v("b")`,
			figures: ruleFigures{figAt("a", "2024"): ruleValue(1, 0), figAt("b", "2024"): ruleValue(2, 0)},
			want:    RulePass, wantInputs: []ruleInput{figAt("a", "2024"), figAt("b", "2024")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cycle := tt.cycle
			if cycle == "" {
				cycle = "2024"
			}
			o := evaluateOne(t, cycle, tt.expr, tt.figures)
			if o.State != tt.want {
				t.Errorf("%s: state %s (%s), want %s", tt.expr, o.State, o.Err, tt.want)
			}
			if tt.wantInputs != nil && !slices.Equal(o.Inputs, tt.wantInputs) {
				t.Errorf("inputs %v, want %v", o.Inputs, tt.wantInputs)
			}
		})
	}
}

// TestRoundHalvesAsTheDraft: a rule's round() and the draft's numbers
// round halves alike, away from zero, so a stated rate is checked as the
// draft shows it.
func TestRoundHalvesAsTheDraft(t *testing.T) {
	tests := []struct {
		name string
		x    float64
		want float64
	}{
		{"2.345 up", 2.345, 2.35},
		{"-2.345 away from zero", -2.345, -2.35},
		{"0.125 up", 0.125, 0.13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := roundFunc(tt.x, 2)
			if err != nil || got != tt.want {
				t.Errorf("round(%v, 2) = %v, %v; want %v", tt.x, got, err, tt.want)
			}
			if shown := sheaf.RoundDecimal(tt.x, 2); shown != strconv.FormatFloat(tt.want, 'f', 2, 64) {
				t.Errorf("the draft shows %v as %s, the rule rounds it to %v", tt.x, shown, got)
			}
		})
	}
}

func TestRuleStates(t *testing.T) {
	tests := []struct {
		name        string
		expr        string
		figures     ruleFigures
		want        string
		wantWaiting []ruleInput
		wantValues  map[ruleInput]float64
		wantErr     string
	}{
		{
			name: "pass", expr: `v("a") >= v("b")`,
			figures:    ruleFigures{figAt("a", "2024"): ruleValue(211, 0), figAt("b", "2024"): ruleValue(184, 0)},
			want:       RulePass,
			wantValues: map[ruleInput]float64{figAt("a", "2024"): 211, figAt("b", "2024"): 184},
		},
		{
			name: "fail", expr: `v("a") >= v("b")`,
			figures:    ruleFigures{figAt("a", "2024"): ruleValue(184, 0), figAt("b", "2024"): ruleValue(211, 0)},
			want:       RuleFail,
			wantValues: map[ruleInput]float64{figAt("a", "2024"): 184, figAt("b", "2024"): 211},
		},
		{
			name: "incomplete: waits for every missing input, in order", expr: `v("a") >= v("b") && v("b") >= v("c")`,
			figures:     ruleFigures{figAt("b", "2024"): ruleValue(2, 0)},
			want:        RuleIncomplete,
			wantWaiting: []ruleInput{figAt("a", "2024"), figAt("c", "2024")},
			wantValues:  map[ruleInput]float64{figAt("b", "2024"): 2},
		},
		{
			name: "incomplete although the present inputs decide the condition", expr: `v("a") > 0 || v("b") > 0`,
			figures:     ruleFigures{figAt("a", "2024"): ruleValue(1, 0)},
			want:        RuleIncomplete,
			wantWaiting: []ruleInput{figAt("b", "2024")},
			wantValues:  map[ruleInput]float64{figAt("a", "2024"): 1},
		},
		{
			name: "a value withdrawn (not OK) is waited for", expr: `v("a") == 0`,
			figures:     ruleFigures{figAt("a", "2024"): {Value: 0, OK: false}},
			want:        RuleIncomplete,
			wantWaiting: []ruleInput{figAt("a", "2024")},
			wantValues:  map[ruleInput]float64{},
		},
		{
			name: "error: division by zero", expr: `v("a") / v("b") > 1`,
			figures:    ruleFigures{figAt("a", "2024"): ruleValue(1, 0), figAt("b", "2024"): ruleValue(0, 0)},
			want:       RuleError,
			wantValues: map[ruleInput]float64{figAt("a", "2024"): 1, figAt("b", "2024"): 0},
			wantErr:    "division by zero: 1 / 0 (column 8)",
		},
		{
			name: "error: pct of zero", expr: `pct(v("a"), v("b")) > 1`,
			figures:    ruleFigures{figAt("a", "2024"): ruleValue(1, 0), figAt("b", "2024"): ruleValue(0, 0)},
			want:       RuleError,
			wantValues: map[ruleInput]float64{figAt("a", "2024"): 1, figAt("b", "2024"): 0},
			wantErr:    "pct(1, 0): division by zero",
		},
		{
			name: "error: a power that is not a finite number", expr: `v("b") ** -1 > 1`,
			figures:    ruleFigures{figAt("b", "2024"): ruleValue(0, 0)},
			want:       RuleError,
			wantValues: map[ruleInput]float64{figAt("b", "2024"): 0},
			wantErr:    "not a finite number",
		},
		{
			name: "incomplete rather than error while an input is missing", expr: `v("a") / v("b") > 1`,
			figures:     ruleFigures{figAt("b", "2024"): ruleValue(0, 0)},
			want:        RuleIncomplete,
			wantWaiting: []ruleInput{figAt("a", "2024")},
			wantValues:  map[ruleInput]float64{figAt("b", "2024"): 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := evaluateOne(t, "2024", tt.expr, tt.figures)
			if o.State != tt.want {
				t.Errorf("state %s (%s), want %s", o.State, o.Err, tt.want)
			}
			if !slices.Equal(o.Waiting, tt.wantWaiting) {
				t.Errorf("waiting %v, want %v", o.Waiting, tt.wantWaiting)
			}
			if fmt.Sprint(o.Values) != fmt.Sprint(tt.wantValues) {
				t.Errorf("values %v, want %v", o.Values, tt.wantValues)
			}
			if !strings.Contains(o.Err, tt.wantErr) || (tt.wantErr == "") != (o.Err == "") {
				t.Errorf("err %q, want one containing %q", o.Err, tt.wantErr)
			}
			if o.Rule.Expr != tt.expr {
				t.Errorf("outcome's rule %q, want the rule evaluated", o.Rule.Expr)
			}
		})
	}
}

// ruleYAML is a valid configuration whose second rule is the one under
// test; "# ← rules[1].expr" marks the line its errors must name.
const ruleYAML = `cycle:
  name: 规则测试
  period: "2024"
  timezone: Asia/Shanghai
departments:
  - id: edu
    name: 市教育局
indicators:
  - {id: kg.total, name: 幼儿园数, unit: 所, owner: edu}
  - {id: kg.public, name: 公办幼儿园数, unit: 所, owner: edu}
  - {id: kg.private, name: 民办幼儿园数, unit: 所, owner: edu}
rules:
  - id: kg_sum
    expr: v("kg.total") == sum("kg.public", "kg.private")
    class: check
  - id: kg_total
    message: 幼儿园数
    class: check
    expr: '%s' # ← rules[1].expr
`

func writeRuleConfig(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sheaf.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// markedLine is the line of src marked "# ← key".
func markedLine(t *testing.T, src, key string) int {
	t.Helper()
	for i, line := range strings.Split(src, "\n") {
		if strings.HasSuffix(line, "# ← "+key) {
			return i + 1
		}
	}
	t.Fatalf("no line marked %s", key)
	return 0
}

func TestCompileRulesErrors(t *testing.T) {
	tests := []struct {
		name string
		expr string
		want []string // parts of the message
	}{
		{
			name: "unknown function", expr: `total("kg.total") > 1`,
			want: []string{`rule "kg_total": unknown function "total"`, "(column 1)"},
		},
		{
			name: "unknown indicator", expr: `v("kg.total") == v("kg.totl")`,
			want: []string{`rule "kg_total": unknown indicator "kg.totl"`, `did you mean "kg.total"?`, "(column 20)"},
		},
		{
			name: "bad period", expr: `v("kg.total", "2024年") > 0`,
			want: []string{`rule "kg_total": period "2024年" is not a year or a quarter`, "(column 15)"},
		},
		{
			name: "period the indicator is not collected for", expr: `v("kg.total", "2023") > 0`,
			want: []string{`indicator "kg.total" is collected for 2024, not 2023`, "(column 15)"},
		},
		{
			name: "computed id", expr: `v("kg." + "total") > 0`,
			want: []string{"v needs the indicator id written in quotes", "(column"},
		},
		{
			name: "wrong number of arguments", expr: `prev("kg.total", "2023") > 0`,
			want: []string{`prev takes one indicator id: prev("id"); it is given 2 arguments`, "(column 1)"},
		},
		{
			name: "syntax error", expr: `v("kg.total") >= (1 +`,
			want: []string{`rule "kg_total": syntax error: unexpected token EOF`, "(column 21)"},
		},
		{
			name: "not a condition", expr: `sum("kg.public", "kg.private")`,
			want: []string{`rule "kg_total": the expression gives float64, not true or false`},
		},
		{
			name: "type error", expr: `v("kg.total") > "3"`,
			want: []string{`rule "kg_total": invalid operation: > (mismatched types float64 and string)`, "(column 15)"},
		},
		{
			name: "two problems in one rule", expr: `v("kg.totl") == sum("kg.publik")`,
			want: []string{`unknown indicator "kg.totl"`, "(column 3)", `unknown indicator "kg.publik"`, "(column 21)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fmt.Sprintf(ruleYAML, tt.expr)
			path := writeRuleConfig(t, src)
			cfg, err := config.Load(path)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			rs, err := compileRules(cfg)
			if rs != nil {
				t.Errorf("got a ruleSet with an error")
			}
			var errs config.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %v (%T), want config.Errors", err, err)
			}
			if len(errs) != 1 {
				t.Fatalf("%d errors, want 1 (one per bad rule):\n%v", len(errs), err)
			}
			e := errs[0]
			if e.Key != "rules[1].expr" || e.File != path {
				t.Errorf("key %q file %q, want rules[1].expr in %s", e.Key, e.File, path)
			}
			if line := markedLine(t, src, "rules[1].expr"); e.Line != line {
				t.Errorf("line %d, want %d", e.Line, line)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Msg, w) {
					t.Errorf("message %q does not contain %q", e.Msg, w)
				}
			}
			if want := fmt.Sprintf("%s:%d: rules[1].expr: rule \"kg_total\": ", path, e.Line); !strings.HasPrefix(e.Error(), want) {
				t.Errorf("error %q does not start with %q", e.Error(), want)
			}
		})
	}
}

func TestCompileRulesOneErrorPerBadRule(t *testing.T) {
	cfg := ruleTestConfig("2024", `v("a") > 0`, `v("x") > 0`, `v("b") > 0`, `v("y") > 0 && w("a")`)
	_, err := compileRules(cfg)
	var errs config.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v, want config.Errors", err)
	}
	var keys []string
	for _, e := range errs {
		keys = append(keys, e.Key)
		if e.Line != 0 {
			t.Errorf("%s: line %d for a config built in code, want 0", e.Key, e.Line)
		}
	}
	if want := []string{"rules[1].expr", "rules[3].expr"}; !slices.Equal(keys, want) {
		t.Errorf("errors for %v, want %v:\n%v", keys, want, err)
	}
}

// shangzhiFigures are the seed report's figures
// (as in the example's workbooks, examples/shangzhi-2024/inbox) for the
// indicators the example's rules read, with the decimals they are written
// with. fund.per_pupil_spend and health.fitness_good_rate are not in the
// report.
func shangzhiFigures() ruleFigures {
	f := ruleFigures{}
	set := func(id, period string, v float64, dec int) { f[figAt(id, period)] = ruleValue(v, dec) }
	for id, v := range map[string]float64{
		"schools.total": 44, "schools.teacher_training": 1, "schools.primary": 16, "schools.junior": 3,
		"schools.nine_year": 11, "schools.twelve_year": 1, "schools.senior": 3, "schools.complete_secondary": 7,
		"schools.special": 1, "schools.vocational": 1,
		"staff.total": 4141, "students.total": 36614,
		"kg.total": 58, "kg.public": 26, "kg.private": 32,
		"kg.teachers": 848, "kg.teachers_public": 294, "kg.teachers_hired": 554,
		"kg.children": 4862, "kg.children_inclusive": 4469, "kg.children_public": 2556,
		"fund.budget_2024": 56366, "fund.kg_public_per_pupil": 600, "fund.kg_inclusive_per_pupil": 200,
		"preschool.gross_enrolment": 95, "preschool.inclusive_coverage": 92, "preschool.public_share": 52,
		"rotation.due": 673, "rotation.due_teachers": 639, "rotation.due_principals": 34,
		"rotation.teachers": 69, "rotation.key_teachers": 21, "rotation.principals": 6,
		"safety.guards_required": 184, "safety.guards": 211, "safety.guards_over": 27,
		"fire.passed": 9, "fire.in_approval": 11, "fire.by_year_end": 23,
		"food.canteen_schools": 4, "food.canteen_diners": 592, "food.catering_schools": 16, "food.catering_pupils": 9597,
		"special.teachers": 36, "special.students": 146, "special.graduates_2025": 22, "special.ratio_2025": 3,
		"supervision.findings": 10, "supervision.fixed": 6, "supervision.in_progress": 4,
	} {
		set(id, "2024", v, 0)
	}
	set("fund.spent_q2", "2024", 27216.8, 1)
	set("fund.progress_rate", "2024", 48.29, 2)
	set("fund.match_total", "2024", 2587.8, 2) // written 2587.80
	// The ten parts of the matching funds, as the finance bureau's sheet
	// writes them (198.00, 15.90, …).
	for id, v := range map[string]float64{
		"fund.match_compulsory_public": 417.96, "fund.match_senior_per_pupil": 1816.98,
		"fund.match_substitute_pension": 85.86, "fund.match_building_safety": 198,
		"fund.match_compulsory_aid": 15.9, "fund.match_senior_tuition": 1.3, "fund.match_senior_grant": 13.7,
		"fund.match_senior_meal": 1.1, "fund.match_vocational_tuition": 33, "fund.match_vocational_grant": 4,
	} {
		set(id, "2024", v, 2)
	}
	set("pay.teacher_avg", "2024", 97987.6, 2) // written 97,987.60
	set("pay.civil_avg", "2024", 73597.3, 1)
	set("rotation.teachers_rate", "2024", 10.8, 1)
	set("rotation.key_teachers_rate", "2024", 30.4, 1)
	set("rotation.principals_rate", "2024", 17.6, 1)
	set("special.ratio", "2024", 4.1, 1) // 1:4.1
	set("fund.edu_spend", "2022", 68211, 0)
	set("fund.edu_spend", "2023", 68258, 0)
	set("fund.edu_spend_increase", "2023", 47, 0)
	set("fund.edu_spend_growth", "2023", 0.07, 2)
	set("compulsory.indicators_total", "2023", 31, 0)
	set("compulsory.indicators_met", "2023", 24, 0)
	set("compulsory.indicators_met_rate", "2023", 77.42, 2)
	set("compulsory.met_rate_gain", "2023", 3, 0)
	set("titles.senior_professor", "2023", 2, 0)
	set("titles.senior", "2023", 90, 0)
	set("titles.intermediate", "2023", 141, 0)
	set("health.myopia_rate", "2022", 50.32, 2)
	set("health.myopia_rate", "2023", 48.87, 2)
	set("health.examined", "2023", 36000, 0)
	return f
}

func TestExampleRules(t *testing.T) {
	cfg, err := config.Load("../examples/shangzhi-2024/sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := compileRules(cfg)
	if err != nil {
		t.Fatalf("the example's rules do not compile:\n%v", err)
	}
	// The example's README: three rules fail on the report's own figures,
	// two wait for figures the report does not give, all others pass.
	failing := map[string]bool{"preschool_public_share": true, "special_ratio_standard": true, "special_ratio_2025": true}
	waiting := map[string][]ruleInput{
		"per_pupil_spend_not_falling": {figAt("fund.per_pupil_spend", "2023"), figAt("fund.per_pupil_spend", "2022")},
		"fitness_good_rate":           {figAt("health.fitness_good_rate", "2024")},
	}
	outs := rs.Evaluate(shangzhiFigures().lookup)
	if len(outs) != len(cfg.Rules) || len(outs) != 26 {
		t.Fatalf("%d outcomes for %d rules, want 26", len(outs), len(cfg.Rules))
	}
	for _, o := range outs {
		t.Run(o.Rule.ID, func(t *testing.T) {
			want := RulePass
			switch {
			case failing[o.Rule.ID]:
				want = RuleFail
			case waiting[o.Rule.ID] != nil:
				want = RuleIncomplete
			}
			if o.State != want {
				t.Errorf("%s: %s %s, want %s; values %v", o.Rule.Expr, o.State, o.Err, want, o.Values)
			}
			if !slices.Equal(o.Waiting, waiting[o.Rule.ID]) {
				t.Errorf("waiting %v, want %v", o.Waiting, waiting[o.Rule.ID])
			}
			if len(o.Inputs) == 0 {
				t.Errorf("no inputs")
			}
		})
	}
}

// BenchmarkEvaluateRules evaluates 1000 rules of the example's kinds (sums,
// stated rates, year on year, standards) over 400 figures.
func BenchmarkEvaluateRules(b *testing.B) {
	const rules, indicators = 1000, 200
	cfg := &config.Config{Cycle: config.Cycle{Period: "2024"}}
	figures := ruleFigures{}
	for i := range indicators {
		id := fmt.Sprintf("ind.n%03d", i)
		cfg.Indicators = append(cfg.Indicators, config.Indicator{ID: id, Periods: []string{"2023", "2024"}})
		figures[figAt(id, "2023")] = ruleValue(float64(100+i), 0)
		figures[figAt(id, "2024")] = ruleValue(float64(200+i), 0)
	}
	forms := []func(a, b, c string) string{
		func(a, b, c string) string { return fmt.Sprintf(`v(%q) + v(%q) == sum(%q, %q)`, a, b, b, a) },
		func(a, b, c string) string {
			return fmt.Sprintf(`same(pct(v(%q), v(%q)), %q) || round(v(%q) / v(%q) * 100, 1) > 0`, a, b, c, a, b)
		},
		func(a, b, c string) string { return fmt.Sprintf(`v(%q) >= prev(%q)`, a, a) },
		func(a, b, c string) string { return fmt.Sprintf(`ratio(v(%q), v(%q)) <= 3.1`, a, b) },
		func(a, b, c string) string {
			return fmt.Sprintf(`v(%q, "2023") - v(%q, "2023") <= abs(v(%q) - 1000)`, a, b, c)
		},
	}
	for i := range rules {
		id := func(k int) string { return fmt.Sprintf("ind.n%03d", (i+k)%indicators) }
		cfg.Rules = append(cfg.Rules, config.Rule{ID: fmt.Sprintf("r%d", i), Expr: forms[i%len(forms)](id(0), id(1), id(2))})
	}
	rs, err := compileRules(cfg)
	if err != nil {
		b.Fatal(err)
	}
	for _, o := range rs.Evaluate(figures.lookup) {
		if o.State != RulePass {
			b.Fatalf("%s: %s %s", o.Rule.Expr, o.State, o.Err)
		}
	}
	for b.Loop() {
		rs.Evaluate(figures.lookup)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rules, "ns/rule")
}

// TestDocumentedExampleCompiles keeps the configuration reference honest:
// the rules of its full example must compile.
func TestDocumentedExampleCompiles(t *testing.T) {
	cfg, err := config.Load("../config/testdata/sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compileRules(cfg); err != nil {
		t.Fatal(err)
	}
}

// An indicator id written bare (sped.students) is the figure, as if written
// v("sped.students"); a bare name that is no indicator is an error at
// compile time, naming it and the nearest id, not an error of every sync.
func TestBareIndicatorIDs(t *testing.T) {
	cfg := &config.Config{
		Cycle:      config.Cycle{Period: "2024"},
		Indicators: []config.Indicator{{ID: "sped.students"}, {ID: "sped.teachers"}, {ID: "a.b.c"}},
		Rules: []config.Rule{{ID: "r", Expr: "sped.students / sped.teachers <= 3.1 && a.b.c > 0", Severity: "warning",
			Class: "standard"}},
	}
	rs, err := compileRules(cfg)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	figs := ruleFigures{figAt("sped.students", "2024"): ruleValue(63, 0), figAt("sped.teachers", "2024"): ruleValue(20, 0),
		figAt("a.b.c", "2024"): ruleValue(1, 0)}
	if out := rs.Evaluate(figs.lookup); len(out) != 1 || out[0].State != RuleFail {
		t.Fatalf("63 / 20 <= 3.1: %+v, want a failing rule", out)
	}
	figs[figAt("sped.students", "2024")] = ruleValue(60, 0)
	if out := rs.Evaluate(figs.lookup); out[0].State != RulePass {
		t.Fatalf("60 / 20 <= 3.1: %+v, want a passing rule", out)
	}

	for _, tt := range []struct{ expr, want string }{
		{"sped.studnets / sped.teachers <= 3.1", `unknown name "sped.studnets"`},
		{"students > 0", `unknown name "students"`},
		{"sped.studnets > 0", "did you mean sped.students?"},
	} {
		cfg.Rules[0].Expr = tt.expr
		if _, err := compileRules(cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to say %s", tt.expr, err, tt.want)
		}
	}
}
