package reconcile

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
)

// ruleSet is the configured rules, compiled once. It is read-only after
// compileRules, so one ruleSet may be evaluated from several goroutines.
type ruleSet struct {
	rules []compiledRule
}

// compiledRule is one rule ready to run: its program reads figures by their
// position in inputs, which are looked up before the program runs.
type compiledRule struct {
	rule    config.Rule
	program *vm.Program
	inputs  []ruleInput
	// sentence words the rule for a failure when it has no message.
	sentence *ruleSentence
}

// figureValue is what a rule sees of one figure.
type figureValue struct {
	Value    float64
	Decimals int  // decimals the value was written with (48.29 → 2)
	OK       bool // false: no usable value (missing, withdrawn, unreadable)
}

// ruleInput names one figure a rule reads: an indicator and a period.
type ruleInput struct {
	Indicator, Period string
}

// RuleOutcome is the result of one rule over the current figures.
type RuleOutcome struct {
	Rule config.Rule
	// State is RulePass, RuleFail, RuleIncomplete or RuleError.
	State string
	// Inputs is every figure the rule reads, in the order the expression
	// first names them, without duplicates.
	Inputs []ruleInput
	// Waiting is the inputs with no usable value; the rule is incomplete
	// while any is waiting, whatever the others say.
	Waiting []ruleInput
	// Values holds the value of every input that has one.
	Values map[ruleInput]float64
	// Err says why the rule could not be decided (State RuleError), e.g.
	// "division by zero (column 14)".
	Err string
	// Sentence, for a failed rule without a message, says in words what
	// should hold and what the figures came to: "特殊教育学校学生数 ÷
	// 特殊教育学校教师数 应不大于 3.1，实际为 4.06".
	Sentence string
}

// compileRules compiles every rule of cfg, once, so that Evaluate only runs
// them. Problems are returned together as config.Errors, one per bad rule,
// keyed "rules[i].expr", each naming the rule and the column in the
// expression.
//
// A rule's expr is a condition in the expr language
// (https://expr-lang.org) that must hold: true is a pass, false a failure.
// Indicator ids contain dots, which expr reads as member access, so a rule
// names figures by quoted id through these functions. The ids and periods
// must be written as quoted literals; an id that is not in the catalogue,
// or a period the indicator is not collected for, is an error here, not a
// rule that waits for ever.
//
//   - v("id") is the figure of indicator id for its default period: the
//     indicator's only period if it declares exactly one, else the cycle's
//     period. v("id", "2023") is the figure for a named period ("2023" or
//     "2023Q2").
//   - prev("id") is the figure for the period one year before the default
//     period (2024 → 2023, 2024Q2 → 2023Q2).
//   - sum("id1", "id2", …) is v("id1") + v("id2") + ….
//   - pct(a, b) is a / b * 100; ratio(a, b) is a / b.
//   - round(x, n) rounds x to n decimals (0 to 15), halves away from zero
//     (四舍五入), in decimal: round(48.285, 2) is 48.29 although the binary
//     number closest to 48.285 is a little below it. Digits beyond the 15th
//     significant one are taken as binary noise and dropped first.
//   - dec("id") and dec("id", "2023") are the number of decimals the figure
//     was written with (48.29 → 2).
//   - same(x, "id") and same(x, "id", "2023") are true when x rounded (as
//     round does) to the figure's written decimals equals the figure: a
//     stated rate equals its quotient at its own rounding.
//     same(pct(v("fund.spent_q2"), v("fund.budget_2024")), "fund.progress_rate")
//     holds for 27216.8 / 56366 = 48.2854…% stated as 48.29.
//
// The rest is expr's own: arithmetic (+ - * / % **), comparisons (== != <
// <= > >=), and, or, not, the conditional a ? b : c, and builtins such as
// abs, ceil, floor, min and max (expr's round, which takes no decimals, is
// replaced by the one above).
//
// A rule is incomplete, not failed, while a figure it names has no usable
// value. Dividing by zero, or any arithmetic that gives no finite number,
// makes the rule an error, shown with the reason.
func compileRules(cfg *config.Config) (*ruleSet, error) {
	cat := newRuleCatalogue(cfg)
	rs := &ruleSet{rules: make([]compiledRule, 0, len(cfg.Rules))}
	var errs config.Errors
	lines := cfg.KeyLines()
	for i, r := range cfg.Rules {
		cr, msg := compileRule(r, cat)
		if msg != "" {
			key := fmt.Sprintf("rules[%d].expr", i)
			errs = append(errs, config.FieldError{
				File: cfg.File, Line: lines(key), Key: key,
				Msg: fmt.Sprintf("rule %q: %s", r.ID, msg),
			})
			continue
		}
		rs.rules = append(rs.rules, cr)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rs, nil
}

// Evaluate runs every rule, in configuration order, against figures found
// by lookup, which is called once for each input of each rule.
func (rs *ruleSet) Evaluate(lookup func(indicator, period string) figureValue) []RuleOutcome {
	if rs == nil {
		return nil
	}
	run := &ruleRun{}
	// One env and one machine for the whole set: the env's functions read
	// the current rule's inputs from run, which is refilled for each rule.
	var env any = ruleEnv{Fig: run.value, Dec: run.decimals}
	var machine vm.VM
	outcomes := make([]RuleOutcome, len(rs.rules))
	for i := range rs.rules {
		outcomes[i] = rs.rules[i].evaluate(&machine, env, run, lookup)
	}
	return outcomes
}

func (cr *compiledRule) evaluate(machine *vm.VM, env any, run *ruleRun, lookup func(indicator, period string) figureValue) RuleOutcome {
	o := RuleOutcome{
		Rule:   cr.rule,
		Inputs: slices.Clone(cr.inputs),
		Values: make(map[ruleInput]float64, len(cr.inputs)),
	}
	run.values, run.decs = run.values[:0], run.decs[:0]
	var notFinite []string
	for _, in := range cr.inputs {
		f := lookup(in.Indicator, in.Period)
		if !f.OK {
			o.Waiting = append(o.Waiting, in)
			run.values, run.decs = append(run.values, math.NaN()), append(run.decs, 0)
			continue
		}
		if math.IsNaN(f.Value) || math.IsInf(f.Value, 0) {
			notFinite = append(notFinite, fmt.Sprintf("%s (%s) is %v", in.Indicator, in.Period, f.Value))
		}
		o.Values[in] = f.Value
		run.values, run.decs = append(run.values, f.Value), append(run.decs, f.Decimals)
	}
	switch {
	case len(o.Waiting) > 0:
		o.State = RuleIncomplete
		return o
	case len(notFinite) > 0:
		o.State, o.Err = RuleError, "not a finite number: "+strings.Join(notFinite, ", ")
		return o
	}
	out, err := machine.Run(cr.program, env)
	if err != nil {
		o.State, o.Err = RuleError, runtimeMessage(err)
		return o
	}
	holds, ok := out.(bool)
	switch {
	case !ok:
		o.State, o.Err = RuleError, fmt.Sprintf("the expression gave %v (%T), not true or false", out, out)
	case holds:
		o.State = RulePass
	default:
		o.State = RuleFail
		o.Sentence = cr.sentence.message(machine, env)
	}
	return o
}

// ruleRun holds the inputs of the rule being evaluated, in the order of its
// compiledRule.inputs.
type ruleRun struct {
	values []float64
	decs   []int
}

func (r *ruleRun) value(i int) float64 { return r.values[i] }
func (r *ruleRun) decimals(i int) int  { return r.decs[i] }

// ruleEnv is the environment the compiled programs run in. The figure
// functions of a rule (v, prev, sum, dec, same) are rewritten at compile
// time into calls of these, by input position: names a rule cannot spell.
type ruleEnv struct {
	Fig func(int) float64 `expr:"$fig"`
	Dec func(int) int     `expr:"$dec"`
}

// Names of the functions the compiler substitutes for what a rule writes.
const (
	fnFig  = "$fig"
	fnDec  = "$dec"
	fnSame = "$same"
	fnDiv  = "$div"
	fnPow  = "$pow"
)

// helperArity is how many arguments each function a rule may call takes
// (max -1: any number), and how to say so.
var helperArity = map[string]struct {
	min, max int
	want     string
}{
	"v":     {1, 2, `an indicator id and optionally a period: v("id") or v("id", "2023")`},
	"prev":  {1, 1, `one indicator id: prev("id")`},
	"sum":   {1, -1, `one or more indicator ids: sum("id1", "id2")`},
	"dec":   {1, 2, `an indicator id and optionally a period: dec("id") or dec("id", "2023")`},
	"same":  {2, 3, `a number, an indicator id and optionally a period: same(x, "id") or same(x, "id", "2023")`},
	"pct":   {2, 2, "two numbers: pct(a, b)"},
	"ratio": {2, 2, "two numbers: ratio(a, b)"},
	"round": {2, 2, "a number and how many decimals: round(x, 2)"},
}

// compileRule compiles one rule, or says what is wrong with it.
func compileRule(r config.Rule, cat *ruleCatalogue) (compiledRule, string) {
	if strings.TrimSpace(r.Expr) == "" {
		return compiledRule{}, `the expression is empty: write the condition that must hold, e.g. v("kg.total") == sum("kg.public", "kg.private")`
	}
	p := &rulePatcher{cat: cat, index: map[ruleInput]int{}}
	program, err := expr.Compile(r.Expr, ruleOptions(p)...)
	p.unknownNames()
	// The patcher's problems come first: they are about what the rule
	// means (an unknown id), and expr's checker would report the same call
	// less clearly.
	if len(p.problems) > 0 {
		src := file.NewSource(r.Expr)
		msgs := make([]string, len(p.problems))
		for i, pr := range p.problems {
			e := (&file.Error{Location: pr.loc}).Bind(src)
			msgs[i] = pr.msg + " " + rulePosition(r.Expr, e.Line, e.Column)
		}
		return compiledRule{}, strings.Join(msgs, "; ")
	}
	if err != nil {
		return compiledRule{}, compileMessage(r.Expr, err, p.parsed)
	}
	cr := compiledRule{rule: r, program: program, inputs: p.inputs}
	if strings.TrimSpace(r.Message) == "" {
		cr.sentence = newRuleSentence(r, cat, p)
	}
	return cr, ""
}

// ruleOptions configures expr for one rule; p resolves its figures.
func ruleOptions(p *rulePatcher) []expr.Option {
	// The figure functions are resolved by the patcher before expr checks
	// types; they are declared here so that expr parses them as calls ("sum"
	// would otherwise be its own builtin), never run.
	unresolved := func(params ...any) (any, error) {
		return nil, errors.New("internal error: a figure function was not resolved at compile time")
	}
	return []expr.Option{
		expr.Env(ruleEnv{}),
		expr.AsBool(),
		expr.DisableBuiltin("round"),
		expr.Function("v", unresolved, new(func(string) float64), new(func(string, string) float64)),
		expr.Function("prev", unresolved, new(func(string) float64)),
		expr.Function("sum", unresolved, new(func(...string) float64)),
		expr.Function("dec", unresolved, new(func(string) int), new(func(string, string) int)),
		expr.Function("same", unresolved, new(func(float64, string) bool), new(func(float64, string, string) bool)),
		expr.Function("pct", pctFunc, new(func(float64, float64) float64)),
		expr.Function("ratio", ratioFunc, new(func(float64, float64) float64)),
		expr.Function("round", roundFunc, new(func(float64, int) float64)),
		expr.Function(fnSame, sameFunc, new(func(float64, float64, int) bool)),
		expr.Function(fnDiv, divFunc, new(func(float64, float64) float64)),
		expr.Function(fnPow, powFunc, new(func(float64, float64) float64)),
		expr.Patch(p),
	}
}

// ruleCatalogue is what the compiler knows of the indicators.
type ruleCatalogue struct {
	ids      []string
	names    map[string]string   // the indicators' names, for sentences
	periods  map[string][]string // the periods each indicator is collected for
	defaults map[string]string   // the period v("id") means
}

func newRuleCatalogue(cfg *config.Config) *ruleCatalogue {
	c := &ruleCatalogue{names: map[string]string{}, periods: map[string][]string{}, defaults: map[string]string{}}
	for i := range cfg.Indicators {
		ind := &cfg.Indicators[i]
		c.ids = append(c.ids, ind.ID)
		c.names[ind.ID] = ind.Name
		c.periods[ind.ID] = cfg.Periods(ind)
		c.defaults[ind.ID] = cfg.DefaultPeriod(ind)
	}
	return c
}

// rulePatcher checks the figure functions of one rule and rewrites them to
// read inputs by position; it also routes division and powers through
// functions that refuse a result that is not a finite number. It runs once,
// depth first, so inner calls are resolved before the calls around them and
// inputs are numbered in the order the expression names them.
type rulePatcher struct {
	cat      *ruleCatalogue
	inputs   []ruleInput
	index    map[ruleInput]int
	problems []ruleProblem
	parsed   bool // the expression parsed: the patcher only sees a tree
	// names are the bare names the expression writes, and used those that
	// turned out to be a function's name or part of an indicator id: any
	// other is an unknown name, which expr's checker lets through once
	// the tree around it was patched (the sync then failed at run time).
	names []*ast.IdentifierNode
	used  map[*ast.IdentifierNode]bool
	// paths are the longest dotted names written from each bare name, for
	// the message when they name no indicator.
	paths map[*ast.IdentifierNode]string
}

type ruleProblem struct {
	loc file.Location
	msg string
}

// Visit implements ast.Visitor.
func (p *rulePatcher) Visit(node *ast.Node) {
	p.parsed = true
	switch n := (*node).(type) {
	case *ast.IdentifierNode:
		p.names = append(p.names, n)
	case *ast.MemberNode:
		// sped.students written bare is the indicator sped.students, as
		// if written v("sped.students").
		if id, root, ok := memberPath(n); ok {
			if p.paths == nil {
				p.paths = map[*ast.IdentifierNode]string{}
			}
			p.paths[root] = id
			if _, known := p.cat.periods[id]; known {
				p.use(root)
				arg := &ast.StringNode{Value: id}
				arg.SetLocation(n.Location())
				call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "v"}, Arguments: []ast.Node{arg}}
				call.SetLocation(n.Location())
				ast.Patch(node, call)
				p.resolveCall(node, call, "v")
			}
		}
	case *ast.CallNode:
		// expr checks the tree once before patching and, on its second
		// pass, skips calls it has already typed, with their arguments:
		// forget the type so that what was rewritten inside is checked
		// (and compiled as a typed call, not through reflection).
		n.SetType(nil)
		if callee, ok := n.Callee.(*ast.IdentifierNode); ok {
			p.use(callee)
			p.resolveCall(node, n, callee.Value)
		}
	case *ast.BinaryNode:
		switch n.Operator {
		case "/":
			ast.Patch(node, ruleCall(fnDiv, n.Location(), n.Left, n.Right))
		case "**", "^":
			ast.Patch(node, ruleCall(fnPow, n.Location(), n.Left, n.Right))
		}
	}
}

func (p *rulePatcher) use(n *ast.IdentifierNode) {
	if p.used == nil {
		p.used = map[*ast.IdentifierNode]bool{}
	}
	p.used[n] = true
}

// unknownNames reports the bare names that are neither a function nor an
// indicator: a name such as "students" or "sped.studnets".
func (p *rulePatcher) unknownNames() {
	for _, n := range p.names {
		if p.used[n] {
			continue
		}
		name := n.Value
		if path, ok := p.paths[n]; ok {
			name = path
		}
		msg := fmt.Sprintf("unknown name %q: an indicator is written v(\"id\") or as its id, e.g. v(\"schools.total\") or schools.total", name)
		if s := ruleSuggest(name, p.cat.ids); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		p.fail(n, "%s", msg)
	}
}

// memberPath is the dotted name a chain of member accesses on a bare name
// writes (sped.students), with the name at its root.
func memberPath(n *ast.MemberNode) (string, *ast.IdentifierNode, bool) {
	prop, ok := n.Property.(*ast.StringNode)
	if !ok || n.Optional {
		return "", nil, false
	}
	switch base := n.Node.(type) {
	case *ast.IdentifierNode:
		return base.Value + "." + prop.Value, base, true
	case *ast.MemberNode:
		head, root, ok := memberPath(base)
		if !ok {
			return "", nil, false
		}
		return head + "." + prop.Value, root, true
	}
	return "", nil, false
}

func (p *rulePatcher) fail(n ast.Node, format string, args ...any) {
	p.problems = append(p.problems, ruleProblem{n.Location(), fmt.Sprintf(format, args...)})
}

func (p *rulePatcher) resolveCall(node *ast.Node, n *ast.CallNode, name string) {
	arity, known := helperArity[name]
	if !known {
		msg := fmt.Sprintf("unknown function %q", name)
		if s := ruleSuggest(name, slices.Sorted(maps.Keys(helperArity))); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		p.fail(n, "%s: the functions are v, prev, sum, pct, ratio, round, dec and same, with expr's builtins such as abs, min and max", msg)
		return
	}
	if got := len(n.Arguments); got < arity.min || (arity.max >= 0 && got > arity.max) {
		p.fail(n, "%s takes %s; it is given %d argument%s", name, arity.want, got, rulePlural(got))
		return
	}
	loc := n.Location()
	args := n.Arguments
	switch name {
	case "v":
		if k, ok := p.input(name, args[0], args[1:]); ok {
			ast.Patch(node, ruleCall(fnFig, loc, ruleInt(k, loc)))
		}
	case "prev":
		if k, ok := p.input(name, args[0], nil); ok {
			ast.Patch(node, ruleCall(fnFig, loc, ruleInt(k, loc)))
		}
	case "dec":
		if k, ok := p.input(name, args[0], args[1:]); ok {
			ast.Patch(node, ruleCall(fnDec, loc, ruleInt(k, loc)))
		}
	case "same":
		if k, ok := p.input(name, args[1], args[2:]); ok {
			ast.Patch(node, ruleCall(fnSame, loc, args[0], ruleCall(fnFig, loc, ruleInt(k, loc)), ruleCall(fnDec, loc, ruleInt(k, loc))))
		}
	case "sum":
		var total ast.Node
		for _, a := range args {
			k, ok := p.input(name, a, nil)
			if !ok {
				continue
			}
			term := ruleCall(fnFig, a.Location(), ruleInt(k, a.Location()))
			if total == nil {
				total = term
				continue
			}
			total = &ast.BinaryNode{Operator: "+", Left: total, Right: term}
			total.SetLocation(loc)
		}
		if total != nil && len(p.problems) == 0 {
			ast.Patch(node, total)
		}
	case "round":
		if d, ok := args[1].(*ast.IntegerNode); ok && (d.Value < 0 || d.Value > ruleMaxDecimals) {
			p.fail(args[1], "round to %d decimals: the number of decimals is 0 to %d", d.Value, ruleMaxDecimals)
		}
	}
}

// input resolves the indicator id and period written as literal arguments
// of fn to the position of the input, numbering a new input.
func (p *rulePatcher) input(fn string, idArg ast.Node, periodArg []ast.Node) (int, bool) {
	idLit, ok := idArg.(*ast.StringNode)
	if !ok {
		p.fail(idArg, `%s needs the indicator id written in quotes, e.g. %s("schools.total"), not a computed value`, fn, fn)
		return 0, false
	}
	id := idLit.Value
	periods, known := p.cat.periods[id]
	if !known {
		msg := fmt.Sprintf("unknown indicator %q", id)
		if s := ruleSuggest(id, p.cat.ids); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		p.fail(idArg, "%s", msg)
		return 0, false
	}
	period := p.cat.defaults[id]
	var at ast.Node = idArg
	switch {
	case len(periodArg) == 1:
		at = periodArg[0]
		lit, ok := at.(*ast.StringNode)
		if !ok {
			if n, isInt := at.(*ast.IntegerNode); isInt {
				p.fail(at, `write the period in quotes: %s("%s", "%d")`, fn, id, n.Value)
			} else {
				p.fail(at, `%s needs the period written in quotes, e.g. "2023" or "2024Q2", not a computed value`, fn)
			}
			return 0, false
		}
		if _, _, ok := sheaf.ParsePeriod(lit.Value); !ok {
			p.fail(at, `period %q is not a year or a quarter, e.g. "2023" or "2024Q2"`, lit.Value)
			return 0, false
		}
		period = lit.Value
	case fn == "prev":
		prev, ok := rulePreviousPeriod(period)
		if !ok {
			p.fail(idArg, "prev: the default period %q of %q has no year before it", period, id)
			return 0, false
		}
		period = prev
	}
	if !slices.Contains(periods, period) {
		p.fail(at, "indicator %q is collected for %s, not %s, so this figure never has a value; declare the period under the indicator's periods or name one that is collected, e.g. v(%q, %q)",
			id, strings.Join(periods, ", "), period, id, periods[len(periods)-1])
		return 0, false
	}
	in := ruleInput{Indicator: id, Period: period}
	k, seen := p.index[in]
	if !seen {
		k = len(p.inputs)
		p.index[in] = k
		p.inputs = append(p.inputs, in)
	}
	return k, true
}

// rulePreviousPeriod is the same period one year earlier: 2024 → 2023, 2024Q2
// → 2023Q2.
func rulePreviousPeriod(period string) (string, bool) {
	year, _, ok := sheaf.ParsePeriod(period)
	if !ok || year <= 1 {
		return "", false
	}
	return fmt.Sprintf("%04d%s", year-1, period[4:]), true
}

func ruleCall(name string, loc file.Location, args ...ast.Node) ast.Node {
	callee := &ast.IdentifierNode{Value: name}
	callee.SetLocation(loc)
	n := &ast.CallNode{Callee: callee, Arguments: args}
	n.SetLocation(loc)
	return n
}

func ruleInt(v int, loc file.Location) ast.Node {
	n := &ast.IntegerNode{Value: v}
	n.SetLocation(loc)
	return n
}

// compileMessage rewords an error of expr's parser (when the expression
// did not parse) or checker.
func compileMessage(src string, err error, parsed bool) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if !parsed {
			// The parser's messages ("unexpected token …") do not say
			// what kind of problem they are.
			msg = "syntax error: " + msg
		}
		msg = strings.NewReplacer(fnDiv, "/", fnPow, "**", fnFig, "v", fnDec, "dec", fnSame, "same").Replace(msg)
		return msg + " " + rulePosition(src, fe.Line, fe.Column)
	}
	msg := err.Error()
	if got, ok := strings.CutPrefix(msg, "expected bool, but got "); ok {
		return fmt.Sprintf(`the expression gives %s, not true or false: a rule is a condition that must hold, e.g. v("kg.total") == sum("kg.public", "kg.private")`, got)
	}
	return msg
}

// runtimeMessage says why a run stopped, with where in the expression.
func runtimeMessage(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		if fe.Line > 1 {
			return fmt.Sprintf("%s (line %d, column %d)", fe.Message, fe.Line, fe.Column+1)
		}
		return fmt.Sprintf("%s (column %d)", fe.Message, fe.Column+1)
	}
	return err.Error()
}

// position names a place in an expression; column is 0-based, as expr's
// file.Error has it.
func rulePosition(src string, line, column int) string {
	if strings.Contains(strings.TrimRight(src, "\n"), "\n") {
		return fmt.Sprintf("(line %d, column %d of the expression)", line, column+1)
	}
	return fmt.Sprintf("(column %d)", column+1)
}

func rulePlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// suggest is the candidate closest to name, if it is close enough to be a
// typing mistake.
func ruleSuggest(name string, candidates []string) string {
	best, bestDist := "", 3
	if len(name) <= 4 {
		bestDist = 2
	}
	for _, c := range candidates {
		if d := ruleEditDistance(strings.ToLower(name), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes (ids
// are ASCII).
func ruleEditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ruleMaxDecimals is the most decimals round and same work to: a float64 holds
// 15 to 17 significant digits, and no figure is written with more.
const ruleMaxDecimals = 15

// sameAtDecimals reports whether x, rounded half up to decimals places,
// equals figure at the same rounding: a stated rate against its quotient.
func sameAtDecimals(x, figure float64, decimals int) bool {
	return sheaf.Round(x, decimals) == sheaf.Round(figure, decimals)
}

// The functions below run inside expr: they receive int or float64
// arguments (expr passes an int expression unconverted to a float64
// parameter) and return an error that stops the rule as RuleError.

func pctFunc(params ...any) (any, error) {
	a, b, err := ruleTwoNumbers("pct", params)
	if err != nil {
		return nil, err
	}
	if b == 0 {
		return nil, fmt.Errorf("pct(%v, 0): division by zero", a)
	}
	return ruleFinite("pct", a/b*100)
}

func ratioFunc(params ...any) (any, error) {
	a, b, err := ruleTwoNumbers("ratio", params)
	if err != nil {
		return nil, err
	}
	if b == 0 {
		return nil, fmt.Errorf("ratio(%v, 0): division by zero", a)
	}
	return ruleFinite("ratio", a/b)
}

func divFunc(params ...any) (any, error) {
	a, b, err := ruleTwoNumbers("/", params)
	if err != nil {
		return nil, err
	}
	if b == 0 {
		return nil, fmt.Errorf("division by zero: %v / 0", a)
	}
	return ruleFinite("/", a/b)
}

func powFunc(params ...any) (any, error) {
	a, b, err := ruleTwoNumbers("**", params)
	if err != nil {
		return nil, err
	}
	return ruleFinite(fmt.Sprintf("%v ** %v", a, b), math.Pow(a, b))
}

func roundFunc(params ...any) (any, error) {
	x, err := ruleNumber("round", params[0])
	if err != nil {
		return nil, err
	}
	n, err := ruleDecimalsArg("round", params[1])
	if err != nil {
		return nil, err
	}
	return sheaf.Round(x, n), nil
}

func sameFunc(params ...any) (any, error) {
	x, err := ruleNumber("same", params[0])
	if err != nil {
		return nil, err
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, fmt.Errorf("same: %v is not a finite number", x)
	}
	figure, err := ruleNumber("same", params[1])
	if err != nil {
		return nil, err
	}
	n, err := ruleDecimalsArg("same", params[2])
	if err != nil {
		return nil, err
	}
	return sameAtDecimals(x, figure, n), nil
}

func ruleTwoNumbers(fn string, params []any) (float64, float64, error) {
	a, err := ruleNumber(fn, params[0])
	if err != nil {
		return 0, 0, err
	}
	b, err := ruleNumber(fn, params[1])
	return a, b, err
}

func ruleNumber(fn string, v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case float32:
		return float64(x), nil
	}
	return 0, fmt.Errorf("%s: %v (%T) is not a number", fn, v, v)
}

func ruleDecimalsArg(fn string, v any) (int, error) {
	n, ok := v.(int)
	if !ok || n < 0 || n > ruleMaxDecimals {
		return 0, fmt.Errorf("%s: %v decimals is out of range (0 to %d)", fn, v, ruleMaxDecimals)
	}
	return n, nil
}

func ruleFinite(what string, x float64) (any, error) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil, fmt.Errorf("%s gives %v, not a finite number", what, x)
	}
	return x, nil
}
