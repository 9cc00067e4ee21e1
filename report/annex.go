package report

import (
	"strings"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// The annex's sheets.
const (
	figuresSheet = "数据"
	flagsSheet   = "问题"
)

// AnnexColumn is one column of an annex sheet: its header and width (in
// characters of the default font).
type AnnexColumn struct {
	Header string
	Width  float64
}

var figureColumns = []AnnexColumn{
	{"指标编码", 24}, {"指标名称", 30}, {"年度", 8}, {"数值", 14}, {"单位", 8}, {"状态", 14},
	{"报送单位", 14}, {"文件", 30}, {"工作表", 12}, {"单元格", 8}, {"说明", 40},
}

var flagColumns = []AnnexColumn{
	{"编号", 6}, {"类型", 10}, {"严重程度", 9}, {"单位", 14}, {"指标", 26}, {"年度", 8}, {"状态", 8},
	{"问题", 50}, {"依据单元格", 50}, {"说明", 40},
}

// Annex is the annex (附表) as tables: sheet 数据 traces every figure to the
// cell it came from, sheet 问题 lists every open or accepted flag with its
// evidence and explanation. Package report/annex writes it as .xlsx.
type Annex struct {
	Sheets []AnnexSheet
}

// AnnexSheet is one sheet of the annex.
type AnnexSheet struct {
	Name    string
	Columns []AnnexColumn
	Rows    [][]any
	// NumberColumn is the 0-based column holding a number shown with
	// Decimals[i] decimals in row i; -1 when the sheet has none.
	NumberColumn int
	Decimals     []int
}

// BuildAnnex lays out the annex of d.
func BuildAnnex(d Data) Annex {
	c := newCatalogue(d)
	figures := AnnexSheet{Name: figuresSheet, Columns: figureColumns, NumberColumn: 3}
	for _, fig := range d.Figures {
		row, decimals := figureRow(c, fig)
		figures.Rows = append(figures.Rows, row)
		figures.Decimals = append(figures.Decimals, decimals)
	}
	flags := AnnexSheet{Name: flagsSheet, Columns: flagColumns, NumberColumn: -1}
	for _, fl := range storedFlags(d.Flags, sheaf.FlagOpen, sheaf.FlagAccepted) {
		flags.Rows = append(flags.Rows, flagRow(c, fl))
	}
	return Annex{Sheets: []AnnexSheet{figures, flags}}
}

// figureRow is one figure's row, and the decimals its value is shown with.
func figureRow(c *catalogue, fig sheaf.Figure) ([]any, int) {
	name, decimals, unit := fig.Name, fig.Decimals, fig.Unit
	if ind, ok := c.cfg.Indicator(fig.Indicator); ok {
		name, decimals, unit = ind.Name, ind.ShownDecimals(), ind.Unit
	}
	if u, ok := config.LookupUnit(unit); ok {
		unit = u.Word()
	}
	var value any
	if fig.HasValue {
		value = fig.Value
	}
	var notes []string
	if fig.HasValue {
		for _, d := range c.reasons(&fig) {
			notes = append(notes, d.what)
		}
	}
	if fig.Raw != "" && hasStatus(fig, sheaf.StatusApproximate) {
		notes = append(notes, "原文“"+fig.Raw+"”")
	}
	if n := strings.TrimSpace(fig.Note); n != "" {
		notes = append(notes, n)
	}
	if !fig.HasValue {
		if ind, ok := c.cfg.Indicator(fig.Indicator); ok {
			notes = append([]string{"责任单位：" + c.departmentName(ind.Owner)}, notes...)
		}
	}
	cells := []any{
		fig.Indicator, name, fig.Period, value, unit, statusText(fig),
		c.departmentName(fig.Department), fig.File, fig.Sheet, fig.Cell, strings.Join(notes, "；"),
	}
	return safeCells(cells), decimals
}

// flagRow is one flag's row.
func flagRow(c *catalogue, fl storage.StoredFlag) []any {
	subject := ""
	switch {
	case fl.Indicator != "":
		subject = c.indicatorName(fl.Indicator)
	case fl.Rule != "":
		subject = "规则 " + fl.Rule
	}
	var evidence []string
	for _, e := range fl.Evidence {
		evidence = append(evidence, evidenceText(c, e))
	}
	note := strings.TrimSpace(fl.Note)
	if note != "" && fl.AcceptedBy != "" {
		note += "（" + fl.AcceptedBy + "）"
	}
	cells := []any{
		fl.ID, fl.Kind.Word(), fl.Severity.Word(), c.departmentName(fl.Department),
		subject, fl.Period, fl.State.Word(), fl.Message, strings.Join(evidence, "；"), note,
	}
	return safeCells(cells)
}

// safeCells neutralises text a spreadsheet would run as a formula once
// someone edits the cell (=, +, -, @, a tab or CR first): departments'
// cells and notes reach the annex, and a cell reading "=HYPERLINK(…)" must
// stay text. The apostrophe is what spreadsheet programs themselves use.
func safeCells(cells []any) []any {
	for i, c := range cells {
		if s, ok := c.(string); ok && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			cells[i] = "'" + s
		}
	}
	return cells
}

// evidenceText names one cell: "市教育局 教育局/基本情况.xlsx 表1!C5（36614）".
func evidenceText(c *catalogue, e sheaf.Evidence) string {
	var parts []string
	if e.Department != "" {
		parts = append(parts, c.departmentName(e.Department))
	}
	loc := e.File
	if e.Sheet != "" || e.Cell != "" {
		ref := strings.Trim(e.Sheet+"!"+e.Cell, "!")
		if loc != "" {
			loc += " "
		}
		loc += ref
	}
	if loc != "" {
		parts = append(parts, loc)
	}
	s := strings.Join(parts, " ")
	if e.Raw != "" {
		s += "（" + e.Raw + "）"
	}
	return s
}

func hasStatus(f sheaf.Figure, status sheaf.Status) bool {
	for _, s := range f.Statuses {
		if s == status {
			return true
		}
	}
	return f.Status == status
}
