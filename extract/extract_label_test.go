package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// TestLabelMarks: numbering, bullets and 其中 before a name do not keep a
// row from its indicator; a careless reader lists 其中：公办园 as unknown
// and the figure as not sent.
func TestLabelMarks(t *testing.T) {
	cfg := testCatalogue(t)
	e := NewExtractor(cfg, nil)
	tests := []struct {
		label, want string
	}{
		{"公办园", "kg.public"},
		{"其中：公办园", "kg.public"},
		{"其中:公办园", "kg.public"},
		{"其中 公办园", "kg.public"},
		{"　　公办园", "kg.public"},
		{"1.1 公办园", "kg.public"},
		{"1.1公办园", "kg.public"},
		{"2.1.3、公办园", "kg.public"},
		{"（1）公办园", "kg.public"},
		{"(一) 公办园", "kg.public"},
		{"一、公办园", "kg.public"},
		{"1、公办园", "kg.public"},
		{"▲公办园", "kg.public"},
		{"● 公办园", "kg.public"},
		{"其中：1.公办园", "kg.public"},
		{"其中：（1）公办园（所）", "kg.public"},
		// The digits of a name are kept: no mark follows them.
		{"3岁以下幼儿数", "kg.under3"},
		{"（一）3岁以下幼儿数", "kg.under3"},
		{"其中：3岁以下幼儿数", "kg.under3"},
		{"3岁以下", ""},
		{"其中:", ""},
		{"民办园", ""},
	}
	for _, tc := range tests {
		got := ""
		if ind := e.indicator(nil, "", tc.label); ind != nil {
			got = ind.ID
		}
		if got != tc.want {
			t.Errorf("%q matched %q, want %q", tc.label, got, tc.want)
		}
	}
	if s := stripLabel("3岁以下幼儿数"); s != "3岁以下幼儿数" {
		t.Errorf("stripLabel ate a name's digits: %q", s)
	}
	if s := stripLabel("2024年在校生数"); s != "2024年在校生数" {
		t.Errorf("stripLabel ate a year: %q", s)
	}
}

// TestLabelOnlyRowIsNoFigure: "其中:" alone is a section line, neither a
// figure nor an unknown row.
func TestLabelOnlyRowIsNoFigure(t *testing.T) {
	cfg := testCatalogue(t)
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值"),
		r(2, "其中:", ""),
		r(3, "　　其中：公办园", "#12"),
	}}
	obs, fs, _ := run(t, cfg, nil, sh)
	assertObs(t, obs, "S!B3 kg.public@2024 = 12/0 raw 12")
	assertFindings(t, fs)
}
