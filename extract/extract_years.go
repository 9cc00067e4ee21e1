package extract

import (
	"fmt"
	"maps"
	"strings"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

// periodLayouts prepares a year-column table: one layout per period
// column, reading that column as the value column with that period. A
// relative header (本年, 上年) is resolved against the year the table's
// title or sheet name gives, else the cycle's period: a 2023 table's 本年
// is 2023, never the cycle's year.
func (x *FileExtraction) periodLayouts(lay *layout) {
	if len(lay.periodCols) == 0 {
		return
	}
	base, baseFrom := x.e.cfg.Cycle.Period, "本期（"+sheaf.PeriodWord(x.e.cfg.Cycle.Period)+"）"
	if lay.year != "" {
		base, baseFrom = lay.year, lay.yearFrom
	}
	for _, p := range lay.periodCols {
		l := *lay
		l.cols = maps.Clone(lay.cols)
		l.cols[RoleValue] = p.col
		l.periodCols, l.byPeriod = nil, nil
		l.year, l.yearFrom, l.yearConflict = "", "", ""
		l.headerUnit, l.headerText = p.unit, ""
		if p.unit != "" {
			l.headerText = p.text
		}
		l.fixedColumn = true
		l.fixed, l.fixedFrom = p.period, "表头"+p.ref+sheets.Quote(p.text)
		if p.relative != absolutePeriod {
			if lay.yearConflict != "" {
				l.fixed, l.yearConflict = "", lay.yearConflict
			} else {
				l.fixed = p.resolve(base)
				l.fixedFrom += "，相对于" + baseFrom
			}
		}
		lay.byPeriod = append(lay.byPeriod, l)
	}
	x.sh.extras = make([]extraColumn, len(lay.periodCols))
}

// extraColumn counts, for one period column of a year-column table, the
// values of indicators not collected for its period: known extras (a
// statistics sheet keeps its history beside this year's figure), listed
// once per column, never taken and never silently dropped.
type extraColumn struct {
	n     int
	first string   // the first such cell
	names []string // the first indicators, for the message
}

// maxExtraNames is how many indicators an extra column's finding names.
const maxExtraNames = 5

// yearRow reads a row of a year-column table: one observation per period
// column.
func (x *FileExtraction) yearRow(r sheets.Row) rowResult {
	s := x.sh
	var res rowResult
	res.nothing = true
	for i := range s.table.byPeriod {
		one := x.e.row(s, &s.table.byPeriod[i], r, x.folds)
		if one.extra != nil {
			ex := &s.extras[i]
			if ex.n == 0 {
				ex.first = one.extra.Cell
			}
			ex.n++
			if len(ex.names) < maxExtraNames {
				ex.names = append(ex.names, one.extra.Label)
			}
			res.nothing = false
			continue
		}
		res.obs = append(res.obs, one.obs...)
		res.findings = append(res.findings, one.findings...)
		if res.unknown == "" {
			res.unknown, res.unrec = one.unknown, one.unrec
		}
		res.nothing = res.nothing && one.nothing
	}
	if res.unknown != "" {
		res.nothing = false
	}
	return res
}

// endTable reports the extras of the year-column table that ends.
func (x *FileExtraction) endTable() {
	s := x.sh
	if s == nil || s.table == nil || len(s.table.periodCols) == 0 {
		return
	}
	extras := s.extras
	s.extras = nil
	if s.skipHidden {
		return
	}
	for i, ex := range extras {
		if ex.n == 0 {
			continue
		}
		l := s.table.byPeriod[i]
		p := s.table.periodCols[i]
		names := strings.Join(ex.names, "、")
		if ex.n > len(ex.names) {
			names += "等"
		}
		msg := fmt.Sprintf("表「%s」%s列的 %d 个数值（%s）不是相应指标填报的年度，未读取", s.info.Name, sheets.Quote(p.text), ex.n, names)
		if l.fixed != "" {
			msg = fmt.Sprintf("表「%s」%s列（%s）的 %d 个数值（%s）不在相应指标的填报年度内，未读取", s.info.Name, sheets.Quote(p.text), sheaf.PeriodWord(l.fixed), ex.n, names)
			if _, _, partial := sheaf.PeriodMonths(l.fixed); partial {
				msg += "；部分月份的数值不作为全年数"
			}
		}
		x.finding(sheaf.Finding{Kind: sheaf.KindUnknown, Severity: sheaf.SeverityInfo, Period: l.fixed, Sheet: s.info.Name, Cell: ex.first,
			Message: msg + "：如需采用，请在配置中为指标列出该年度（indicators[].periods）"})
	}
}
