package config

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// index builds the id lookups of indicators and departments.
func (c *Config) index() {
	c.indicatorAt = make(map[string]int, len(c.Indicators))
	for i := range c.Indicators {
		if _, dup := c.indicatorAt[c.Indicators[i].ID]; !dup {
			c.indicatorAt[c.Indicators[i].ID] = i
		}
	}
	c.departmentAt = make(map[string]int, len(c.Departments))
	for i := range c.Departments {
		if _, dup := c.departmentAt[c.Departments[i].ID]; !dup {
			c.departmentAt[c.Departments[i].ID] = i
		}
	}
	c.units = NewUnits(c.Units)
	for i := range c.Indicators {
		c.Indicators[i].unit, _ = c.units.Lookup(c.Indicators[i].Unit)
	}
}

// UnitCatalogue is the catalogue of units of this configuration: the
// built-in list with the units section applied.
func (c *Config) UnitCatalogue() *Units {
	if c.units != nil {
		return c.units
	}
	// A Config built in code, not indexed.
	return NewUnits(c.Units)
}

// Department finds a department by id.
func (c *Config) Department(id string) (*Department, bool) {
	if i, ok := c.departmentAt[id]; ok && i < len(c.Departments) && c.Departments[i].ID == id {
		return &c.Departments[i], true
	}
	// Not indexed (a Config built or changed in code): search in order.
	for i := range c.Departments {
		if c.Departments[i].ID == id {
			return &c.Departments[i], true
		}
	}
	return nil, false
}

// Indicator finds an indicator by id.
func (c *Config) Indicator(id string) (*Indicator, bool) {
	if i, ok := c.indicatorAt[id]; ok && i < len(c.Indicators) && c.Indicators[i].ID == id {
		return &c.Indicators[i], true
	}
	// Not indexed (a Config built or changed in code, or an id that is
	// not in the catalogue): search in order.
	for i := range c.Indicators {
		if c.Indicators[i].ID == id {
			return &c.Indicators[i], true
		}
	}
	return nil, false
}

// RequiredByDefault lists the ids of the indicators that are required only
// because they have an owner (they do not say required: true or false).
func (c *Config) RequiredByDefault() []string {
	var ids []string
	for _, ind := range c.Indicators {
		if ind.RequiredByDefault {
			ids = append(ids, ind.ID)
		}
	}
	return ids
}

// Periods are the periods ind is collected for: its declared periods, or
// the cycle's period when it declares none.
func (c *Config) Periods(ind *Indicator) []string {
	if len(ind.Periods) > 0 {
		return ind.Periods
	}
	return []string{c.Cycle.Period}
}

// DefaultPeriod is the period a figure of ind is read for when none is
// named (a row without a period, a rule's v("id"), the draft's fig "id"):
// its only declared period, else the cycle's.
func (c *Config) DefaultPeriod(ind *Indicator) string {
	if len(ind.Periods) == 1 {
		return ind.Periods[0]
	}
	return c.Cycle.Period
}

// UnitInfo is the indicator's unit, as the configuration's units define it.
// It is the zero Unit when the unit is not known, which Validate does not
// let through.
func (i Indicator) UnitInfo() Unit {
	if i.unit.Factor > 0 && i.unit.Name != "" {
		return i.unit
	}
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

// NormalizeName folds an indicator name or alias to the form labels are
// compared in: full-width letters, digits and signs made half-width, the
// look-alikes Chinese input methods type for ASCII signs (∶ − ﹪) made ASCII,
// every space and invisible character dropped, and ASCII letters made lower
// case. "ＧＤＰ（亿元）", " gdp(亿元)" and "GDP (亿元)" are one label.
//
// Validate uses it to keep every label in the catalogue unique. It must
// make equal at least the labels the sheet reader matches as equal
// (extract.Fold), or two indicators could claim one row.
func NormalizeName(s string) string {
	if !needsNormalizing(s) {
		// Most labels (Chinese names, lower-case ids) are already in
		// normal form: folding 20,000 of them must not cost 40,000 copies.
		return s
	}
	return normalizeName(s)
}

// needsNormalizing reports whether normalizeName could change s: it has an
// upper-case ASCII letter, a space of any kind, a character width.Narrow
// changes (U+2190–U+3164 and U+FF01–U+FFE6: full-width forms, CJK
// punctuation, kana) or one of the look-alikes normalizeName maps.
func needsNormalizing(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' || c == ' ' || '\t' <= c && c <= '\r' {
				return true
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError || unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\ufe6a' ||
			'\u2190' <= r && r <= '\u3164' || '\uff01' <= r && r <= '\uffe6' {
			return true
		}
		i += size - 1
	}
	return false
}

func normalizeName(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			continue // zero-width space and BOM come with text pasted from Word
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case r == '\u2236': // RATIO, typed for ":" in "1∶4"
			r = ':'
		case r == '\u2212': // MINUS SIGN
			r = '-'
		case r == '\ufe6a': // SMALL PERCENT SIGN
			r = '%'
		}
		b.WriteRune(r)
	}
	return b.String()
}
