package extract

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// r builds a row from cell texts in column order: "" is an empty cell,
// "#123" a number cell, anything else a text cell.
func r(num int, cells ...string) sheets.Row {
	row := sheets.Row{Num: num}
	for j, s := range cells {
		c := sheets.Cell{Ref: sheets.CellName(j, num)}
		switch {
		case s == "":
		case strings.HasPrefix(s, "#"):
			c.Kind, c.Raw = sheets.CellNumber, s[1:]
		default:
			c.Kind, c.Raw = sheets.CellText, s
		}
		row.Cells = append(row.Cells, c)
	}
	return row
}

// testCatalogue is the fixtures' catalogue with the indicators these tests
// need added.
func testCatalogue(t *testing.T) *config.Config {
	t.Helper()
	cfg := loadTestConfig(t)
	cfg.Indicators = append(cfg.Indicators,
		config.Indicator{ID: "edu.spend", Name: "教育支出", Unit: "万元", Owner: "edu", Periods: []string{"2023", "2024"}},
		config.Indicator{ID: "pay.per_student", Name: "生均经费", Unit: "元", Owner: "edu", Range: []float64{1000, 100000}},
		config.Indicator{ID: "rate.retention", Name: "巩固率", Unit: "%", Owner: "edu", Range: []float64{90, 100}},
		config.Indicator{ID: "rate.growth", Name: "增长率", Unit: "%", Owner: "edu", Range: []float64{-50, 50}},
		config.Indicator{ID: "kg.public", Name: "公办园", Unit: "所", Owner: "edu"},
		config.Indicator{ID: "kg.under3", Name: "3岁以下幼儿数", Unit: "人", Owner: "edu"},
	)
	return cfg
}

// run extracts sheets through the streaming interface, as the sync does.
func run(t *testing.T, cfg *config.Config, dept *config.Department, shs ...sheets.Sheet) ([]sheaf.Observation, []sheaf.Finding, []sheaf.SheetOutcome) {
	t.Helper()
	return NewExtractor(cfg, dept).ExtractOutcomes(shs)
}

// obsLine writes an observation as tests compare it:
// "Sheet!C9 edu.spend@2024 = 70001/0 raw 70001".
func obsLine(o sheaf.Observation) string {
	v := "blank"
	if o.HasValue {
		v = strconv.FormatFloat(o.Value, 'f', -1, 64) + "/" + strconv.Itoa(o.Decimals)
	}
	s := fmt.Sprintf("%s!%s %s@%s = %s raw %s", o.Sheet, o.Cell, o.Indicator, o.Period, v, o.Raw)
	if o.HiddenRow {
		s += " hidden-row"
	}
	if o.Fraction {
		s += " fraction"
	}
	return s
}

// findingLine writes a finding's identity: "kind severity Sheet!Cell ind@period".
func findingLine(f sheaf.Finding) string {
	return fmt.Sprintf("%s %s %s!%s %s@%s", f.Kind, f.Severity, f.Sheet, f.Cell, f.Indicator, f.Period)
}

func assertObs(t *testing.T, obs []sheaf.Observation, want ...string) {
	t.Helper()
	var got []string
	for _, o := range obs {
		got = append(got, obsLine(o))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("observations:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

// assertFindings checks the findings' identities in order, and that each
// message holds the given substrings (want[i] is "identity|sub|sub").
func assertFindings(t *testing.T, fs []sheaf.Finding, want ...string) {
	t.Helper()
	if len(fs) != len(want) {
		t.Errorf("%d findings, want %d", len(fs), len(want))
	}
	for i, f := range fs {
		if i >= len(want) {
			t.Errorf("unexpected finding %s: %s", findingLine(f), f.Message)
			continue
		}
		parts := strings.Split(want[i], "|")
		if findingLine(f) != parts[0] {
			t.Errorf("finding %d = %s (%s), want %s", i, findingLine(f), f.Message, parts[0])
			continue
		}
		for _, sub := range parts[1:] {
			if !strings.Contains(f.Message, sub) {
				t.Errorf("finding %s message %q lacks %q", parts[0], f.Message, sub)
			}
		}
	}
	for i := len(fs); i < len(want); i++ {
		t.Errorf("missing finding %s", want[i])
	}
}

func assertOutcomes(t *testing.T, got []sheaf.SheetOutcome, want ...string) {
	t.Helper()
	var lines []string
	for _, o := range got {
		lines = append(lines, fmt.Sprintf("%s %s %d", o.Sheet, o.Outcome, o.Rows))
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("outcomes:\n\t%s\nwant:\n\t%s", strings.Join(lines, "\n\t"), strings.Join(want, "\n\t"))
	}
}
