package extract

import (
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestUnrecognisedRowGuess: a row outside the catalogue names the indicator
// it most likely is and the command that adopts its label; a row like no
// indicator is listed as before.
func TestUnrecognisedRowGuess(t *testing.T) {
	cfg := testCatalogue(t)
	book := []sheets.Sheet{{SheetInfo: sheets.SheetInfo{Name: "快报"}, Rows: []sheets.Row{
		r(1, "指标名称", "年度", "数值", "单位"),
		r(2, "学校总数", "#2024", "#44", "所"),
		r(3, "其中：公办幼儿园", "#2024", "#12", "所"),
		r(4, "填报说明备注栏", "#2024", "#7", ""),
	}}}
	_, fs, _ := run(t, cfg, nil, book...)
	assertFindings(t, fs,
		"unrecognised_row info 快报!A3 kg.public@2024|「其中：公办幼儿园」行（快报!A3）可能是公办园",
		"unknown info ! @|2 行不在指标目录中|快报!A3 其中：公办幼儿园（可能是 kg.public「公办园」，确认后运行 sheaf alias add kg.public \"公办幼儿园\"）|快报!A4 填报说明备注栏",
	)
	if len(fs) == 2 && strings.Contains(fs[1].Message, "填报说明备注栏（可能是") {
		t.Errorf("a row like no indicator got a guess: %s", fs[1].Message)
	}
}

// TestGuessTieBreakers: between equally similar indicators the one whose
// unit agrees with the row's wins.
func TestGuessTieBreakers(t *testing.T) {
	cfg := &config.Config{Cycle: config.Cycle{Period: "2024"}, Indicators: []config.Indicator{
		{ID: "hospital.staff", Name: "医院人", Unit: "人"},
		{ID: "hospital.total", Name: "医院数", Unit: "个"},
		{ID: "hospital.beds", Name: "医院床位", Unit: "张", Periods: []string{"2023"}},
		{ID: "hospital.beds_now", Name: "医院床位", Unit: "张"},
	}}
	e := NewExtractor(cfg, nil)
	for _, tc := range []struct{ name, label, unit, period, want string }{
		{"unit decides", "其中：医院", "个", "", "hospital.total"},
		{"other unit", "其中：医院", "名", "", "hospital.staff"},
		{"period decides", "医院床位数", "", "2024", "hospital.beds_now"},
		{"nothing alike", "填表人", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := &UnrecognisedRow{Label: tc.label, Unit: tc.unit, Period: tc.period}
			got := ""
			if ind := e.guess(u); ind != nil {
				got = ind.ID
			}
			if got != tc.want {
				t.Errorf("guess(%q) = %q, want %q", tc.label, got, tc.want)
			}
		})
	}
	if s := similarity("医院", "医院数"); s < 0.79 || s > 0.81 {
		t.Errorf("similarity(医院, 医院数) = %v, want 0.8", s)
	}
}
