package templates

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
)

// Template is what was (or is to be) written for one department: its
// file, the deadlines in its title and one line per value cell.
type Template struct {
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	// File is the path written; empty before the template is written.
	File      string `json:"file"`
	Sheet     string `json:"sheet"`
	Deadlines []Due  `json:"deadlines"`
	Lines     []Line `json:"lines"`
	// WithPrevious says the template has a 上期数值 column.
	WithPrevious bool `json:"with_previous"`
}

// Due is a deadline that applies to a department, as its title says it.
type Due struct {
	Name string `json:"name"`
	Due  string `json:"due"`
	// Shown is how the title writes it: "2025年1月15日 17:00".
	Shown string `json:"shown"`
	at    time.Time
}

// Line is one row of a template: an indicator and a period the department
// reports, and the cell its value goes in.
type Line struct {
	Indicator string `json:"indicator"`
	Name      string `json:"name"`
	Period    string `json:"period"`
	Unit      string `json:"unit"`
	Required  bool   `json:"required"`
	// Cell is the value cell on Template.Sheet: "D3".
	Cell string `json:"cell"`
	// Previous is the preceding period's figure from last cycle's
	// database, written in the 上期数值 column; nil when there is none.
	Previous *float64 `json:"previous"`
	// PreviousPeriod is the period Previous is for.
	PreviousPeriod string `json:"previous_period,omitempty"`

	ind      *config.Indicator
	decimals int
}

// Writer writes departments' templates from a configuration.
type Writer struct {
	Config *config.Config
	// Previous is last cycle's figures; nil writes no 上期数值 column.
	Previous Previous
}

// DataSheet and InstructionsSheet are the names of a template's sheets
// (the data sheet's unless extraction.sheets reads no sheet of that name;
// see Template.Sheet).
const (
	DataSheet         = "填报表"
	InstructionsSheet = "说明"
)

// Plan is the template of a department, not yet written: its lines in
// catalogue order (periods in the order the indicator declares them) and
// the deadlines that apply to it, earliest first.
func (w *Writer) Plan(dept *config.Department) (Template, error) {
	cfg := w.Config
	sheet, err := dataSheet(cfg, dept)
	if err != nil {
		return Template{}, err
	}
	t := Template{Department: dept.ID, DepartmentName: dept.Name, Sheet: sheet, WithPrevious: w.Previous != nil}
	if t.DepartmentName == "" {
		t.DepartmentName = dept.ID
	}
	var owned []string
	for i := range cfg.Indicators {
		ind := &cfg.Indicators[i]
		if ind.Owner != dept.ID {
			continue
		}
		owned = append(owned, ind.ID)
		for _, p := range cfg.Periods(ind) {
			ln := Line{Indicator: ind.ID, Name: ind.Name, Period: p, Unit: ind.Unit, Required: ind.Required,
				Cell: fmt.Sprintf("%s%d", colValue, firstDataRow+len(t.Lines)), ind: ind}
			if w.Previous != nil {
				ln.PreviousPeriod = precedingPeriod(p)
				if f, ok := w.Previous[ind.ID+"@"+ln.PreviousPeriod]; ok {
					v := f.Value
					ln.Previous, ln.decimals = &v, f.Decimals
				}
			}
			t.Lines = append(t.Lines, ln)
		}
	}
	for _, dl := range cfg.Deadlines {
		if len(dl.Departments) > 0 && !slices.Contains(dl.Departments, dept.ID) {
			continue
		}
		if len(dl.Indicators) > 0 && !slices.ContainsFunc(dl.Indicators, func(id string) bool { return slices.Contains(owned, id) }) {
			continue
		}
		at, err := dl.DueTime(cfg.Cycle.Location)
		if err != nil {
			return Template{}, fmt.Errorf("deadline %q: %w", dl.Name, err)
		}
		shown := fmt.Sprintf("%d年%d月%d日", at.Year(), int(at.Month()), at.Day())
		if strings.Contains(strings.TrimSpace(dl.Due), " ") {
			shown += at.Format(" 15:04")
		}
		t.Deadlines = append(t.Deadlines, Due{Name: dl.Name, Due: dl.Due, Shown: shown, at: at})
	}
	sort.SliceStable(t.Deadlines, func(i, j int) bool { return t.Deadlines[i].at.Before(t.Deadlines[j].at) })
	return t, nil
}

// dataSheet is the name of a department's data sheet: DataSheet, unless
// extraction.sheets (the department's or the global list) would not read
// a sheet of that name; then the first name written there without
// wildcards.
func dataSheet(cfg *config.Config, dept *config.Department) (string, error) {
	globs := append(slices.Clip(dept.Extraction.Sheets), cfg.Extraction.Sheets...)
	if len(globs) == 0 {
		return DataSheet, nil
	}
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, DataSheet); ok {
			return DataSheet, nil
		}
	}
	for _, g := range globs {
		if g != InstructionsSheet && g != "" && len([]rune(g)) <= 31 && !strings.ContainsAny(g, `*?[]{}\/:`) {
			return g, nil
		}
	}
	return "", fmt.Errorf("department %s: extraction.sheets (%s) reads no sheet named %s and names no sheet without wildcards to write the figures in",
		dept.ID, strings.Join(globs, ", "), DataSheet)
}

// precedingPeriod is the period before p: the year before a year, the
// quarter before a quarter; "" for a period not in normal form.
func precedingPeriod(p string) string {
	y, q, ok := sheaf.ParsePeriod(p)
	_, _, months := sheaf.PeriodMonths(p)
	switch {
	case !ok:
		return ""
	case months:
		// January to November is compared with last year's January to
		// November, never with a whole year.
		return fmt.Sprintf("%04d%s", y-1, p[4:])
	case q == 0:
		return fmt.Sprint(y - 1)
	case q == 1:
		return fmt.Sprintf("%dQ4", y-1)
	default:
		return fmt.Sprintf("%dQ%d", y, q-1)
	}
}

// FileName is the name of a department's template: its name and the
// cycle's, "市教育局_2024年度履行教育职责自评.xlsx", with characters no file
// system takes replaced.
func FileName(cfg *config.Config, dept *config.Department) string {
	name := dept.Name
	if name == "" {
		name = dept.ID
	}
	if cfg.Cycle.Name != "" {
		name += "_" + cfg.Cycle.Name
	}
	clean := strings.Map(func(r rune) rune {
		if r < 0x20 || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	return clean + ".xlsx"
}
