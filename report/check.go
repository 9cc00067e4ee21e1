package report

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf/config"
)

// CheckTemplate parses the configuration's report template (report.template;
// none set is no error) and checks every call of a template function that
// reads figures against the catalogue: the indicator ids, the periods they
// are collected for and the number of arguments. Each problem is an error
// "file:line:column: …"; all of them are returned, joined, so that `sheaf
// config check` finds at once what `sheaf draft` would find one at a time
// after a sync.
func CheckTemplate(cfg *config.Config) error {
	path := cfg.ReportTemplate()
	if path == "" {
		return nil
	}
	text, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read report template: %w", err)
	}
	return checkTemplate(path, string(text), cfg)
}

func checkTemplate(path, text string, cfg *config.Config) error {
	c := newCatalogue(Data{Config: cfg})
	t, err := template.New(path).Funcs(c.funcs()).Parse(text)
	if err != nil {
		return fmt.Errorf("report template %w", err)
	}
	var errs []error
	for _, tt := range t.Templates() {
		if tt.Tree == nil || tt.Tree.Root == nil {
			continue
		}
		walk(tt.Tree.Root, func(cmd *parse.CommandNode, piped bool) {
			if msg := c.checkCall(cmd, piped); msg != "" {
				errs = append(errs, fmt.Errorf("%s: %s", position(path, text, int(cmd.Position())), msg))
			}
		})
	}
	return errors.Join(append(errs, checkConditions(path, text, t))...)
}

// writers are the functions that write text, a missing figure's 【缺】
// mark included: as a condition, always true.
var writers = map[string]bool{"fig": true, "num": true, "pct": true, "ratio": true, "per": true, "wan": true, "yi": true,
	"diff": true, "growth": true, "yoy": true, "parts": true}

// checkConditions finds {{if num "id"}} and the like: the text a missing
// figure writes is its mark, which {{if}} takes for true, so the draft
// would say the figure exists. The condition must be has.
func checkConditions(path, text string, t *template.Template) error {
	var errs []error
	var cond func(p *parse.PipeNode)
	cond = func(p *parse.PipeNode) {
		if p == nil || len(p.Cmds) == 0 {
			return
		}
		cmd := p.Cmds[len(p.Cmds)-1]
		if len(cmd.Args) == 0 {
			return
		}
		id, ok := cmd.Args[0].(*parse.IdentifierNode)
		if !ok {
			return
		}
		switch {
		case writers[id.Ident]:
			errs = append(errs, fmt.Errorf("%s: a condition on %s is always true (a missing figure writes its 【缺】 mark): use has \"id\" to ask whether a figure has a value",
				position(path, text, int(cmd.Position())), id.Ident))
		case id.Ident == "not" || id.Ident == "and" || id.Ident == "or":
			for _, a := range cmd.Args[1:] {
				if sub, ok := a.(*parse.PipeNode); ok {
					cond(sub)
				}
			}
		}
	}
	var visit func(n parse.Node)
	visit = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, m := range n.Nodes {
					visit(m)
				}
			}
		case *parse.IfNode:
			cond(n.Pipe)
			visit(n.List)
			visit(n.ElseList)
		case *parse.WithNode:
			cond(n.Pipe)
			visit(n.List)
			visit(n.ElseList)
		case *parse.RangeNode:
			visit(n.List)
			visit(n.ElseList)
		}
	}
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			visit(tt.Tree.Root)
		}
	}
	return errors.Join(errs...)
}

// position writes "file:line:column" for a byte offset in text, the column
// counted in characters as an editor counts them ("学校" is two).
func position(path, text string, offset int) string {
	offset = min(max(offset, 0), len(text))
	before := text[:offset]
	line := 1 + strings.Count(before, "\n")
	col := 1 + utf8.RuneCountInString(before[strings.LastIndex(before, "\n")+1:])
	return fmt.Sprintf("%s:%d:%d", path, line, col)
}

// walk calls f on every command under n; piped says that the command
// takes the value of the one before it as its last argument.
func walk(n parse.Node, f func(cmd *parse.CommandNode, piped bool)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, m := range n.Nodes {
			walk(m, f)
		}
	case *parse.ActionNode:
		walk(n.Pipe, f)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for i, cmd := range n.Cmds {
			f(cmd, i > 0)
			for _, a := range cmd.Args {
				walk(a, f)
			}
		}
	case *parse.IfNode:
		walk(n.Pipe, f)
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.RangeNode:
		walk(n.Pipe, f)
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.WithNode:
		walk(n.Pipe, f)
		walk(n.List, f)
		walk(n.ElseList, f)
	case *parse.TemplateNode:
		walk(n.Pipe, f)
	}
}

// callShape is what a figure-reading function takes: how many arguments
// at least and at most (-1: any), and which of them are figure references
// ("id" or "id@period"), an id with its period in the next argument, or
// periods of the indicator in the first.
type callShape struct {
	min, max int
	check    func(c *catalogue, args []string) string
}

var callShapes = map[string]callShape{
	"fig": {1, 2, checkFigure}, "num": {1, 2, checkFigure}, "has": {1, 2, checkFigure},
	"pct": {2, 3, checkRefs(2)}, "ratio": {2, 3, checkRefs(2)}, "per": {3, 4, checkRefs(2)},
	"wan": {1, 2, checkRefs(1)}, "yi": {1, 2, checkRefs(1)},
	"diff": {3, 3, checkChange}, "growth": {3, 3, checkChange}, "yoy": {3, 3, checkChange},
	"parts": {2, -1, checkParts},
	"date":  {2, 2, nil}, "signature": {2, 2, nil},
}

// checkCall checks one command; empty when it is fine or not a call of a
// figure-reading function.
func (c *catalogue) checkCall(cmd *parse.CommandNode, piped bool) string {
	if len(cmd.Args) == 0 {
		return ""
	}
	id, ok := cmd.Args[0].(*parse.IdentifierNode)
	if !ok {
		return ""
	}
	shape, ok := callShapes[id.Ident]
	if !ok {
		return ""
	}
	n := len(cmd.Args) - 1
	if piped {
		n++
	}
	if n < shape.min || (shape.max >= 0 && n > shape.max) {
		want := strconv.Itoa(shape.min)
		switch {
		case shape.max < 0:
			want = "at least " + want
		case shape.max != shape.min:
			want += " to " + strconv.Itoa(shape.max)
		}
		return fmt.Sprintf("%s takes %s arguments, got %d", id.Ident, want, n)
	}
	if shape.check == nil || piped {
		return ""
	}
	args := make([]string, len(cmd.Args)-1)
	for i, a := range cmd.Args[1:] {
		s, ok := a.(*parse.StringNode)
		if !ok {
			args[i] = computed // checked when drafting
			continue
		}
		args[i] = s.Text
	}
	if msg := shape.check(c, args); msg != "" {
		return id.Ident + ": " + msg
	}
	return ""
}

func checkFigure(c *catalogue, args []string) string {
	p := ""
	if len(args) > 1 {
		p = args[1]
		if p == "" {
			return "the period is empty; leave it out for the indicator's default period"
		}
	}
	return c.checkRead(args[0], p)
}

func checkRefs(n int) func(c *catalogue, args []string) string {
	return func(c *catalogue, args []string) string {
		for _, a := range args[:n] {
			id, p := ref(a)
			if msg := c.checkRead(id, p); msg != "" {
				return msg
			}
		}
		return ""
	}
}

func checkChange(c *catalogue, args []string) string {
	for _, p := range args[1:] {
		if p == "" {
			return "needs an indicator and two periods, e.g. \"fund.edu_spend\" \"2022\" \"2023\""
		}
		if msg := c.checkRead(args[0], p); msg != "" {
			return msg
		}
	}
	return ""
}

func checkParts(c *catalogue, args []string) string {
	if len(args)%2 != 0 {
		return fmt.Sprintf("takes pairs of a label and an indicator id, got %d arguments", len(args))
	}
	for i := 1; i < len(args); i += 2 {
		id, p := ref(args[i])
		if msg := c.checkRead(id, p); msg != "" {
			return msg
		}
	}
	return ""
}

// computed stands for an argument the template computes: only a draft
// knows its value.
const computed = "\x00"

// checkRead says why a figure cannot be read, as drafting would.
func (c *catalogue) checkRead(id, period string) string {
	if strings.Contains(id, computed) || strings.Contains(period, computed) {
		return ""
	}
	if _, err := c.read(id, period); err != nil {
		return err.Error()
	}
	return ""
}
