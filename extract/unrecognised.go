package extract

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// UnrecognisedRow is a row with a name and a value that matches no
// indicator of the catalogue: what the unknown finding lists, what a
// guess is made for, and what `sheaf init --from-workbook` drafts a
// catalogue from.
type UnrecognisedRow struct {
	// Label is the row's name as written ("其中：医院").
	Label string
	// Sheet and Cell are where the label is; ValueCell and Raw the row's
	// value cell and its text as shown.
	Sheet, Cell, ValueCell, Raw string
	// Unit is the unit the row names in its unit column or after its
	// label, resolved against the units ("" when it names none).
	Unit string
	// Period is the period its period column, year column, sheet name or
	// title gives ("" when none does).
	Period string
	// Guess is the indicator the row most likely is, or nil.
	Guess *config.Indicator
}

// maxUnrecognisedKept is how many unrecognised rows a file keeps for
// Unrecognised: a sheet of 100,000 rows outside the catalogue must not
// grow memory with its rows.
const maxUnrecognisedKept = 2000

// minGuessScore is the least label similarity (see similarity) a guess
// needs: "医院" and "医院数" score 0.8, "医院" and "三级医院数" 0.57,
// "医院" and "医疗卫生机构床位数" 0.18.
const minGuessScore = 0.5

// unrecognised describes a row of a long table whose label matched no
// indicator.
func (e *Extractor) unrecognised(s *sheetState, lay *layout, row sheets.Row, nameCell, valueCell, unitCell, periodCell sheets.Cell, display string) *UnrecognisedRow {
	u := &UnrecognisedRow{Label: display, Sheet: s.info.Name, Cell: nameCell.Ref, ValueCell: valueCell.Ref, Raw: strings.TrimSpace(shownRaw(valueCell))}
	if u.ValueCell == "" {
		u.ValueCell = sheets.CellName(lay.cols[RoleValue], row.Num)
	}
	if unit, ok := lookupUnitText(e.units, unitCell.Raw); ok {
		u.Unit = unit.Name
	} else if n := nameUnit(e.units, display); n != "" {
		u.Unit = n
	}
	switch {
	case lay.fixedColumn:
		u.Period = lay.fixed
	default:
		if p, err := normalizePeriod(periodCell); err == nil && p != "" {
			u.Period = p
		} else if lay.valuePeriod != nil {
			u.Period = lay.valuePeriod.resolve(e.cfg.Cycle.Period)
		} else if lay.yearConflict == "" {
			u.Period = lay.year
		}
	}
	return u
}

// guess finds the indicator an unrecognised row most likely is: the one
// whose folded name or alias is most like the row's folded label (without
// its numbering and unit), if similar enough; agreement of the unit and
// of the period decides between equally similar ones. Nil when none is.
func (e *Extractor) guess(u *UnrecognisedRow) *config.Indicator {
	label := Fold(stripLabel(u.Label))
	if base, unit := stripUnitSuffix(e.units, label); unit != "" {
		label = Fold(base)
	}
	if utf8.RuneCountInString(label) < 2 {
		return nil
	}
	// Only indicators sharing at least two of the label's characters can
	// score: a catalogue of 20,000 is not compared in full for every row.
	shared := map[int32]int{}
	seen := map[rune]bool{}
	for _, r := range label {
		if seen[r] {
			continue
		}
		seen[r] = true
		for _, i := range e.guessIndex()[r] {
			shared[i]++
		}
	}
	var best *config.Indicator
	var bestScore float64
	for i := range e.cfg.Indicators {
		if shared[int32(i)] < 2 {
			continue
		}
		ind := &e.cfg.Indicators[i]
		score := similarity(label, Fold(ind.Name))
		for _, name := range ind.Aliases {
			score = max(score, similarity(label, Fold(name)))
		}
		if score < minGuessScore {
			continue
		}
		// Tie-breakers, too small to outweigh one character of the label.
		if u.Unit != "" {
			if have, ok := e.units.Lookup(u.Unit); ok && have.Dimension == ind.UnitInfo().Dimension {
				score += 0.002
			}
		}
		if u.Period != "" && slices.Contains(e.cfg.Periods(ind), u.Period) {
			score += 0.001
		}
		if score > bestScore {
			best, bestScore = ind, score
		}
	}
	return best
}

// similarity is how alike two folded labels are, 0 to 1: twice their
// longest common subsequence of characters over their total length.
// Chinese labels differ by words added or left out ("在校生数",
// "在校学生数"), which keep the order of the characters they share.
func similarity(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) == 0 || len(rb) == 0 {
		return 0
	}
	if len(ra) > 200 || len(rb) > 200 {
		return 0 // a paragraph, not a label
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for i := range ra {
		for j := range rb {
			switch {
			case ra[i] == rb[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	common := prev[len(rb)]
	if common < 2 {
		return 0
	}
	return 2 * float64(common) / float64(len(ra)+len(rb))
}

// guessed lists an unrecognised row in the unknown finding with the
// indicator it probably is and the command that adopts its label, and
// records it for a missing figure of that indicator to ask about.
func (x *FileExtraction) guessed(u *UnrecognisedRow) string {
	ind := u.Guess
	where := u.Sheet + "!" + u.Cell
	x.finding(sheaf.Finding{Kind: sheaf.KindUnrecognisedRow, Severity: sheaf.SeverityInfo, Indicator: ind.ID, Period: u.Period,
		Sheet: u.Sheet, Cell: u.Cell, Raw: u.Label,
		Message: fmt.Sprintf("%s行（%s）可能是%s", sheets.Quote(u.Label), where, ind.Name)})
	return fmt.Sprintf("%s %s（可能是 %s「%s」，确认后运行 sheaf alias add %s %q）", where, u.Label, ind.ID, ind.Name, ind.ID, stripLabel(u.Label))
}

// Unrecognised lists the rows of the file that matched no indicator, in
// order (at most maxUnrecognisedKept), after Finish.
func (x *FileExtraction) Unrecognised() []UnrecognisedRow { return x.unrecognised }

// guessIndex lists, per character, the indicators whose name or aliases
// hold it; built once per catalogue, on the first guess.
func (c *Catalogue) guessIndex() map[rune][]int32 {
	c.guessOnce.Do(func() {
		c.byRune = map[rune][]int32{}
		for i := range c.cfg.Indicators {
			ind := &c.cfg.Indicators[i]
			seen := map[rune]bool{}
			for _, name := range append([]string{ind.Name}, ind.Aliases...) {
				for _, r := range Fold(name) {
					if !seen[r] {
						seen[r] = true
						c.byRune[r] = append(c.byRune[r], int32(i))
					}
				}
			}
		}
	})
	return c.byRune
}
