package extract

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sheaf-dev/sheaf/sheets"
)

// mergeIndex answers, row by row, which merged range covers a cell and
// what its top-left cell held. Rows arrive in order, so the text of a
// range's top-left cell is kept from its row for the rows below; memory is
// bounded by the number of ranges, never by the rows.
type mergeIndex struct {
	merges []sheets.Merge
	byCol  map[int][]int       // ranges covering each column, sorted by Top
	byTop  map[int][]int       // ranges spanning several rows, by their Top
	top    map[int]sheets.Cell // top-left cells seen, by range
	// topKey is the indicator and period the top-left value cell of a
	// range gave, to tell a repeated row from a lost value.
	topKey map[int]string
}

func newMergeIndex(ms []sheets.Merge) *mergeIndex {
	x := &mergeIndex{merges: ms, byCol: map[int][]int{}, byTop: map[int][]int{}, top: map[int]sheets.Cell{}, topKey: map[int]string{}}
	for i, m := range ms {
		if m.Bottom == m.Top && m.Right == m.Left {
			continue
		}
		for c := m.Left; c <= m.Right; c++ {
			x.byCol[c] = append(x.byCol[c], i)
		}
		if m.Bottom > m.Top {
			x.byTop[m.Top] = append(x.byTop[m.Top], i)
		}
	}
	for _, l := range x.byCol {
		sort.Slice(l, func(a, b int) bool { return ms[l[a]].Top < ms[l[b]].Top })
	}
	return x
}

// see keeps the top-left cells of the ranges that start in this row.
func (x *mergeIndex) see(r sheets.Row) {
	for _, i := range x.byTop[r.Num] {
		c := r.Col(x.merges[i].Left)
		if c.Ref == "" {
			c.Ref = sheets.CellName(x.merges[i].Left, r.Num)
		}
		x.top[i] = c
	}
}

// covering returns the range that covers a cell, if any.
func (x *mergeIndex) covering(row, col int) (int, bool) {
	l := x.byCol[col]
	// The last range starting at or above the row; ranges in one column do
	// not overlap.
	k := sort.Search(len(l), func(k int) bool { return x.merges[l[k]].Top > row }) - 1
	if k < 0 || !x.merges[l[k]].Covers(row, col) {
		return 0, false
	}
	return l[k], true
}

// label returns a label cell of a row: the cell itself, or, when it is a
// covered cell below the top of a range that starts under the table's
// header in this column, the range's top-left cell, which then applies to
// every row of the range. Only the range's first column carries its text:
// a name merged across the unit column does not become a unit.
func (x *mergeIndex) label(r sheets.Row, col, headerRow int) (sheets.Cell, bool) {
	c := r.Col(col)
	if x == nil || strings.TrimSpace(c.Raw) != "" {
		return c, false
	}
	i, ok := x.covering(r.Num, col)
	if !ok {
		return c, false
	}
	m := x.merges[i]
	if m.Top <= headerRow || m.Top == r.Num || m.Left != col {
		return c, false
	}
	if top, ok := x.top[i]; ok {
		return top, true
	}
	return c, false
}

// coveredValue reports whether a row's value cell is a covered cell of a
// range spanning several rows below the header: the range holds one
// value, at its top-left cell.
func (x *mergeIndex) coveredValue(row, col, headerRow int) (int, bool) {
	if x == nil {
		return 0, false
	}
	i, ok := x.covering(row, col)
	if !ok {
		return 0, false
	}
	m := x.merges[i]
	if m.Top >= row || m.Top <= headerRow {
		return 0, false
	}
	return i, true
}

// startsValue reports which multi-row range a row's value cell starts.
func (x *mergeIndex) startsValue(row, col int) (int, bool) {
	if x == nil {
		return 0, false
	}
	i, ok := x.covering(row, col)
	if !ok || x.merges[i].Top != row || x.merges[i].Bottom == row {
		return 0, false
	}
	return i, true
}

// ref writes a range as "C2:C3".
func (x *mergeIndex) ref(i int) string {
	m := x.merges[i]
	return fmt.Sprintf("%s:%s", sheets.CellName(m.Left, m.Top), sheets.CellName(m.Right, m.Bottom))
}

// headerSpans finds the name and code headers merged across several
// columns of a header row: the last column each covers.
func (x *mergeIndex) headerSpans(row int, cols map[string]int) map[string]int {
	if x == nil {
		return nil
	}
	var spans map[string]int
	for _, role := range []string{RoleCode, RoleName} {
		col, ok := cols[role]
		if !ok {
			continue
		}
		i, ok := x.covering(row, col)
		if !ok || x.merges[i].Left != col || x.merges[i].Right == col {
			continue
		}
		if spans == nil {
			spans = map[string]int{}
		}
		spans[role] = x.merges[i].Right
	}
	return spans
}

// coversLabel reports whether a row's name or code cell is covered by a
// merged range: such a row takes its label from the range, or is part of
// a title merged across the table.
func (x *mergeIndex) coversLabel(row int, cols map[string]int) bool {
	if x == nil {
		return false
	}
	for _, role := range []string{RoleCode, RoleName} {
		if col, ok := cols[role]; ok {
			if _, ok := x.covering(row, col); ok {
				return true
			}
		}
	}
	return false
}

// above returns the top-left cell of a range spanning several rows that
// covers an empty header cell from a row above: a header merged down over
// two header rows.
func (x *mergeIndex) above(row, col int) (sheets.Cell, bool) {
	if x == nil {
		return sheets.Cell{}, false
	}
	i, ok := x.covering(row, col)
	if !ok || x.merges[i].Top >= row || x.merges[i].Left != col {
		return sheets.Cell{}, false
	}
	top, ok := x.top[i]
	return top, ok && top.Kind == sheets.CellText
}
