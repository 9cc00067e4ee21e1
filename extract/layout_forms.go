package extract

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// A form is a sheet, or the part of a sheet outside any long table, of
// label / value pairs placed anywhere, several per row: "学校总数 | 44 |
// 其中：小学 | 16". A value is the cell right of its label (right of the
// label's merged range), or, when that cell holds no number, the cell
// below it. Forms are read in two ways:
//
//   - found: a label that is an indicator's name or alias (folded as
//     Fold does, numbering and unit suffix removed as for a long table's
//     rows) beside a number is that indicator's value;
//   - mapped: a department's forms[] entry names the label, the cell, or
//     both. A mapped indicator is not found by its name elsewhere.
//
// A mapped label or cell that moved or vanished is a layout finding,
// never a silent missing figure nor another cell's number read as ok:
// with both a label and a cell, the label says where the value went (it
// is read there, flagged); with a cell alone, the indicator's own name
// found beside another cell, or the cell's neighbouring label being
// another indicator's, means the cell no longer holds the figure (not
// read, flagged); with a label alone, a label not found in a file that
// has the form's sheet (or, for a form of any sheet, in a file where other
// form values were read) is flagged.

// formSpec is one forms[] entry of the department, folded.
type formSpec struct {
	ind   *config.Indicator
	label string // folded; "" when the indicator's names are the label
	text  string // the label as configured
	sheet string
	cell  string // "D7", "" when mapped by label only
	col   int
	row   int
}

// mappedState is what a file showed of one mapped form.
type mappedState struct {
	label *formHit // the first place the label was found beside a value
	cell  *formHit // the mapped cell, as read
	// sheet is the first sheet of the file the form's sheet glob matched.
	sheet string
}

// formHit is a value a form gave, read when its row was: what it says is
// decided when the file ends.
type formHit struct {
	sh       *sheetState
	labelRef string
	label    string // the label as written
	valueRef string
	col, row int
	o        *sheaf.Observation
	fs       []sheaf.Finding
	raw      string
	empty    bool
	// neighbour is the label beside a mapped cell (left of it, or above);
	// other names the indicator it matches when that is another one.
	neighbour, neighbourRef, other string
}

// pendingLabel is a label whose value may be in the row below.
type pendingLabel struct {
	col, below int
	spec       int // index in Extractor.forms, or -1 for a found label
	ind        *config.Indicator
	text, ref  string
	right      sheets.Cell
	rightRef   string
	rightCol   int
	row        int
}

// formSpecs folds a department's forms.
func formSpecs(c *Catalogue, dept *config.Department) []formSpec {
	if dept == nil {
		return nil
	}
	var specs []formSpec
	for _, f := range dept.Forms {
		ind := c.byCode[Fold(f.Indicator)]
		if ind == nil {
			continue // config validation names it
		}
		sp := formSpec{ind: ind, text: strings.TrimSpace(f.Label), sheet: f.Sheet}
		if sp.text != "" {
			sp.label = Fold(trimLabelColon(sp.text))
		}
		if col, row, ok := config.ParseCell(f.Cell); ok {
			sp.cell, sp.col, sp.row = sheets.CellName(col, row), col, row
		}
		specs = append(specs, sp)
	}
	return specs
}

func matchGlob(glob, name string) bool {
	ok, _ := doublestar.Match(glob, name)
	return ok
}

// trimLabelColon removes the colon a form's label ends with ("学校总数：").
func trimLabelColon(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), ":：")
}

// mappedIndicator reports whether a form of the department maps ind.
func (e *Extractor) mappedIndicator(ind *config.Indicator) bool {
	for i := range e.forms {
		if e.forms[i].ind == ind {
			return true
		}
	}
	return false
}

// formLabel is what a text cell is as a form's label: a mapped form's
// (its index), an indicator found by name (spec -1), or nothing.
func (x *FileExtraction) formLabel(text string) (spec int, ind *config.Indicator) {
	t := trimLabelColon(text)
	if t == "" {
		return -1, nil
	}
	folded := x.folds.fold(t)
	var found *config.Indicator
	byName := func() *config.Indicator {
		if found == nil {
			found = x.e.indicator(x.folds, "", t)
		}
		return found
	}
	for i, sp := range x.e.forms {
		if !sheetMatches(sp.sheet, x.sh.info.Name) {
			continue
		}
		if sp.label == "" {
			if byName() == sp.ind {
				return i, sp.ind
			}
			continue
		}
		if folded == sp.label {
			return i, sp.ind
		}
		for _, f := range labelForms(x.e.units, t) {
			if Fold(f) == sp.label {
				return i, sp.ind
			}
		}
	}
	if ind := byName(); ind != nil && !x.e.mappedIndicator(ind) {
		return -1, ind
	}
	return -1, nil
}

// formsRow sees every row of a sheet for mapped cells and for the values
// below the previous row's labels.
func (x *FileExtraction) formsRow(r sheets.Row) {
	l := x.layoutState()
	s := x.sh
	for i, sp := range x.e.forms {
		if !sheetMatches(sp.sheet, s.info.Name) {
			continue
		}
		st := &l.mapped[i]
		if st.sheet == "" {
			st.sheet = s.info.Name
		}
		if sp.cell != "" && r.Num == sp.row && st.cell == nil && st.sheet == s.info.Name {
			x.mappedCell(i, r)
		}
	}
	x.settle(&r)
	took := false
	pending := l.pending
	l.pending = nil
	// Asked only when a label above waits for its value: most rows of most
	// sheets have none.
	tableLike := len(pending) > 0 && (textUnderText(x.e.units, l.prev, r) || x.periodHeading(l.prev))
	for _, p := range pending {
		below := sheets.Cell{}
		if r.Num == p.below {
			below = r.Col(p.col)
		}
		ref := cellRef(below, p.col, p.below)
		switch {
		case formNumber(x.e.units, below, p.ind) && p.spec < 0:
			if tableLike {
				continue // "学校名称 | 教职工数" over "第一小学 | 50": a list's first row
			}
			l.use(r.Num, p.col)
			l.tentative = append(l.tentative, tentativeValue{p: p, cell: below, ref: ref, unit: unitBeside(x.e.units, r, p.col), hidden: r.Hidden && r.Num == p.below})
			took = true
		case formNumber(x.e.units, below, p.ind):
			x.formValue(p.spec, p.ind, below, ref, p.col, p.below, p.text, p.ref, unitBeside(x.e.units, r, p.col), r.Hidden && r.Num == p.below)
			took = true
		case p.spec < 0:
		case strings.TrimSpace(p.right.Raw) != "":
			x.formValue(p.spec, p.ind, p.right, p.rightRef, p.rightCol, p.row, p.text, p.ref, "", false)
		default:
			x.formValue(p.spec, p.ind, below, ref, p.col, p.below, p.text, p.ref, "", false)
		}
	}
	l.gap = l.prev.Num == 0 || r.Num > l.prev.Num+1
	l.prev = r
	l.tookBelow = took
}

// tentativeValue is a found label's value below it, taken once the next
// row shows it is not the first of a column of figures.
type tentativeValue struct {
	p      pendingLabel
	cell   sheets.Cell
	ref    string
	unit   string
	hidden bool
}

// settle decides the values found below labels in the previous row: a
// figure under one in row r (nil at the sheet's end: none) makes it the
// first of a table's column ("教育支出" over 68211 and 68258, one a year),
// not a form's value, and it is listed as not read.
func (x *FileExtraction) settle(r *sheets.Row) {
	l := x.layoutState()
	ts := l.tentative
	l.tentative = nil
	for _, t := range ts {
		if r != nil && r.Num == t.p.below+1 && isFigure(r.Col(t.p.col)) {
			l.extra(fmt.Sprintf("%s!%s %s%s", x.sh.info.Name, t.ref, shorten(t.p.text), sheets.Quote(shorten(shownRaw(t.cell)))))
			continue
		}
		x.formValue(t.p.spec, t.p.ind, t.cell, t.ref, t.p.col, t.p.below, t.p.text, t.p.ref, t.unit, t.hidden)
	}
}

// textUnderText reports whether row r, right under prev, has text under
// prev's text other than a unit: a table's row under its headings, not a
// form's values under their labels.
func textUnderText(units *config.Units, prev, r sheets.Row) bool {
	if prev.Num != r.Num-1 {
		return false
	}
	for j, c := range r.Cells {
		if c.Kind != sheets.CellText || strings.TrimSpace(c.Raw) == "" || isFigure(c) {
			continue
		}
		if _, unit := lookupUnitText(units, c.Raw); unit {
			continue
		}
		if a := prev.Col(j); a.Kind == sheets.CellText && strings.TrimSpace(a.Raw) != "" {
			return true
		}
	}
	return false
}

// periodHeading reports whether a row has a period column's heading
// (年度, 年份): a table's headings, whose rows are other years' figures.
func (x *FileExtraction) periodHeading(r sheets.Row) bool {
	for _, c := range r.Cells {
		if c.Kind != sheets.CellText {
			continue
		}
		if w, ok := x.e.headers[x.folds.fold(strings.TrimSpace(c.Raw))]; ok && w.role == RolePeriod {
			return true
		}
	}
	return false
}

// endForms ends a sheet's forms: labels whose row below never came, and
// the label / number pairs no indicator matched, when the sheet is a form.
func (x *FileExtraction) endForms() {
	l := x.layoutState()
	x.settle(nil)
	pending := l.pending
	l.pending = nil
	for _, p := range pending {
		if p.spec < 0 {
			continue
		}
		c, ref, col, row := sheets.Cell{}, cellRef(sheets.Cell{}, p.col, p.below), p.col, p.below
		if strings.TrimSpace(p.right.Raw) != "" {
			c, ref, col, row = p.right, p.rightRef, p.rightCol, p.row
		}
		x.formValue(p.spec, p.ind, c, ref, col, row, p.text, p.ref, "", false)
	}
	if l.formHits == 0 || l.nExtras == 0 || x.sh.skipHidden {
		return
	}
	for _, e := range l.extras {
		if len(x.unknown) < maxUnknownListed {
			x.unknown = append(x.unknown, e)
		}
	}
	x.nUnknown += l.nExtras
}

// formNumber reports whether a cell holds a value of ind (of any unit when
// ind is nil).
func formNumber(units *config.Units, c sheets.Cell, ind *config.Indicator) bool {
	if ind == nil {
		return isFigure(c)
	}
	unit, _ := units.Lookup(ind.Unit)
	switch c.Kind {
	case sheets.CellNumber:
		return !c.Date
	case sheets.CellText:
		rd, err := normalize(units, c, unitHints{}, unit)
		return err == nil && rd.HasValue
	}
	return false
}

// autoForms reads the labels of a row outside any long table; it reports
// whether a value was taken from the row.
func (x *FileExtraction) autoForms(r sheets.Row) bool {
	l := x.layoutState()
	s := x.sh
	if l.gap {
		l.heading = nil
	}
	if cols := x.headingRow(r); cols != nil {
		l.heading = cols
	}
	// Rows under a header-like row are a table's, and so is a value under
	// a column heading: only a mapped label is read there.
	auto := s.partial == nil
	took := l.tookBelow
	for j, c := range r.Cells {
		if c.Kind != sheets.CellText || strings.TrimSpace(c.Raw) == "" {
			continue
		}
		text := strings.TrimSpace(c.Raw)
		right, below := j+1, r.Num+1
		if i, ok := s.merges.covering(r.Num, j); ok {
			m := s.merges.merges[i]
			if m.Left == j && m.Top == r.Num {
				right, below = m.Right+1, m.Bottom+1
			}
		}
		rc := r.Col(right)
		rref := cellRef(rc, right, r.Num)
		spec, ind := x.formLabel(text)
		if ind == nil && x.sameCell(c, j, r, auto) {
			took = true
			continue
		}
		unit := ""
		if u := unitBeside(x.e.units, r, right-1); u != "" && isFigure(r.Col(right+1)) {
			// "学校总数 | 所 | 44": the unit between the label and its value.
			unit, right = u, right+1
			rc = r.Col(right)
			rref = cellRef(rc, right, r.Num)
		}
		if spec < 0 && (!auto || l.heading[right]) {
			continue
		}
		if ind == nil {
			if _, isUnit := lookupUnitText(x.e.units, text); isUnit {
				continue // a unit between a label and its value
			}
			if isFigure(rc) && !l.used(r.Num, right) {
				l.use(r.Num, right)
				if !x.e.ignored(text) && !x.e.ignored(trimLabelColon(text)) {
					l.extra(fmt.Sprintf("%s!%s %s", s.info.Name, cellRef(c, j, r.Num), shorten(text)))
				}
			}
			continue
		}
		lref := cellRef(c, j, r.Num)
		if spec < 0 && isFigure(r.Col(right+1)) {
			// "在校生数 | 2024 | 36614": a row of a table, not a label and
			// its value; which number is the figure a form cannot say.
			continue
		}
		if unit == "" {
			unit = unitBeside(x.e.units, r, right)
		}
		if formNumber(x.e.units, rc, ind) {
			x.formValue(spec, ind, rc, rref, right, r.Num, text, lref, unit, r.Hidden)
			took = true
			continue
		}
		l.pending = append(l.pending, pendingLabel{col: j, below: below, spec: spec, ind: ind, text: text, ref: lref, right: rc, rightRef: rref, rightCol: right, row: r.Num})
	}
	// Every other figure of the row is listed as not read, should the
	// sheet be a form: a number under a label no indicator names, a row
	// of an unknown table beside the form.
	if s.partial == nil {
		for j, c := range r.Cells {
			if isFigure(c) && !l.used(r.Num, j) {
				l.extra(fmt.Sprintf("%s!%s%s", s.info.Name, cellRef(c, j, r.Num), sheets.Quote(shorten(shownRaw(c)))))
			}
		}
	}
	return took
}

// sameCell reads a label and its value written in one cell, "学校总数：44"
// or "在校生数：36614人"; it reports whether it did.
func (x *FileExtraction) sameCell(c sheets.Cell, j int, r sheets.Row, auto bool) bool {
	head, tail, ok := strings.Cut(strings.ReplaceAll(c.Raw, ":", "："), "：")
	if !ok || strings.TrimSpace(tail) == "" {
		return false
	}
	spec, ind := x.formLabel(head)
	if ind == nil || spec < 0 && !auto {
		return false
	}
	v := sheets.Cell{Ref: c.Ref, Raw: strings.TrimSpace(tail), Kind: sheets.CellText}
	ref := cellRef(c, j, r.Num)
	if !formNumber(x.e.units, v, ind) {
		if x.sh.skipHidden || !hasQuantityOf(x.e.units, tail, ind) {
			return false // a title ("教育支出：2024年预算执行情况"), a note ("见附表1")
		}
		// "学校总数：44所（其中小学16所）": the indicator's label, and figures
		// in words around its value. Not guessed at, not lost unsaid.
		x.finding(sheaf.Finding{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: ind.ID,
			Sheet: x.sh.info.Name, Cell: ref, Raw: shorten(strings.TrimSpace(c.Raw)),
			Message: fmt.Sprintf("%s：%s!%s%s中的数值无法单独读出，未读取：请把数值单独填在标签右边的单元格中",
				ind.Name, x.sh.info.Name, ref, sheets.Quote(strings.TrimSpace(c.Raw)))})
		return true
	}
	x.formValue(spec, ind, v, ref, j, r.Num, strings.TrimSpace(head), ref, "", r.Hidden)
	return true
}

// quantityRE is a number and what follows it.
var quantityRE = regexp.MustCompile(`[0-9][0-9.,]*\s*`)

// hasQuantityOf reports whether text holds a number followed by a unit of
// the indicator's dimension ("44所", "36614人", "6.82亿元"): its value,
// wrapped in words. A year ("2024年") or a number alone is not.
func hasQuantityOf(units *config.Units, text string, ind *config.Indicator) bool {
	want, ok := units.Lookup(ind.Unit)
	if !ok {
		return false
	}
	t := foldWidth(text)
	for _, loc := range quantityRE.FindAllStringIndex(t, -1) {
		rest := []rune(t[loc[1]:])
		for n := min(len(rest), 4); n > 0; n-- {
			if u, ok := units.Lookup(string(rest[:n])); ok && u.Dimension == want.Dimension {
				return true
			}
		}
	}
	return false
}

// use records that a row's cell was read as a form's value, or is a
// value listed with its label.
func (l *layouts) use(row, col int) {
	switch {
	case row < l.usedRow:
		return // a row done with: a mapped label's value right of it
	case row > l.usedRow:
		l.usedRow, l.usedCols = row, l.usedCols[:0]
	}
	l.usedCols = append(l.usedCols, col)
}

// used reports whether use recorded the cell.
func (l *layouts) used(row, col int) bool {
	return row == l.usedRow && slices.Contains(l.usedCols, col)
}

// extra lists a label / number pair or a number no form read.
func (l *layouts) extra(what string) {
	l.nExtras++
	if len(l.extras) < maxUnknownListed {
		l.extras = append(l.extras, what)
	}
}

// headingRow returns the columns of a row of column headings of a table
// sheaf does not recognise ("项目 | 上年数"): text in two cells or more, no
// figure, no label of an indicator, no "label：" line; nil for another
// row. A value under such a heading, up to a blank row, is that table's,
// not a form's: "教育支出 | 68211" there may be last year's.
func (x *FileExtraction) headingRow(r sheets.Row) map[int]bool {
	cols := map[int]bool{}
	for j, c := range r.Cells {
		text := strings.TrimSpace(c.Raw)
		switch {
		case text == "":
		case c.Kind != sheets.CellText || isFigure(c) || strings.ContainsAny(text, ":："):
			return nil
		default:
			if _, ind := x.formLabel(c.Raw); ind != nil {
				return nil
			}
			cols[j] = true
		}
	}
	if len(cols) < 2 {
		return nil
	}
	return cols
}

// unitBeside is the unit written right of a form's value cell ("教育支出 |
// 682580000 | 元"), or "".
func unitBeside(units *config.Units, r sheets.Row, col int) string {
	c := r.Col(col + 1)
	if c.Kind != sheets.CellText {
		return ""
	}
	if _, ok := lookupUnitText(units, c.Raw); !ok {
		return ""
	}
	return strings.TrimSpace(c.Raw)
}

// formValue is a value found beside a label: a found form's is taken at
// once, a mapped form's kept for the end of the file.
func (x *FileExtraction) formValue(spec int, ind *config.Indicator, c sheets.Cell, ref string, col, row int, label, labelRef, unit string, hidden bool) {
	l := x.layoutState()
	s := x.sh
	l.use(row, col)
	o, fs := x.cellObservation(ind, c, ref, label, unit, hidden)
	l.formHits++
	l.fileForms++
	s.layoutRead = true
	if spec < 0 {
		if o != nil {
			x.take(s, *o, true)
		}
		for _, f := range fs {
			x.emit(s, f)
		}
		return
	}
	st := &l.mapped[spec]
	if st.label != nil {
		return // the first place counts
	}
	st.label = &formHit{sh: s, labelRef: labelRef, label: label, valueRef: ref, col: col, row: row, o: o, fs: fs,
		raw: shownRaw(c), empty: strings.TrimSpace(c.Raw) == ""}
}

// mappedCell reads the mapped cell of form i in its row.
func (x *FileExtraction) mappedCell(i int, r sheets.Row) {
	l := x.layoutState()
	s := x.sh
	sp := x.e.forms[i]
	c := r.Col(sp.col)
	ref := cellRef(c, sp.col, sp.row)
	l.use(r.Num, sp.col)
	h := &formHit{sh: s, valueRef: ref, col: sp.col, row: sp.row, raw: shownRaw(c), empty: strings.TrimSpace(c.Raw) == ""}
	// The label beside the cell: left of it, else above it.
	if left := r.Col(sp.col - 1); sp.col > 0 && left.Kind == sheets.CellText && strings.TrimSpace(left.Raw) != "" {
		h.neighbour, h.neighbourRef = strings.TrimSpace(left.Raw), cellRef(left, sp.col-1, r.Num)
	} else if l.prev.Num > 0 && l.prev.Num == r.Num-1 {
		if up := l.prev.Col(sp.col); up.Kind == sheets.CellText && strings.TrimSpace(up.Raw) != "" {
			h.neighbour, h.neighbourRef = strings.TrimSpace(up.Raw), cellRef(up, sp.col, l.prev.Num)
		}
	}
	if h.neighbour != "" {
		if _, ind := x.formLabelAny(h.neighbour); ind != nil && ind != sp.ind {
			h.other = ind.Name
		}
	}
	if !h.empty {
		h.o, h.fs = x.cellObservation(sp.ind, c, ref, h.neighbour, unitBeside(x.e.units, r, sp.col), r.Hidden)
		s.layoutRead = true
	}
	l.mapped[i].cell = h
}

// formLabelAny is the indicator a label names, mapped or found.
func (x *FileExtraction) formLabelAny(text string) (int, *config.Indicator) {
	if i, ind := x.formLabel(text); ind != nil {
		return i, ind
	}
	return -1, x.e.indicator(x.folds, "", trimLabelColon(text))
}

// finishForms decides every mapped form at the end of the file.
func (x *FileExtraction) finishForms() {
	if x.lay == nil {
		return
	}
	l := x.lay
	for i, sp := range x.e.forms {
		st := l.mapped[i]
		lh, ch := st.label, st.cell
		at := func(h *formHit) string { return sheets.Quote(h.sh.info.Name) + "!" + h.valueRef }
		layout := func(h *formHit, sev sheaf.Severity, sheet, cell, raw, msg string) {
			period := x.e.cfg.DefaultPeriod(sp.ind)
			if h != nil && h.o != nil {
				period = h.o.Period
			}
			if h != nil && h.sh.skipHidden {
				return
			}
			x.finding(sheaf.Finding{Kind: sheaf.KindLayout, Severity: sev, Indicator: sp.ind.ID, Period: period,
				Sheet: sheet, Cell: cell, Raw: raw, Message: msg})
		}
		use := func(h *formHit) {
			if h.o != nil {
				x.take(h.sh, *h.o, false)
			}
			for _, f := range h.fs {
				x.emit(h.sh, f)
			}
		}
		what := sp.ind.Name
		label := sheets.Quote(sp.text)
		if sp.text == "" {
			label = sheets.Quote(sp.ind.Name)
		}
		switch {
		case lh != nil && (sp.cell == "" || lh.col == sp.col && lh.row == sp.row && lh.sh.info.Name == st.sheet):
			use(lh)
		case lh != nil && sp.text != "":
			// The label says where the value went: read there, flagged.
			use(lh)
			layout(lh, sheaf.SeverityWarning, lh.sh.info.Name, lh.valueRef, lh.raw,
				fmt.Sprintf("%s：配置的单元格为 %s!%s，但标签%s现在在 %s，数值已按标签取自 %s（%s）；请核实后更新配置 forms 的 cell",
					what, sheets.Quote(st.sheet), sp.cell, label, lh.labelRef, at(lh), sheets.Quote(lh.raw)))
		case lh != nil:
			// The indicator's own name is beside another cell: the mapped
			// cell no longer holds it.
			msg := fmt.Sprintf("%s：配置的单元格为 %s!%s，但该指标的标签%s在 %s，旁边的数值在 %s（%s）；表格可能插入或删除了行列，未读取，请核实后更新配置 forms 的 cell",
				what, sheets.Quote(st.sheet), sp.cell, sheets.Quote(lh.label), lh.labelRef, at(lh), sheets.Quote(lh.raw))
			layout(lh, sheaf.SeverityError, lh.sh.info.Name, lh.valueRef, lh.raw, msg)
		case sp.cell != "" && ch == nil && st.sheet != "":
			layout(nil, sheaf.SeverityError, st.sheet, sp.cell, "",
				fmt.Sprintf("%s：配置的单元格 %s!%s 为空%s；表格可能插入或删除了行列，未读取，请核实后更新配置 forms", what, sheets.Quote(st.sheet), sp.cell, notFound(sp)))
		case sp.cell != "" && ch != nil && sp.text != "":
			now := "为空"
			if !ch.empty {
				now = "现为" + sheets.Quote(ch.raw)
			}
			layout(ch, sheaf.SeverityError, ch.sh.info.Name, ch.valueRef, ch.raw,
				fmt.Sprintf("%s：文件中找不到标签%s，配置的单元格 %s %s，未读取；请核实该项的位置后更新配置 forms", what, label, at(ch), now))
		case sp.cell != "" && ch != nil && ch.other != "":
			layout(ch, sheaf.SeverityError, ch.sh.info.Name, ch.valueRef, ch.raw,
				fmt.Sprintf("%s：配置的单元格 %s 旁边的标签是 %s%s（%s），不是该指标；表格可能插入或删除了行列，未读取，请核实后更新配置 forms",
					what, at(ch), ch.neighbourRef, sheets.Quote(ch.neighbour), ch.other))
		case sp.cell != "" && ch != nil && ch.empty:
			layout(ch, sheaf.SeverityError, ch.sh.info.Name, ch.valueRef, "",
				fmt.Sprintf("%s：配置的单元格 %s 为空%s；表格可能插入或删除了行列，未读取，请核实后更新配置 forms", what, at(ch), notFound(sp)))
		case sp.cell != "" && ch != nil:
			use(ch)
		case sp.cell == "" && st.sheet != "" && (sp.sheet != "" || l.fileForms > 0):
			layout(nil, sheaf.SeverityWarning, st.sheet, "", "",
				fmt.Sprintf("%s：文件中找不到标签%s，该项未读取；标签是否改名或删除？请核实后更新配置 forms 的 label", what, label))
		}
	}
}

// notFound says that a cell-mapped form's indicator name was not found
// either.
func notFound(sp formSpec) string {
	if sp.text != "" {
		return ""
	}
	return "，文件中也找不到该指标的名称" + sheets.Quote(sp.ind.Name)
}
