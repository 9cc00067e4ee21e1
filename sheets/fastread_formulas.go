package sheets

import (
	"strconv"
	"strings"

	"github.com/xuri/efp"
	"github.com/xuri/excelize/v2"
)

// convertSharedFormula is the text of shared formula m in the cell at
// col, row, as excelize's GetCellFormula gives it (convertSharedFormula):
// the text re-rendered by its formula parser, relative references shifted
// by the distance from the cell holding the text.
func convertSharedFormula(m sharedMaster, col, row int) string {
	dCol, dRow := col-m.col, row-m.row
	ps := efp.ExcelParser()
	tokens := ps.Parse(m.formula)
	for i := range tokens {
		if tokens[i].TType == efp.TokenTypeOperand && tokens[i].TSubType == efp.TokenSubTypeRange {
			tokens[i].TValue = shiftCell(tokens[i].TValue, dCol, dRow)
		}
	}
	return ps.Render()
}

// shiftCell is excelize's shiftCell (unexported there): a reference moved
// by dCol, dRow, absolute parts ($) kept.
func shiftCell(val string, dCol, dRow int) string {
	parts := strings.Split(val, ":")
	for j := 0; j < len(parts); j++ {
		cell := parts[j]
		trimmedCellName := strings.ReplaceAll(cell, "$", "")
		c, r, err := excelize.CellNameToCoordinates(trimmedCellName)
		if err == nil {
			absCol := strings.Index(cell, "$") == 0
			absRow := strings.LastIndex(cell, "$") > 0
			if !absCol && !absRow {
				parts[j], _ = excelize.CoordinatesToCellName(c+dCol, r+dRow)
			}
			if !absCol && absRow {
				colName, _ := excelize.ColumnNumberToName(c + dCol)
				parts[j] = colName + "$" + strconv.Itoa(r)
			}
			if absCol && !absRow {
				colName, _ := excelize.ColumnNumberToName(c)
				parts[j] = "$" + colName + strconv.Itoa(r+dRow)
			}
			continue
		}
		// Cell reference is a column name
		c, err = excelize.ColumnNameToNumber(trimmedCellName)
		if err == nil && !strings.HasPrefix(cell, "$") {
			parts[j], _ = excelize.ColumnNumberToName(c + dCol)
			continue
		}
		// Cell reference is a row number
		r, err = strconv.Atoi(trimmedCellName)
		if err == nil && !strings.HasPrefix(cell, "$") {
			parts[j] = strconv.Itoa(r + dRow)
		}
	}
	return strings.Join(parts, ":")
}
