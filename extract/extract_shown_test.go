package extract

import (
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
)

// TestFindingRawIsShown: a flag quotes what the cell shows, as its
// observation does, not the binary digits a formula stored: 48.29 for a
// 0.00 format, 48.28584608 for General.
func TestFindingRawIsShown(t *testing.T) {
	cfg := testCatalogue(t)
	formula := func(num int, fixed bool) sheets.Row {
		row := r(num, "巩固率", "")
		row.Cells[1] = sheets.Cell{Ref: sheets.CellName(1, num), Kind: sheets.CellNumber, Raw: "48.2858460774226", Formula: "C2/D2*100", Fixed: fixed, Decimals: 2}
		return row
	}
	obs, fs, _ := run(t, cfg, nil, sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "表"}, Rows: []sheets.Row{
		r(1, "指标名称", "数值"),
		formula(2, true),
		formula(3, false),
	}})
	assertObs(t, obs,
		"表!B2 rate.retention@2024 = 48.29/2 raw 48.29",
		"表!B3 rate.retention@2024 = 48.28584608/8 raw 48.28584608",
	)
	assertFindings(t, fs,
		"range warning 表!B2 rate.retention@2024|巩固率（2024年）为 48.29%，超出合理范围（90–100%）",
		"range warning 表!B3 rate.retention@2024|48.28584608%",
	)
	for i, want := range []string{"48.29", "48.28584608"} {
		if len(fs) > i && fs[i].Raw != want {
			t.Errorf("finding %d raw = %q, want %q (what the cell shows)", i, fs[i].Raw, want)
		}
	}

}
