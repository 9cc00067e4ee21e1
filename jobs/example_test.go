package jobs

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// exampleCopy copies the bundled example into a fresh folder without its
// database (and without the folders named in clear), loads its config and
// opens a new database, closed when the test ends.
func exampleCopy(t *testing.T, clear ...string) (dir string, cfg *config.Config, db *storage.DB) {
	t.Helper()
	dir = t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../examples/shangzhi-2024")); err != nil {
		t.Fatal(err)
	}
	for _, d := range append([]string{"data"}, clear...) {
		os.RemoveAll(filepath.Join(dir, d))
	}
	cfg, err := config.Load(filepath.Join(dir, "sheaf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if db, err = storage.Open(context.Background(), cfg.DBPath()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return dir, cfg, db
}

// TestBundledExample syncs the bundled example (a copy of it) and checks the
// seed report's figures arrive exactly, with nothing unreadable.
func TestBundledExample(t *testing.T) {
	dir, cfg, db := exampleCopy(t)
	s := &Syncer{Config: cfg, DB: db, Now: func() time.Time { return time.Now().Add(time.Hour) }}
	rep, err := s.Sync(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 0 || rep.Read != len(cfg.Departments) {
		t.Fatalf("read %d failed %d: %+v", rep.Read, rep.Failed, rep.Problems)
	}
	// Exactly the flags the example's README lists under "Every flag the
	// demo shows": no conflict, version, unit, range, invalid, unknown or
	// file flag.
	wantFlags := map[string]int{"approximate": 1, "missing": 3, "rule": 3}
	for kind, n := range rep.FlagsOpen {
		if n != wantFlags[kind] {
			t.Errorf("%d open %s flags in the example, want %d", n, kind, wantFlags[kind])
		}
	}
	for kind, n := range wantFlags {
		if rep.FlagsOpen[kind] != n {
			t.Errorf("%d open %s flags in the example, want %d", rep.FlagsOpen[kind], kind, n)
		}
	}
	figs, err := db.Figures(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sheaf.Figure{}
	for _, f := range figs {
		got[f.Indicator+"@"+f.Period] = f
	}
	// Figures as the seed report states them (../shared/domain).
	want := map[string]float64{
		"schools.total@2024":      44,
		"staff.total@2024":        4141,
		"students.total@2024":     36614,
		"kg.total@2024":           58,
		"kg.children@2024":        4862,
		"fund.edu_spend@2022":     68211,
		"fund.edu_spend@2023":     68258,
		"fund.spent_q2@2024":      27216.8,
		"fund.progress_rate@2024": 48.29,
		"fund.match_total@2024":   2587.8,
		"pay.teacher_avg@2024":    97987.6,
		"pay.civil_avg@2024":      73597.3,
		"health.myopia_rate@2022": 50.32,
		"health.myopia_rate@2023": 48.87,
		"health.examined@2023":    36000,
		"special.ratio@2024":      4.1,
		"safety.guards@2024":      211,
	}
	for key, v := range want {
		f, ok := got[key]
		if !ok {
			t.Errorf("no figure %s", key)
			continue
		}
		if !f.HasValue || f.Value != v {
			t.Errorf("%s = %v (%s), want %v", key, f.Value, f.Status, v)
		}
	}
	if s := got["health.examined@2023"].Status; s != sheaf.StatusApproximate {
		t.Errorf("3.6万余 has status %s, want approximate", s)
	}
	if s := got["fund.per_pupil_spend@2022"].Status; s != sheaf.StatusMissing {
		t.Errorf("per-pupil spending (not in the seed) has status %s, want missing", s)
	}

	// Rules fail only where the seed's own figures disagree (README.md of
	// the example lists them); rules over figures it does not give wait.
	results, err := db.RuleResults(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	states := map[string][]string{}
	for _, r := range results {
		states[r.State] = append(states[r.State], r.Rule)
	}
	sort.Strings(states["fail"])
	sort.Strings(states["incomplete"])
	if got, want := strings.Join(states["fail"], " "), "preschool_public_share special_ratio_2025 special_ratio_standard"; got != want {
		t.Errorf("failing rules: %s, want %s", got, want)
	}
	if got, want := strings.Join(states["incomplete"], " "), "fitness_good_rate per_pupil_spend_not_falling"; got != want {
		t.Errorf("incomplete rules: %s, want %s", got, want)
	}
	if len(states["error"]) > 0 {
		t.Errorf("rules in error: %v", states["error"])
	}
	// Figures that only feed standards and passing checks stay ok.
	if s := got["pay.teacher_avg@2024"].Status; s != sheaf.StatusOK {
		t.Errorf("pay.teacher_avg status %s, want ok", s)
	}
	// The public share check fails: its inputs are doubtful.
	if s := got["preschool.public_share@2024"].Status; s != sheaf.StatusFailing {
		t.Errorf("preschool.public_share status %s, want failing", s)
	}

	// The draft says what the seed report says, computed from the figures.
	m := &Mailing{Config: cfg, DB: db}
	drep, err := m.Draft(context.Background(), "test", time.Time{}, filepath.Join(dir, "drafts"), DraftFormats("md"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(drep.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"我市现有各级各类学校44所，其中教师进修学校1所、小学16所、初级中学3所、九年一贯制学校11所",
		"全市教职工4141人，在校生36614人。",
		"2022年一般公共预算教育支出为68211万元，2023年一般公共预算教育支出为68258万元，增长了0.07%（47万元）。",
		"到二季度末支出为27216.8万元，序时教育支出进度为48.29%。",
		"2024年市政府教育投入匹配资金2587.8万元，其中城乡义务教育生均公用经费地方匹配417.96万元",
		"轮岗交流教师69人，占比10.8%。",
		"2022年我市儿童青少年近视率50.32%，2023年近视率48.87%，",
		"惠及学生3.6万余【待核实",
		"公办园占比为52%【待核实",
		"- 特殊教育学校师生比未达到1:3.1的省定标准",
		"师生比为1:4.1。",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the example's draft lacks %q", want)
		}
	}
}
