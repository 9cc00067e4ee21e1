package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/template"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/reconcile"
)

// funcs are the template functions, reading d. Each function that reads a
// figure marks it: a figure with no value is replaced by 【缺：…】, a
// doubtful one is followed by 【待核实：…】.
func funcs(d Data) template.FuncMap {
	c := newCatalogue(d)
	return template.FuncMap{
		"fig": func(id string, period ...string) (string, error) {
			return c.fig(id, period, true)
		},
		"num": func(id string, period ...string) (string, error) {
			return c.fig(id, period, false)
		},
		// pct "a" "b" [decimals]: a ÷ b × 100, "48.29%".
		"pct": func(a, b string, decimals ...int) (string, error) {
			return c.quotient(a, b, decimals, 2, 100, func(v string) string { return v + "%" })
		},
		// ratio "a" "b" [decimals]: how many a per one b, written as the
		// ratio unit is: students per teacher 4.1 is "1:4.1" (one
		// teacher to 4.1 students).
		"ratio": func(a, b string, decimals ...int) (string, error) {
			return c.quotient(a, b, decimals, 1, 1, func(v string) string { return "1:" + v })
		},
		"diff":   c.diff,
		"growth": c.growth,
		"parts":  c.parts,
		"standards": func() string {
			return listOrNone(c.standards())
		},
		"explanations": func() string {
			return listOrNone(c.explanations())
		},
	}
}

// onePeriod takes a function's optional period argument.
func onePeriod(period []string) (string, error) {
	switch len(period) {
	case 0:
		return "", nil
	case 1:
		if period[0] == "" {
			return "", errors.New("the period is empty; leave it out for the indicator's default period")
		}
		return period[0], nil
	}
	return "", fmt.Errorf("takes one period at most, got %d (%s)", len(period), strings.Join(period, ", "))
}

// ref splits a figure reference "id" or "id@period".
func ref(s string) (id, period string) {
	id, period, _ = strings.Cut(s, "@")
	return id, period
}

// fig writes one figure, with its unit or without.
func (c *catalogue) fig(id string, period []string, unit bool) (string, error) {
	p, err := onePeriod(period)
	if err != nil {
		return "", err
	}
	r, err := c.read(id, p)
	if err != nil {
		return "", err
	}
	return c.show(r, unit, false), nil
}

// show writes a reading: its marked value, or its missing mark.
func (c *catalogue) show(r reading, unit, named bool) string {
	if !r.has {
		return c.missingMark(r)
	}
	v := formatNumber(r.value, r.decimals)
	if unit {
		v = withUnit(v, r.ind.Unit)
	}
	return v + c.doubtMark(r, named)
}

// readAll reads figure references ("id" or "id@period").
func (c *catalogue) readAll(refs ...string) ([]reading, error) {
	rs := make([]reading, len(refs))
	for i, s := range refs {
		id, p := ref(s)
		r, err := c.read(id, p)
		if err != nil {
			return nil, err
		}
		rs[i] = r
	}
	return rs, nil
}

// computed writes a value computed from rs: the missing marks of those
// without a value instead of it, else the value followed by the doubt
// marks of its doubtful inputs, each naming its figure.
func (c *catalogue) computed(rs []reading, value func() string) string {
	var missing, doubts []string
	for _, r := range rs {
		if !r.has {
			if m := c.missingMark(r); !slices.Contains(missing, m) {
				missing = append(missing, m)
			}
			continue
		}
		if m := c.doubtMark(r, true); m != "" && !slices.Contains(doubts, m) {
			doubts = append(doubts, m)
		}
	}
	if len(missing) > 0 {
		return strings.Join(missing, "")
	}
	return value() + strings.Join(doubts, "")
}

// quotient writes a/b×scale with decimals (default def) through format.
func (c *catalogue) quotient(a, b string, decimals []int, def int, scale float64, format func(string) string) (string, error) {
	dec := def
	switch len(decimals) {
	case 0:
	case 1:
		dec = decimals[0]
		if dec < 0 || dec > 6 {
			return "", fmt.Errorf("decimals %d is out of range (0 to 6)", dec)
		}
	default:
		return "", fmt.Errorf("takes two figures and at most one number of decimals, got %d numbers", len(decimals))
	}
	rs, err := c.readAll(a, b)
	if err != nil {
		return "", err
	}
	if rs[0].has && rs[1].has && rs[1].value == 0 {
		return mark("待核实：" + c.label(rs[1]) + "为0，无法计算"), nil
	}
	return c.computed(rs, func() string {
		return format(formatNumber(rs[0].value/rs[1].value*scale, dec))
	}), nil
}

// change reads one indicator for two periods.
func (c *catalogue) change(id, p1, p2 string) ([]reading, error) {
	if p1 == "" || p2 == "" {
		return nil, errors.New("needs an indicator and two periods, e.g. \"fund.edu_spend\" \"2022\" \"2023\"")
	}
	return c.readAll(id+"@"+p1, id+"@"+p2)
}

// diff writes v(p2) − v(p1) in the indicator's unit; the difference of two
// percentages is in percentage points (个百分点).
func (c *catalogue) diff(id, p1, p2 string) (string, error) {
	rs, err := c.change(id, p1, p2)
	if err != nil {
		return "", err
	}
	rs[0].decimals = max(rs[0].decimals, rs[1].decimals)
	return c.computed(rs, func() string {
		return c.difference(rs[0], rs[1].value-rs[0].value)
	}), nil
}

// difference writes an amount of change of r's indicator.
func (c *catalogue) difference(r reading, d float64) string {
	unit := r.ind.Unit
	if u := r.ind.UnitInfo(); u.Name == "%" {
		unit = "百分点"
	}
	return withUnit(formatNumber(d, r.decimals), unit)
}

// growth writes the change from p1 to p2 as a sentence's predicate:
// "增长了0.07%（47万元）", "下降了2.88%（1.45个百分点）", or "持平". The
// percentage is rounded half away from zero to 2 decimals; from a base of
// zero only the amount is given.
func (c *catalogue) growth(id, p1, p2 string) (string, error) {
	rs, err := c.change(id, p1, p2)
	if err != nil {
		return "", err
	}
	rs[0].decimals = max(rs[0].decimals, rs[1].decimals)
	return c.computed(rs, func() string {
		v1, v2 := rs[0].value, rs[1].value
		dec := rs[0].decimals
		if sheaf.RoundDecimal(v1, dec) == sheaf.RoundDecimal(v2, dec) {
			return "持平"
		}
		verb := "增长了"
		if v2 < v1 {
			verb = "下降了"
		}
		amount := c.difference(rs[0], math.Abs(v2-v1))
		if v1 == 0 {
			return verb + amount
		}
		rate := math.Abs(v2-v1) / math.Abs(v1) * 100
		return verb + formatNumber(rate, 2) + "%（" + amount + "）"
	}), nil
}

// parts writes labelled figures joined by 、: "小学16所、初中3所".
func (c *catalogue) parts(args ...string) (string, error) {
	if len(args) == 0 || len(args)%2 != 0 {
		return "", fmt.Errorf("takes pairs of a label and an indicator id, got %d arguments", len(args))
	}
	var out []string
	for i := 0; i < len(args); i += 2 {
		id, p := ref(args[i+1])
		r, err := c.read(id, p)
		if err != nil {
			return "", err
		}
		out = append(out, args[i]+c.show(r, true, false))
	}
	return strings.Join(out, "、"), nil
}

// standards are the messages of the failing standards (rules of class
// standard whose outcome is fail), in the order of the configuration's
// rules.
func (c *catalogue) standards() []string {
	failed := map[string]bool{}
	for _, r := range c.data.Rules {
		if r.State == reconcile.RuleFail {
			failed[r.Rule] = true
		}
	}
	var out []string
	for _, r := range c.cfg.Rules {
		if r.Class != reconcile.ClassStandard || !failed[r.ID] {
			continue
		}
		msg := strings.TrimSpace(r.Message)
		if msg == "" {
			msg = c.ruleSentence(r.ID)
		}
		out = append(out, escapeMarkdown(msg))
	}
	return out
}

// ruleSentence is what a failing rule without a message says: the
// sentence its flag begins with ("… 应不大于 3.1，实际为 4.06"), without
// the figures used; "规则 ID 未达标" when it has no flag.
func (c *catalogue) ruleSentence(rule string) string {
	for _, f := range storedFlags(c.data.Flags, sheaf.FlagOpen, sheaf.FlagAccepted) {
		if f.Kind == sheaf.KindRule && f.Rule == rule {
			if msg, _, _ := strings.Cut(f.Message, "。所用数据："); strings.TrimSpace(msg) != "" {
				return strings.TrimSpace(msg)
			}
		}
	}
	return "规则" + rule + "未达标"
}

// explanations are the accepted flags, each with the explanation (说明) it
// was accepted with: "…（说明：…）".
func (c *catalogue) explanations() []string {
	var out []string
	for _, f := range storedFlags(c.data.Flags, sheaf.FlagAccepted) {
		s := strings.TrimSpace(f.Message)
		if note := strings.TrimSpace(f.Note); note != "" {
			s += "（说明：" + note + "）"
		}
		out = append(out, escapeMarkdown(oneLine(s)))
	}
	return out
}

// listOrNone writes items as a Markdown list, or 无 when there are none.
func listOrNone(items []string) string {
	if len(items) == 0 {
		return "无"
	}
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- ")
		b.WriteString(it)
	}
	return b.String()
}

// escapeMarkdown keeps text taken from the data (a rule's message, a
// department's explanation) from being read as Markdown.
func escapeMarkdown(s string) string {
	return mdEscaper.Replace(s)
}

var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]",
	"<", "\\<", ">", "\\>", "|", "\\|", "#", "\\#", "~", "\\~", "&", "\\&",
)

// oneLine folds line ends into spaces, so that a text stays one list item.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\r", "")), " ")
}
