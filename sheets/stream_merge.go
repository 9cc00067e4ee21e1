package sheets

// Merged ranges and the careful reader. excelize's cell lookups
// (GetCellFormula, GetCellType) map a cell inside a merged range to the
// range's first cell, while its value (GetRows) and style (GetCellStyle) are
// the cell's own. So for a cell the careful reader visits (within a row's
// values) that is not the first of its range, it reports the first cell's
// formula, and kinds the cell's own value by the first cell's type. The
// fast reader yields the cell's own formula and type, which is the same
// exactly when neither cell has a formula and, if the cell has a value, both
// have the same type. Merges are listed after the rows, so this is checked
// when the sheet has been read: from a log of the first rows' cells, or by
// reading the sheet again up to the last merged row when they were too many
// to log. Any difference falls back.

import "sort"

// mergeRange is one merged range, 1-based and inclusive; t is what the
// check knows of its first cell.
type mergeRange struct {
	r1, c1, r2, c2 int
	t              cellInfo
}

// cellInfo is what the merge check needs to know of a <c>.
type cellInfo struct {
	col   int32
	flags uint8 // cellExists | cellHasFormula | cellNonEmpty | class<<3
}

const (
	cellExists     = 1
	cellHasFormula = 2
	cellNonEmpty   = 4
)

func (c cellInfo) class() uint8 { return c.flags >> 3 }

// mergeLogCap is how many cells the log keeps before the check must read
// the sheet again instead; mergeLogLimit is what is applied (tests lower
// it).
const mergeLogCap = 1 << 16

var mergeLogLimit = mergeLogCap

// mergeLog keeps the cells of a sheet's first rows.
type mergeLog struct {
	rows  []loggedRow
	cells []cellInfo
	full  bool // stopped: rows after last are not logged
	last  int
}

type loggedRow struct{ num, dense, end int32 }

func (l *mergeLog) add(num, dense int, r *sheetReader) {
	if len(l.cells)+len(r.cells) > mergeLogLimit {
		l.full = true
		return
	}
	l.cells = r.cellInfos(l.cells)
	l.rows = append(l.rows, loggedRow{num: int32(num), dense: int32(dense), end: int32(len(l.cells))})
	l.last = num
}

func (l *mergeLog) replay(m *mergeCheck) error {
	start := int32(0)
	for _, lr := range l.rows {
		if int(lr.num) > m.maxRow {
			break
		}
		if err := m.row(int(lr.num), int(lr.dense), l.cells[start:lr.end]); err != nil {
			return err
		}
		start = lr.end
	}
	return nil
}

// mergeCheck walks a sheet's rows in order against its merged ranges.
type mergeCheck struct {
	ranges  []mergeRange
	byTop   []int // range indexes by first row
	next    int
	active  []int // ranges covering the current row, in document order
	claimed []bool
	maxRow  int
}

func newMergeCheck(ranges []mergeRange) *mergeCheck {
	m := &mergeCheck{ranges: ranges, byTop: make([]int, len(ranges))}
	for i, rg := range ranges {
		m.byTop[i] = i
		m.maxRow = max(m.maxRow, rg.r2)
	}
	sort.SliceStable(m.byTop, func(a, b int) bool { return ranges[m.byTop[a]].r1 < ranges[m.byTop[b]].r1 })
	return m
}

func findCell(cells []cellInfo, col int) cellInfo {
	i := sort.Search(len(cells), func(i int) bool { return int(cells[i].col) >= col })
	if i < len(cells) && int(cells[i].col) == col {
		return cells[i]
	}
	return cellInfo{col: int32(col)}
}

// row checks row num, whose first dense positions the careful reader
// visits.
func (m *mergeCheck) row(num, dense int, cells []cellInfo) error {
	for m.next < len(m.byTop) && m.ranges[m.byTop[m.next]].r1 <= num {
		i := m.byTop[m.next]
		m.next++
		at := sort.SearchInts(m.active, i)
		m.active = append(m.active, 0)
		copy(m.active[at+1:], m.active[at:])
		m.active[at] = i
	}
	keep := m.active[:0]
	for _, i := range m.active {
		if m.ranges[i].r2 >= num {
			keep = append(keep, i)
		}
	}
	m.active = keep
	if len(m.active) == 0 {
		return nil
	}
	for _, i := range m.active {
		if rg := &m.ranges[i]; rg.r1 == num {
			rg.t = findCell(cells, rg.c1)
		}
	}
	if dense == 0 {
		return nil
	}
	if cap(m.claimed) < dense+1 {
		m.claimed = make([]bool, dense+1)
	}
	m.claimed = m.claimed[:dense+1]
	clear(m.claimed)
	for _, i := range m.active {
		rg := &m.ranges[i]
		for col := rg.c1; col <= min(rg.c2, dense); col++ {
			if m.claimed[col] {
				continue // an earlier range holds it: excelize takes the first
			}
			m.claimed[col] = true
			if num == rg.r1 && col == rg.c1 {
				continue
			}
			c := findCell(cells, col)
			t := rg.t
			if t.flags&cellHasFormula != 0 || c.flags&cellHasFormula != 0 ||
				c.flags&cellNonEmpty != 0 && c.class() != t.class() {
				return fallbackf("merged cell %s read through %s", cellName(col-1, num), cellName(rg.c1-1, rg.r1))
			}
		}
	}
	return nil
}
