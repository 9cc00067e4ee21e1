// Package annex writes the draft's annex (附表) as an .xlsx workbook. It
// stands beside package report, which lays the annex out, so that the
// report needs no workbook library.
package annex

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf/report"
)

// Write writes the annex as an .xlsx workbook: one sheet per AnnexSheet,
// the header bold, frozen and filterable, the number column formatted with
// its row's decimals.
func Write(an report.Annex) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	a := &annex{f: f, numFmts: map[int]int{}}
	for i, sh := range an.Sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			return nil, err
		}
		if err := a.header(sh.Name, sh.Columns); err != nil {
			return nil, err
		}
		for r, cells := range sh.Rows {
			if err := a.row(sh, r+2, cells, r); err != nil {
				return nil, err
			}
		}
		if err := a.filter(sh.Name, sh.Columns, len(sh.Rows)); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	b, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

type annex struct {
	f *excelize.File
	// numFmts caches the style of a value cell by its number of decimals.
	numFmts map[int]int
}

// row writes one row, and the number style of its number cell.
func (a *annex) row(sh report.AnnexSheet, row int, cells []any, i int) error {
	if err := a.f.SetSheetRow(sh.Name, fmt.Sprintf("A%d", row), &cells); err != nil {
		return err
	}
	if sh.NumberColumn < 0 || i >= len(sh.Decimals) {
		return nil
	}
	style, err := a.numberStyle(sh.Decimals[i])
	if err != nil {
		return err
	}
	col, err := excelize.ColumnNumberToName(sh.NumberColumn + 1)
	if err != nil {
		return err
	}
	cell := fmt.Sprintf("%s%d", col, row)
	return a.f.SetCellStyle(sh.Name, cell, cell, style)
}

// header writes the header row in bold, frozen above the rows, and sets the
// columns' widths.
func (a *annex) header(sheet string, cols []report.AnnexColumn) error {
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
		row[i] = c.Header
		name, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := a.f.SetColWidth(sheet, name, name, c.Width); err != nil {
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
func (a *annex) filter(sheet string, cols []report.AnnexColumn, rows int) error {
	last, err := excelize.ColumnNumberToName(len(cols))
	if err != nil {
		return err
	}
	return a.f.AutoFilter(sheet, fmt.Sprintf("A1:%s%d", last, rows+1), nil)
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
