package extract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/sheets"
)

// maxUnknownListed is how many unmatched rows the unknown flag names; the
// rest are counted. A sheet of 100,000 unknown rows must not make a
// flag of megabytes.
const maxUnknownListed = 30

// FileExtraction extracts one file row by row, so that a sheet of any size
// is read in constant memory: observations and findings go out through
// callbacks as soon as their row is read. Memory grows with the number of
// sheets and of merged ranges, never with the rows.
type FileExtraction struct {
	e           *Extractor
	observation func(sheaf.Observation)
	finding     func(sheaf.Finding)

	sh       *sheetState // the current sheet, nil before the first
	outcomes []sheaf.SheetOutcome
	// noTable are the sheets with content but no table, described, for
	// Finish to flag.
	noTable []*sheetState

	unknown  []string
	nUnknown int
	// unrecognised are the rows with a name that matched no indicator.
	unrecognised []UnrecognisedRow
	folds        folds

	// visible is the first value the read sheets gave for each indicator
	// and period, hidden the first each skipped hidden sheet gave, in
	// order: compared at Finish, whichever sheet comes first. Bounded by
	// the catalogue, never by the rows.
	visible    map[string]seenValue
	hidden     []seenValue
	hiddenSeen map[string]bool

	lay *layouts // forms and lists (layout_common.go)
}

// seenValue is a value a sheet gave for a figure, for comparing a hidden
// sheet with the visible ones.
type seenValue struct {
	o sheaf.Observation
}

// sheetState is what extraction knows of the sheet being read.
type sheetState struct {
	info sheets.SheetInfo
	want bool
	// skipHidden: a hidden sheet not read. Its rows are still matched, so
	// that a figure found only there is reported as such, not as missing.
	skipHidden bool
	merges     *mergeIndex

	table *layout // the table the rows belong to, or nil between tables
	// pendingUnit is the latest "单位：万元" note outside a table; it
	// applies to the next table.
	pendingUnit, pendingText string
	partial                  *partialRegion
	// titles are the years written in title and note lines since the
	// last header row, for a table without a period column.
	titles []yearSource

	// orphans counts rows with figures above the first header (an
	// unrecognised table there), from row orphanRow.
	orphans, orphanRow int

	// extras are the current year-column table's values not taken, per
	// period column.
	extras []extraColumn

	tables    int    // complete header rows found
	rows      int    // observations taken
	ambiguous string // why a table was not read (already a finding)
	summary   sheetSummary
	// layoutRead: a form or a list was read in the sheet.
	layoutRead bool
}

// partialRegion is a header-like row that starts no table, and the rows
// with figures after it, which no table reads.
type partialRegion struct {
	row     int
	words   []string
	missing string
	rows    int
}

// Start begins the extraction of one file.
func (e *Extractor) Start(observation func(sheaf.Observation), finding func(sheaf.Finding)) *FileExtraction {
	return &FileExtraction{e: e, observation: observation, finding: finding, folds: folds{},
		visible: map[string]seenValue{}, hiddenSeen: map[string]bool{}}
}

// Sheet begins a sheet and reports whether its rows are wanted. Hidden
// sheets' rows are wanted even when they are not read (see sheetState).
func (x *FileExtraction) Sheet(info sheets.SheetInfo) bool {
	x.endSheet()
	s := &sheetState{info: info, want: x.e.wantSheet(info.Name)}
	s.skipHidden = info.Hidden != sheets.Visible && !x.e.readHidden
	if s.want {
		s.merges = newMergeIndex(info.Merges)
	}
	x.sh = s
	return s.want
}

// Row reads one non-empty row of the current sheet, in sheet order. Any
// row may be a header row, which starts a new table with its own columns;
// a header-like row that is not a complete header ends the table above.
func (x *FileExtraction) Row(r sheets.Row) {
	s := x.sh
	if s == nil || !s.want {
		return
	}
	s.summary.see(r)
	s.merges.see(r)
	if x.listRow(r) {
		return
	}
	x.formsRow(r)
	if s.table != nil && s.table.subPending && x.subHeader(r) {
		return
	}
	switch h := x.e.header(r, x.folds, s.merges); h.kind {
	case completeHeader:
		x.endTable()
		x.endRegion(false)
		if s.tables == 0 {
			x.orphansAbove(r.Num)
		}
		lay := h.lay
		if len(h.unread) > 0 && !s.skipHidden {
			x.finding(sheaf.Finding{Kind: sheaf.KindUnknown, Severity: sheaf.SeverityInfo, Sheet: s.info.Name,
				Cell: sheets.CellName(0, r.Num),
				Message: fmt.Sprintf("表「%s」表头中的%s不是可识别的年度，该列未读取：如是该年的数值，请把表头改为“2024年”这样的年份",
					s.info.Name, strings.Join(h.unread, "、"))})
		}
		lay.spans = s.merges.headerSpans(r.Num, lay.cols)
		x.tableYear(&lay)
		lay.noteUnit, lay.noteText = s.pendingUnit, s.pendingText
		x.periodLayouts(&lay)
		if len(lay.periodCols) > 0 {
			lay.subPending = true
			lay.headerFilled = map[int]bool{}
			for j, c := range r.Cells {
				if strings.TrimSpace(c.Raw) != "" {
					lay.headerFilled[j] = true
				}
			}
		}
		s.pendingUnit, s.pendingText = "", ""
		s.table = &lay
		s.tables++
		return
	case ambiguousHeader:
		x.endTable()
		x.endRegion(false)
		s.table = nil
		s.titles = nil
		s.pendingUnit, s.pendingText = "", ""
		if s.ambiguous == "" {
			s.ambiguous = h.conflict
		}
		if !s.skipHidden {
			x.finding(sheaf.Finding{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Sheet: s.info.Name,
				Cell: sheets.CellName(0, r.Num),
				Message: fmt.Sprintf("表「%s」第 %d 行的表头中%s，无法确定读哪一列，该表未读取：请删除或改名其中一列，或在配置 extraction.headers 中按优先顺序列出列名",
					s.info.Name, r.Num, h.conflict)})
		}
		return
	case partialHeader:
		x.endTable()
		x.endRegion(false)
		s.table = nil
		s.titles = nil
		s.partial = &partialRegion{row: r.Num, words: h.words, missing: h.missing}
		return
	}
	if s.table == nil {
		x.outside(r)
		return
	}
	var res rowResult
	if len(s.table.periodCols) > 0 {
		res = x.yearRow(r)
	} else {
		res = x.e.row(s, s.table, r, x.folds)
	}
	if res.nothing {
		x.titleLine(r)
	}
	if s.skipHidden {
		hidden := func(ind, period, cell, raw string) {
			x.finding(sheaf.Finding{Kind: sheaf.KindHiddenSheet, Severity: sheaf.SeverityInfo, Indicator: ind, Period: period,
				Sheet: s.info.Name, Cell: cell, Raw: raw,
				Message: fmt.Sprintf("在隐藏工作表「%s」中有此项，未读取", s.info.Name)})
		}
		for _, o := range res.obs {
			hidden(o.Indicator, o.Period, o.Cell, o.Raw)
			x.seeHidden(o)
		}
		// A row whose value could not be read is still the item, there.
		for _, f := range res.findings {
			if f.Kind == sheaf.KindInvalid && f.Indicator != "" && len(res.obs) == 0 {
				hidden(f.Indicator, f.Period, f.Cell, f.Raw)
			}
		}
		return
	}
	for _, o := range res.obs {
		s.rows++
		x.observation(o)
		if k := o.Indicator + "@" + o.Period; o.HasValue {
			if _, ok := x.visible[k]; !ok {
				x.visible[k] = seenValue{o}
			}
		}
	}
	for _, f := range res.findings {
		x.finding(f)
	}
	if res.unknown != "" {
		x.nUnknown++
		listed := len(x.unknown) < maxUnknownListed
		if u := res.unrec; u != nil {
			if listed && u.Cell != "" {
				// A guess only for the rows listed: each one is compared
				// with the whole catalogue.
				if u.Guess = x.e.guess(u); u.Guess != nil {
					res.unknown = x.guessed(u)
				}
			}
			if len(x.unrecognised) < maxUnrecognisedKept {
				x.unrecognised = append(x.unrecognised, *u)
			}
		}
		if listed {
			x.unknown = append(x.unknown, res.unknown)
		}
	}
	if res.nothing {
		x.note(r)
	}
}

// outside reads a row that belongs to no table: a title, a note, or a row
// under a header-like row that starts no table.
func (x *FileExtraction) outside(r sheets.Row) {
	s := x.sh
	took := x.autoForms(r)
	x.note(r)
	x.titleLine(r)
	switch {
	case took:
	case s.partial != nil:
		if rowHasNumber(r) {
			s.partial.rows++
		}
	case s.tables == 0 && len(r.Cells) >= 2 && filledCells(r) >= 2 && rowHasNumber(r):
		if s.orphans == 0 {
			s.orphanRow = r.Num
		}
		s.orphans++
	}
}

// yearSource is a year written in a sheet name or a title line, and
// where: "工作表名「2023年」", "A1「2023年度教育统计表」".
type yearSource struct {
	year, where string
}

// maxTitleYears bounds the title years kept between two tables.
const maxTitleYears = 8

// titleLine keeps the years a title or note line gives.
func (x *FileExtraction) titleLine(r sheets.Row) {
	s := x.sh
	for j, c := range r.Cells {
		if c.Kind != sheets.CellText || len(s.titles) >= maxTitleYears {
			continue
		}
		ref := c.Ref
		if ref == "" {
			ref = sheets.CellName(j, r.Num)
		}
		for _, y := range titleYears(c.Raw) {
			s.titles = append(s.titles, yearSource{y, ref + sheets.Quote(shorten(strings.TrimSpace(c.Raw)))})
		}
	}
}

// tableYear decides the period of a table without a period column from
// the year its sheet name and the title lines above it give. Two different
// years are not guessed between: every row of the table is flagged. In a
// table with a period column, the one year they give is the period of a
// row whose period cell is blank: a blank in a table titled 2023年 is no
// 2024 figure.
func (x *FileExtraction) tableYear(lay *layout) {
	s := x.sh
	titles := s.titles
	s.titles = nil
	_, periodCol := lay.cols[RolePeriod]
	lay.periodCol = periodCol
	var srcs []yearSource
	for _, y := range titleYears(s.info.Name) {
		srcs = append(srcs, yearSource{y, "工作表名" + sheets.Quote(s.info.Name)})
	}
	srcs = append(srcs, titles...)
	if len(srcs) == 0 {
		return
	}
	var years, wheres []string
	for _, src := range srcs {
		if !slices.Contains(years, src.year) {
			years = append(years, src.year)
		}
		if !slices.Contains(wheres, src.where) {
			wheres = append(wheres, src.where)
		}
	}
	if len(years) == 1 {
		lay.year, lay.yearFrom = years[0], strings.Join(wheres, "、")
		return
	}
	if periodCol {
		// The column decides; a blank under titles that disagree is the
		// indicator's default period.
		return
	}
	words := make([]string, len(years))
	for i, y := range years {
		words[i] = sheaf.PeriodWord(y)
	}
	lay.yearConflict = fmt.Sprintf("表中没有年度列，%s写的年度不同（%s）", strings.Join(wheres, "、"), strings.Join(words, "、"))
}

// orphansAbove reports rows of figures above a sheet's first table: a
// table sheaf did not recognise, whose values would be lost unsaid. One
// such row is taken for a line of the title block ("联系电话 | 1380…").
func (x *FileExtraction) orphansAbove(header int) {
	s := x.sh
	if s.orphans < 2 || s.skipHidden {
		return
	}
	x.finding(sheaf.Finding{Kind: sheaf.KindUnknown, Severity: sheaf.SeverityWarning, Sheet: s.info.Name, Cell: sheets.CellName(0, s.orphanRow),
		Message: fmt.Sprintf("表「%s」第 %d 行的表头之上有 %d 行数据（自第 %d 行起）不在可识别的表格中，未读取：如是另一张表，请为它加上含“指标名称”和“数值”的表头行",
			s.info.Name, header, s.orphans, s.orphanRow)})
}

// filledCells counts a row's non-empty cells.
func filledCells(r sheets.Row) int {
	n := 0
	for _, c := range r.Cells {
		if strings.TrimSpace(c.Raw) != "" {
			n++
		}
	}
	return n
}

// note takes a "单位：万元" line for the next table.
func (x *FileExtraction) note(r sheets.Row) {
	for _, c := range r.Cells {
		if c.Kind != sheets.CellText {
			continue
		}
		if u := unitFromNote(x.e.units, c.Raw); u != "" {
			x.sh.pendingUnit, x.sh.pendingText = u, strings.TrimSpace(c.Raw)
		}
	}
}

// endRegion ends the rows under a header-like row; rows with figures
// there are reported, unless the sheet ends without any table (the
// sheet's own finding describes it then).
func (x *FileExtraction) endRegion(sheetEnd bool) {
	s := x.sh
	p := s.partial
	if p == nil {
		return
	}
	if sheetEnd && s.tables == 0 {
		return
	}
	s.partial = nil
	if p.rows == 0 || s.skipHidden {
		return
	}
	x.finding(sheaf.Finding{Kind: sheaf.KindUnknown, Severity: sheaf.SeverityWarning, Sheet: s.info.Name, Cell: sheets.CellName(0, p.row),
		Message: fmt.Sprintf("表「%s」第 %d 行像表头（%s），但缺少%s列，其下 %d 行数据未读取：请使用“指标名称”“数值”等列名",
			s.info.Name, p.row, strings.Join(p.words, "、"), p.missing, p.rows)})
}

// endSheet records the outcome of the sheet just read.
func (x *FileExtraction) endSheet() {
	s := x.sh
	if s == nil {
		return
	}
	x.endTable()
	x.endRegion(true)
	x.endLists()
	x.endForms()
	o := sheaf.SheetOutcome{Sheet: s.info.Name, Rows: s.rows}
	switch {
	case x.skipped(s.info, &o):
	case !s.want:
		o.Outcome, o.Reason = sheaf.SheetExcluded, "不在 extraction.sheets 所列的工作表中"
	case s.skipHidden:
		o.Outcome = sheaf.SheetHidden
		o.Reason = "隐藏的工作表，未读取（extraction.hidden_sheets: skip）"
		if s.info.Hidden == sheets.VeryHidden {
			o.Reason = "深度隐藏的工作表，未读取（extraction.hidden_sheets: skip）"
		}
	case s.tables > 0 || s.layoutRead:
		o.Outcome = sheaf.SheetRead
	case s.ambiguous != "":
		o.Outcome, o.Reason = sheaf.SheetNoTable, s.ambiguous
	case !s.summary.nonEmpty:
		o.Outcome = sheaf.SheetEmpty
	case s.summary.notes():
		o.Outcome, o.Reason = sheaf.SheetNotes, "只有标题或说明文字，没有表格"
	default:
		o.Outcome, o.Reason = sheaf.SheetNoTable, s.describe()
		x.noTable = append(x.noTable, s)
	}
	if s.info.Damage != "" && s.want && !s.skipHidden {
		// Read in part: the rows before the damage count, and the
		// department hears that the rest is lost.
		msg := fmt.Sprintf("工作表%s只读取了一部分（%s）：已读取到第 %d 行，之后的内容未读取；请用 Excel 或 WPS 打开后重新另存为 .xlsx 再报送",
			sheets.Quote(s.info.Name), s.info.Damage, s.summary.lastRow)
		x.emit(s, sheaf.Finding{Kind: sheaf.KindFile, Severity: sheaf.SeverityWarning, Sheet: s.info.Name, Message: msg})
		if o.Reason == "" {
			o.Reason = "只读取了损坏处之前的部分"
		} else {
			o.Reason += "；只读取了损坏处之前的部分"
		}
	}
	x.outcomes = append(x.outcomes, o)
	x.sh = nil
}

// Outcomes says what became of each sheet, after Finish.
func (x *FileExtraction) Outcomes() []sheaf.SheetOutcome { return x.outcomes }

// Finish ends the file. Rows that matched no indicator become one
// finding. A sheet with figures but no table is flagged when another sheet
// of the file was read; a file in which no table was found at all gets one
// finding describing its sheets: otherwise its department would only hear
// that it sent nothing.
func (x *FileExtraction) Finish() {
	x.endSheet()
	x.finishForms()
	x.finishLists()
	read := 0
	for _, o := range x.outcomes {
		if o.Outcome == sheaf.SheetRead {
			read++
		}
	}
	if read > 0 {
		for _, s := range x.noTable {
			x.finding(sheaf.Finding{Kind: sheaf.KindUnknown, Severity: sheaf.SeverityWarning, Sheet: s.info.Name, Cell: s.summary.firstRef,
				Raw: s.summary.quoted(), Message: "表" + sheets.Quote(s.info.Name) + s.describe()})
		}
	} else {
		x.finding(sheaf.Finding{Kind: sheaf.KindUnknown, Severity: sheaf.SeverityWarning, Message: x.noTableMessage()})
	}
	x.versions()
	if x.nUnknown == 0 {
		return
	}
	list := strings.Join(x.unknown, "；")
	if x.nUnknown > len(x.unknown) {
		list += fmt.Sprintf("……等共 %d 行", x.nUnknown)
	}
	x.finding(sheaf.Finding{
		Kind:     sheaf.KindUnknown,
		Severity: sheaf.SeverityInfo,
		Raw:      list,
		Message:  fmt.Sprintf("%d 行不在指标目录中，未读取：%s", x.nUnknown, list),
	})
}

// seeHidden keeps the first value a skipped hidden sheet gives for a
// figure.
func (x *FileExtraction) seeHidden(o sheaf.Observation) {
	k := o.Sheet + "\x00" + o.Indicator + "@" + o.Period
	if !o.HasValue || x.hiddenSeen[k] || namedOld(o.Sheet) {
		return
	}
	x.hiddenSeen[k] = true
	x.hidden = append(x.hidden, seenValue{o})
}

// oldMarks are words by which a sheet's name says it is an old version.
var oldMarks = []string{"旧", "作废", "废弃", "勿用", "历史", "备份", "old", "archive", "backup"}

// namedOld reports whether a sheet's name says it is an old version
// ("旧版勿用", "2025年（旧）"): the department has said which is current,
// so its values differing is no question to ask.
func namedOld(sheet string) bool {
	f := strings.ToLower(sheet)
	for _, m := range oldMarks {
		if strings.Contains(f, m) {
			return true
		}
	}
	return false
}

// versions flags a skipped hidden sheet that gives another value than the
// visible sheets for the same figure: the hidden one may be the newer
// ("汇总(修订)"), and nobody would know.
func (x *FileExtraction) versions() {
	for _, h := range x.hidden {
		ho := h.o
		v, ok := x.visible[ho.Indicator+"@"+ho.Period]
		if !ok {
			continue
		}
		ind := x.e.byCode[Fold(ho.Indicator)]
		var tolerance *float64
		if ind != nil {
			tolerance = ind.Tolerance
		}
		if sheaf.Agree(ho, v.o, tolerance) {
			continue
		}
		name := ho.Indicator
		if ind != nil {
			name = ind.Name
		}
		unit, _ := x.e.units.Lookup(ho.Unit)
		shown := func(o sheaf.Observation) string { return unit.After(sheaf.FormatValue(o.Value, o.Decimals)) }
		x.finding(sheaf.Finding{Kind: sheaf.KindVersion, Severity: sheaf.SeverityWarning, Indicator: ho.Indicator, Period: ho.Period,
			Sheet: ho.Sheet, Cell: ho.Cell, Raw: ho.Raw, Note: ho.Note,
			Message: fmt.Sprintf("%s（%s）：隐藏工作表%s!%s 为 %s，与采用的%s!%s 的 %s 不同；隐藏的工作表未读取，请确认哪个是最新的数据，并删除或更正另一个",
				name, sheaf.PeriodWord(ho.Period), sheets.Quote(ho.Sheet), ho.Cell, shown(ho), sheets.Quote(v.o.Sheet), v.o.Cell, shown(v.o))})
	}
}

// noTableMessage describes a file in which no table was read, sheet by
// sheet.
func (x *FileExtraction) noTableMessage() string {
	// Only hidden sheets hold anything: the header is not the problem.
	var hidden []string
	onlyHidden := true
	for _, o := range x.outcomes {
		switch o.Outcome {
		case sheaf.SheetHidden:
			hidden = append(hidden, sheets.Quote(o.Sheet))
		case sheaf.SheetEmpty, sheaf.SheetNotes:
		default:
			onlyHidden = false
		}
	}
	msg := "文件中没有可读取的表格，未读取任何数据：表头须包含“指标名称”（或“指标编码”）和“数值”列"
	if onlyHidden && len(hidden) > 0 {
		msg = "文件中只有隐藏的工作表" + strings.Join(hidden, "、") + "有内容，隐藏的工作表不读取（extraction.hidden_sheets: skip）；如其中的数据有效，请取消隐藏或移到可见的工作表后再报送"
	}
	var parts []string
	for _, o := range x.outcomes {
		switch o.Outcome {
		case sheaf.SheetEmpty:
			parts = append(parts, "工作表"+sheets.Quote(o.Sheet)+"为空")
		default:
			parts = append(parts, "工作表"+sheets.Quote(o.Sheet)+o.Reason)
		}
	}
	if len(parts) == 0 {
		return msg + "。"
	}
	return msg + "。" + strings.Join(parts, "；")
}
