package extract

import (
	"fmt"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// layouts is what a file's extraction keeps for the layouts beside the
// long table: forms (layout_forms.go) and lists (layout_lists.go). It is
// bounded by the department's configuration, never by the rows.
type layouts struct {
	sh *sheetState // the sheet the per-sheet state below is for
	// prev is the previous row of the sheet (Num 0 before the first), for
	// a mapped cell's label above it. Kept by value: a pointer would move
	// every row to the heap.
	prev sheets.Row
	// tookBelow: a value below a label of prev was taken from the row.
	tookBelow bool
	// gap: a blank row (or the sheet's start) is above the current row.
	gap bool
	// heading are the columns of the column headings of an unrecognised
	// table above the row (see headingRow), up to the next blank row.
	heading map[int]bool
	// pending are the labels of prev whose value may be below them, and
	// tentative the values found below found labels, decided at the next
	// row (see settle).
	pending   []pendingLabel
	tentative []tentativeValue
	// formHits counts the values forms took in the sheet; extras are the
	// label / number pairs of the sheet that no indicator matched.
	formHits int
	// usedRow and usedCols are the cells of the latest row read as a
	// form's value or listed with their label.
	usedRow   int
	usedCols  []int
	extras    []string
	nExtras   int
	mapped    []mappedState // per Extractor.forms
	fileForms int           // values forms took in the file
	list      *listState    // the list being read, or nil
	// listsFound are the lists whose header the sheet had.
	listsFound []*listSpec
	derived    []derivedFigure
}

// layoutState is the file's layouts state, reset when a new sheet starts.
func (x *FileExtraction) layoutState() *layouts {
	if x.lay == nil {
		x.lay = &layouts{mapped: make([]mappedState, len(x.e.forms))}
	}
	if x.lay.sh != x.sh {
		x.lay.sh = x.sh
		x.lay.prev, x.lay.pending, x.lay.formHits, x.lay.extras, x.lay.nExtras, x.lay.list = sheets.Row{}, nil, 0, nil, 0, nil
		x.lay.gap, x.lay.heading, x.lay.listsFound, x.lay.tentative = true, nil, nil, nil
	}
	return x.lay
}

// take sends an observation a form or a list gave, as Row does a long
// table's: a skipped hidden sheet's value is only recorded as being there.
// count: the value is taken while its sheet is read, and counts among the
// sheet's rows.
func (x *FileExtraction) take(s *sheetState, o sheaf.Observation, count bool) {
	if s.skipHidden {
		x.finding(sheaf.Finding{Kind: sheaf.KindHiddenSheet, Severity: sheaf.SeverityInfo, Indicator: o.Indicator, Period: o.Period,
			Sheet: s.info.Name, Cell: o.Cell, Raw: o.Raw,
			Message: fmt.Sprintf("在隐藏工作表「%s」中有此项，未读取", s.info.Name)})
		x.seeHidden(o)
		return
	}
	if count {
		s.rows++
	}
	x.observation(o)
	if k := o.Indicator + "@" + o.Period; o.HasValue {
		if _, ok := x.visible[k]; !ok {
			x.visible[k] = seenValue{o}
		}
	}
}

// emit sends a finding, unless the sheet is a skipped hidden one.
func (x *FileExtraction) emit(s *sheetState, f sheaf.Finding) {
	if !s.skipHidden {
		x.finding(f)
	}
}

// sheetYear is the year a sheet's name and the title lines read so far
// give, for figures of a sheet without a period column; the title lines
// stay for the figures below.
func (x *FileExtraction) sheetYear() layout {
	titles := x.sh.titles
	lay := layout{cols: map[string]int{}}
	x.tableYear(&lay)
	x.sh.titles = titles
	return lay
}

// cellObservation reads one value cell of a form as an observation of
// ind: its period from the sheet's name and titles, its unit from the
// label's suffix ("在校生数（人）"), the unit written beside the value
// (unit) or the cell.
func (x *FileExtraction) cellObservation(ind *config.Indicator, c sheets.Cell, ref, label, unitText string, hidden bool) (*sheaf.Observation, []sheaf.Finding) {
	s := x.sh
	invalid := func(period, msg string) []sheaf.Finding {
		return []sheaf.Finding{{Kind: sheaf.KindInvalid, Severity: sheaf.SeverityError, Indicator: ind.ID, Period: period,
			Sheet: s.info.Name, Cell: ref, Raw: shownRaw(c), Message: msg}}
	}
	lay := x.sheetYear()
	if lay.yearConflict != "" {
		return nil, invalid("", fmt.Sprintf("%s：无法确定年度：%s；请更正工作表名和标题", ind.Name, lay.yearConflict))
	}
	period, msg, err := x.e.periodOf(ind, sheets.Cell{}, false, lay.year, lay.yearFrom)
	if err != nil {
		return nil, invalid("", fmt.Sprintf("%s：%v", ind.Name, err))
	}
	if msg != "" {
		return nil, invalid(period, msg)
	}
	unit, _ := x.e.units.Lookup(ind.Unit)
	rd, err := normalize(x.e.units, c, unitHints{Column: unitText, Header: nameUnit(x.e.units, label)}, unit)
	if err != nil {
		return nil, invalid(period, fmt.Sprintf("%s（%s）：%v", ind.Name, sheaf.PeriodWord(period), err))
	}
	raw := c.Raw
	if rd.HasValue {
		raw = shownRaw(c)
	}
	o := sheaf.Observation{Indicator: ind.ID, Period: period, Value: rd.Value, HasValue: rd.HasValue, Decimals: rd.Decimals,
		Approx: rd.Approx, Unit: ind.Unit, Raw: raw, Sheet: s.info.Name, Cell: ref, Label: strings.TrimSpace(label), HiddenRow: hidden}
	if c.Formula != "" && o.Raw == "" {
		o.Raw = "=" + c.Formula
	}
	fs := check{ind: ind, unit: unit, o: &o, cell: c}.findings(rd)
	return &o, fs
}

// cellRef is a cell's reference, from the cell or from where it is.
func cellRef(c sheets.Cell, col, row int) string {
	if c.Ref != "" {
		return c.Ref
	}
	return sheets.CellName(col, row)
}

// sheetMatches reports whether a form's or a list's sheet glob ("" for
// any) matches the current sheet.
func sheetMatches(glob, name string) bool {
	if glob == "" {
		return true
	}
	return matchGlob(glob, name)
}
