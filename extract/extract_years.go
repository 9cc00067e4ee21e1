package extract

import (
	"fmt"
	"maps"
	"slices"
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
		for _, f := range one.findings {
			// What is said of the row's label (a code and a name that
			// disagree) is said once, not once per year.
			if !slices.ContainsFunc(res.findings, func(g sheaf.Finding) bool {
				return g.Cell == f.Cell && g.Message == f.Message
			}) {
				res.findings = append(res.findings, f)
			}
		}
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

// changeWords mark a column under a year that holds how the year's figure
// changed or ranks, never the figure: 增长%, 同比, 比上年增减, 排名, 占比.
var changeWords = []string{"增长", "增速", "增幅", "增减", "同比", "环比", "比上年", "较上年", "比去年", "较去年",
	"变化", "变动", "排名", "位次", "名次", "差额", "占比", "比重"}

// genericValueWords are sub-headers that name the figure itself, preferred
// over any other column under the same year.
var genericValueWords = []string{"金额", "数值", "数额", "数量", "数据", "合计", "总计", "总数"}

// isChange reports whether a sub-header names a change, not the figure. A
// unit alone ("%", "万元") is the figure's unit, not a change.
func isChange(text string) bool {
	f := Fold(text)
	for _, w := range changeWords {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// subHeader reads the row under a year-column table's header when it
// names the columns under each year: 2023年 merged over 金额 | 增长%. Each
// year's value column is then the one under it that holds the figure,
// never a growth rate or a ranking; two candidates (预算数 | 执行数) are not
// guessed between, and a year with only change columns under it is not
// read: both are findings. It reports whether the row was such a row.
func (x *FileExtraction) subHeader(r sheets.Row) bool {
	s := x.sh
	lay := s.table
	lay.subPending = false
	if len(lay.periodCols) == 0 {
		return false
	}
	for _, role := range []string{RoleName, RoleCode} {
		if j, ok := lay.cols[role]; ok && strings.TrimSpace(r.Col(j).Raw) != "" {
			return false
		}
	}
	// The columns under each year: its merged range, else its own and the
	// empty header cells after it up to the next year (a title centred
	// across the columns).
	type under struct{ left, right int }
	spans := make([]under, len(lay.periodCols))
	said := false
	for i, p := range lay.periodCols {
		right := p.col
		if k, ok := s.merges.covering(lay.headerRow, p.col); ok && s.merges.merges[k].Left == p.col {
			right = s.merges.merges[k].Right
		} else {
			next := -1
			if i+1 < len(lay.periodCols) {
				next = lay.periodCols[i+1].col
			}
			for j := p.col + 1; next < 0 || j < next; j++ {
				if lay.headerFilled[j] || strings.TrimSpace(r.Col(j).Raw) == "" {
					break
				}
				right = j
			}
		}
		spans[i] = under{p.col, right}
		for j := p.col; j <= right; j++ {
			c := r.Col(j)
			switch {
			case c.Kind == sheets.CellText && strings.TrimSpace(c.Raw) != "":
				if isBlankMark(c.Raw) {
					return false
				}
				said = true
			case strings.TrimSpace(c.Raw) != "":
				return false // a figure: a data row
			}
		}
	}
	if !said {
		return false
	}
	var kept []periodColumn
	for i, p := range lay.periodCols {
		sp := spans[i]
		var cands, generic []int
		var texts []string
		for j := sp.left; j <= sp.right; j++ {
			t := strings.TrimSpace(r.Col(j).Raw)
			if t == "" {
				continue
			}
			texts = append(texts, sheets.CellName(j, r.Num)+sheets.Quote(t))
			if isChange(t) {
				continue
			}
			cands = append(cands, j)
			base, _ := stripUnitSuffix(x.e.units, t)
			if slices.Contains(genericValueWords, Fold(base)) {
				generic = append(generic, j)
			}
		}
		if len(generic) == 1 {
			cands = generic
		}
		switch {
		case len(texts) == 0:
			kept = append(kept, p) // nothing said under this year
			continue
		case len(cands) == 1:
		default:
			why := "下只有变化或排名列"
			if len(cands) > 1 {
				why = "下有多列可作为该年的数值"
			}
			if !s.skipHidden {
				x.finding(sheaf.Finding{Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Sheet: s.info.Name, Cell: p.ref,
					Message: fmt.Sprintf("表「%s」的表头%s%s（%s），无法确定读哪一列，该年未读取：请只保留该年的数值列，或在表头中写明“金额”“数值”",
						s.info.Name, p.ref+sheets.Quote(p.text), why, strings.Join(texts, "、"))})
			}
			continue
		}
		j := cands[0]
		t := strings.TrimSpace(r.Col(j).Raw)
		if p.unit == "" {
			// "金额（万元）" under the year, or a row of units, "万元".
			if _, unit := stripUnitSuffix(x.e.units, t); unit != "" {
				p.unit, p.text = unit, p.text+" "+t
			} else if _, ok := lookupUnitText(x.e.units, t); ok {
				p.unit, p.text = t, p.text+" "+t
			}
		}
		p.col = j
		kept = append(kept, p)
	}
	lay.periodCols = kept
	lay.headerRow = r.Num
	lay.byPeriod = nil
	x.periodLayouts(lay)
	if len(kept) == 0 {
		s.table = nil
	}
	return true
}
