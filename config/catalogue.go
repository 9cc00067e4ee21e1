package config

import (
	"strings"

	"golang.org/x/text/width"
)

// Department finds a department by id.
func (c *Config) Department(id string) (*Department, bool) {
	for i := range c.Departments {
		if c.Departments[i].ID == id {
			return &c.Departments[i], true
		}
	}
	return nil, false
}

// Indicator finds an indicator by id.
func (c *Config) Indicator(id string) (*Indicator, bool) {
	for i := range c.Indicators {
		if c.Indicators[i].ID == id {
			return &c.Indicators[i], true
		}
	}
	return nil, false
}

// UnitInfo is the indicator's unit. It is the zero Unit when the unit is
// not known, which Validate does not let through.
func (i Indicator) UnitInfo() Unit {
	u, _ := LookupUnit(i.Unit)
	return u
}

// ShownDecimals is how many decimals the indicator's figures are shown
// with: its own decimals when set, otherwise its unit's.
func (i Indicator) ShownDecimals() int {
	if i.Decimals != nil {
		return *i.Decimals
	}
	return i.UnitInfo().Decimals
}

// NormalizeName folds an indicator name or alias, or a row label read from
// a sheet, to the form they are compared in: surrounding spaces trimmed and
// full-width letters, digits and signs made half-width ("ＧＤＰ（亿元）" and
// "GDP(亿元)" are the same label). Validate uses it to keep labels unique;
// the matcher must use it too.
func NormalizeName(s string) string {
	return width.Narrow.String(strings.TrimSpace(s))
}
