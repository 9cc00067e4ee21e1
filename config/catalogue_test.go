package config

import "testing"

func TestLookups(t *testing.T) {
	c, err := Load("testdata/sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := c.Department("finance"); !ok || d.Name != "市财政局" {
		t.Errorf("Department(finance) = %+v, %v", d, ok)
	}
	if d, ok := c.Department("health"); ok || d != nil {
		t.Errorf("Department(health) = %+v, %v; want not found", d, ok)
	}
	ind, ok := c.Indicator("schools.total")
	if !ok || ind.Name != "各级各类学校总数" {
		t.Fatalf("Indicator(schools.total) = %+v, %v", ind, ok)
	}
	ind.Note = "changed"
	if c.Indicators[0].Note != "changed" {
		t.Error("Indicator returned a copy, want a pointer into the catalogue")
	}
	if _, ok := c.Indicator("schools"); ok {
		t.Error("Indicator(schools) found, want not found")
	}
}

func TestShownDecimals(t *testing.T) {
	two, zero := 2, 0
	tests := []struct {
		name     string
		ind      Indicator
		unit     string
		decimals int
	}{
		{"count unit", Indicator{Unit: "所"}, "所", 0},
		{"money unit", Indicator{Unit: "万元"}, "万元", 2},
		{"alias of a unit", Indicator{Unit: "％"}, "%", 2},
		{"own decimals", Indicator{Unit: "人", Decimals: &two}, "人", 2},
		{"own zero decimals", Indicator{Unit: "万元", Decimals: &zero}, "万元", 0},
		{"unknown unit", Indicator{Unit: "斤"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ind.UnitInfo().Name; got != tt.unit {
				t.Errorf("UnitInfo().Name = %q, want %q", got, tt.unit)
			}
			if got := tt.ind.ShownDecimals(); got != tt.decimals {
				t.Errorf("ShownDecimals() = %d, want %d", got, tt.decimals)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"各级各类学校总数", "各级各类学校总数"},
		{"  学校数\t", "学校数"},
		{"\u3000学校 总数\u3000", "学校总数"}, // ideographic spaces, and a space inside
		{"学校\u200b总数", "学校总数"},        // zero-width space
		{"ＧＤＰ（亿元）", "gdp(亿元)"},
		{"GDP (亿元)", "gdp(亿元)"},
		{"生均经费１２３", "生均经费123"},
		{"生师比1∶3.1", "生师比1:3.1"},
		{"增长率﹪", "增长率%"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
