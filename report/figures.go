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
	// failing lists, per figure, the ids of the checks that fail on it.
	failing map[slotKey][]string
	// flags lists, per figure, its open flags.
	flags map[slotKey][]storage.StoredFlag
	// style is report.number_style; grouped says, per indicator, whether
	// every value of it was written with thousands grouped, so that a
	// sentence comparing two years writes both alike.
	style   string
	grouped map[string]bool
	// marks numbers the doubts in the order the text first shows them
	// (report.marks: numbered); nil writes every doubt in full.
	marks *markList
}

type slotKey struct{ indicator, period string }

func newCatalogue(d Data) *catalogue {
	c := &catalogue{data: d, cfg: d.Config, figures: map[slotKey]*sheaf.Figure{}, failing: map[slotKey][]string{},
		flags: map[slotKey][]storage.StoredFlag{}, style: d.Config.Report.NumberStyle, grouped: map[string]bool{}}
	if c.style == "" {
		c.style = styleAsWritten
	}
	if d.Config.Report.Marks != "inline" {
		c.marks = &markList{}
	}
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
		if f.HasValue {
			g, seen := c.grouped[f.Indicator]
			c.grouped[f.Indicator] = writtenGrouped(f.Raw) && (g || !seen)
		}
	}
	for _, r := range d.Rules {
		rule, ok := c.rule(r.Rule)
		if !ok || rule.Class != reconcile.ClassCheck || r.State != reconcile.RuleFail {
			continue
		}
		for _, in := range r.Inputs {
			k := slotKey{in.Indicator, in.Period}
			if !slices.Contains(c.failing[k], rule.ID) {
				c.failing[k] = append(c.failing[k], rule.ID)
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
	reasons []doubt // why the value is doubtful; empty when it is not
	// decimals is how many decimals the value is shown with: the
	// indicator's decimals when the catalogue sets them, else as the
	// department wrote it (a report quotes "27216.8万元", not "27,216.80").
	decimals int
	// trim drops trailing zeros: the value was converted from another
	// unit, so its decimals are the written precision scaled
	// (682110000元 → 68211.0000万元), not digits anyone wrote.
	trim bool
	// group writes the value with thousands separators.
	group bool
	// written is the text to show instead of the digits: a figure written
	// in 万 or 亿 of its unit, "3.6万余".
	written string
	fig     *sheaf.Figure
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
	r := c.valueOf(ind, period, c.figures[slotKey{id, period}])
	r.shown = period != def
	if r.has {
		r.reasons = c.reasons(r.fig)
	}
	return r, nil
}

// valueOf is a reading of f, the figure of ind for period (nil: none),
// without the doubts about it.
func (c *catalogue) valueOf(ind *config.Indicator, period string, f *sheaf.Figure) reading {
	r := reading{ind: ind, period: period}
	if f == nil || !f.HasValue {
		return r
	}
	id := ind.ID
	r.value, r.has, r.fig = f.Value, true, f
	r.decimals = ind.ShownDecimals()
	if ind.Decimals == nil {
		r.decimals = max(f.Decimals, 0)
	}
	// Zeros that only pad a column's fixed format (198.00 in a 0.00
	// column, where the report writes 198万元) are dropped; an amount
	// written grouped keeps them (97,987.60), as one whose indicator sets
	// its decimals does.
	if wd, ok := writtenDecimals(f.Raw); ok && (wd != f.Decimals || (ind.Decimals == nil && !writtenGrouped(f.Raw))) {
		r.trim = true
		if ind.Decimals != nil {
			r.decimals = min(max(f.Decimals, 0), *ind.Decimals)
		}
	}
	if raw := strings.TrimSpace(f.Raw); f.Decimals < 0 && writtenScaled.MatchString(raw) {
		r.written = raw
	}
	switch c.style {
	case styleGrouped:
		r.group = true
	case styleAsWritten:
		r.group = c.grouped[id]
	}
	return r
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

// reasons says, in the draft's words, why a figure is doubtful: one doubt
// per open status, most serious first; none for an ok or accepted figure.
func (c *catalogue) reasons(f *sheaf.Figure) []doubt {
	statuses := f.Statuses
	if len(statuses) == 0 && f.Status != "" {
		statuses = []sheaf.Status{f.Status}
	}
	k := slotKey{f.Indicator, f.Period}
	name := c.indicatorName(f.Indicator) + "（" + periodWord(f.Period) + "）"
	dept := c.departmentName(f.Department)
	about := func(what, title, ask string, depts ...string) doubt {
		if len(depts) == 0 {
			depts = []string{dept}
		}
		return doubt{key: "figure:" + f.Indicator + "@" + f.Period + ":" + what, kind: "待核实", what: what,
			title: name + title, figures: []string{c.figureLineOf(f)}, departments: depts, ask: ask}
	}
	var out []doubt
	for _, s := range statuses {
		switch s {
		case sheaf.StatusConflict:
			d := about("数值不一致", "各单位报送的数值不一致", "请核实以哪个单位的数值为准，其余单位是否需要更正", c.flagDepartments(k, sheaf.KindConflict)...)
			d.figures = c.flagCells(k, sheaf.KindConflict)
			out = append(out, d)
		case sheaf.StatusApproximate:
			out = append(out, about("约数", "为约数「"+strings.TrimSpace(f.Raw)+"」", "请核实能否提供准确数；如只能提供约数，正文按约数表述"))
		case sheaf.StatusInvalid:
			out = append(out, about("无法识别", "的数值无法识别", "请改为数字重新报送"))
		case sheaf.StatusDoubtful:
			for _, why := range c.doubtfulReasons(f) {
				out = append(out, about(why, why, "请核实数值及其计量单位是否正确"))
			}
		case sheaf.StatusUnverified:
			why := f.Reason
			if why == "" {
				why = "责任单位未报送，取自" + dept
			}
			ind, _ := c.cfg.Indicator(f.Indicator)
			owner := dept
			if ind != nil {
				owner = c.departmentName(ind.Owner)
			}
			out = append(out, about(why, "："+why, "请责任单位确认或报送该数值", owner))
		case sheaf.StatusFailing:
			ids := c.failing[k]
			if len(ids) == 0 {
				out = append(out, about("校验不通过", "校验不通过", "请核实数值是否正确"))
			}
			for _, id := range ids {
				out = append(out, c.ruleDoubt(id))
			}
		}
	}
	return out
}

// ruleDoubt is the doubt a failing check casts on all of its inputs: one
// doubt, listing them all.
func (c *catalogue) ruleDoubt(id string) doubt {
	rule, _ := c.rule(id)
	msg := strings.TrimSpace(rule.Message)
	if msg == "" {
		msg = "规则" + id
	}
	d := doubt{key: "rule:" + id, kind: "待核实", what: "校验不通过：" + msg, title: "校验不通过：" + msg,
		ask: "请核实上述数值是否填报有误；如数值无误，请说明原因"}
	for _, r := range c.data.Rules {
		if r.Rule != id {
			continue
		}
		for _, in := range r.Inputs {
			f := c.figures[slotKey{in.Indicator, in.Period}]
			if f == nil {
				d.figures = append(d.figures, c.indicatorName(in.Indicator)+"（"+periodWord(in.Period)+"）")
				continue
			}
			d.figures = append(d.figures, c.figureLineOf(f))
			if name := c.departmentName(f.Department); f.Department != "" && !slices.Contains(d.departments, name) {
				d.departments = append(d.departments, name)
			}
		}
	}
	return d
}

// figureLineOf names a figure for the list of doubts.
func (c *catalogue) figureLineOf(f *sheaf.Figure) string {
	ind, ok := c.cfg.Indicator(f.Indicator)
	if !ok {
		return f.Indicator
	}
	return c.figureLine(c.valueOf(ind, f.Period, f))
}

// flagDepartments are the departments whose cells an open flag of a kind
// on a figure quotes.
func (c *catalogue) flagDepartments(k slotKey, kind sheaf.Kind) []string {
	var out []string
	for _, f := range c.flags[k] {
		if f.Kind != kind {
			continue
		}
		for _, e := range f.Evidence {
			if name := c.departmentName(e.Department); e.Department != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// flagCells are the values and cells an open flag of a kind on a figure
// quotes: "市教育局「2024年报.xlsx」基本情况!C9：36614".
func (c *catalogue) flagCells(k slotKey, kind sheaf.Kind) []string {
	var out []string
	for _, f := range c.flags[k] {
		if f.Kind != kind {
			continue
		}
		for _, e := range f.Evidence {
			out = append(out, fmt.Sprintf("%s「%s」%s!%s：%s", c.departmentName(e.Department), baseName(e.File), e.Sheet, e.Cell, strings.TrimSpace(e.Raw)))
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
	return c.markOf(c.missingDoubt(r))
}

// missingDoubt is the doubt of a figure with no value.
func (c *catalogue) missingDoubt(r reading) doubt {
	owner := c.departmentName(r.ind.Owner)
	name := r.ind.Name + "（" + periodWord(r.period) + "）"
	d := doubt{key: "missing:" + r.ind.ID + "@" + r.period, kind: "待核实", departments: []string{owner}, figures: []string{name}}
	if raws, note, ok := c.unreadable(r); ok {
		text := "无法识别" + c.label(r) + "，" + owner
		if len(raws) > 0 {
			text += "填写「" + strings.Join(raws, "」「") + "」"
		}
		if note != "" {
			text += "；说明：" + note
		}
		d.what, d.title, d.ask = text, "无法识别"+name+"，"+owner+"填写「"+strings.Join(raws, "」「")+"」", "请改为数字重新报送"
		return d
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
			d.what = c.label(r) + "在" + owner + "文件的隐藏工作表「" + sheet + "」中，未读取"
			d.ask = "请核实该工作表是否有效；如有效请取消隐藏"
			return d
		case sheaf.MissingUnreadFile:
			d.what = c.label(r) + "，" + owner + "的文件无法读取"
			d.ask = "请重新报送可以打开的文件"
			return d
		}
	}
	d.kind, d.what, d.title = "缺", c.label(r)+"，"+owner, name+"未报送"
	d.ask = "请" + owner + "报送该数值；如无此项，正文删去相应表述"
	return d
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
// reads several figures (in an inline mark).
func (c *catalogue) doubtMark(r reading, named bool) string {
	if len(r.reasons) == 0 {
		return ""
	}
	if c.marks == nil {
		whats := make([]string, len(r.reasons))
		for i, d := range r.reasons {
			whats[i] = d.what
		}
		text := strings.Join(whats, "；")
		if named {
			text = c.label(r) + "，" + text
		}
		return mark("待核实：" + text)
	}
	var b strings.Builder
	for _, d := range r.reasons {
		b.WriteString(c.markOf(d))
	}
	return b.String()
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
