package config

import (
	"slices"
	"strings"
)

// Unit is a unit of measure an indicator can be expressed in.
type Unit struct {
	Name string
	// Dimension groups units that convert into one another: 元, 万元 and 亿元
	// all measure 元; 人 and 名 both measure 人. Units of different
	// dimensions never convert: counting units of different things (所, 家,
	// 个, 张, 天, 岁) each have their own, and so do %, ‰ and 1/10万.
	Dimension string
	// Factor converts to the dimension's base unit: 万元 is 10000 元.
	Factor float64
	// Decimals is how many decimals a figure in this unit is shown with
	// unless the indicator says otherwise.
	Decimals int
	// fixed marks a unit no 万, 亿 or 千 may stand before: a percentage, a
	// score, a ratio, a rate per 100,000.
	fixed bool
}

// Ratio is the unit of a ratio written "1:4.1"; its value is the second term
// per one of the first (4.1).
const Ratio = "ratio"

// builtinUnits is the built-in list: the default catalogue of units, which
// a configuration's units section extends or redefines. Dimensions are
// named after their base unit, so `measures: 人` joins 人 and 名.
var builtinUnits = []Unit{
	{Name: "所", Dimension: "所", Factor: 1},
	{Name: "家", Dimension: "家", Factor: 1},
	{Name: "个", Dimension: "个", Factor: 1},
	{Name: "项", Dimension: "项", Factor: 1},
	{Name: "次", Dimension: "次", Factor: 1},
	{Name: "张", Dimension: "张", Factor: 1},
	{Name: "台", Dimension: "台", Factor: 1},
	{Name: "件", Dimension: "件", Factor: 1},
	{Name: "辆", Dimension: "辆", Factor: 1},
	{Name: "户", Dimension: "户", Factor: 1},
	{Name: "间", Dimension: "间", Factor: 1},
	{Name: "班", Dimension: "班", Factor: 1},
	{Name: "天", Dimension: "天", Factor: 1},
	{Name: "岁", Dimension: "岁", Factor: 1, Decimals: 1},
	{Name: "人", Dimension: "人", Factor: 1},
	{Name: "名", Dimension: "人", Factor: 1},
	{Name: "人次", Dimension: "人次", Factor: 1},
	{Name: "套", Dimension: "套", Factor: 1},
	{Name: "处", Dimension: "处", Factor: 1},
	{Name: "册", Dimension: "册", Factor: 1},
	{Name: "元", Dimension: "元", Factor: 1, Decimals: 2},
	{Name: "万元", Dimension: "元", Factor: 1e4, Decimals: 2},
	{Name: "亿元", Dimension: "元", Factor: 1e8, Decimals: 2},
	{Name: "%", Dimension: "%", Factor: 1, Decimals: 2, fixed: true},
	{Name: "‰", Dimension: "‰", Factor: 1, Decimals: 2, fixed: true},
	{Name: "‱", Dimension: "‱", Factor: 1, Decimals: 2, fixed: true},
	{Name: "1/10万", Dimension: "1/10万", Factor: 1, Decimals: 2, fixed: true},
	{Name: "百分点", Dimension: "百分点", Factor: 1, Decimals: 2, fixed: true},
	{Name: "分", Dimension: "分", Factor: 1, Decimals: 1, fixed: true},
	{Name: "平方米", Dimension: "平方米", Factor: 1, Decimals: 2},
	{Name: "公顷", Dimension: "平方米", Factor: 1e4, Decimals: 2},
	{Name: "平方公里", Dimension: "平方米", Factor: 1e6, Decimals: 2},
	{Name: "米", Dimension: "米", Factor: 1, Decimals: 2},
	{Name: "公里", Dimension: "米", Factor: 1e3, Decimals: 2},
	{Name: "克", Dimension: "克", Factor: 1, Decimals: 2},
	{Name: "公斤", Dimension: "克", Factor: 1e3, Decimals: 2},
	{Name: "吨", Dimension: "克", Factor: 1e6, Decimals: 2},
	{Name: Ratio, Dimension: Ratio, Factor: 1, Decimals: 1, fixed: true},
}

// builtinAliases maps other ways of writing a built-in unit to its name.
var builtinAliases = map[string]string{
	"％":        "%",
	"个百分点":     "百分点",
	"m2":       "平方米",
	"m²":       "平方米",
	"㎡":        "平方米",
	"km2":      "平方公里",
	"km²":      "平方公里",
	"比":        Ratio,
	"比例":       Ratio,
	"人民币元":     "元",
	"位":        "名",
	"kg":       "公斤",
	"km":       "公里",
	"/10万":     "1/10万",
	"1/十万":     "1/10万",
	"/十万":      "1/10万",
	"1/100000": "1/10万",
	"/100000":  "1/10万",
	"每10万":     "1/10万",
	"每十万":      "1/10万",
	"1/万":      "‱",
	"/万":       "‱",
	"1/1000":   "‰",
	"/1000":    "‰",
}

// dimensionWords are words a units entry may give as what it measures,
// for the built-in dimensions that are not named by their base unit's name
// alone.
var dimensionWords = map[string]string{
	"人数": "人", "金额": "元", "面积": "平方米", "长度": "米", "重量": "克", "天数": "天", "年龄": "岁",
}

// unitPrefixes are the number words that may stand before any known unit
// (万人, 亿元, 千克, 万人次), longest first so "万亿元" is not read as 万
// before "亿元".
var unitPrefixes = []struct {
	word   string
	factor float64
}{
	{"万亿", 1e12}, {"千万", 1e7}, {"百万", 1e6}, {"十万", 1e5}, {"亿", 1e8}, {"万", 1e4}, {"千", 1e3},
}

// Units is a catalogue of units: the built-in list, extended and redefined
// by a configuration's units section. A unit not listed is still known
// when it is a listed unit with 万, 亿 or 千 before it (万人 is 10000 人) or
// a rate of two known units (元/人, 万元/人). The zero value and nil are
// the built-in list.
type Units struct {
	// byKey maps a unit's name and aliases, in NormalizeName form, to it.
	byKey map[string]Unit
	names []string
}

// builtin is the catalogue of the built-in list; it is never changed.
var builtin = newUnits(builtinUnits, builtinAliases)

func newUnits(list []Unit, aliases map[string]string) *Units {
	u := &Units{byKey: make(map[string]Unit, len(list)+len(aliases))}
	for _, x := range list {
		u.put(x, nil)
	}
	for a, name := range aliases {
		u.byKey[NormalizeName(a)] = u.byKey[NormalizeName(name)]
	}
	return u
}

// put adds or replaces x under its name and aliases.
func (u *Units) put(x Unit, aliases []string) {
	k := NormalizeName(strings.TrimSpace(x.Name))
	if _, ok := u.byKey[k]; !ok {
		u.names = append(u.names, x.Name)
	}
	u.byKey[k] = x
	for _, a := range aliases {
		if a = NormalizeName(strings.TrimSpace(a)); a != "" {
			u.byKey[a] = x
		}
	}
}

// BuiltinUnits is the built-in catalogue of units.
func BuiltinUnits() *Units { return builtin }

// UnitSpec is one entry of the configuration's units section: a unit the
// built-in list does not have, or a new definition of one it has.
type UnitSpec struct {
	// Name is how the unit is written: "万人次", "床".
	Name string `yaml:"name"`
	// Measures is the dimension the unit measures: a dimension's name or
	// a known unit whose dimension it shares ("人", "元", "面积"). Units of
	// different dimensions never convert into one another. With Base it
	// may be left out.
	Measures string `yaml:"measures"`
	// Base is a known unit this one is a multiple of; Factor is then how
	// many Base one of this unit is ({name: 万人次, base: 人次, factor:
	// 10000}).
	Base string `yaml:"base"`
	// Factor converts to Base, or to the dimension's base unit when Base is
	// not given; default 1.
	Factor *float64 `yaml:"factor"`
	// Decimals is how many decimals a figure in this unit is shown with;
	// default the base unit's, or 0.
	Decimals *int `yaml:"decimals"`
	// Aliases are other ways departments write the unit.
	Aliases []string `yaml:"aliases"`
}

// NewUnits builds the catalogue of the built-in list with specs applied
// in order; an entry may use the units defined before it. An entry that
// cannot be resolved (Validate reports it) is left out.
func NewUnits(specs []UnitSpec) *Units {
	if len(specs) == 0 {
		return builtin
	}
	u := &Units{byKey: make(map[string]Unit, len(builtin.byKey)+len(specs)), names: slices.Clone(builtin.names)}
	for k, x := range builtin.byKey {
		u.byKey[k] = x
	}
	for _, s := range specs {
		if x, err := u.resolve(s); err == "" {
			u.put(x, s.Aliases)
		}
	}
	return u
}

// resolve turns an entry into a unit against the units known so far, or
// says why it cannot.
func (u *Units) resolve(s UnitSpec) (Unit, string) {
	name := strings.TrimSpace(s.Name)
	if name == "" {
		return Unit{}, "is required"
	}
	x := Unit{Name: name, Factor: 1}
	if s.Factor != nil {
		if !(*s.Factor > 0) || *s.Factor > 1e15 {
			return Unit{}, "factor must be a number above 0"
		}
		x.Factor = *s.Factor
	}
	switch {
	case strings.TrimSpace(s.Base) != "":
		b, ok := u.Lookup(s.Base)
		if !ok {
			return Unit{}, "base is not a known unit"
		}
		if NormalizeName(b.Name) == NormalizeName(name) && s.Factor != nil && *s.Factor != 1 {
			return Unit{}, "base is the unit itself"
		}
		x.Dimension, x.Factor, x.Decimals, x.fixed = b.Dimension, x.Factor*b.Factor, b.Decimals, b.fixed
		if m := strings.TrimSpace(s.Measures); m != "" && u.dimension(m) != b.Dimension {
			return Unit{}, "measures differs from what base measures"
		}
	case strings.TrimSpace(s.Measures) != "":
		x.Dimension = u.dimension(strings.TrimSpace(s.Measures))
	default:
		return Unit{}, "needs measures or base"
	}
	if s.Decimals != nil {
		x.Decimals = *s.Decimals
	}
	return x, ""
}

// dimension is the dimension m names: a known unit's dimension, a built-in
// dimension's word, or m itself, a new dimension.
func (u *Units) dimension(m string) string {
	if x, ok := u.Lookup(m); ok {
		return x.Dimension
	}
	if d, ok := dimensionWords[m]; ok {
		return d
	}
	return m
}

// Lookup finds a unit by its name or an alias, tolerating full-width
// characters and spaces, or derives it: a known unit with 万, 亿 or 千
// before it, or a rate of two known units ("元/人").
func (u *Units) Lookup(name string) (Unit, bool) {
	if u == nil || u.byKey == nil {
		u = builtin
	}
	n := NormalizeName(strings.TrimSpace(name))
	if n == "" {
		return Unit{}, false
	}
	if x, ok := u.byKey[n]; ok {
		return x, true
	}
	if x, ok := u.scaled(n); ok {
		return x, true
	}
	num, den, ok := strings.Cut(n, "/")
	if !ok || strings.Contains(den, "/") {
		return Unit{}, false
	}
	a, ok := u.single(num)
	if !ok || a.Name == Ratio {
		return Unit{}, false
	}
	b, ok := u.single(den)
	if !ok || b.fixed {
		return Unit{}, false
	}
	return Unit{Name: a.Name + "/" + b.Name, Dimension: a.Dimension + "/" + b.Dimension,
		Factor: a.Factor / b.Factor, Decimals: max(a.Decimals, 2), fixed: true}, true
}

// single finds a listed or prefixed unit, not a rate.
func (u *Units) single(n string) (Unit, bool) {
	if x, ok := u.byKey[n]; ok {
		return x, true
	}
	return u.scaled(n)
}

// scaled reads a listed unit with a number word before it: 万人, 千克.
func (u *Units) scaled(n string) (Unit, bool) {
	for _, p := range unitPrefixes {
		rest, ok := strings.CutPrefix(n, p.word)
		if !ok || rest == "" {
			continue
		}
		b, ok := u.byKey[rest]
		if !ok || b.fixed {
			continue
		}
		return Unit{Name: p.word + b.Name, Dimension: b.Dimension, Factor: p.factor * b.Factor,
			Decimals: max(b.Decimals, 2)}, true
	}
	return Unit{}, false
}

// Names lists the listed units (not aliases or derived ones), for error
// messages and documentation.
func (u *Units) Names() []string {
	if u == nil || u.byKey == nil {
		u = builtin
	}
	return slices.Clone(u.names)
}

// LookupUnit finds a unit of the built-in catalogue by its name or a
// common alias, or derives it (万人, 元/人); see Units.Lookup. Where a
// configuration is at hand, its UnitCatalogue knows its units too.
func LookupUnit(name string) (Unit, bool) {
	return builtin.Lookup(name)
}

// UnitNames lists the built-in units, for error messages and documentation.
func UnitNames() []string {
	return builtin.Names()
}

// After writes a value with the unit after it, as people read it:
// "3.2/10万" (not "3.21/10万") for a rate per 100,000, "4.1比值" for a
// ratio, "96.5%" for the rest.
func (u Unit) After(v string) string {
	if per, ok := strings.CutPrefix(u.Name, "1/"); ok {
		return v + "/" + per
	}
	return v + u.Word()
}

// Word is how the unit is named in a sentence for people: its name, or
// "比值" for a ratio.
func (u Unit) Word() string {
	if u.Name == Ratio {
		return "比值"
	}
	return u.Name
}
