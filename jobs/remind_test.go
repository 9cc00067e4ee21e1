package jobs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

const remindConfig = `
cycle: {name: 2024年度履行教育职责自评, period: "2024", timezone: Asia/Shanghai}
departments:
  - {id: edu, name: 市教育局, contacts: [edu@example.org], sources: [{dir: inbox/edu}]}
  - {id: finance, name: 市财政局, contacts: [finance@example.org], sources: [{dir: inbox/finance}]}
  - {id: stats, name: 市统计局, contacts: [stats@example.org], sources: [{dir: inbox/stats}]}
indicators:
  - {id: students.total, name: 在校生数, unit: 人, owner: edu, required: true}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, required: true}
  - {id: special.ratio, name: 特教生师比, unit: ratio, owner: edu}
rules:
  - {id: spend_sum, expr: 'v("fund.edu_spend") > 0', message: 教育支出应大于零, class: check}
  - {id: special_std, expr: 'v("special.ratio") <= 3.1', message: 特教生师比高于标准, class: standard}
deadlines:
  - {name: 年报数据报送, due: "2025-03-31", remind: [7d, 3d, 1d]}
mail: {from: duban@example.org, coordinators: [duban@example.org]}
`

func loadRemindConfig(t *testing.T) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sheaf.yaml")
	if err := os.WriteFile(path, []byte(remindConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func flag(kind, dept, ind, rule, state, msg string, evidenceDepts ...string) storage.StoredFlag {
	f := storage.StoredFlag{State: sheaf.FlagState(state)}
	f.Kind, f.Department, f.Indicator, f.Rule, f.Message = sheaf.Kind(kind), dept, ind, rule, msg
	for _, d := range evidenceDepts {
		f.Evidence = append(f.Evidence, sheaf.Evidence{Department: d, File: "inbox/" + d + "/报表.xlsx", Sheet: "Sheet1", Cell: "D4", Raw: "36600"})
	}
	return f
}

func TestPlanNotices(t *testing.T) {
	cfg := loadRemindConfig(t)
	sh := cfg.Cycle.Location
	due := time.Date(2025, 3, 31, 23, 59, 59, 0, sh)
	flags := []storage.StoredFlag{
		flag("missing", "finance", "fund.edu_spend", "", "open", "市财政局未报送一般公共预算教育支出（2024年，单位：万元）"),
		flag("conflict", "edu", "students.total", "", "open", "在校生数（2024年）数值不一致", "edu", "stats"),
		flag("rule", "edu", "", "special_std", "open", "特教生师比高于标准", "edu"),          // a standard: never chased
		flag("invalid", "edu", "students.total", "", "accepted", "在校生数无法识别", "edu"), // accepted: never chased
		flag("rule", "finance", "", "spend_sum", "open", "教育支出应大于零", "finance"),
	}
	owing := Owing{Flags: flags, AsOf: due.Add(-8 * 24 * time.Hour)}
	tests := []struct {
		name     string
		now      time.Time
		failed   map[string]bool
		want     []string // kind/department/lead
		wantKeys []string
	}{
		{name: "before the first reminder", now: due.Add(-8 * 24 * time.Hour)},
		{name: "7 days before", now: due.Add(-7*24*time.Hour + time.Minute),
			want: []string{"reminder/edu/7d", "reminder/finance/7d", "reminder/stats/7d"}},
		{name: "after downtime, only the latest reminder goes", now: due.Add(-20 * time.Hour),
			want: []string{"reminder/edu/1d", "reminder/finance/1d", "reminder/stats/1d"}},
		{name: "a department whose source failed gets no mail", now: due.Add(-2 * 24 * time.Hour), failed: map[string]bool{"stats": true},
			want: []string{"reminder/edu/3d", "reminder/finance/3d"}},
		{name: "after the deadline: overdue, once a day", now: due.Add(time.Hour),
			want:     []string{"overdue/edu/", "overdue/finance/", "overdue/stats/"},
			wantKeys: []string{"overdue/年报数据报送/edu/0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := owing
			o.SourcesFailed = tc.failed
			ns, err := PlanNotices(cfg, tc.now, o)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			keys := map[string]bool{}
			for _, n := range ns {
				got = append(got, n.Kind+"/"+n.Department+"/"+n.Lead)
				keys[n.DedupKey] = true
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("notices %v, want %v", got, tc.want)
			}
			for _, k := range tc.wantKeys {
				if !keys[k] {
					t.Errorf("no notice with key %s (have %v)", k, keys)
				}
			}
		})
	}

	ns, _ := PlanNotices(cfg, due.Add(-3*24*time.Hour), owing)
	byDept := map[string]Notice{}
	for _, n := range ns {
		byDept[n.Department] = n
	}
	fin := byDept["finance"]
	for _, want := range []string{"年报数据报送", "2025-03-31 23:59", "还剩3天", "一般公共预算教育支出（2024年，单位：万元）", "教育支出应大于零", "截至 2025-03-23"} {
		if !strings.Contains(fin.Text, want) {
			t.Errorf("finance's reminder lacks %q:\n%s", want, fin.Text)
		}
	}
	edu := byDept["edu"]
	if strings.Contains(edu.Text, "特教生师比") || strings.Contains(edu.Text, "无法识别") {
		t.Errorf("edu is chased for a standard or an accepted flag:\n%s", edu.Text)
	}
	if !strings.Contains(edu.Text, "inbox/edu/报表.xlsx Sheet1!D4「36600」") {
		t.Errorf("edu's reminder does not show its cell in the conflict:\n%s", edu.Text)
	}
	if stats := byDept["stats"]; !strings.Contains(stats.Text, "数值不一致") {
		t.Errorf("stats, part of the conflict, is not told:\n%s", stats.Text)
	}
	over, _ := PlanNotices(cfg, due.Add(time.Hour), owing)
	if len(over) == 0 || len(over[0].Cc) != 1 || over[0].Cc[0] != "duban@example.org" || !strings.Contains(over[0].Subject, "逾期") {
		t.Errorf("overdue notice = %+v, want the coordinators in Cc", over)
	}
}
