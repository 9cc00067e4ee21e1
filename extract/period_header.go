package extract

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// Relative periods a column header may name, resolved against a base
// period (the table's title year, else the cycle's period).
const (
	absolutePeriod = iota
	// thisPeriod: 本年, 本期 — the base period itself.
	thisPeriod
	// lastPeriod: 上年, 上年同期 — the same period one year earlier.
	lastPeriod
)

// relativeHeaders are the folded headers naming a relative period. Words
// that depend on the cycle's length (上期: last year or last quarter?)
// and running totals (本年累计) are not among them: they are no column
// sheaf can place.
var relativeHeaders = map[string]int{
	"本年": thisPeriod, "本期": thisPeriod, "本年实际": thisPeriod, "本期实际": thisPeriod,
	"本年数": thisPeriod, "本期数": thisPeriod, "本年度": thisPeriod, "今年": thisPeriod,
	"上年": lastPeriod, "上年同期": lastPeriod, "上年实际": lastPeriod, "上年数": lastPeriod,
	"上年同期数": lastPeriod, "上年度": lastPeriod, "去年": lastPeriod, "去年同期": lastPeriod,
}

// monthsRE is a part of a year in a header, after Fold: "2024年1-11月",
// "2024年1—11月", "2024年1至11月", "2024年1-11月份".
var monthsRE = regexp.MustCompile(`^(\d{4})年(\d{1,2})月?(?:-|~|—|–|至|到)(\d{1,2})月份?$`)

// periodColumn is a column whose header is a period: each cell under it
// is a value of its row's indicator for that period.
type periodColumn struct {
	col int
	// period is the normalised period of an absolute header; relative says
	// which relative period the header names instead.
	period   string
	relative int
	// unit is a unit in the header's brackets ("2025年（人）"), text the
	// header as written and ref its cell.
	unit, text, ref string
	// headerRank is, for a value header naming its period, that header's
	// rank.
	headerRank int
}

func (p *periodColumn) rank() int { return p.headerRank }

// periodHeader reads a column header as a period: "2024", "2024年",
// "2024年度", a quarter, "2024年1-11月", 本年, 上年同期…, also with a unit
// in brackets ("2025年（人）", "本年实际（万元）"). A number cell holding a
// year counts; a date cell does not (a month or a day is no column of
// figures sheaf can place).
func periodHeader(units *config.Units, c sheets.Cell) (periodColumn, bool) {
	switch c.Kind {
	case sheets.CellNumber:
		v, err := strconv.ParseFloat(strings.TrimSpace(c.Raw), 64)
		if err != nil || c.Date || v != math.Trunc(v) || v < sheaf.MinYear || v > sheaf.MaxYear {
			return periodColumn{}, false
		}
		return periodColumn{period: strconv.Itoa(int(v)), text: strings.TrimSpace(c.Raw)}, true
	case sheets.CellText:
	default:
		return periodColumn{}, false
	}
	text := strings.TrimSpace(c.Raw)
	base, unit := text, ""
	if mayHaveUnit(text) {
		base, unit = stripUnitSuffix(units, text)
	}
	p, ok := periodText(base)
	if !ok {
		return periodColumn{}, false
	}
	p.unit, p.text = unit, text
	return p, true
}

// periodText reads a header without its unit as a period.
func periodText(s string) (periodColumn, bool) {
	// Every period heading has a digit, 年 or 期 (2024, 2024年, 本年, 本期):
	// most cells of most rows are neither, and need no folding or
	// matching (this runs for every text cell of every row).
	if !strings.ContainsAny(s, "0123456789０１２３４５６７８９年期") {
		return periodColumn{}, false
	}
	f := Fold(s)
	if rel, ok := relativeHeaders[f]; ok {
		return periodColumn{relative: rel}, true
	}
	if m := yearRE.FindStringSubmatch(f); m != nil {
		if p, err := yearText(s, m[1]); err == nil {
			return periodColumn{period: p}, true
		}
		return periodColumn{}, false
	}
	if m := quarterRE.FindStringSubmatch(f); m != nil {
		if p, err := textPeriod(s); err == nil {
			return periodColumn{period: p}, true
		}
		return periodColumn{}, false
	}
	if m := monthsRE.FindStringSubmatch(f); m != nil {
		y, _ := strconv.Atoi(m[1])
		from, _ := strconv.Atoi(m[2])
		to, _ := strconv.Atoi(m[3])
		if from < 1 || to > 12 || from > to {
			return periodColumn{}, false
		}
		p := fmt.Sprintf("%04dM%02d-%02d", y, from, to)
		if from == 1 && to == 12 {
			p = m[1] // January to December is the year
		}
		if !sheaf.ValidPeriod(p) {
			return periodColumn{}, false
		}
		return periodColumn{period: p}, true
	}
	return periodColumn{}, false
}

// resolve is the column's period, a relative one against base.
func (p periodColumn) resolve(base string) string {
	switch p.relative {
	case thisPeriod:
		return base
	case lastPeriod:
		y, _, ok := sheaf.ParsePeriod(base)
		if !ok {
			return ""
		}
		return fmt.Sprintf("%04d%s", y-1, base[4:])
	}
	return p.period
}

// bracketPeriod splits a value header carrying its period in brackets,
// "数值（2025年）", "本年实际（2025年）" aside: the base and the period, or
// ok false.
func bracketPeriod(header string) (base string, p periodColumn, ok bool) {
	h := strings.TrimRightFunc(header, isSpace)
	for _, br := range unitBrackets {
		inner, found := strings.CutSuffix(h, br[1])
		if !found {
			continue
		}
		open := strings.LastIndex(inner, br[0])
		if open < 0 {
			continue
		}
		if p, ok := periodText(inner[open+len(br[0]):]); ok {
			return trimBase(inner[:open]), p, true
		}
	}
	return header, periodColumn{}, false
}
