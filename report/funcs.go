package report

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/storage"
)

// funcs are the template functions, reading d. Each function that reads a
// figure marks it: a figure with no value is replaced by 【缺：…】, a
// doubtful one is followed by 【待核实：…】.
func (c *catalogue) funcs() template.FuncMap {
	d := c.data
	return template.FuncMap{
		"fig": func(id string, period ...string) (string, error) {
			return c.fig(id, period, true)
		},
		"num": func(id string, period ...string) (string, error) {
			return c.fig(id, period, false)
		},
		// has "id" [period]: whether the figure has a value, for {{if}}:
		// fig and num write a missing figure's 【缺】 mark, which is text.
		"has": func(id string, period ...string) (bool, error) {
			p, err := onePeriod(period)
			if err != nil {
				return false, err
			}
			r, err := c.read(id, p)
			return r.has, err
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
		"yoy":    c.yoy,
		// per "a" "b" 1000 [decimals]: a ÷ b × 1000, for 每千人口….
		"per": c.per,
		// wan "id" [decimals]: the figure in 万 ("3.66万"); yi in 亿.
		"wan": func(id string, decimals ...int) (string, error) {
			return c.scaled(id, 1e4, "万", decimals)
		},
		"yi": func(id string, decimals ...int) (string, error) {
			return c.scaled(id, 1e8, "亿", decimals)
		},
		// signature "尚志市人民政府" date: the 发文机关署名 and the 成文日期.
		"signature": signature,
		// date t "2006年1月2日": a time in the cycle's time zone.
		"date": func(t time.Time, layout string) string {
			return formatDate(t, layout, d.Config.Cycle.Location)
		},
		"parts": c.parts,
		"standards": func() string {
			return listOrNone(c.standards())
		},
		"explanations": func() string {
			return listOrNone(c.explanations())
		},
	}
}

// formatDate writes t in loc (when set) with layout, Go's reference time
// written as the document wants it: "2006年1月2日". The zero time is empty.
func formatDate(t time.Time, layout string, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format(layout)
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
	v := c.digits(r)
	if unit {
		v = withUnit(v, r.ind.Unit)
	}
	return v + c.doubtMark(r, named)
}

// digits writes a reading's value as the department wrote it: its
// decimals, its grouping, without the zeros a unit conversion added.
func (c *catalogue) digits(r reading) string {
	if r.written != "" {
		return r.written
	}
	v := formatDigits(r.value, r.decimals, r.group)
	if r.trim {
		v = trimZeros(v)
	}
	return v
}

// number writes a computed value: grouped when the style says so, or, as
// written, when all of the figures it is computed from were.
func (c *catalogue) number(x float64, decimals int, rs ...reading) string {
	group := c.style == styleGrouped
	if c.style == styleAsWritten && len(rs) > 0 {
		group = true
		for _, r := range rs {
			group = group && r.group
		}
	}
	return formatDigits(x, decimals, group)
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
		a, b := inBase(rs[0], rs[1])
		return format(c.number(a/b*scale, dec, rs...))
	}), nil
}

// inBase are two readings' values in their dimension's base unit when
// they measure the same thing in different units: 68258 万元 of 195.2 亿元
// is 3.50%, not 34968%. Values of different dimensions (元 per 人) are
// divided as written.
func inBase(a, b reading) (float64, float64) {
	ua, ub := a.ind.UnitInfo(), b.ind.UnitInfo()
	if ua.Dimension == "" || ua.Dimension != ub.Dimension || ua.Factor <= 0 || ub.Factor <= 0 {
		return a.value, b.value
	}
	return a.value * ua.Factor, b.value * ub.Factor
}

// change reads one indicator for two periods.
func (c *catalogue) change(id, p1, p2 string) ([]reading, error) {
	if p1 == "" || p2 == "" {
		return nil, errors.New("needs an indicator and two periods, e.g. \"fund.edu_spend\" \"2022\" \"2023\"")
	}
	return c.readAll(id+"@"+p1, id+"@"+p2)
}

// delta is the change of one indicator between two readings: its amount,
// the decimals both values are compared and written at (those of the more
// precise, as shown), and whether the indicator is a percentage, whose
// change is in percentage points.
type delta struct {
	from, to reading
	decimals int
	trim     bool
	percent  bool
}

func (c *catalogue) delta(rs []reading) delta {
	d := delta{from: rs[0], to: rs[1], trim: rs[0].trim || rs[1].trim, percent: rs[0].ind.UnitInfo().Name == "%"}
	for _, r := range rs {
		dec := r.decimals
		if r.trim {
			_, frac, _ := strings.Cut(trimZeros(formatDigits(r.value, r.decimals, false)), ".")
			dec = len(frac)
		}
		d.decimals = max(d.decimals, dec)
	}
	return d
}

// same reports whether the two values are equal as written.
func (d delta) same() bool {
	return sheaf.RoundDecimal(d.from.value, d.decimals) == sheaf.RoundDecimal(d.to.value, d.decimals)
}

// amount writes |to − from| in the indicator's unit, or in 个百分点 for a
// percentage.
func (c *catalogue) amount(d delta) string {
	v := c.number(math.Abs(d.to.value-d.from.value), d.decimals, d.from, d.to)
	if d.trim {
		v = trimZeros(v)
	}
	unit := d.from.ind.Unit
	if d.percent {
		unit = "百分点"
	}
	return withUnit(v, unit)
}

// points writes the change of a percentage as 公文 do: "提高2.7个百分点",
// "降低1.45个百分点", "持平".
func (c *catalogue) points(d delta) string {
	switch {
	case d.same():
		return "持平"
	case d.to.value > d.from.value:
		return "提高" + c.amount(d)
	}
	return "降低" + c.amount(d)
}

// diff writes v(p2) − v(p1) in the indicator's unit ("47万元", "-47万元");
// the change of a percentage is said in percentage points: "提高2.7个百分点".
func (c *catalogue) diff(id, p1, p2 string) (string, error) {
	rs, err := c.change(id, p1, p2)
	if err != nil {
		return "", err
	}
	return c.computed(rs, func() string {
		d := c.delta(rs)
		if d.percent {
			return c.points(d)
		}
		v := c.amount(d)
		if d.to.value < d.from.value && !d.same() {
			v = "-" + v
		}
		return v
	}), nil
}

// growth writes the change from p1 to p2 as a sentence's predicate:
// "增长了0.07%（47万元）", "下降了2.88%（1.45万元）", or "持平"; for a
// percentage "提高2.7个百分点". The rate is rounded half away from zero to
// 2 decimals; from a base of zero only the amount is given.
func (c *catalogue) growth(id, p1, p2 string) (string, error) {
	rs, err := c.change(id, p1, p2)
	if err != nil {
		return "", err
	}
	return c.computed(rs, func() string {
		d := c.delta(rs)
		if d.percent {
			return c.points(d)
		}
		if d.same() {
			return "持平"
		}
		verb := "增长了"
		if d.to.value < d.from.value {
			verb = "下降了"
		}
		if d.from.value <= 0 {
			// From nothing, or from a loss: a rate means nothing, the
			// amount says it.
			return verb + c.amount(d)
		}
		return verb + c.rate(d) + "%（" + c.amount(d) + "）"
	}), nil
}

// rate is the change in per cent of the earlier value, to 2 decimals.
func (c *catalogue) rate(d delta) string {
	return formatDigits(math.Abs(d.to.value-d.from.value)/math.Abs(d.from.value)*100, 2, false)
}

// yoy writes the change from p1 to p2 as a year-on-year phrase: "同比增长
// 0.07%", "同比下降2.88%", "同比持平"; for a percentage "同比提高2.7个百分点";
// from a base of zero "同比增加47万元".
func (c *catalogue) yoy(id, p1, p2 string) (string, error) {
	rs, err := c.change(id, p1, p2)
	if err != nil {
		return "", err
	}
	return c.computed(rs, func() string {
		d := c.delta(rs)
		switch {
		case d.percent:
			return "同比" + c.points(d)
		case d.same():
			return "同比持平"
		case d.from.value <= 0 && d.to.value < d.from.value:
			return "同比减少" + c.amount(d)
		case d.from.value <= 0:
			return "同比增加" + c.amount(d)
		case d.to.value < d.from.value:
			return "同比下降" + c.rate(d) + "%"
		}
		return "同比增长" + c.rate(d) + "%"
	}), nil
}

// per writes a ÷ b × n: per "kg.teachers" "kg.children" 1000 is the
// teachers per thousand children (每千名幼儿…), to 2 decimals unless given.
func (c *catalogue) per(a, b string, n float64, decimals ...int) (string, error) {
	if n <= 0 {
		return "", fmt.Errorf("per %v: the base must be a positive number such as 1000, 10000 or 100000", n)
	}
	return c.quotient(a, b, decimals, 2, n, func(v string) string { return v })
}

// scaled writes a figure in 万 or 亿 of its base unit: wan
// "students.total" is "3.66万" (the unit is for the template to write
// after it), yi of 101203 万元 is "10.12亿", to 2 decimals without trailing
// zeros unless given.
func (c *catalogue) scaled(id string, factor float64, word string, decimals []int) (string, error) {
	dec := 2
	switch len(decimals) {
	case 0:
	case 1:
		if dec = decimals[0]; dec < 0 || dec > 6 {
			return "", fmt.Errorf("decimals %d is out of range (0 to 6)", dec)
		}
	default:
		return "", fmt.Errorf("takes an indicator and at most one number of decimals, got %d numbers", len(decimals))
	}
	rid, p := ref(id)
	r, err := c.read(rid, p)
	if err != nil {
		return "", err
	}
	v := r.value
	if u := r.ind.UnitInfo(); u.Factor > 0 {
		v *= u.Factor // 万元 to 元: a figure kept in 万元 is not 亿万元
	}
	return c.computed([]reading{r}, func() string {
		return trimZeros(formatDigits(v/factor, dec, false)) + word
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
	results := map[string]storage.RuleResult{}
	for _, r := range c.data.Rules {
		results[r.Rule] = r
	}
	var out []string
	for _, r := range c.cfg.Rules {
		res, ok := results[r.ID]
		if r.Class != reconcile.ClassStandard || !ok {
			continue
		}
		var rs []reading
		for _, in := range res.Inputs {
			if rd, err := c.read(in.Indicator, in.Period); err == nil {
				rs = append(rs, rd)
			}
		}
		switch res.State {
		case reconcile.RuleFail:
			msg := strings.TrimSpace(r.Message)
			if msg == "" {
				msg = c.ruleSentence(r.ID)
			}
			// A failure that rests on a doubtful figure (约7万) carries
			// its mark, as a computed value does.
			out = append(out, c.computed(rs, func() string { return escapeMarkdown(msg) }))
		case reconcile.RuleIncomplete:
			// Not silently left out: which figures it waits for.
			out = append(out, escapeMarkdown(c.standardWords(r))+c.computed(rs, func() string { return "" }))
		}
	}
	return out
}

// standardWords says that a standard cannot be judged yet:
// "「义务教育教师平均工资收入不得低于当地公务员」：所需数据未报齐，尚无法判断".
func (c *catalogue) standardWords(r config.Rule) string {
	what := strings.TrimRight(strings.TrimSpace(r.Message), "。")
	if what == "" {
		what = "规则 " + r.ID
	}
	return "「" + what + "」：所需数据未报齐，尚无法判断"
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

// explanations are the departments' explanations (说明) of the accepted
// flags, one sentence each in the report's prose: "市教育局关于轮岗交流教师数
// （2024年）的说明：…。". The flag's own text, files and cells stay in the
// annex.
func (c *catalogue) explanations() []string {
	var out []string
	for _, f := range storedFlags(c.data.Flags, sheaf.FlagAccepted) {
		note := strings.TrimRight(oneLine(f.Note), "。. ")
		if note == "" {
			continue
		}
		s := c.departmentName(f.Department)
		if about := c.flagFigures(f); about != "" {
			s += "关于" + about + "的说明："
		} else {
			s += "说明："
		}
		out = append(out, escapeMarkdown(s+note+"。"))
	}
	return out
}

// flagFigures names the figures a flag is about: its own, or a rule's
// inputs (three at most, then 等).
func (c *catalogue) flagFigures(f storage.StoredFlag) string {
	if f.Indicator != "" {
		return c.indicatorName(f.Indicator) + "（" + periodWord(f.Period) + "）"
	}
	var names []string
	for _, r := range c.data.Rules {
		if r.Rule != f.Rule {
			continue
		}
		for _, in := range r.Inputs {
			names = append(names, c.indicatorName(in.Indicator)+"（"+periodWord(in.Period)+"）")
		}
	}
	if len(names) > 3 {
		return strings.Join(names[:3], "、") + "等"
	}
	return strings.Join(names, "、")
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
