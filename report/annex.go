package report

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// The annex's sheets.
const (
	figuresSheet = "数据"
	flagsSheet   = "问题"
)

// annexColumn is one column of an annex sheet: its header and width (in
// characters of the default font).
type annexColumn struct {
	header string
	width  float64
}

var figureColumns = []annexColumn{
	{"指标编码", 24}, {"指标名称", 30}, {"年度", 8}, {"数值", 14}, {"单位", 8}, {"状态", 14},
	{"报送单位", 14}, {"文件", 30}, {"工作表", 12}, {"单元格", 8}, {"说明", 40},
}

var flagColumns = []annexColumn{
	{"编号", 6}, {"类型", 10}, {"严重程度", 9}, {"单位", 14}, {"指标", 26}, {"年度", 8}, {"状态", 8},
	{"问题", 50}, {"依据单元格", 50}, {"说明", 40},
}

// renderAnnex writes the annex (附表): sheet 数据 traces every figure to the
// cell it came from, sheet 问题 lists every open or accepted flag with its
// evidence and explanation.
func renderAnnex(d Data) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	a := &annex{f: f, cat: newCatalogue(d), numFmts: map[int]int{}}
	if err := f.SetSheetName("Sheet1", figuresSheet); err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(flagsSheet); err != nil {
		return nil, err
	}
	if err := a.header(figuresSheet, figureColumns); err != nil {
		return nil, err
	}
	for i, fig := range d.Figures {
		if err := a.figure(i+2, fig); err != nil {
			return nil, err
		}
	}
	if err := a.filter(figuresSheet, figureColumns, len(d.Figures)); err != nil {
		return nil, err
	}
	if err := a.header(flagsSheet, flagColumns); err != nil {
		return nil, err
	}
	flags := storedFlags(d.Flags, sheaf.FlagOpen, sheaf.FlagAccepted)
	for i, fl := range flags {
		if err := a.flag(i+2, fl); err != nil {
			return nil, err
		}
	}
	if err := a.filter(flagsSheet, flagColumns, len(flags)); err != nil {
		return nil, err
	}
	f.SetActiveSheet(0)
	b, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type annex struct {
	f   *excelize.File
	cat *catalogue
	// numFmts caches the style of a value cell by its number of decimals.
	numFmts map[int]int
}

// header writes the header row in bold, frozen above the rows, and sets the
// columns' widths.
func (a *annex) header(sheet string, cols []annexColumn) error {
	bold, err := a.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	if err != nil {
		return err
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = c.header
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := a.f.SetColWidth(sheet, name, name, c.width); err != nil {
			return err
		}
	}
	if err := a.f.SetSheetRow(sheet, "A1", &row); err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(cols))
	if err := a.f.SetCellStyle(sheet, "A1", last+"1", bold); err != nil {
		return err
	}
	return a.f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// filter puts filter buttons on the header, over rows rows.
func (a *annex) filter(sheet string, cols []annexColumn, rows int) error {
	last, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return err
	}
	return a.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, rows+1), nil)
}

// figure writes one figure's row.
func (a *annex) figure(row int, fig sheaf.Figure) error {
	c := a.cat
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
		notes = append(notes, c.reasons(&fig)...)
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
	cells = safeCells(cells)
	cell := fmt.Sprintf("A%d", row)
	if err := a.f.SetSheetRow(figuresSheet, cell, &cells); err != nil {
		return err
	}
	style, err := a.numberStyle(decimals)
	if err != nil {
		return err
	}
	return a.f.SetCellStyle(figuresSheet, fmt.Sprintf("D%d", row), fmt.Sprintf("D%d", row), style)
}

// numberStyle is the style of a value shown with decimals: "#,##0.00".
func (a *annex) numberStyle(decimals int) (int, error) {
	if id, ok := a.numFmts[decimals]; ok {
		return id, nil
	}
	format := "#,##0"
	if decimals > 0 {
		format += "." + strings.Repeat("0", decimals)
	}
	id, err := a.f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		return 0, err
	}
	a.numFmts[decimals] = id
	return id, nil
}

// flag writes one flag's row.
func (a *annex) flag(row int, fl storage.StoredFlag) error {
	c := a.cat
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
		fl.ID, sheaf.KindWord(fl.Kind), sheaf.SeverityWord(fl.Severity), c.departmentName(fl.Department),
		subject, fl.Period, fl.State.Word(), fl.Message, strings.Join(evidence, "；"), note,
	}
	cells = safeCells(cells)
	return a.f.SetSheetRow(flagsSheet, fmt.Sprintf("A%d", row), &cells)
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

func hasStatus(f sheaf.Figure, status string) bool {
	for _, s := range f.Statuses {
		if s == status {
			return true
		}
	}
	return f.Status == status
}
