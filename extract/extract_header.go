package extract

import (
	"fmt"
	"strings"

	"github.com/sheaf-dev/sheaf/sheets"
)

// layout is where one table's columns are.
type layout struct {
	headerRow int
	cols      map[string]int
	// headerUnit is from the value column's header, "数值（万元）", and
	// headerText that header as written.
	headerUnit, headerText string
	// noteUnit is from a "单位：万元" note above the table, and noteText the
	// note as written. It is weaker than a header: a table of mixed figures
	// notes the unit of its money rows, so it applies only to indicators of
	// its dimension.
	noteUnit, noteText string
	// spans are, for a name or code header merged across several columns
	// ("指标" over an ordinal column and a name column), the last column
	// it covers.
	spans map[string]int
	// year is the period of a table without a period column, from its
	// sheet name or a title above it, and yearFrom where it is written;
	// yearConflict says which of those disagree (no year is taken then).
	year, yearFrom, yearConflict string
	// periodCol says the table has a period column: year is then only
	// for a row whose period cell is blank.
	periodCol bool
	// valuePeriod is the period the value column's header names in
	// brackets ("数值（2025年）"), nil when it names none.
	valuePeriod *periodColumn
	// periodCols are a year-column table's value columns, one period each
	// (empty for the long layout), and byPeriod the layouts its cells are
	// read with, one per column, built when the table starts.
	periodCols []periodColumn
	byPeriod   []layout
	// fixed is, in a layout of byPeriod, the column's period ("" when it
	// cannot be resolved), and fixedFrom where it is written.
	fixed, fixedFrom string
	fixedColumn      bool
	// subPending says the row after a year-column table's header has yet
	// to be seen: it may name the columns under each year (see
	// subHeader). headerFilled are the header row's non-empty columns.
	subPending   bool
	headerFilled map[int]bool
}

// headerKind is what a row is as a header.
type headerKind int

const (
	notHeader headerKind = iota
	// partialHeader is a row of column titles that lacks a value column or
	// a name and code column: it ends the table above, starts none.
	partialHeader
	// completeHeader starts a table.
	completeHeader
	// ambiguousHeader has two columns of equal rank for one role: the
	// table is not read.
	ambiguousHeader
)

// headerRow is what header judged of a row.
type headerRow struct {
	kind headerKind
	lay  layout
	// words are the titles recognised, for messages: "A1「指标名称」".
	words []string
	// conflict says which two columns are ambiguous.
	conflict string
	// missing names the columns a partial header lacks.
	missing string
	// unread are, in a year-column table's header, the columns headed by
	// a year with words sheaf cannot place ("2024年调整后", "2024年（预计）"):
	// "E2「2024年调整后」".
	unread []string
}

// rolesDecidingValues are the roles for which two equal candidates make
// the table ambiguous; for notes the first column simply wins.
var rolesDecidingValues = map[string]bool{RoleCode: true, RoleName: true, RolePeriod: true, RoleValue: true, RoleUnit: true}

// roleWords are the Chinese words for a role in messages.
var roleWords = map[string]string{
	RoleCode: "编码", RoleName: "指标名称", RolePeriod: "年度", RoleValue: "数值", RoleUnit: "单位", RoleNote: "备注",
}

// header judges whether a row is a header row: one with a value column and
// a name or code column (the long layout), or one with columns headed by
// periods beside a name or code column and no value or period column (a
// year-column table, 指标 | 2022年 | 2023年). A row with titles of two roles
// but not those, and no figure, is a partial header. Headers merged across
// columns arrive with their text in the first column, which takes the role;
// in a row of period headers, a name header merged down from the row above
// (a 年度 banner over the years beside it) counts as the row's, as do a
// unit and a note header merged down.
func (e *Extractor) header(row sheets.Row, fc folds, merges *mergeIndex) headerRow {
	type cand struct {
		col  int
		rank int
		unit string
		text string
		ref  string
	}
	byRole := map[string][]cand{}
	var words []string
	var periods []periodColumn
	var valuePeriod *periodColumn
	var above []cand
	aboveRole := map[int]string{}
	// maybePeriods are the cells read as periods once the row is known to
	// hold a title.
	var maybePeriods []int
	for j, c := range row.Cells {
		ref := c.Ref
		if ref == "" {
			ref = sheets.CellName(j, row.Num)
		}
		if c.Kind == sheets.CellNumber {
			maybePeriods = append(maybePeriods, j)
			continue
		}
		if c.Kind != sheets.CellText {
			if top, ok := merges.above(row.Num, j); ok {
				if w, ok := e.headers[fc.fold(strings.TrimSpace(top.Raw))]; ok && w.role != RoleValue && w.role != RolePeriod {
					above = append(above, cand{j, w.rank, "", strings.TrimSpace(top.Raw), top.Ref})
					aboveRole[j] = w.role
				}
			}
			continue
		}
		text := strings.TrimSpace(c.Raw)
		if text == "" {
			continue
		}
		unit := ""
		var inBrackets *periodColumn
		w, ok := e.headers[fc.fold(text)]
		if !ok && mayHaveUnit(text) {
			var base string
			base, unit = stripUnitSuffix(e.units, text)
			w, ok = e.headers[fc.fold(base)]
			if !ok {
				// "数值（2025年）": a value column of one period.
				if b, p, found := bracketPeriod(text); found {
					if w, ok = e.headers[fc.fold(b)]; ok {
						p.col, p.text, p.ref = j, text, ref
						inBrackets = &p
					}
				}
			}
		}
		if !ok {
			maybePeriods = append(maybePeriods, j)
			continue
		}
		words = append(words, ref+sheets.Quote(text))
		byRole[w.role] = append(byRole[w.role], cand{j, w.rank, unit, text, ref})
		if inBrackets != nil && w.role == RoleValue {
			if valuePeriod == nil || valuePeriod.rank() > w.rank {
				vp := *inBrackets
				vp.headerRank = w.rank
				valuePeriod = &vp
			}
		}
	}
	if len(byRole) == 0 && len(above) == 0 {
		// No title in the row: whatever its periods, not a header. Most
		// rows of most sheets end here, before any cell is read as a
		// period.
		return headerRow{}
	}
	var notPeriods []int
	for _, j := range maybePeriods {
		c := row.Cells[j]
		if p, ok := periodHeader(e.units, c); ok {
			p.col, p.ref = j, c.Ref
			if p.ref == "" {
				p.ref = sheets.CellName(j, row.Num)
			}
			periods = append(periods, p)
		} else if c.Kind == sheets.CellText && titleYearRE.MatchString(c.Raw) {
			notPeriods = append(notPeriods, j)
		}
	}
	_, hasValue := byRole[RoleValue]
	_, hasPeriod := byRole[RolePeriod]
	yearTable := len(periods) > 0 && !hasValue && !hasPeriod
	if yearTable {
		for _, a := range above {
			words = append(words, a.ref+sheets.Quote(a.text))
			byRole[aboveRole[a.col]] = append(byRole[aboveRole[a.col]], a)
		}
	}
	if len(byRole) == 0 {
		return headerRow{}
	}
	_, hasName := byRole[RoleName]
	_, hasCode := byRole[RoleCode]
	yearTable = yearTable && (hasName || hasCode)
	if !yearTable && (!hasValue || (!hasName && !hasCode)) {
		// A data row whose note happens to say "说明" next to a name
		// "项目" holds figures; a row of titles holds none.
		if len(byRole) >= 2 && !rowHasNumber(row) {
			missing := "“数值”"
			if hasValue {
				missing = "“指标名称”或“指标编码”"
			}
			return headerRow{kind: partialHeader, words: words, missing: missing}
		}
		return headerRow{}
	}
	lay := layout{headerRow: row.Num, cols: map[string]int{}}
	for _, role := range roles {
		cs := byRole[role]
		if len(cs) == 0 {
			continue
		}
		best := cs[0]
		for _, c := range cs[1:] {
			if c.rank < best.rank {
				best = c
			}
		}
		if rolesDecidingValues[role] {
			for _, c := range cs {
				if c.col != best.col && c.rank == best.rank {
					return headerRow{kind: ambiguousHeader, words: words,
						conflict: fmt.Sprintf("%s%s和%s%s都可作为“%s”列", best.ref, sheets.Quote(best.text), c.ref, sheets.Quote(c.text), roleWords[role])}
				}
			}
		}
		lay.cols[role] = best.col
		if role == RoleValue && best.unit != "" {
			lay.headerUnit, lay.headerText = best.unit, best.text
		}
		if role == RoleValue && valuePeriod != nil && valuePeriod.col == best.col {
			lay.valuePeriod = valuePeriod
		}
	}
	if yearTable {
		first := -1
		for _, role := range []string{RoleName, RoleCode} {
			if j, ok := lay.cols[role]; ok && (first < 0 || j < first) {
				first = j
			}
		}
		// Only period columns right of the labels: a year left of them is
		// no column of this table's figures.
		for _, p := range periods {
			if p.col > first {
				lay.periodCols = append(lay.periodCols, p)
				words = append(words, p.ref+sheets.Quote(p.text))
			}
		}
		if len(lay.periodCols) == 0 {
			return headerRow{}
		}
		var unread []string
		for _, j := range notPeriods {
			if j > first {
				c := row.Cells[j]
				ref := c.Ref
				if ref == "" {
					ref = sheets.CellName(j, row.Num)
				}
				unread = append(unread, ref+sheets.Quote(strings.TrimSpace(c.Raw)))
			}
		}
		return headerRow{kind: completeHeader, lay: lay, words: words, unread: unread}
	}
	return headerRow{kind: completeHeader, lay: lay, words: words}
}
