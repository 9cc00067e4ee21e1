package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Form maps one figure of a form sheet (label / value pairs, "学校总数 | 44")
// that is not found by its indicator's name alone. It is found by Label
// (the value to the right of the label, or below it), by Sheet and Cell,
// or by both: the label then says where a moved value went.
type Form struct {
	// Indicator is the id of the figure the value is.
	Indicator string `yaml:"indicator"`
	// Label is the label as the department writes it: "其中：小学".
	Label string `yaml:"label"`
	// Sheet is the sheet's name, a glob (default: any sheet).
	Sheet string `yaml:"sheet"`
	// Cell is the value's cell, "D7"; it needs Sheet.
	Cell string `yaml:"cell"`
}

// List is a department's table of one row per school or project, from
// which figures are derived by sum, count and count where over its
// columns.
type List struct {
	// Sheet is the sheet's name, a glob (default: any sheet).
	Sheet string `yaml:"sheet"`
	// Key is the column naming each row (学校名称); a row with a blank key
	// is not a list row.
	Key string `yaml:"key"`
	// Figures are the figures derived from the list.
	Figures []ListFigure `yaml:"figures"`
}

// ListFigure is one figure derived from a list.
type ListFigure struct {
	// Indicator is the id of the figure derived.
	Indicator string `yaml:"indicator"`
	// Derive is how: "count", "sum(教职工数)", "count where 学校类型 = 小学",
	// "sum(在校生数) where 学校类型 = 小学 and 办学性质 != 民办".
	Derive string `yaml:"derive"`
}

// Derivation is a ListFigure's Derive parsed.
type Derivation struct {
	// Sum is the summed column; "" for a count.
	Sum string
	// Where are the conditions a row must meet, all of them.
	Where []Condition
}

// Condition is one "column = value" (or "!=") of a derivation's where.
type Condition struct {
	Column, Value string
	Not           bool
}

// Columns are the columns a derivation reads.
func (d Derivation) Columns() []string {
	var cols []string
	if d.Sum != "" {
		cols = append(cols, d.Sum)
	}
	for _, c := range d.Where {
		if !slices.Contains(cols, c.Column) {
			cols = append(cols, c.Column)
		}
	}
	return cols
}

var (
	deriveSumRe   = regexp.MustCompile(`^sum\s*[(（]\s*(.+?)\s*[)）]$`)
	deriveCountRe = regexp.MustCompile(`^count(?:\s*[(（]\s*[)）])?$`)
	// whereSplitRe splits the conditions at "and" between spaces, or 且.
	whereSplitRe = regexp.MustCompile(`\s+and\s+|\s*且\s*`)
	conditionRe  = regexp.MustCompile(`^(.+?)\s*(!=|≠|＝|=)\s*(.+)$`)
)

// ParseDerive parses a list figure's derive: "count", "sum(column)",
// either followed by "where column = value [and column != value …]".
func ParseDerive(s string) (Derivation, error) {
	var d Derivation
	s = strings.TrimSpace(s)
	head, where, hasWhere := strings.Cut(s, " where ")
	head = strings.TrimSpace(head)
	switch {
	case deriveCountRe.MatchString(head):
	case deriveSumRe.MatchString(head):
		d.Sum = deriveSumRe.FindStringSubmatch(head)[1]
	default:
		return d, fmt.Errorf("%q is not count, sum(column), or either with where column = value", s)
	}
	if !hasWhere {
		return d, nil
	}
	for _, part := range whereSplitRe.Split(strings.TrimSpace(where), -1) {
		m := conditionRe.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return d, fmt.Errorf("%q: condition %q is not column = value or column != value", s, part)
		}
		d.Where = append(d.Where, Condition{Column: strings.TrimSpace(m[1]), Value: trimQuotes(strings.TrimSpace(m[3])),
			Not: m[2] == "!=" || m[2] == "≠"})
	}
	return d, nil
}

// trimQuotes removes the quotes around a condition's value ("'小学'").
func trimQuotes(s string) string {
	for _, q := range []string{`"`, `'`, "“", "‘", "「"} {
		closing := map[string]string{`"`: `"`, `'`: `'`, "“": "”", "‘": "’", "「": "」"}[q]
		if strings.HasPrefix(s, q) && strings.HasSuffix(s, closing) && len(s) >= len(q)+len(closing) {
			return s[len(q) : len(s)-len(closing)]
		}
	}
	return s
}

var cellRefRe = regexp.MustCompile(`^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$`)

// ParseCell reads a cell reference, "D7", into a zero-based column and a
// one-based row.
func ParseCell(ref string) (col, row int, ok bool) {
	m := cellRefRe.FindStringSubmatch(strings.TrimSpace(ref))
	if m == nil {
		return 0, 0, false
	}
	for _, r := range strings.ToUpper(m[1]) {
		col = col*26 + int(r-'A') + 1
	}
	row, _ = strconv.Atoi(m[2])
	return col - 1, row, true
}

// layouts checks a department's forms and lists.
func (v *validator) layouts(key string, d Department) {
	// Looked up through the catalogue's index: a map of every id built per
	// department cost 500 × 20,000 for a prefecture's catalogue.
	indicator := func(k, id string) {
		_, known := v.c.Indicator(id)
		switch {
		case blank(id):
			v.add(k, "is required, the id of the figure")
		case !known:
			v.add(k, "%q is not an indicator id", id)
		}
	}
	for i, f := range d.Forms {
		fk := fmt.Sprintf("%s.forms[%d]", key, i)
		indicator(fk+".indicator", f.Indicator)
		if blank(f.Label) && blank(f.Cell) {
			v.add(fk, "needs a label, a cell (with its sheet), or both")
		}
		if f.Sheet != "" {
			v.glob(fk+".sheet", f.Sheet)
		}
		if !blank(f.Cell) {
			if _, _, ok := ParseCell(f.Cell); !ok {
				v.add(fk+".cell", "%q is not a cell (write a column and a row, e.g. D7)", f.Cell)
			}
			if blank(f.Sheet) {
				v.add(fk+".sheet", "is required with cell: the sheet the cell is on")
			}
		}
	}
	for i, l := range d.Lists {
		lk := fmt.Sprintf("%s.lists[%d]", key, i)
		if blank(l.Key) {
			v.add(lk+".key", "is required, the column naming each row (学校名称)")
		}
		if l.Sheet != "" {
			v.glob(lk+".sheet", l.Sheet)
		}
		if len(l.Figures) == 0 {
			v.add(lk+".figures", "is required, the figures derived from the list")
		}
		for j, f := range l.Figures {
			fk := fmt.Sprintf("%s.figures[%d]", lk, j)
			indicator(fk+".indicator", f.Indicator)
			if blank(f.Derive) {
				v.add(fk+".derive", "is required: count, sum(column), or either with where column = value")
			} else if _, err := ParseDerive(f.Derive); err != nil {
				v.add(fk+".derive", "%v", err)
			}
		}
	}
}
