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
}

// rolesDecidingValues are the roles for which two equal candidates make
// the table ambiguous; for notes the first column simply wins.
var rolesDecidingValues = map[string]bool{RoleCode: true, RoleName: true, RolePeriod: true, RoleValue: true, RoleUnit: true}

// roleWords are the Chinese words for a role in messages.
var roleWords = map[string]string{
	RoleCode: "编码", RoleName: "指标名称", RolePeriod: "年度", RoleValue: "数值", RoleUnit: "单位", RoleNote: "备注",
}

// header judges whether a row is a header row: one with a value column and
// a name or code column. A row with titles of two roles but not those, and
// no figure, is a partial header. Headers merged across columns arrive with their text in
// the first column, which takes the role.
func (e *Extractor) header(row sheets.Row, fc folds) headerRow {
	type cand struct {
		col  int
		rank int
		unit string
		text string
		ref  string
	}
	byRole := map[string][]cand{}
	var words []string
	for j, c := range row.Cells {
		if c.Kind != sheets.CellText {
			continue
		}
		text := strings.TrimSpace(c.Raw)
		if text == "" {
			continue
		}
		unit := ""
		w, ok := e.headers[fc.fold(text)]
		if !ok && mayHaveUnit(text) {
			var base string
			base, unit = stripUnitSuffix(e.units, text)
			w, ok = e.headers[Fold(base)]
		}
		if !ok {
			continue
		}
		ref := c.Ref
		if ref == "" {
			ref = sheets.CellName(j, row.Num)
		}
		words = append(words, ref+sheets.Quote(text))
		byRole[w.role] = append(byRole[w.role], cand{j, w.rank, unit, text, ref})
	}
	if len(byRole) == 0 {
		return headerRow{}
	}
	_, hasValue := byRole[RoleValue]
	_, hasName := byRole[RoleName]
	_, hasCode := byRole[RoleCode]
	if !hasValue || (!hasName && !hasCode) {
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
	}
	return headerRow{kind: completeHeader, lay: lay, words: words}
}
