package config

import (
	"math"
	"testing"
)

func TestUnitsLookup(t *testing.T) {
	tests := []struct {
		name, unit    string
		wantName, dim string
		factor        float64
		decimals      int
		unknown       bool
	}{
		{name: "listed", unit: "所", wantName: "所", dim: "所", factor: 1},
		{name: "alias", unit: "位", wantName: "名", dim: "人", factor: 1},
		{name: "full width", unit: "％", wantName: "%", dim: "%", factor: 1, decimals: 2},
		{name: "万 before a counting unit", unit: "万人", wantName: "万人", dim: "人", factor: 1e4, decimals: 2},
		{name: "万 before 人次", unit: "万人次", wantName: "万人次", dim: "人次", factor: 1e4, decimals: 2},
		{name: "千 before 元", unit: "千元", wantName: "千元", dim: "元", factor: 1e3, decimals: 2},
		{name: "千克", unit: "千克", wantName: "千克", dim: "克", factor: 1e3, decimals: 2},
		{name: "万亿 is one word", unit: "万亿元", wantName: "万亿元", dim: "元", factor: 1e12, decimals: 2},
		{name: "listed 亿元", unit: "亿元", wantName: "亿元", dim: "元", factor: 1e8, decimals: 2},
		{name: "spaces", unit: " 万 人 ", wantName: "万人", dim: "人", factor: 1e4, decimals: 2},
		{name: "per thousand", unit: "‰", wantName: "‰", dim: "‰", factor: 1, decimals: 2},
		{name: "per 100,000", unit: "1/10万", wantName: "1/10万", dim: "1/10万", factor: 1, decimals: 2},
		{name: "per 100,000 without the 1", unit: "/10万", wantName: "1/10万", dim: "1/10万", factor: 1, decimals: 2},
		{name: "rate", unit: "元/人", wantName: "元/人", dim: "元/人", factor: 1, decimals: 2},
		{name: "scaled rate", unit: "万元/人", wantName: "万元/人", dim: "元/人", factor: 1e4, decimals: 2},
		{name: "rate per 万人", unit: "元/万人", wantName: "元/万人", dim: "元/人", factor: 1e-4, decimals: 2},
		{name: "no 万 before %", unit: "万%", unknown: true},
		{name: "no 千 before 分", unit: "千分", unknown: true},
		{name: "a number word alone", unit: "万", unknown: true},
		{name: "unknown", unit: "所数", unknown: true},
		{name: "not a rate", unit: "男/女", unknown: true},
		{name: "no rate of a ratio", unit: "ratio/人", unknown: true},
		{name: "empty", unit: " ", unknown: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, ok := LookupUnit(tt.unit)
			if tt.unknown {
				if ok {
					t.Fatalf("LookupUnit(%q) = %+v, want unknown", tt.unit, u)
				}
				return
			}
			if !ok {
				t.Fatalf("LookupUnit(%q) unknown", tt.unit)
			}
			if u.Name != tt.wantName || u.Dimension != tt.dim || math.Abs(u.Factor/tt.factor-1) > 1e-12 || u.Decimals != tt.decimals {
				t.Errorf("LookupUnit(%q) = %+v, want %s, %s, %g, %d decimals", tt.unit, u, tt.wantName, tt.dim, tt.factor, tt.decimals)
			}
		})
	}
}

// TestCountingUnitsNeverConvert: each counting unit, and each kind of
// fraction, is a kind of its own, so no value written in one is taken for
// an indicator in another.
func TestCountingUnitsNeverConvert(t *testing.T) {
	apart := []string{"所", "家", "个", "张", "天", "岁", "项", "次", "人", "人次", "%", "‰", "‱", "1/10万", "百分点", "元", "元/人"}
	for i, a := range apart {
		ua, _ := LookupUnit(a)
		for _, b := range apart[i+1:] {
			if ub, _ := LookupUnit(b); ua.Dimension == ub.Dimension {
				t.Errorf("%s and %s are both %q: they would convert into one another", a, b, ua.Dimension)
			}
		}
	}
}

func f64(v float64) *float64 { return &v }
func intp(v int) *int        { return &v }

func TestNewUnits(t *testing.T) {
	units := NewUnits([]UnitSpec{
		{Name: "床", Measures: "床", Aliases: []string{"张床位"}},
		{Name: "亩", Measures: "面积", Factor: f64(666.67)},
		{Name: "万床", Base: "床", Factor: f64(1e4), Decimals: intp(1)},
		{Name: "‰", Base: "%", Factor: f64(0.1), Decimals: intp(1)},
		{Name: "学生", Measures: "人"},
		{Name: "万人", Base: "人", Factor: f64(1e4), Decimals: intp(4)}, // redefines a derived unit's decimals
		{Name: "坏", Base: "没有"},                                      // left out: Validate reports it
	})
	tests := []struct {
		unit, dim string
		factor    float64
		decimals  int
	}{
		{"床", "床", 1, 0},
		{"张床位", "床", 1, 0},
		{"万床", "床", 1e4, 1},
		{"千床", "床", 1e3, 2}, // derived from a configured unit
		{"亩", "平方米", 666.67, 0},
		{"‰", "%", 0.1, 1},
		{"学生", "人", 1, 0},
		{"万人", "人", 1e4, 4},
		{"元/床", "元/床", 1, 2},
		{"所", "所", 1, 0}, // the built-in list stays
	}
	for _, tt := range tests {
		u, ok := units.Lookup(tt.unit)
		if !ok || u.Dimension != tt.dim || math.Abs(u.Factor/tt.factor-1) > 1e-12 || u.Decimals != tt.decimals {
			t.Errorf("Lookup(%q) = %+v, %v; want %s, %g, %d decimals", tt.unit, u, ok, tt.dim, tt.factor, tt.decimals)
		}
	}
	if u, ok := units.Lookup("坏"); ok {
		t.Errorf("Lookup(坏) = %+v, want unknown", u)
	}
	// The built-in list itself is not changed.
	if u, _ := LookupUnit("‰"); u.Dimension != "‰" {
		t.Errorf("built-in ‰ changed to %+v", u)
	}
	if _, ok := LookupUnit("床"); ok {
		t.Error("built-in list gained 床")
	}
}

func TestLoadUnits(t *testing.T) {
	path := writeConfig(t, withBase(`
units:
  - {name: 万人次, base: 人次, factor: 10000}
  - {name: 床, measures: 床, decimals: 0}
indicators:
  - id: visits
    name: 接待人次
    unit: 万人次
    owner: edu
  - id: beds
    name: 床位数
    unit: 床
    owner: edu
  - id: spend
    name: 生均经费
    unit: 元/人
    owner: edu
  - id: incidence
    name: 发病率
    unit: 1/10万
    owner: edu
`))
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]struct {
		dim      string
		decimals int
	}{"visits": {"人次", 0}, "beds": {"床", 0}, "spend": {"元/人", 2}, "incidence": {"1/10万", 2}} {
		ind, _ := c.Indicator(id)
		if u := ind.UnitInfo(); u.Dimension != want.dim || ind.ShownDecimals() != want.decimals {
			t.Errorf("%s: unit %+v, shown decimals %d; want %s, %d", id, u, ind.ShownDecimals(), want.dim, want.decimals)
		}
	}
}

func TestLoadUnitsReportsEachProblem(t *testing.T) {
	src := withBase(`
units:
  - {name: 万人次, base: 人次, factor: 10000}
  - name: 床
    measures: 床
  - base: 人    # ← units[2].name
  - name: 万人次    # ← units[3].name
    base: 人次
  - name: 亩
    measures: 面积
    factor: 0    # ← units[4].factor
  - name: 株    # ← units[5].measures
  - name: 千床
    base: 床位    # ← units[6].base
  - name: 名额
    base: 人
    measures: 元    # ← units[7].measures
  - name: 10人    # ← units[8].name
    base: 人
    factor: 10
  - name: 人头
    measures: 人
    decimals: 9    # ← units[9].decimals
    aliases: [床]    # ← units[9].aliases[0]
indicators:
  - id: schools.total
    name: 各级各类学校总数
    unit: 床位    # ← indicators[0].unit
    owner: edu
`)
	path := writeConfig(t, src)
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	checkErrors(t, err, path, src, []want{
		{"units[2].name", "is required"},
		{"units[3].name", `"万人次" is already a unit name or alias at units[0].name, line 2`},
		{"units[4].factor", "0 must be a number above 0"},
		{"units[5].measures", "is required unless base is given"},
		{"units[6].base", `"床位" is not a known unit (known: 所,`},
		{"units[7].measures", `"元" is not what base 人 measures (人)`},
		{"units[8].name", `"10人" must not hold a number`},
		{"units[9].decimals", "9 is out of range (0 to 6)"},
		{"units[9].aliases[0]", `"床" is already a unit name or alias at units[1].name, line 3`},
		{"indicators[0].unit", `"床位" is not a known unit`},
	})
}

func TestUnitAfter(t *testing.T) {
	for unit, want := range map[string]string{"1/10万": "3.2/10万", "‰": "3.2‰", "元/人": "3.2元/人", "万人": "3.2万人", Ratio: "3.2比值"} {
		u, _ := LookupUnit(unit)
		if got := u.After("3.2"); got != want {
			t.Errorf("%s: After(3.2) = %q, want %q", unit, got, want)
		}
	}
}
