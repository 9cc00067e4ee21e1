package extract

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// check looks at one observation for what a person must confirm: an
// approximate value, a unit taken only from a note or header, a value
// outside the indicator's range, a fraction typed for a percentage.
type check struct {
	ind  *config.Indicator
	unit config.Unit
	// units is the configuration's catalogue of units.
	units *config.Units
	o     *sheaf.Observation
	cell  sheets.Cell
	note  string
	// implicit is the note or header the value's unit came from, when the
	// row itself names none, and implicitUnit that unit.
	implicit, implicitUnit string
}

func (c check) finding(kind sheaf.Kind, severity sheaf.Severity, msg string) sheaf.Finding {
	return sheaf.Finding{Kind: kind, Severity: severity, Indicator: c.ind.ID, Period: c.o.Period,
		Sheet: c.o.Sheet, Cell: c.o.Cell, Raw: shownRaw(c.cell), Note: c.note, Message: msg}
}

// what names the figure in messages: "教师平均工资（2024年）".
func (c check) what() string { return c.ind.Name + "（" + sheaf.PeriodWord(c.o.Period) + "）" }

func (c check) findings(rd Reading) []sheaf.Finding {
	if !rd.HasValue {
		return nil
	}
	var fs []sheaf.Finding
	// The value as shown, for messages only: made when one is written,
	// not for every value (it was a tenth of extraction's time).
	var shownValue string
	shown := func() string {
		if shownValue == "" {
			shownValue = c.unit.After(sheaf.FormatValue(rd.Value, rd.Decimals))
		}
		return shownValue
	}
	if rd.Approx != sheaf.Exact {
		fs = append(fs, c.finding(sheaf.KindApproximate, sheaf.SeverityWarning,
			fmt.Sprintf("%s为约数「%s」，暂按 %s 计，需核实准确数", c.what(), strings.TrimSpace(c.o.Raw), shown())))
	}
	if f, ok := c.unitFinding(shown); ok {
		fs = append(fs, f)
	}
	if f, ok := c.scaleFinding(rd, shown); ok {
		fs = append(fs, f)
	}
	if f, ok := c.rangeFinding(rd, shown); ok {
		fs = append(fs, f)
	}
	return fs
}

// unitFinding: a unit written only in a note above the table or in the
// value column's header, of another scale than the indicator's, converted
// the value. Applied, since that is what the note says, but a note is
// easily left over from another table: a person confirms it.
func (c check) unitFinding(shown func() string) (sheaf.Finding, bool) {
	if c.implicit == "" || writtenUnit(c.units, c.cell, c.unit) != "" {
		return sheaf.Finding{}, false
	}
	u, ok := c.units.Lookup(c.implicitUnit)
	if !ok || u.Factor == c.unit.Factor {
		return sheaf.Finding{}, false
	}
	return c.finding(sheaf.KindUnit, sheaf.SeverityWarning,
		fmt.Sprintf("%s：数值「%s」本身没有写单位，按表中的%s换算为 %s（该指标以%s计）；如单位不是%s，请更正",
			c.what(), strings.TrimSpace(c.o.Raw), sheets.Quote(c.implicit), shown(), c.unit.Word(), u.Word())), true
}

// writtenUnit is the unit a value cell itself gives: in its text
// ("17500元") or by a percent format.
func writtenUnit(units *config.Units, cell sheets.Cell, target config.Unit) string {
	switch cell.Kind {
	case sheets.CellText:
		a, err := readText(units, cell.Raw, target)
		if err != nil {
			return ""
		}
		return a.unit
	case sheets.CellNumber:
		return numberCellUnit(units, cell, target)
	}
	return ""
}

// rangeFinding checks indicators[].range. A percentage between 0 and 1,
// without a % sign or format, may be a fraction typed for a percentage
// (0.9675 for 96.75%): it is marked, and below the range it is worded as
// such. A real 0.07% inside the range stays quiet.
func (c check) rangeFinding(rd Reading, shown func() string) (sheaf.Finding, bool) {
	v := rd.Value
	fraction := c.unit.Name == "%" && v > 0 && v < 1 && writtenUnit(c.units, c.cell, c.unit) == ""
	c.o.Fraction = fraction
	if len(c.ind.Range) != 2 {
		return sheaf.Finding{}, false
	}
	lo, hi := c.ind.Range[0], c.ind.Range[1]
	bounds := bound(lo) + "–" + c.unit.After(bound(hi))
	switch {
	case fraction && v < lo:
		pct := sheaf.FormatValue(roundDecimals(v*100, max(0, rd.Decimals-2)+noiseDigits), max(0, rd.Decimals-2))
		return c.finding(sheaf.KindRange, sheaf.SeverityWarning,
			fmt.Sprintf("疑似小数形式：%s填写 %s，如为 %s%% 请改为百分数（填写 %s%% 或 %s）；该指标的合理范围为 %s",
				c.what(), sheaf.FormatValue(v, rd.Decimals), pct, pct, pct, bounds)), true
	case v < lo || v > hi:
		return c.finding(sheaf.KindRange, sheaf.SeverityWarning,
			fmt.Sprintf("%s为 %s，超出合理范围（%s），请核实", c.what(), shown(), bounds)), true
	}
	return sheaf.Finding{}, false
}

// bound writes a range bound as short as it is.
func bound(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
