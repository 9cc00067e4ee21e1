package reconcile

import (
	"fmt"
	"math"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
)

// ruleSentence is what a rule without a message says when it fails: its
// condition in words, with figure names for ids ("特殊教育学校学生数 ÷
// 特殊教育学校教师数 应不大于 3.1"), and, for a comparison, the programs
// that compute its two sides so that the sentence can give what they came
// to ("实际为 4.06").
type ruleSentence struct {
	text string
	// left and right compute the sides of a top-level comparison (nil
	// otherwise); rightIsConstant: the right side is a number written in
	// the rule, which the sentence already gives.
	left, right     *vm.Program
	rightIsConstant bool
}

// comparisonWords says what a comparison asks for.
var comparisonWords = map[string]string{
	"<": "应小于", "<=": "应不大于", ">": "应大于", ">=": "应不小于", "==": "应等于", "!=": "应不等于",
}

// newRuleSentence words rule r, whose inputs p has already resolved; the
// sides of a comparison are compiled with p's numbering, so that they read
// the same inputs as the rule. It returns nil when the expression does not
// parse (compileRule has said why).
func newRuleSentence(r config.Rule, cat *ruleCatalogue, p *rulePatcher) *ruleSentence {
	// Parsed with the rule's functions declared, as compileRule parses it:
	// sum is the rule's, not expr's builtin.
	c := conf.CreateNew()
	for _, opt := range ruleOptions(&rulePatcher{cat: cat, index: map[ruleInput]int{}}) {
		opt(c)
	}
	tree, err := parser.ParseWithConfig(r.Expr, c)
	if err != nil {
		return nil
	}
	w := ruleWorder{cat: cat}
	s := &ruleSentence{text: w.condition(tree.Node)}
	if b, ok := tree.Node.(*ast.BinaryNode); ok && comparisonWords[b.Operator] != "" {
		s.left = compileSide(b.Left, cat, p)
		s.right = compileSide(b.Right, cat, p)
		switch b.Right.(type) {
		case *ast.IntegerNode, *ast.FloatNode:
			s.rightIsConstant = true
		}
		if s.left == nil || s.right == nil {
			s.left, s.right = nil, nil
		}
	}
	return s
}

// compileSide compiles one side of a comparison as a number.
func compileSide(n ast.Node, cat *ruleCatalogue, p *rulePatcher) *vm.Program {
	side := &rulePatcher{cat: cat, inputs: p.inputs, index: p.index}
	opts := append(ruleOptions(side)[:1:1], ruleOptions(side)[2:]...) // without AsBool
	prog, err := expr.Compile(n.String(), append(opts, expr.AsFloat64())...)
	if err != nil || len(side.problems) > 0 || len(side.inputs) != len(p.inputs) {
		return nil
	}
	return prog
}

// message is the sentence for a failed outcome, with what the sides came to
// when they could be computed.
func (s *ruleSentence) message(machine *vm.VM, env any) string {
	if s == nil {
		return ""
	}
	if s.left == nil {
		return s.text
	}
	l, lok := runSide(machine, s.left, env)
	r, rok := runSide(machine, s.right, env)
	switch {
	case !lok:
		return s.text
	case s.rightIsConstant || !rok:
		return fmt.Sprintf("%s，实际为 %s", s.text, sentenceNumber(l))
	}
	return fmt.Sprintf("%s，实际前者为 %s，后者为 %s", s.text, sentenceNumber(l), sentenceNumber(r))
}

func runSide(machine *vm.VM, prog *vm.Program, env any) (float64, bool) {
	out, err := machine.Run(prog, env)
	if err != nil {
		return 0, false
	}
	v, ok := out.(float64)
	return v, ok && !math.IsNaN(v) && !math.IsInf(v, 0)
}

// sentenceNumber writes a computed number: whole numbers as they are,
// others to two decimals (a quotient such as 4.0645… reads 4.06).
func sentenceNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return sheaf.FormatValue(v, 0)
	}
	return sheaf.FormatValue(v, 2)
}

// ruleWorder writes a rule's expression in words.
type ruleWorder struct {
	cat *ruleCatalogue
}

// condition words a condition: a comparison as "A 应不大于 B", and, or and
// not around conditions as 且, 或, 并非.
func (w ruleWorder) condition(n ast.Node) string {
	switch n := n.(type) {
	case *ast.BinaryNode:
		if word := comparisonWords[n.Operator]; word != "" {
			return w.value(n.Left, 0) + " " + word + " " + w.value(n.Right, 0)
		}
		switch n.Operator {
		case "and", "&&":
			return w.condition(n.Left) + "，且" + w.condition(n.Right)
		case "or", "||":
			return w.condition(n.Left) + "，或" + w.condition(n.Right)
		}
	case *ast.UnaryNode:
		if n.Operator == "not" || n.Operator == "!" {
			return "并非" + w.condition(n.Node)
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value == "same" && len(n.Arguments) >= 2 {
			return w.value(n.Arguments[0], 0) + " 应与" + w.figure(n.Arguments[1], n.Arguments[2:], "") + "一致"
		}
	}
	return w.value(n, 0) + " 应成立"
}

// Precedence of the arithmetic operators, for parentheses.
var wordPrecedence = map[string]int{"+": 1, "-": 1, "*": 2, "/": 2, "%": 2, "**": 3, "^": 3}

// value words a number-valued expression; outer is the precedence of the
// operator around it, which decides the parentheses.
func (w ruleWorder) value(n ast.Node, outer int) string {
	switch n := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		return n.String()
	case *ast.BinaryNode:
		prec, ok := wordPrecedence[n.Operator]
		if !ok {
			return w.condition(n)
		}
		op := map[string]string{"*": "×", "/": "÷", "^": "**"}[n.Operator]
		if op == "" {
			op = n.Operator
		}
		// The right operand of - and ÷ is bracketed at equal precedence.
		s := w.value(n.Left, prec) + " " + op + " " + w.value(n.Right, prec+1)
		if prec < outer {
			return "（" + s + "）"
		}
		return s
	case *ast.UnaryNode:
		if n.Operator == "-" {
			return "-" + w.value(n.Node, 4)
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			if s, ok := w.call(id.Value, n.Arguments, outer); ok {
				return s
			}
		}
	case *ast.BuiltinNode:
		// The parser alone (without the rule's functions declared) reads
		// sum and abs as expr's builtins.
		if s, ok := w.call(n.Name, n.Arguments, outer); ok {
			return s
		}
	}
	return n.String()
}

// call words a call of a rule's functions.
func (w ruleWorder) call(name string, args []ast.Node, outer int) (string, bool) {
	paren := func(prec int, s string) string {
		if prec < outer {
			return "（" + s + "）"
		}
		return s
	}
	switch {
	case name == "v" && len(args) >= 1:
		return w.figure(args[0], args[1:], ""), true
	case name == "prev" && len(args) == 1:
		return w.figure(args[0], nil, "上年"), true
	case name == "dec" && len(args) >= 1:
		return w.figure(args[0], args[1:], "") + "的小数位数", true
	case name == "sum" && len(args) >= 1:
		parts := make([]string, len(args))
		for i, a := range args {
			parts[i] = w.figure(a, nil, "")
		}
		return paren(1, strings.Join(parts, " + ")), true
	case name == "ratio" && len(args) == 2:
		return paren(2, w.value(args[0], 2)+" ÷ "+w.value(args[1], 3)), true
	case name == "pct" && len(args) == 2:
		return paren(2, w.value(args[0], 2)+" ÷ "+w.value(args[1], 3)+" × 100"), true
	case name == "round" && len(args) == 2:
		return w.value(args[0], outer) + "（保留 " + args[1].String() + " 位小数）", true
	case name == "abs" && len(args) == 1:
		return w.value(args[0], 0) + " 的绝对值", true
	}
	return "", false
}

// figure names the figure of a quoted id, with its period when the rule
// names one; prefix comes before the name ("上年").
func (w ruleWorder) figure(idArg ast.Node, periodArg []ast.Node, prefix string) string {
	lit, ok := idArg.(*ast.StringNode)
	if !ok {
		return idArg.String()
	}
	name := w.cat.names[lit.Value]
	if name == "" {
		name = lit.Value
	}
	if len(periodArg) == 1 {
		if p, ok := periodArg[0].(*ast.StringNode); ok {
			return prefix + name + "（" + sheaf.PeriodWord(p.Value) + "）"
		}
	}
	return prefix + name
}
