package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/storage"
)

// catalogue answers the template functions: the figures by indicator and
// period, with what the configuration says about each.
type catalogue struct {
	data    Data
	cfg     *config.Config
	figures map[slotKey]*sheaf.Figure
	// failing lists, per figure, the messages of the checks that fail on it.
	failing map[slotKey][]string
	// flags lists, per figure, its open flags.
	flags map[slotKey][]storage.StoredFlag
}

type slotKey struct{ indicator, period string }

func newCatalogue(d Data) *catalogue {
	c := &catalogue{data: d, cfg: d.Config, figures: map[slotKey]*sheaf.Figure{}, failing: map[slotKey][]string{},
		flags: map[slotKey][]storage.StoredFlag{}}
	for _, f := range storedFlags(d.Flags, sheaf.FlagOpen) {
		if f.Indicator != "" {
			k := slotKey{f.Indicator, f.Period}
			c.flags[k] = append(c.flags[k], f)
		}
	}
	// An accepted invalid flag still leaves its figure without a value: the
	// draft must not then say the department sent nothing.
	for _, f := range storedFlags(d.Flags, sheaf.FlagAccepted) {
		if f.Indicator != "" && f.Kind == sheaf.KindInvalid {
			k := slotKey{f.Indicator, f.Period}
			c.flags[k] = append(c.flags[k], f)
		}
	}
	for i := range d.Figures {
		f := &d.Figures[i]
		c.figures[slotKey{f.Indicator, f.Period}] = f
	}
	for _, r := range d.Rules {
		rule, ok := c.rule(r.Rule)
		if !ok || rule.Class != reconcile.ClassCheck || r.State != reconcile.RuleFail {
			continue
		}
		msg := strings.TrimSpace(rule.Message)
		if msg == "" {
			msg = "规则" + rule.ID
		}
		for _, in := range r.Inputs {
			k := slotKey{in.Indicator, in.Period}
			if !slices.Contains(c.failing[k], msg) {
				c.failing[k] = append(c.failing[k], msg)
			}
		}
	}
	return c
}

func (c *catalogue) rule(id string) (config.Rule, bool) {
	for _, r := range c.cfg.Rules {
		if r.ID == id {
			return r, true
		}
	}
	return config.Rule{}, false
}

// reading is one figure as a template function reads it.
type reading struct {
	ind    *config.Indicator
	period string
	// shown is whether the period differs from the indicator's default, so
	// that a mark names it.
	shown   bool
	value   float64
	has     bool
	reasons []string // why the value is doubtful; empty when it is not
	// decimals is how many decimals the value is shown with: the
	// indicator's decimals when the catalogue sets them, else as the
	// department wrote it (a report quotes "27216.8万元", not "27,216.80").
	decimals int
}

// read finds the figure of indicator id for period (empty: the default
// period). An id that is not in the catalogue, or a period the indicator is
// not collected for, is an error in the template, reported with its line.
func (c *catalogue) read(id, period string) (reading, error) {
	ind, ok := c.cfg.Indicator(id)
	if !ok {
		return reading{}, fmt.Errorf("%q is not an indicator id in the configuration's catalogue", id)
	}
	def := c.defaultPeriod(ind)
	if period == "" {
		period = def
	}
	if periods := c.periods(ind); !slices.Contains(periods, period) {
		return reading{}, fmt.Errorf("indicator %q is not collected for %q (its periods: %s)", id, period, strings.Join(periods, ", "))
	}
	r := reading{ind: ind, period: period, shown: period != def}
	f := c.figures[slotKey{id, period}]
	if f == nil || !f.HasValue {
		return r, nil
	}
	r.value, r.has = f.Value, true
	r.decimals = ind.ShownDecimals()
	if ind.Decimals == nil {
		r.decimals = max(f.Decimals, 0)
	}
	r.reasons = c.reasons(f)
	return r, nil
}

// defaultPeriod is the period a figure is read for when none is named: the
// indicator's only declared period, else the cycle's (as rules' v("id")).
func (c *catalogue) defaultPeriod(ind *config.Indicator) string {
	return c.cfg.DefaultPeriod(ind)
}

// periods are the periods an indicator is collected for.
func (c *catalogue) periods(ind *config.Indicator) []string {
	return c.cfg.Periods(ind)
}

// reasons says, in the draft's words, why a figure is doubtful: one reason
// per open status, most serious first; none for an ok or accepted figure.
func (c *catalogue) reasons(f *sheaf.Figure) []string {
	statuses := f.Statuses
	if len(statuses) == 0 && f.Status != "" {
		statuses = []sheaf.Status{f.Status}
	}
	var out []string
	for _, s := range statuses {
		switch s {
		case sheaf.StatusConflict:
			out = append(out, "数值不一致")
		case sheaf.StatusApproximate:
			out = append(out, "约数")
		case sheaf.StatusInvalid:
			out = append(out, "无法识别")
		case sheaf.StatusDoubtful:
			out = append(out, c.doubtfulReasons(f)...)
		case sheaf.StatusUnverified:
			if f.Reason != "" {
				out = append(out, f.Reason)
			} else {
				out = append(out, "责任单位未报送，取自"+c.departmentName(f.Department))
			}
		case sheaf.StatusFailing:
			msgs := c.failing[slotKey{f.Indicator, f.Period}]
			if len(msgs) == 0 {
				out = append(out, "校验不通过")
			}
			for _, m := range msgs {
				out = append(out, "校验不通过："+m)
			}
		}
	}
	return out
}

func (c *catalogue) departmentName(id string) string {
	if d, ok := c.cfg.Department(id); ok && d.Name != "" {
		return d.Name
	}
	return id
}

func (c *catalogue) indicatorName(id string) string {
	if ind, ok := c.cfg.Indicator(id); ok && ind.Name != "" {
		return ind.Name
	}
	return id
}

// label names the figure in a mark: its name, and its period when that is
// not the indicator's default ("一般公共预算教育支出（2022年）").
func (c *catalogue) label(r reading) string {
	name := r.ind.Name
	if r.shown {
		name += "（" + periodWord(r.period) + "）"
	}
	return name
}

// missingMark is what stands in the text for a figure with no value:
// 【缺：…】, or 【待核实：无法识别…】 when its owner did send it in a cell
// that could not be read (the department is not to be told it sent nothing).
func (c *catalogue) missingMark(r reading) string {
	if raws, note, ok := c.unreadable(r); ok {
		text := "待核实：无法识别" + c.label(r) + "，" + c.departmentName(r.ind.Owner)
		if len(raws) > 0 {
			text += "填写「" + strings.Join(raws, "」「") + "」"
		}
		if note != "" {
			text += "；说明：" + note
		}
		return mark(text)
	}
	for _, f := range c.flags[slotKey{r.ind.ID, r.period}] {
		if f.Kind != sheaf.KindMissing || f.Department != r.ind.Owner {
			continue
		}
		switch f.Subject {
		case sheaf.MissingHiddenSheet:
			sheet := ""
			if len(f.Evidence) > 0 {
				sheet = f.Evidence[0].Sheet
			}
			return mark("待核实：" + c.label(r) + "在" + c.departmentName(r.ind.Owner) + "文件的隐藏工作表「" + sheet + "」中，未读取")
		case sheaf.MissingUnreadFile:
			return mark("待核实：" + c.label(r) + "，" + c.departmentName(r.ind.Owner) + "的文件无法读取")
		}
	}
	return mark("缺：" + c.label(r) + "，" + c.departmentName(r.ind.Owner))
}

// unreadable returns the texts the owner wrote for a figure sheaf could not
// read, the explanation accepted for it if any, and whether there is such an
// open or accepted flag.
func (c *catalogue) unreadable(r reading) ([]string, string, bool) {
	found := false
	var raws []string
	note := ""
	for _, f := range c.flags[slotKey{r.ind.ID, r.period}] {
		if f.Kind != sheaf.KindInvalid || f.Department != r.ind.Owner {
			continue
		}
		found = true
		if f.State == sheaf.FlagAccepted && f.Note != "" {
			note = f.Note
		}
		for _, e := range f.Evidence {
			if raw := strings.TrimSpace(e.Raw); raw != "" && !slices.Contains(raws, raw) {
				raws = append(raws, raw)
			}
		}
	}
	return raws, note, found
}

// doubtfulReasons says why a doubtful figure's value is doubtful, from its
// open unit and range flags.
func (c *catalogue) doubtfulReasons(f *sheaf.Figure) []string {
	var out []string
	for _, fl := range c.flags[slotKey{f.Indicator, f.Period}] {
		if fl.Department != f.Department {
			continue
		}
		var why string
		switch {
		case strings.HasPrefix(fl.Message, "疑似小数形式"):
			why = "疑似小数形式"
		case fl.Kind == sheaf.KindUnit:
			why = "单位换算存疑"
		case fl.Kind == sheaf.KindRange:
			why = "超出合理范围"
		default:
			continue
		}
		if !slices.Contains(out, why) {
			out = append(out, why)
		}
	}
	if len(out) == 0 {
		out = append(out, "数值存疑")
	}
	return out
}

// doubtMark follows a doubtful figure's value; empty when it is not
// doubtful. named puts the figure's name first, for a computed value that
// reads several figures.
func (c *catalogue) doubtMark(r reading, named bool) string {
	if len(r.reasons) == 0 {
		return ""
	}
	text := strings.Join(r.reasons, "；")
	if named {
		text = c.label(r) + "，" + text
	}
	return mark("待核实：" + text)
}

// mark writes a mark. Its text is kept to one line and free of the signs
// Markdown gives a meaning to, so that it stays one piece of text in the
// parsed document (see markTransformer) and in a table cell.
func mark(text string) string {
	return "【" + markText.Replace(text) + "】"
}

var markText = strings.NewReplacer(
	"\r\n", " ", "\n", " ", "\r", " ",
	"【", "〔", "】", "〕",
	"*", "＊", "_", "＿", "`", "｀", "[", "［", "]", "］",
	"<", "＜", ">", "＞", "|", "｜", "\\", "＼", "&", "＆", "~", "～",
)

// withUnit writes a formatted value with its unit: "68,211万元", "48.29%",
// "1:4.1", "3个百分点".
func withUnit(v, unit string) string {
	switch u, _ := config.LookupUnit(unit); u.Name {
	case config.Ratio:
		return "1:" + v
	case "1/10万":
		return v + "/10万" // "3.2/10万", not "3.21/10万"
	case "百分点":
		return v + "个百分点"
	case "":
		return v + unit
	default:
		return v + u.Name
	}
}

// storedFlags returns the flags in a state, in id order.
func storedFlags(flags []storage.StoredFlag, states ...sheaf.FlagState) []storage.StoredFlag {
	var out []storage.StoredFlag
	for _, f := range flags {
		if slices.Contains(states, f.State) {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b storage.StoredFlag) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}
