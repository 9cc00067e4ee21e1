package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestNormalizeShownPrecision: a number cell's value is what its format
// shows. A formula shown as 48.29 is stored as 48.2858460774226; taken
// with 13 decimals, round(a/b*100, 2) == v("x") fails for good figures.
func TestNormalizeShownPrecision(t *testing.T) {
	fixed := func(raw string, d int) sheets.Cell {
		return sheets.Cell{Kind: sheets.CellNumber, Raw: raw, Fixed: true, Decimals: d}
	}
	general := func(raw string) sheets.Cell { return sheets.Cell{Kind: sheets.CellNumber, Raw: raw} }
	pct := func(raw string, d int) sheets.Cell {
		return sheets.Cell{Kind: sheets.CellNumber, Raw: raw, Percent: true, Fixed: true, Decimals: d}
	}
	tests := []struct {
		name     string
		cell     sheets.Cell
		target   string
		value    float64
		decimals int
		shown    string
	}{
		{"0.00 format", fixed("48.2858460774226", 2), "%", 48.29, 2, "48.29"},
		{"0.00 on an integer", fixed("36614", 2), "人", 36614, 2, "36614.00"},
		{"0 format", fixed("36614.4", 0), "人", 36614, 0, "36614"},
		// 2.345 is 2.34499999… in binary: math.Round(v*100)/100 gives 2.34.
		{"half away from zero", fixed("2.345", 2), "万元", 2.35, 2, "2.35"},
		{"negative half away from zero", fixed("-2.345", 2), "万元", -2.35, 2, "-2.35"},
		{"0.0% format", pct("0.10834", 1), "%", 10.8, 1, "10.8%"},
		{"0% format", pct("0.9675", 0), "%", 97, 0, "97%"},
		{"General: 11 characters", general("48.2858460774226"), "%", 48.28584608, 8, "48.28584608"},
		{"General: sign counts", general("-48.2858460774226"), "万元", -48.2858461, 7, "-48.2858461"},
		{"General: sum noise", general("0.30000000000000004"), "万元", 0.3, 1, "0.3"},
		{"General: small", general("0.123456789012"), "万元", 0.123456789, 9, "0.123456789"},
		{"General: 11 digits", general("12345678901.5"), "元", 12345678902, 0, "12345678902"},
		{"General: large integer kept", general("123456789012345"), "元", 123456789012345, 0, "123456789012345"},
		{"General: as typed", general("97987.6"), "元", 97987.6, 1, "97987.6"},
		{"grouped", sheets.Cell{Kind: sheets.CellNumber, Raw: "1234567", Fixed: true, Grouped: true}, "人", 1234567, 0, "1,234,567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := config.LookupUnit(tt.target)
			got, err := normalize(nil, tt.cell, unitHints{}, u)
			if err != nil {
				t.Fatal(err)
			}
			if got.Value != tt.value || got.Decimals != tt.decimals || !got.HasValue {
				t.Errorf("Normalize(%q) = %v/%d, want %v/%d", tt.cell.Raw, got.Value, got.Decimals, tt.value, tt.decimals)
			}
			if s := shownText(tt.cell); s != tt.shown {
				t.Errorf("shown %q, want %q", s, tt.shown)
			}
		})
	}
}

// TestObservationRawIsWhatTheCellShows: Raw keeps the displayed text of a
// number cell, and the typed text of a text cell.
func TestObservationRawIsWhatTheCellShows(t *testing.T) {
	cfg := testCatalogue(t)
	row := r(2, "巩固率", "#0.96754")
	row.Cells[1].Percent, row.Cells[1].Fixed, row.Cells[1].Decimals = true, true, 2
	formula := r(3, "生均经费", "#17500.4444444")
	formula.Cells[1].Fixed, formula.Cells[1].Formula = true, "A1/B1"
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值"),
		row,
		formula,
		r(4, "在校生数", " 36,614 人"),
	}}
	obs, _, _ := run(t, cfg, nil, sh)
	assertObs(t, obs,
		"S!B2 rate.retention@2024 = 96.75/2 raw 96.75%",
		"S!B3 pay.per_student@2024 = 17500/0 raw 17500",
		"S!B4 students.total@2024 = 36614/0 raw  36,614 人",
	)
}
