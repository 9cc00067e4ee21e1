package extract

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// A list is a table of one row per school (or project) under a header row
// naming its columns (学校名称 | 学校类型 | 教职工数 | 在校生数), configured
// in a department's lists[]: figures are derived from it by count, sum and
// where, with running sums and counts, never the rows. The list starts at
// the first row holding its key column and every column its figures name,
// and ends at the sheet's end, at another list's header, or at a long
// table's header.
//
// A row is a list row when its key cell is filled and it is neither a
// total (合计, 总计, 小计, 共计, the whole area's 全县), a group's heading
// or subtotal (一、高中学校), a breakdown of one (其中：…) nor a note
// (注：…, 填表人：…, with nothing in the figures' columns). A hidden row is a list row: a school hidden in
// the sheet is still a school (the department hides rows to print, not to
// withdraw them). Rows with a blank key but figures are not counted and
// are reported as not read. A 合计 or 总计 row's values are compared with
// the sums derived; a difference is a conflict finding, as is a figure the
// file also reports elsewhere that differs from the derived one.

// listSpec is one lists[] entry of the department, folded.
type listSpec struct {
	sheet   string
	key     string // folded key column
	keyText string
	figures []listFigure
	cols    []string // folded columns the figures read, besides the key
	// colTexts are those columns as configured, quoted, for messages.
	colTexts []string
}

// listFigure is one derived figure.
type listFigure struct {
	ind  *config.Indicator
	d    config.Derivation // columns and values folded
	text string            // the derive as configured
}

// listState is the list being read.
type listState struct {
	spec   *listSpec
	col    map[string]int    // folded column → index
	unit   map[string]string // unit a column's header gives: 经费（万元）
	header int
	// left and right are the columns of the list's range.
	left, right int
	// listRows are the list's rows, as endList decides them: those of
	// one of levels, by how their keys are numbered (see sectionLabel).
	listRows
	levels [3]listRows
	// total is the first 合计 or 总计 row's cells, by folded column.
	total    map[string]sheets.Cell
	totalRow int
	// blankKeys counts the rows with figures but no key.
	blankKeys   int
	blankKeyRef string
	period      string
	periodFrom  string
	periodMsg   string
}

// listRows are rows of a list whose keys are numbered alike, and the
// figures derived from them.
type listRows struct {
	// first and last are the rows' numbers.
	first, last, rows int
	figs              []figureState
	// keys are the rows' folded keys, by the first row holding each;
	// repeated are the keys met again ("「实验小学」（第 5、9 行）"), and
	// nRepeated how many.
	keys      map[string]int
	repeated  []string
	nRepeated int
}

// Levels of a list row by how its key is numbered (sectionLabel): not in
// Chinese numerals (城关小学, 1.城关小学), 一、, or （一）.
const (
	levelPlain = iota
	levelFirst
	levelSecond
)

// rowsLevel is the level a list's schools are at: unnumbered rows when
// there are any (rows numbered 一、 or （一） are then their groups'
// headings or subtotals), else the finer numbering (（一）城关小学 under
// 一、小学), else 一、城关小学.
func (ls *listState) rowsLevel() int {
	for _, lv := range []int{levelPlain, levelSecond, levelFirst} {
		if ls.levels[lv].rows > 0 {
			return lv
		}
	}
	return levelPlain
}

// figureState is a derived figure's running total.
type figureState struct {
	sum      float64
	decimals int
	approx   sheaf.Approximation
	cells    int
	count    int
	problems []string
	nProblem int
}

// maxListProblems bounds the cells a derived figure's problem names.
const maxListProblems = 5

// listSpecs folds a department's lists.
func listSpecs(c *Catalogue, dept *config.Department) []listSpec {
	if dept == nil {
		return nil
	}
	var specs []listSpec
	for _, l := range dept.Lists {
		sp := listSpec{sheet: l.Sheet, key: Fold(l.Key), keyText: strings.TrimSpace(l.Key)}
		for _, f := range l.Figures {
			ind := c.byCode[Fold(f.Indicator)]
			d, err := config.ParseDerive(f.Derive)
			if ind == nil || err != nil {
				continue // config validation names it
			}
			d.Sum = Fold(d.Sum)
			for i := range d.Where {
				d.Where[i].Column, d.Where[i].Value = Fold(d.Where[i].Column), Fold(d.Where[i].Value)
			}
			for _, col := range d.Columns() {
				if col != sp.key && !containsString(sp.cols, col) {
					sp.cols = append(sp.cols, col)
				}
			}
			raw, _ := config.ParseDerive(f.Derive)
			for _, col := range raw.Columns() {
				if q := sheets.Quote(col); Fold(col) != sp.key && !slices.Contains(sp.colTexts, q) {
					sp.colTexts = append(sp.colTexts, q)
				}
			}
			sp.figures = append(sp.figures, listFigure{ind: ind, d: d, text: strings.TrimSpace(f.Derive)})
		}
		specs = append(specs, sp)
	}
	return specs
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

// listHeader returns the list whose header r is, with its columns.
func (x *FileExtraction) listHeader(r sheets.Row) (*listSpec, map[string]int, map[string]string) {
	var texts map[string]int
	var units map[string]string
	for i := range x.e.lists {
		sp := &x.e.lists[i]
		if !sheetMatches(sp.sheet, x.sh.info.Name) {
			continue
		}
		if texts == nil {
			texts, units = map[string]int{}, map[string]string{}
			for j, c := range r.Cells {
				if c.Kind != sheets.CellText {
					continue
				}
				t := strings.TrimSpace(c.Raw)
				f := x.folds.fold(t)
				if _, ok := texts[f]; !ok && f != "" {
					texts[f] = j
				}
				if mayHaveUnit(t) {
					if base, u := stripUnitSuffix(x.e.units, t); u != "" {
						if _, ok := texts[Fold(base)]; !ok {
							texts[Fold(base)], units[Fold(base)] = j, u
						}
					}
				}
			}
		}
		cols := map[string]int{}
		ok := true
		for _, c := range append([]string{sp.key}, sp.cols...) {
			j, has := texts[c]
			if !has {
				ok = false
				break
			}
			cols[c] = j
		}
		if ok {
			return sp, cols, units
		}
	}
	return nil, nil, nil
}

// listRow sees a row for the department's lists; it reports whether the
// row was a list's (its header or one of its rows).
func (x *FileExtraction) listRow(r sheets.Row) bool {
	if len(x.e.lists) == 0 {
		return false
	}
	l := x.layoutState()
	if sp, cols, units := x.listHeader(r); sp != nil {
		x.endList()
		x.startList(sp, cols, units, r)
		return true
	}
	if l.list == nil {
		return false
	}
	if h := x.e.header(r, x.folds, x.sh.merges); h.kind != notHeader {
		x.endList()
		return false
	}
	x.listLine(l.list, r)
	return true
}

// endLists ends a sheet's lists: a list named for the sheet whose header
// was not found is a layout finding, not figures silently missing.
func (x *FileExtraction) endLists() {
	if len(x.e.lists) == 0 {
		return
	}
	x.endList()
	l, s := x.layoutState(), x.sh
	if s.skipHidden || !s.summary.nonEmpty {
		return
	}
	for i := range x.e.lists {
		sp := &x.e.lists[i]
		if sp.sheet == "" || !sheetMatches(sp.sheet, s.info.Name) || slices.Contains(l.listsFound, sp) {
			continue
		}
		cols := append([]string{sheets.Quote(sp.keyText)}, sp.colTexts...)
		x.finding(sheaf.Finding{Kind: sheaf.KindLayout, Severity: sheaf.SeverityWarning, Sheet: s.info.Name, Cell: s.summary.firstRef,
			Message: fmt.Sprintf("表%s中找不到名册的表头行（须有%s列），名册未读取，由它计算的%s未读取：列名是否改动？请核实后更新配置 lists",
				sheets.Quote(s.info.Name), strings.Join(cols, "、"), sp.indicatorNames())})
	}
}

// indicatorNames names a list's derived figures for messages.
func (sp *listSpec) indicatorNames() string {
	var names []string
	for _, f := range sp.figures {
		if !slices.Contains(names, f.ind.Name) {
			names = append(names, f.ind.Name)
		}
	}
	return strings.Join(names, "、")
}

// startList begins a list under its header row.
func (x *FileExtraction) startList(sp *listSpec, cols map[string]int, units map[string]string, header sheets.Row) {
	l := x.layoutState()
	ls := &listState{spec: sp, col: cols, unit: map[string]string{}, header: header.Num, left: math.MaxInt}
	for i := range ls.levels {
		ls.levels[i].figs = make([]figureState, len(sp.figures))
	}
	for j, c := range header.Cells {
		if strings.TrimSpace(c.Raw) != "" {
			ls.left, ls.right = min(ls.left, j), max(ls.right, j)
		}
	}
	for c := range cols {
		if u := units[c]; u != "" {
			ls.unit[c] = u
		}
	}
	lay := x.sheetYear()
	x.sh.titles = nil
	if lay.yearConflict != "" {
		ls.periodMsg = "无法确定年度：" + lay.yearConflict + "；请更正工作表名和标题"
	} else {
		ls.period, ls.periodFrom = lay.year, lay.yearFrom
	}
	x.sh.layoutRead = true
	l.list = ls
	l.listsFound = append(l.listsFound, sp)
}

// totalWords are what a total or subtotal row's key says.
var totalWords = []string{"合计", "总计", "小计", "共计", "总数", "全部"}

// noteStarts are what a note row's key starts with.
var noteStarts = []string{"注", "说明", "备注", "填表", "制表", "审核", "负责人", "单位负责人", "联系", "数据来源", "资料来源"}

// listLine reads one row under a list's header.
func (x *FileExtraction) listLine(ls *listState, r sheets.Row) {
	sp := ls.spec
	keyCell := r.Col(ls.col[sp.key])
	key := strings.TrimSpace(shownRaw(keyCell))
	figures := false
	for _, c := range sp.cols {
		if isFigure(r.Col(ls.col[c])) {
			figures = true
		}
	}
	if key == "" {
		if figures && totalLine(r) {
			// 合计 written in the 序号 column, merged over the key's.
			x.listTotalRow(ls, r)
			return
		}
		if figures {
			if ls.blankKeys == 0 {
				ls.blankKeyRef = sheets.CellName(ls.col[sp.key], r.Num)
			}
			ls.blankKeys++
		}
		return
	}
	if strings.HasPrefix(Fold(key), "其中") {
		return // a breakdown of the total above ("其中：农村学校"), not a school
	}
	fk := Fold(stripLabel(key))
	for _, w := range totalWords {
		if fk == w || strings.HasPrefix(fk, w) || strings.HasSuffix(fk, w) {
			if w != "小计" {
				x.listTotalRow(ls, r)
			}
			return
		}
	}
	if areaTotal(fk) {
		// 全市, 全县: the whole area's row, a total under another name.
		x.listTotalRow(ls, r)
		return
	}
	if !figures && (strings.ContainsAny(key, ":：") || hasAnyPrefix(fk, noteStarts)) {
		return
	}
	// 一、高中学校 and （二）初中 are groups' headings or subtotals when
	// other rows are schools; endList decides which level the schools are.
	lv := &ls.levels[sectionLabel(key)]
	if lv.first == 0 {
		lv.first = r.Num
	}
	lv.last = r.Num
	lv.rows++
	if lv.keys == nil {
		lv.keys = map[string]int{}
	}
	if first, ok := lv.keys[fk]; ok {
		lv.nRepeated++
		if len(lv.repeated) < maxListProblems {
			lv.repeated = append(lv.repeated, fmt.Sprintf("%s（第 %d、%d 行）", sheets.Quote(key), first, r.Num))
		}
	} else {
		lv.keys[fk] = r.Num
	}
	for i, f := range sp.figures {
		if !ls.matches(f.d, r) {
			continue
		}
		fs := &lv.figs[i]
		fs.count++
		if f.d.Sum == "" {
			continue
		}
		j := ls.col[f.d.Sum]
		c := r.Col(j)
		unit, _ := x.e.units.Lookup(f.ind.Unit)
		rd, err := normalize(x.e.units, c, unitHints{Header: ls.unit[f.d.Sum]}, unit)
		ref := cellRef(c, j, r.Num)
		switch {
		case err != nil:
			fs.problem(fmt.Sprintf("%s%s无法读取", ref, sheets.Quote(shorten(strings.TrimSpace(c.Raw)))))
		case !rd.HasValue:
			fs.problem(ref + "为空")
		default:
			if fs.cells == 0 || rd.Decimals < fs.decimals {
				fs.decimals = rd.Decimals
			}
			fs.cells++
			fs.sum += rd.Value
			fs.approx = mergeApprox(fs.approx, rd.Approx)
		}
	}
}

// areaWords are what follows 全 in the label of a whole area's row: 全市,
// 全县, 全区, 全旗.
const areaWords = "省市州盟县区旗镇乡"

// areaTotal reports whether a folded key is the whole area's row, 全县
// alone: a school's name may start with it (全县第一中学 is no total).
func areaTotal(fk string) bool {
	rest, ok := strings.CutPrefix(fk, "全")
	if !ok {
		return false
	}
	r, size := utf8.DecodeRuneInString(rest)
	return size == len(rest) && strings.ContainsRune(areaWords, r)
}

// sectionLabel says how a key is numbered in Chinese numerals, as lists
// number their groups (and sometimes their schools): levelFirst (1) for
// 一、高中学校 or 三.小学, levelSecond (2) for （二）初中 or (三)小学,
// levelPlain (0) for anything else (城关小学, 十里铺小学, 1、实验小学).
func sectionLabel(key string) int {
	s := foldWidth(strings.TrimSpace(key))
	open := strings.HasPrefix(s, "(")
	s = strings.TrimPrefix(s, "(")
	n := 0
	for _, r := range s {
		if !strings.ContainsRune("一二三四五六七八九十", r) {
			break
		}
		n += utf8.RuneLen(r)
	}
	if n == 0 {
		return levelPlain
	}
	r, _ := utf8.DecodeRuneInString(s[n:])
	switch {
	case open && r == ')':
		return levelSecond
	case !open && (r == '、' || r == '.'):
		return levelFirst
	}
	return levelPlain
}

// isTotal reports whether a key or label says total: 合计, 总计, 共计, 合 计.
func isTotal(text string) bool {
	f := Fold(stripLabel(text))
	for _, w := range totalWords {
		if w != "小计" && (f == w || strings.HasPrefix(f, w) || strings.HasSuffix(f, w)) {
			return true
		}
	}
	return false
}

// totalLine reports whether a row's text cells say it is a total.
func totalLine(r sheets.Row) bool {
	for _, c := range r.Cells {
		if c.Kind == sheets.CellText && isTotal(c.Raw) {
			return true
		}
	}
	return false
}

// listTotalRow keeps the first 合计 or 总计 row's cells, to compare with
// the sums.
func (x *FileExtraction) listTotalRow(ls *listState, r sheets.Row) {
	if ls.total != nil {
		return
	}
	ls.total, ls.totalRow = map[string]sheets.Cell{}, r.Num
	for _, c := range ls.spec.cols {
		cell := r.Col(ls.col[c])
		if cell.Ref == "" {
			cell.Ref = sheets.CellName(ls.col[c], r.Num)
		}
		ls.total[c] = cell
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func (fs *figureState) problem(p string) {
	fs.nProblem++
	if len(fs.problems) < maxListProblems {
		fs.problems = append(fs.problems, p)
	}
}

// matches reports whether a row meets a derivation's conditions.
func (ls *listState) matches(d config.Derivation, r sheets.Row) bool {
	for _, w := range d.Where {
		v := Fold(strings.TrimSpace(shownRaw(r.Col(ls.col[w.Column]))))
		if (v == w.Value) == w.Not {
			return false
		}
	}
	return true
}

// endList derives the figures of the list being read.
func (x *FileExtraction) endList() {
	l := x.layoutState()
	ls := l.list
	if ls == nil {
		return
	}
	l.list = nil
	s := x.sh
	sp := ls.spec
	ls.listRows = ls.levels[ls.rowsLevel()]
	rng := sheets.CellName(ls.left, ls.header+1) + ":" + sheets.CellName(ls.right, max(ls.header+1, ls.last))
	if ls.first > 0 {
		rng = sheets.CellName(ls.left, ls.first) + ":" + sheets.CellName(ls.right, ls.last)
	}
	what := fmt.Sprintf("名册%s!%s（%d 行）", sheets.Quote(s.info.Name), rng, ls.rows)
	for i, f := range sp.figures {
		fs := ls.figs[i]
		period, msg := ls.period, ls.periodMsg
		if msg == "" {
			var err error
			period, msg, err = x.e.periodOf(f.ind, sheets.Cell{}, false, ls.period, ls.periodFrom)
			if err != nil {
				msg = err.Error()
			}
		}
		if msg != "" {
			x.emit(s, sheaf.Finding{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: f.ind.ID, Period: period,
				Sheet: s.info.Name, Cell: rng, Raw: f.text, Message: f.ind.Name + "：" + strings.TrimPrefix(msg, f.ind.Name+"：")})
			continue
		}
		if fs.nProblem > 0 {
			list := strings.Join(fs.problems, "、")
			if fs.nProblem > len(fs.problems) {
				list += fmt.Sprintf("……等共 %d 处", fs.nProblem)
			}
			x.emit(s, sheaf.Finding{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: f.ind.ID, Period: period,
				Sheet: s.info.Name, Cell: rng, Raw: f.text,
				Message: fmt.Sprintf("%s（%s）：由%s按 %s 计算，但 %s，无法计算，未读取；请补全后报送", f.ind.Name, sheaf.PeriodWord(period), what, f.text, list)})
			continue
		}
		rd := Reading{Value: float64(fs.count), HasValue: true}
		if f.d.Sum != "" {
			rd = Reading{Value: roundDecimals(fs.sum, max(fs.decimals, 0)+noiseDigits), HasValue: true, Decimals: fs.decimals, Approx: fs.approx}
		}
		unit, _ := x.e.units.Lookup(f.ind.Unit)
		o := sheaf.Observation{Indicator: f.ind.ID, Period: period, Value: rd.Value, HasValue: true, Decimals: rd.Decimals, Approx: rd.Approx,
			Unit: f.ind.Unit, Raw: f.text, Sheet: s.info.Name, Cell: rng, Label: f.text}
		c := check{ind: f.ind, unit: unit, o: &o, cell: sheets.Cell{Kind: sheets.CellNumber, Raw: sheaf.FormatValue(rd.Value, rd.Decimals)}}
		fsFindings := c.findings(rd)
		x.takeDerived(s, o)
		for _, ff := range fsFindings {
			x.emit(s, ff)
		}
		if !s.skipHidden {
			l.derived = append(l.derived, derivedFigure{o: o, what: what, text: f.text})
		}
		x.listTotal(ls, f, o)
		if ls.nRepeated > 0 {
			// Counted as written, and said: a school entered twice, or two
			// schools that share a name.
			list := strings.Join(ls.repeated, "、")
			if ls.nRepeated > len(ls.repeated) {
				list += fmt.Sprintf("……等共 %d 处", ls.nRepeated)
			}
			x.emit(s, sheaf.Finding{Kind: sheaf.KindConflict, Severity: sheaf.SeverityWarning, Indicator: f.ind.ID, Period: o.Period,
				Sheet: s.info.Name, Cell: rng, Raw: f.text,
				Message: fmt.Sprintf("%s（%s）：%s中%s重复出现，已分别计入；如为重复填写，请删除其一；如确为不同的学校或项目，请在%s中加以区分",
					f.ind.Name, sheaf.PeriodWord(o.Period), what, list, sheets.Quote(sp.keyText))})
		}
	}
	if ls.blankKeys > 0 {
		x.emit(s, sheaf.Finding{Kind: sheaf.KindUnknown, Severity: sheaf.SeverityWarning, Sheet: s.info.Name, Cell: ls.blankKeyRef,
			Message: fmt.Sprintf("%s中有 %d 行填有数字但%s为空（自 %s 起），不计入名册：如是学校或项目，请填写%s",
				what, ls.blankKeys, sheets.Quote(sp.keyText), ls.blankKeyRef, sheets.Quote(sp.keyText))})
	}
}

// takeDerived sends a derived figure as take does, without making it the
// file's first value of its figure: finishLists compares it with that.
func (x *FileExtraction) takeDerived(s *sheetState, o sheaf.Observation) {
	if s.skipHidden {
		x.take(s, o, true)
		return
	}
	s.rows++
	x.observation(o)
}

// derivedFigure is a figure a list gave, for comparing with the same
// figure reported elsewhere in the file.
type derivedFigure struct {
	o          sheaf.Observation
	what, text string
}

// listTotal compares a summed figure with the list's 合计 row.
func (x *FileExtraction) listTotal(ls *listState, f listFigure, o sheaf.Observation) {
	if ls.total == nil || f.d.Sum == "" || len(f.d.Where) > 0 {
		return
	}
	c := ls.total[f.d.Sum]
	unit, _ := x.e.units.Lookup(f.ind.Unit)
	rd, err := normalize(x.e.units, c, unitHints{Header: ls.unit[f.d.Sum]}, unit)
	if err != nil || !rd.HasValue {
		return
	}
	t := o
	t.Value, t.Decimals, t.Approx, t.Cell, t.Raw = rd.Value, rd.Decimals, rd.Approx, c.Ref, shownRaw(c)
	if sheaf.Agree(o, t, f.ind.Tolerance) {
		return
	}
	x.emit(x.sh, sheaf.Finding{Kind: sheaf.KindConflict, Severity: sheaf.SeverityWarning, Indicator: f.ind.ID, Period: o.Period,
		Sheet: o.Sheet, Cell: o.Cell, Raw: t.Raw,
		Message: fmt.Sprintf("%s（%s）：名册%s!%s 逐行%s为 %s，与合计行 %s 的 %s 不一致，请核对名册和合计",
			f.ind.Name, sheaf.PeriodWord(o.Period), sheets.Quote(o.Sheet), o.Cell, f.text, sheaf.FormatValue(o.Value, o.Decimals)+unit.Word(), c.Ref, sheets.Quote(t.Raw))})
}

// finishLists compares each derived figure with the same figure reported
// elsewhere in the file (a form's total, a long table's row).
func (x *FileExtraction) finishLists() {
	if x.lay == nil {
		return
	}
	for _, d := range x.lay.derived {
		v, ok := x.visible[d.o.Indicator+"@"+d.o.Period]
		if !ok || v.o.Sheet == d.o.Sheet && v.o.Cell == d.o.Cell {
			continue
		}
		ind := x.e.byCode[Fold(d.o.Indicator)]
		if sheaf.Agree(d.o, v.o, ind.Tolerance) {
			continue
		}
		unit, _ := x.e.units.Lookup(ind.Unit)
		msg := fmt.Sprintf("%s（%s）：由%s按 %s 计算为 %s，与 %s!%s 填报的 %s 不一致，请核对",
			ind.Name, sheaf.PeriodWord(d.o.Period), d.what, d.text, sheaf.FormatValue(d.o.Value, d.o.Decimals)+unit.Word(),
			sheets.Quote(v.o.Sheet), v.o.Cell, sheets.Quote(strings.TrimSpace(v.o.Raw)))
		for _, o := range []sheaf.Observation{d.o, v.o} {
			x.finding(sheaf.Finding{Kind: sheaf.KindConflict, Severity: sheaf.SeverityWarning, Indicator: o.Indicator, Period: o.Period,
				Sheet: o.Sheet, Cell: o.Cell, Raw: o.Raw, Message: msg})
		}
	}
}
