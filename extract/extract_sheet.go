package extract

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// sheetSummary is what a sheet looked like, in constant memory: enough to
// tell an empty sheet, a sheet of notes and a table sheaf did not
// recognise, and to quote its first cells.
type sheetSummary struct {
	nonEmpty bool
	// numeric: some cell holds a figure (a number, or text that reads as
	// one, "68211万元").
	numeric bool
	// multiCell: some row has two or more non-empty cells.
	multiCell bool
	first     []string
	firstRef  string
	// lastRow is the number of the last non-empty row seen.
	lastRow int
}

// maxQuoted is how many of a sheet's first cells a message quotes, and
// maxQuotedRunes how much of each.
const (
	maxQuoted      = 4
	maxQuotedRunes = 16
)

func (m *sheetSummary) see(r sheets.Row) {
	m.lastRow = max(m.lastRow, r.Num)
	n := 0
	for j, c := range r.Cells {
		text := strings.TrimSpace(c.Raw)
		if text == "" {
			continue
		}
		n++
		m.nonEmpty = true
		if len(m.first) < maxQuoted {
			if m.firstRef == "" {
				m.firstRef = c.Ref
				if m.firstRef == "" {
					m.firstRef = sheets.CellName(j, r.Num)
				}
			}
			m.first = append(m.first, sheets.Quote(shorten(text)))
		}
		if !m.numeric && isFigure(c) {
			m.numeric = true
		}
	}
	if n >= 2 {
		m.multiCell = true
	}
}

// notes reports whether the sheet holds only titles or notes: no figure
// anywhere, or never two filled cells in one row. Such a sheet (填表说明,
// a cover page) is listed but never flagged.
func (m *sheetSummary) notes() bool {
	return !m.numeric || !m.multiCell
}

// quoted is the sheet's first cells as a message quotes them.
func (m *sheetSummary) quoted() string { return strings.Join(m.first, "") }

// describe says why a sheet with content gave nothing.
func (s *sheetState) describe() string {
	msg := "没有找到表头行（表头须包含“指标名称”或“指标编码”列和“数值”列），未读取"
	if p := s.partial; p != nil {
		msg += fmt.Sprintf("：第 %d 行像表头（%s），但缺少%s列", p.row, strings.Join(p.words, "、"), p.missing)
	}
	if q := s.summary.quoted(); q != "" {
		msg += "；表中开头的内容是" + q
	}
	return msg
}

// shorten cuts a cell's text for quoting.
func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= maxQuotedRunes {
		return s
	}
	r := []rune(s)
	return string(r[:maxQuotedRunes]) + "…"
}

// anyUnit is a target unit for reading a text as a figure of any kind.
var anyUnit = config.Unit{Name: "any", Dimension: "any", Factor: 1}

// isFigure reports whether a cell holds a figure: a number that is not a
// date, or text that reads as a number with an optional unit.
func isFigure(c sheets.Cell) bool {
	switch c.Kind {
	case sheets.CellNumber:
		return !c.Date
	case sheets.CellText:
		// The built-in units: whether a text is a figure at all does not
		// depend on the configuration.
		a, err := readText(nil, c.Raw, anyUnit)
		return err == nil && !a.blank
	}
	return false
}

// rowHasNumber reports whether any cell of a row holds a figure.
func rowHasNumber(r sheets.Row) bool {
	for _, c := range r.Cells {
		if isFigure(c) {
			return true
		}
	}
	return false
}
