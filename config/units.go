package config

import "strings"

// Unit is a unit of measure an indicator can be expressed in.
type Unit struct {
	Name string
	// Dimension groups units that convert into one another: 元, 万元 and 亿元
	// are all "money"; 人 and 名 are both "persons". Units of different
	// dimensions never convert.
	Dimension string
	// Factor converts to the dimension's base unit: 万元 is 10000 元.
	Factor float64
	// Decimals is how many decimals a figure in this unit is shown with
	// unless the indicator says otherwise.
	Decimals int
}

// Ratio is the unit of a ratio written "1:4.1"; its value is the second term
// per one of the first (4.1).
const Ratio = "ratio"

var units = []Unit{
	{"所", "schools", 1, 0},
	{"个", "count", 1, 0},
	{"项", "items", 1, 0},
	{"次", "times", 1, 0},
	{"人", "persons", 1, 0},
	{"名", "persons", 1, 0},
	{"人次", "person-times", 1, 0},
	{"套", "sets", 1, 0},
	{"处", "places", 1, 0},
	{"册", "volumes", 1, 0},
	{"元", "money", 1, 2},
	{"万元", "money", 1e4, 2},
	{"亿元", "money", 1e8, 2},
	{"%", "percent", 1, 2},
	{"百分点", "points", 1, 2},
	{"分", "score", 1, 1},
	{"平方米", "area", 1, 2},
	{Ratio, "ratio", 1, 1},
}

// unitAliases maps other ways of writing a unit to its name.
var unitAliases = map[string]string{
	"％":    "%",
	"个百分点": "百分点",
	"m2":   "平方米",
	"m²":   "平方米",
	"㎡":    "平方米",
	"比":    Ratio,
	"比例":   Ratio,
	"人民币元": "元",
	"位":    "名",
}

// LookupUnit finds a unit by its name or a common alias.
func LookupUnit(name string) (Unit, bool) {
	name = strings.TrimSpace(name)
	if a, ok := unitAliases[name]; ok {
		name = a
	}
	for _, u := range units {
		if u.Name == name {
			return u, true
		}
	}
	return Unit{}, false
}

// UnitNames lists the known units, for error messages and documentation.
func UnitNames() []string {
	names := make([]string, len(units))
	for i, u := range units {
		names[i] = u.Name
	}
	return names
}

// Word is how the unit is named in a sentence for people: its name, or
// "比值" for a ratio.
func (u Unit) Word() string {
	if u.Name == Ratio {
		return "比值"
	}
	return u.Name
}
