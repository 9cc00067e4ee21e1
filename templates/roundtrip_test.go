package templates_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
	"github.com/sheaf-dev/sheaf/templates"
)

const example = "../examples/shangzhi-2024"

// exampleCopy copies the bundled example into a temporary folder, without
// its departments' files (keepInbox false) and without its database, and
// loads the copy's configuration.
func exampleCopy(t *testing.T, keepInbox bool) *config.Config {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(example)); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(dir, "data"))
	if !keepInbox {
		os.RemoveAll(filepath.Join(dir, "inbox"))
	}
	cfg, err := config.Load(filepath.Join(dir, "sheaf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Every department's folder exists, empty or not: a missing folder is
	// a flag of its own.
	for _, d := range cfg.Departments {
		if err := os.MkdirAll(cfg.Path(d.Sources[0].Dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return cfg
}

// syncConfig syncs cfg as the daemon would, an hour from now so that
// every file has settled, and returns the database and the report.
func syncConfig(t *testing.T, cfg *config.Config) (*storage.DB, *jobs.SyncReport) {
	t.Helper()
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := &jobs.Syncer{Config: cfg, DB: db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
	rep, err := s.Sync(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return db, rep
}

// fillValue is the value a test writes for a template's i-th line: inside
// the indicator's range when it has one, with as many decimals as the
// indicator is shown with, different for every line and from any value
// of last cycle.
func fillValue(l templates.Line, ind *config.Indicator, i int) float64 {
	d := ind.ShownDecimals()
	var v float64
	if rg := ind.Range; len(rg) == 2 {
		v = rg[0] + (rg[1]-rg[0])*(0.3+0.1*float64(i%5))
	} else {
		v = float64(100 + 13*i)
		switch {
		case d >= 2:
			v += 0.25
		case d == 1:
			v += 0.5
		}
	}
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// generate writes every department's template into a fresh folder.
func generate(t *testing.T, w *templates.Writer) []templates.Template {
	t.Helper()
	dir := t.TempDir()
	var out []templates.Template
	for i := range w.Config.Departments {
		d := &w.Config.Departments[i]
		plan, err := w.Plan(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Lines) == 0 {
			continue
		}
		tmpl, err := w.Write(dir, d, false)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tmpl)
	}
	return out
}

// fill writes the values into each template's value cells with excelize
// (blank for keys in skip), saving the filled workbook into dir, and
// returns the values by "indicator@period".
func fill(t *testing.T, cfg *config.Config, tmpls []templates.Template, dir string, skip map[string]bool) map[string]float64 {
	t.Helper()
	want := map[string]float64{}
	n := 0
	for _, tm := range tmpls {
		f, err := excelize.OpenFile(tm.File)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range tm.Lines {
			ind, _ := cfg.Indicator(l.Indicator)
			key := l.Indicator + "@" + l.Period
			if skip[key] {
				continue
			}
			v := fillValue(l, ind, n)
			n++
			want[key] = v
			if err := f.SetCellFloat(tm.Sheet, l.Cell, v, -1, 64); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := f.SaveAs(filepath.Join(dir, filepath.Base(tm.File))); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return want
}

// deliver copies each filled workbook from dir into its department's
// folder of cfg, and returns each file's path as sheaf names it.
func deliver(t *testing.T, cfg *config.Config, tmpls []templates.Template, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, tm := range tmpls {
		d, _ := cfg.Department(tm.Department)
		src := cfg.Path(d.Sources[0].Dir)
		if err := os.MkdirAll(src, 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.Base(tm.File)))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(src, filepath.Base(tm.File))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(cfg.Dir, p)
		files[tm.Department] = filepath.ToSlash(rel)
	}
	return files
}

// libreOffice converts every .xlsx in from into to, as LibreOffice Calc
// writes it; the test is skipped where soffice is not installed.
func libreOffice(t *testing.T, from, to string) {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) is not installed: the round trip through a workbook as LibreOffice writes it is not tested")
	}
	files, _ := filepath.Glob(filepath.Join(from, "*.xlsx"))
	profile := "-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "profile"))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{profile, "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", to}, files...)
	if out, err := exec.CommandContext(ctx, soffice, args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(to, filepath.Base(f))); err != nil {
			t.Fatalf("LibreOffice did not convert %s: %v", filepath.Base(f), err)
		}
	}
}

// checkRoundTrip asserts that every value filled arrived exactly, for its
// period, from its department's template, with status ok, and that no
// flag is open other than those in allowed ("kind indicator@period").
func checkRoundTrip(t *testing.T, db *storage.DB, rep *jobs.SyncReport, tmpls []templates.Template, files map[string]string, want map[string]float64, allowed map[string]bool) {
	t.Helper()
	if rep.Failed != 0 || rep.Read != len(tmpls) {
		t.Fatalf("read %d files of %d, %d failed: %+v", rep.Read, len(tmpls), rep.Failed, rep.Problems)
	}
	figs, err := db.Figures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sheaf.Figure{}
	for _, f := range figs {
		got[f.Indicator+"@"+f.Period] = f
	}
	for _, tm := range tmpls {
		for _, l := range tm.Lines {
			key := l.Indicator + "@" + l.Period
			f, ok := got[key]
			v, filled := want[key]
			switch {
			case !ok:
				t.Errorf("%s: no figure", key)
			case !filled:
				if f.HasValue {
					t.Errorf("%s was left blank, but has the value %v from %s!%s (raw %q)", key, f.Value, f.Sheet, f.Cell, f.Raw)
				}
			case !f.HasValue || f.Value != v || f.Period != l.Period:
				t.Errorf("%s = %v (has value %v) for period %s, want %v for %s", key, f.Value, f.HasValue, f.Period, v, l.Period)
			case f.Status != sheaf.StatusOK:
				t.Errorf("%s has status %s %v, want ok", key, f.Status, f.Statuses)
			case f.Department != tm.Department || f.File != files[tm.Department] || f.Sheet != tm.Sheet || f.Cell != l.Cell:
				t.Errorf("%s from %s %s!%s of %s, want %s %s!%s of %s", key, f.File, f.Sheet, f.Cell, f.Department, files[tm.Department], tm.Sheet, l.Cell, tm.Department)
			}
		}
	}
	flags, err := db.Flags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range flags {
		if f.State != sheaf.FlagOpen {
			continue
		}
		key := fmt.Sprintf("%s %s@%s", f.Kind, f.Indicator, f.Period)
		seen[key] = true
		if !allowed[key] {
			t.Errorf("open flag %s: %s %+v", key, f.Message, f.Evidence)
		}
	}
	for key := range allowed {
		if !seen[key] {
			t.Errorf("no open flag %s", key)
		}
	}
}

// TestRoundTrip generates the example's templates, fills every value cell,
// syncs them from the departments' folders and finds every figure exact,
// for its period, with no flag: once as excelize writes the filled
// workbooks, once as LibreOffice does.
func TestRoundTrip(t *testing.T) {
	for _, via := range []string{"excelize", "libreoffice"} {
		t.Run(via, func(t *testing.T) {
			cfg := exampleCopy(t, false)
			// The rules would flag arbitrary values; this is about reading.
			cfg.Rules = nil
			tmpls := generate(t, &templates.Writer{Config: cfg})
			owners := map[string]bool{}
			for _, ind := range cfg.Indicators {
				owners[ind.Owner] = true
			}
			if len(tmpls) != len(owners) || len(owners) >= len(cfg.Departments) {
				t.Fatalf("%d templates, want %d (every department that owns an indicator; stats owns none)", len(tmpls), len(owners))
			}
			filled := filepath.Join(t.TempDir(), "filled")
			want := fill(t, cfg, tmpls, filled, nil)
			if via == "libreoffice" {
				converted := filepath.Join(t.TempDir(), "converted")
				libreOffice(t, filled, converted)
				filled = converted
			}
			files := deliver(t, cfg, tmpls, filled)
			db, rep := syncConfig(t, cfg)
			checkRoundTrip(t, db, rep, tmpls, files, want, nil)
			slots := 0
			for i := range cfg.Indicators {
				slots += len(cfg.Periods(&cfg.Indicators[i]))
			}
			if len(want) != slots {
				t.Errorf("%d values filled, want %d (one per indicator and period of the catalogue)", len(want), slots)
			}
		})
	}
}

// TestRoundTripWithPrevious: last cycle's figures in the 上期数值 column,
// right of the value column, are never read as this cycle's values. A
// value left blank beside a previous figure stays missing (a careless
// reader would take the figure beside it), and every filled value differs
// from the previous one beside it.
func TestRoundTripWithPrevious(t *testing.T) {
	prevPath := previousDB(t)
	prev, err := templates.LoadPrevious(context.Background(), prevPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, via := range []string{"excelize", "libreoffice"} {
		t.Run(via, func(t *testing.T) {
			cfg := exampleCopy(t, false)
			cfg.Rules = nil
			tmpls := generate(t, &templates.Writer{Config: cfg, Previous: prev})
			// The example has two figures of 2022 for lines of 2023, and
			// 发改局's year columns give 2022 and 2023 for lines of 2023
			// and 2024.
			wantPrev := map[string]float64{"fund.edu_spend@2023": 68211, "health.myopia_rate@2023": 50.32,
				"econ.gdp@2023": 186.3, "econ.gdp@2024": 195.2, "econ.revenue@2023": 91234, "econ.revenue@2024": 95876,
				"econ.population@2023": 520011, "econ.population@2024": 515632}
			for _, tm := range tmpls {
				if !tm.WithPrevious {
					t.Errorf("%s: no 上期数值 column", tm.Department)
				}
				for _, l := range tm.Lines {
					key := l.Indicator + "@" + l.Period
					p, ok := wantPrev[key]
					switch {
					case ok && (l.Previous == nil || *l.Previous != p || l.PreviousPeriod != yearBefore(l.Period)):
						t.Errorf("%s: previous %v for %s, want %v for the period before", key, l.Previous, l.PreviousPeriod, p)
					case !ok && l.Previous != nil:
						t.Errorf("%s: previous %v for %s, want none", key, *l.Previous, l.PreviousPeriod)
					}
				}
			}
			// fund.edu_spend 2023 beside last cycle's 2022 figure, 68211,
			// left blank; health.myopia_rate 2023 filled beside 50.32.
			blank := map[string]bool{"fund.edu_spend@2023": true}
			filled := filepath.Join(t.TempDir(), "filled")
			want := fill(t, cfg, tmpls, filled, blank)
			if via == "libreoffice" {
				converted := filepath.Join(t.TempDir(), "converted")
				libreOffice(t, filled, converted)
				filled = converted
			}
			// The file read still has last cycle's figure beside the blank.
			for _, tm := range tmpls {
				if tm.Department != "finance" {
					continue
				}
				f, err := excelize.OpenFile(filepath.Join(filled, filepath.Base(tm.File)))
				if err != nil {
					t.Fatal(err)
				}
				row := line(t, tm, "fund.edu_spend@2023").Cell[1:]
				prev, _ := f.GetCellValue(tm.Sheet, tm.Column(templates.HeaderPrevious)+row)
				value, _ := f.GetCellValue(tm.Sheet, tm.Column(templates.HeaderValue)+row)
				f.Close()
				if prev != "68211" || value != "" {
					t.Fatalf("filled finance workbook: 上期数值 %q, 数值 %q; want 68211 beside a blank", prev, value)
				}
			}
			files := deliver(t, cfg, tmpls, filled)
			db, rep := syncConfig(t, cfg)
			checkRoundTrip(t, db, rep, tmpls, files, want, map[string]bool{"missing fund.edu_spend@2023": true})
			for _, tm := range tmpls {
				for _, l := range tm.Lines {
					if l.Previous != nil && want[l.Indicator+"@"+l.Period] == *l.Previous {
						t.Errorf("%s@%s: the filled value equals the previous one; the test proves nothing", l.Indicator, l.Period)
					}
				}
			}
		})
	}
}

// previousDB syncs the bundled example as it is (the seed report's
// figures) and returns its database's path, closed: a previous cycle's
// database.
func previousDB(t *testing.T) string {
	t.Helper()
	cfg := exampleCopy(t, true)
	db, _ := syncConfig(t, cfg)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return cfg.DBPath()
}

// TestRoundTripShapes: quarters, a ratio, a percentage, a department whose
// extraction.sheets names the sheet to read, and deadlines for some
// departments only, all read back exactly.
func TestRoundTripShapes(t *testing.T) {
	dir := t.TempDir()
	yaml := `cycle: {name: 2024年二季度统计, period: "2024Q2", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 0s}
departments:
  - {id: edu, name: 教育局, sources: [{dir: inbox/edu}], extraction: {sheets: [汇总]}}
  - {id: health, name: 卫健局, sources: [{dir: inbox/health}]}
indicators:
  - {id: special.ratio, name: 特殊教育学校师生比, unit: ratio, owner: edu, required: true, note: 教师:学生}
  - {id: myopia, name: 近视率, unit: "%", owner: health, range: [10, 90], periods: ["2024Q1", "2024Q2"]}
  - {id: examined, name: 体检学生数, unit: 人, owner: health}
  - {id: spend, name: 教育支出, unit: 万元, owner: edu, periods: ["2023Q4", "2024Q1"]}
deadlines:
  - {name: 季报, due: "2024-07-10", departments: [health]}
  - {name: 全年, due: "2024-07-05 12:00"}
`
	if err := os.WriteFile(filepath.Join(dir, "sheaf.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, "sheaf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tmpls := generate(t, &templates.Writer{Config: cfg})
	if len(tmpls) != 2 || tmpls[0].Sheet != "汇总" || tmpls[1].Sheet != templates.DataSheet {
		t.Fatalf("templates %+v", tmpls)
	}
	var dues []string
	for _, d := range tmpls[1].Deadlines {
		dues = append(dues, d.Name+" "+d.Shown)
	}
	if got := fmt.Sprint(dues); got != "[全年 2024年7月5日 12:00 季报 2024年7月10日]" || len(tmpls[0].Deadlines) != 1 {
		t.Errorf("deadlines %s, %+v", got, tmpls[0].Deadlines)
	}
	f, err := excelize.OpenFile(tmpls[0].File)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("汇总")
	f.Close()
	if got := fmt.Sprint(rows[2][:3], rows[2][4]); got != "[special.ratio 特殊教育学校师生比 2024年第2季度]比" {
		t.Errorf("first row %s", got)
	}
	filled := filepath.Join(t.TempDir(), "filled")
	want := fill(t, cfg, tmpls, filled, nil)
	files := deliver(t, cfg, tmpls, filled)
	db, rep := syncConfig(t, cfg)
	checkRoundTrip(t, db, rep, tmpls, files, want, nil)
	if len(want) != 6 {
		t.Errorf("%d values", len(want))
	}
}

// yearBefore is the year before an annual period: "2024" → "2023".
func yearBefore(p string) string {
	y, err := strconv.Atoi(p)
	if err != nil {
		return ""
	}
	return strconv.Itoa(y - 1)
}
