package extract

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// rowResult is what one data row gave.
type rowResult struct {
	obs      []sheaf.Observation
	findings []sheaf.Finding
	// unknown is the label of a row that matches no indicator, as listed
	// in the unknown finding; unrec describes it when it has a name.
	unknown string
	unrec   *UnrecognisedRow
	// nothing: the row is no figure (a title, a footer, a note).
	nothing bool
	// extra is, in a year-column table, a value for a period its
	// indicator is not collected for: counted per column, not taken.
	extra *sheaf.Observation
}

// row reads one data row of the sheet's current table.
func (e *Extractor) row(s *sheetState, table *layout, row sheets.Row, fc folds) rowResult {
	lay := table
	label := func(role string) (sheets.Cell, bool) {
		j, ok := lay.cols[role]
		if !ok {
			return sheets.Cell{}, false
		}
		c, merged := s.merges.label(row, j, lay.headerRow)
		// A header merged over an ordinal column and a name column: the
		// label is the first cell of its span that is more than numbering.
		if last, ok := lay.spans[role]; ok && ordinalOnly(c) {
			for k := j + 1; k <= last; k++ {
				if d, m := s.merges.label(row, k, lay.headerRow); !ordinalOnly(d) {
					return d, m
				}
			}
		}
		return c, merged
	}
	codeCell, _ := label(RoleCode)
	nameCell, nameMerged := label(RoleName)
	code := strings.TrimSpace(codeCell.Raw)
	name := strings.TrimSpace(nameCell.Raw)
	valueCol := lay.cols[RoleValue]
	valueCell := row.Col(valueCol)
	if code == "" && stripLabel(name) == "" {
		// A value without a name ("（二）| 2024 | 85000", a 合计 written
		// in the ordinal column) would be lost unsaid: it is an unknown
		// row. Rows under a merged label, and rows without a value, are
		// titles, blank lines and the rest of a merged range.
		if strings.TrimSpace(valueCell.Raw) == "" || s.merges.coversLabel(row.Num, lay.cols) {
			return rowResult{nothing: true}
		}
		return rowResult{unknown: fmt.Sprintf("%s!%s 第 %d 行没有可识别的指标名称：%s", s.info.Name, firstRef(row), row.Num, rowText(row))}
	}
	cellRef := valueCell.Ref
	if cellRef == "" {
		cellRef = sheets.CellName(valueCol, row.Num)
	}
	ind := e.indicator(fc, code, name)
	display := name
	if display == "" {
		display = code
	}
	if ind == nil {
		if e.ignored(code) || e.ignored(stripLabel(name)) || e.ignored(name) {
			return rowResult{}
		}
		// A label with no value and no code is a section title or a footer
		// ("一、基本情况", "填表人：…"), not a figure. A name merged down
		// over its rows is listed once, at its own cell.
		// In a year-column table a line with no figure is a note whichever
		// label column it is written in ("数据来源：…" under the codes).
		if ((code == "" || lay.fixedColumn) && strings.TrimSpace(valueCell.Raw) == "") || nameMerged {
			return rowResult{nothing: true}
		}
		ref := nameCell.Ref
		if ref == "" {
			ref = codeCell.Ref
		}
		if ref == "" {
			ref = fmt.Sprintf("row %d", row.Num)
		}
		unitCell, _ := label(RoleUnit)
		periodCell, _ := label(RolePeriod)
		return rowResult{unknown: fmt.Sprintf("%s!%s %s", s.info.Name, ref, display),
			unrec: e.unrecognised(s, lay, row, nameCell, valueCell, unitCell, periodCell, display)}
	}

	noteCell, _ := label(RoleNote)
	note := strings.TrimSpace(noteCell.Raw)
	if code != "" && name != "" {
		// The code says one indicator and the name is exactly another's
		// own name (not an alias, which may be a breakdown's short label
		// the code settles): a row re-sorted without its codes, or a code
		// copied down. Which one the value is, nobody can say from the file.
		if other := e.byName[fc.fold(name)]; other != nil && other != ind && e.byCode[fc.fold(code)] == ind &&
			fc.fold(other.Name) == fc.fold(name) {
			ref := codeCell.Ref
			if ref == "" {
				ref = cellRef
			}
			return rowResult{findings: []sheaf.Finding{{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: ind.ID,
				Sheet: s.info.Name, Cell: ref, Raw: shownRaw(valueCell), Note: note,
				Message: fmt.Sprintf("编码%s是“%s”（%s），名称%s却是另一指标“%s”（%s），无法确定该行是哪个指标的数值，未读取：请更正编码或名称",
					sheets.Quote(code), ind.Name, ind.ID, sheets.Quote(name), other.Name, other.ID)}}}
		}
	}
	periodCell, _ := label(RolePeriod)
	invalid := func(c sheets.Cell, ref, period, msg string) rowResult {
		return rowResult{findings: []sheaf.Finding{{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: ind.ID, Period: period,
			Sheet: s.info.Name, Cell: ref, Raw: shownRaw(c), Note: note, Message: msg}}}
	}
	if lay.fixedColumn {
		return e.periodColumnValue(s, lay, row, ind, display, note)
	}
	year, yearFrom := lay.year, lay.yearFrom
	if vp := lay.valuePeriod; vp != nil {
		// "数值（2025年）": the header says the period, over any title.
		year, yearFrom = vp.resolve(e.cfg.Cycle.Period), "表头"+vp.ref+sheets.Quote(vp.text)
		if p, err := normalizePeriod(periodCell); err == nil && p != "" && p != year {
			return invalid(periodCell, periodCell.Ref, p, fmt.Sprintf("%s：年度列写的是 %s，而%s写的是 %s，无法确定数值是哪一年的；请更正其中之一",
				ind.Name, sheaf.PeriodWord(p), yearFrom, sheaf.PeriodWord(year)))
		}
	} else if lay.yearConflict != "" {
		return invalid(valueCell, cellRef, "", fmt.Sprintf("%s：无法确定年度：%s；请增加“年度”列，或更正工作表名和标题", ind.Name, lay.yearConflict))
	}
	period, msg, err := e.periodOf(ind, periodCell, lay.periodCol, year, yearFrom)
	if err != nil {
		return invalid(periodCell, periodCell.Ref, "", fmt.Sprintf("%s：%v", ind.Name, err))
	}
	if msg != "" {
		ref := periodCell.Ref
		if ref == "" {
			ref = cellRef
		}
		return invalid(periodCell, ref, period, msg)
	}

	return e.value(s, lay, row, ind, period, display, note)
}

// periodColumnValue reads the cell of a year-column table's period column:
// a value for a period the indicator is not collected for is an extra; a
// blank there is nothing.
func (e *Extractor) periodColumnValue(s *sheetState, lay *layout, row sheets.Row, ind *config.Indicator, display, note string) rowResult {
	valueCol := lay.cols[RoleValue]
	valueCell := row.Col(valueCol)
	cellRef := valueCell.Ref
	if cellRef == "" {
		cellRef = sheets.CellName(valueCol, row.Num)
	}
	blank := strings.TrimSpace(valueCell.Raw) == ""
	if lay.fixed == "" {
		if blank {
			return rowResult{}
		}
		return rowResult{findings: []sheaf.Finding{{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: ind.ID,
			Sheet: s.info.Name, Cell: cellRef, Raw: shownRaw(valueCell), Note: note,
			Message: fmt.Sprintf("%s：%s是相对年度，但无法确定年度：%s；请把表头改为具体年份", ind.Name, lay.fixedFrom, lay.yearConflict)}}}
	}
	if !slices.Contains(e.cfg.Periods(ind), lay.fixed) {
		if blank {
			return rowResult{}
		}
		return rowResult{extra: &sheaf.Observation{Indicator: ind.ID, Period: lay.fixed, Cell: cellRef, Label: display}}
	}
	return e.value(s, lay, row, ind, lay.fixed, display, note)
}

// value reads a row's value cell as the figure of ind for period.
func (e *Extractor) value(s *sheetState, lay *layout, row sheets.Row, ind *config.Indicator, period, display, note string) rowResult {
	label := func(role string) sheets.Cell {
		j, ok := lay.cols[role]
		if !ok {
			return sheets.Cell{}
		}
		c, _ := s.merges.label(row, j, lay.headerRow)
		return c
	}
	name := strings.TrimSpace(label(RoleName).Raw)
	if last, ok := lay.spans[RoleName]; ok && ordinalOnly(label(RoleName)) {
		for k := lay.cols[RoleName] + 1; k <= last; k++ {
			if d, _ := s.merges.label(row, k, lay.headerRow); !ordinalOnly(d) {
				name = strings.TrimSpace(d.Raw)
				break
			}
		}
	}
	valueCol := lay.cols[RoleValue]
	valueCell := row.Col(valueCol)
	cellRef := valueCell.Ref
	if cellRef == "" {
		cellRef = sheets.CellName(valueCol, row.Num)
	}
	invalid := func(c sheets.Cell, ref, period, msg string) rowResult {
		return rowResult{findings: []sheaf.Finding{{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: ind.ID, Period: period,
			Sheet: s.info.Name, Cell: ref, Raw: shownRaw(c), Note: note, Message: msg}}}
	}
	key := ind.ID + "@" + period
	if i, ok := s.merges.startsValue(row.Num, valueCol); ok {
		s.merges.topKey[i] = key
	}
	if i, ok := s.merges.coveredValue(row.Num, valueCol, lay.headerRow); ok && strings.TrimSpace(valueCell.Raw) == "" {
		// A value merged over several rows is one value, at its top-left
		// cell. A covered row of another indicator or period has no value
		// of its own: a blank here would withdraw an older value silently.
		if s.merges.topKey[i] == key {
			return rowResult{}
		}
		top := s.merges.top[i]
		return rowResult{findings: []sheaf.Finding{{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityWarning, Indicator: ind.ID, Period: period,
			Sheet: s.info.Name, Cell: cellRef, Raw: shownRaw(top), Note: note,
			Message: fmt.Sprintf("%s（%s）：数值单元格 %s 在合并单元格 %s 中，合并区域只有一个值%s（在 %s），无法确定本行的数值，未读取；请取消合并，逐行填写",
				ind.Name, sheaf.PeriodWord(period), cellRef, s.merges.ref(i), sheets.Quote(strings.TrimSpace(top.Raw)), top.Ref)}}}
	}

	unitCell := label(RoleUnit)
	unit, _ := e.units.Lookup(ind.Unit)
	rowUnit := nameUnit(e.units, name)
	hints := unitHints{Column: strings.TrimSpace(unitCell.Raw), Header: lay.headerUnit}
	implicit := lay.headerText
	if hints.Header == "" && lay.noteUnit != "" {
		if nu, ok := e.units.Lookup(lay.noteUnit); ok && nu.Dimension == unit.Dimension {
			hints.Header, implicit = lay.noteUnit, lay.noteText
		}
	}
	if rowUnit != "" {
		hints.Header, implicit = rowUnit, "" // "教育支出（万元）" names the unit of this row only
	}
	rd, err := normalize(e.units, valueCell, hints, unit)
	if err != nil {
		return invalid(valueCell, cellRef, period, fmt.Sprintf("%s（%s）：%v", ind.Name, sheaf.PeriodWord(period), err))
	}
	raw := valueCell.Raw
	if rd.HasValue {
		raw = shownRaw(valueCell)
	}
	o := sheaf.Observation{
		Indicator: ind.ID, Period: period,
		Value: rd.Value, HasValue: rd.HasValue, Decimals: rd.Decimals, Approx: rd.Approx,
		Unit: ind.Unit, Raw: raw, Note: note, Sheet: s.info.Name, Cell: cellRef, Label: display,
		HiddenRow: row.Hidden,
	}
	if valueCell.Formula != "" && o.Raw == "" {
		o.Raw = "=" + valueCell.Formula
	}
	c := check{ind: ind, unit: unit, units: e.units, o: &o, cell: valueCell, note: note}
	if hints.Column == "" && implicit != "" {
		c.implicit, c.implicitUnit = implicit, hints.Header
	}
	fs := c.findings(rd) // sets o.Fraction
	return rowResult{obs: []sheaf.Observation{o}, findings: fs}
}

// shownRaw is a cell's text as the department sees it: for a number cell
// what its format shows (48.29), not the number stored (48.2858460774226),
// so that a flag quotes what is in the cell.
func shownRaw(c sheets.Cell) string {
	if c.Kind == sheets.CellNumber && strings.TrimSpace(c.Raw) != "" {
		return shownText(c)
	}
	return c.Raw
}

// maxRowCells is how many of a row's cells an unknown row quotes.
const maxRowCells = 8

// rowText quotes a row's non-empty cells as the department sees them:
// "「2」「（二）」「2024」「85000」".
func rowText(r sheets.Row) string {
	var b strings.Builder
	n := 0
	for _, c := range r.Cells {
		text := strings.TrimSpace(shownRaw(c))
		if text == "" {
			continue
		}
		if n == maxRowCells {
			b.WriteString("…")
			break
		}
		b.WriteString(sheets.Quote(shorten(text)))
		n++
	}
	return b.String()
}

// firstRef is the reference of a row's first non-empty cell.
func firstRef(r sheets.Row) string {
	for j, c := range r.Cells {
		if strings.TrimSpace(c.Raw) != "" {
			if c.Ref != "" {
				return c.Ref
			}
			return sheets.CellName(j, r.Num)
		}
	}
	return sheets.CellName(0, r.Num)
}
