package extract

import (
	"fmt"
	"math"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// numberCellUnit is the unit a number cell's format writes with it: "%"
// for a percent format, the unit of its literal text (0"万元"), or "".
func numberCellUnit(units *config.Units, cell sheets.Cell, target config.Unit) string {
	u, _ := formatWrites(units, cell, target)
	return u
}

// formatWrites is what a number cell's format writes with the number: a
// unit, and whether a 万 or 亿 multiplier ("0.0,\"万\"" shows 92500 as
// "9.3万").
func formatWrites(units *config.Units, cell sheets.Cell, target config.Unit) (unit string, multiplied bool) {
	if cell.Percent {
		return "%", false
	}
	if cell.Format.Prefix == "" && cell.Format.Suffix == "" {
		return "", false
	}
	a, err := readNumberCell(units, cell, target)
	if err != nil {
		return "", false
	}
	return a.unit, a.multiplied
}

// scaleFinding: a format that shows the number scaled (0!.0000 shows
// 682110000 as "68211.0000", #,##0, shows thousands) without writing a
// unit. sheaf reads what the cell shows, as for every number cell, since
// that is what the department sees and checks, and a 万元 or 千元 header
// is written for the shown digits. But the stored number is another
// quantity, and which one the department meant depends on a unit nobody
// wrote in the cell: the value is read and flagged, never ok (a unit
// warning makes the figure doubtful). A format that writes its unit
// (0!.0000"万元") or its multiplier (0!.0,"万") says what it shows and is
// not flagged, unless showing it dropped digits the cell holds: 92500
// shown as "9.3万" is read as 93000, which a person confirms.
func (c check) scaleFinding(rd Reading, shown func() string) (sheaf.Finding, bool) {
	f := c.cell.Format
	if c.cell.Kind != sheets.CellNumber || f.Scale == 0 {
		return sheaf.Finding{}, false
	}
	stored, d, err := storedNumber(strings.TrimSpace(c.cell.Raw))
	if err != nil {
		return sheaf.Finding{}, false
	}
	text := shownText(c.cell)
	if u, multiplied := formatWrites(c.units, c.cell, c.unit); u != "" || multiplied {
		v, _, err := shownNumber(c.cell)
		exact := sheets.Cell{Kind: sheets.CellNumber, Raw: c.cell.Raw, Format: sheets.NumberFormat{Scale: f.Scale}}
		if w, _, _ := shownNumber(exact); err != nil || v == w {
			return sheaf.Finding{}, false
		}
		return c.finding(sheaf.KindUnit, sheaf.SeverityWarning,
			fmt.Sprintf("%s：单元格的数字格式%s把存储的 %s 显示为%s，舍去了部分数位，已按显示的数字读取为 %s；如存储的数值才准确，请将单元格格式改为“常规”或“数值”",
				c.what(), sheets.Quote(f.Code), sheaf.FormatValue(stored, d), sheets.Quote(text), shown())), true
	}
	return c.finding(sheaf.KindUnit, sheaf.SeverityWarning,
		fmt.Sprintf("%s：单元格的数字格式%s把存储的 %s 显示为%s（缩小 %s 倍），已按显示的数字读取为 %s；单元格本身没有写单位，请核实",
			c.what(), sheets.Quote(f.Code), sheaf.FormatValue(stored, d), sheets.Quote(text),
			sheaf.FormatValue(math.Pow10(f.Scale), 0), shown())), true
}
