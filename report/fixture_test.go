package report

import (
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// asOf is when the fixture's data is as of: 2025-03-20 17:00 in Shanghai.
var asOf = time.Date(2025, 3, 20, 9, 0, 0, 0, time.UTC)

// fixture is a small cycle (testdata/sheaf.yaml) with a figure of every
// status, the flags behind them and the rules' outcomes.
func fixture(t *testing.T) Data {
	t.Helper()
	cfg, err := config.Load("testdata/sheaf.yaml")
	if err != nil {
		t.Fatalf("load fixture config: %v", err)
	}
	ok := func(id, period string, v float64, dec int, dept, cell string) sheaf.Figure {
		return sheaf.Figure{
			Indicator: id, Period: period, Value: v, HasValue: true, Decimals: dec,
			Status: sheaf.StatusOK, Department: dept, File: dept + "/2024年报.xlsx", Sheet: "基本情况", Cell: cell,
			Raw: formatDigits(v, dec, false),
		}
	}
	with := func(f sheaf.Figure, statuses ...sheaf.Status) sheaf.Figure {
		f.Statuses = statuses
		f.Status = statuses[0]
		return f
	}
	ev := func(dept, cell, raw string, v float64) sheaf.Evidence {
		return sheaf.Evidence{Department: dept, File: dept + "/2024年报.xlsx", Sheet: "基本情况", Cell: cell, Raw: raw, Value: &v}
	}
	civil := ok("pay.civil_avg", "2024", 73597.3, 1, "edu", "C20")
	civil.Reason = "责任单位市人社局未报送，取自市教育局"
	examined := ok("health.examined", "2023", 36000, 0, "health", "C3")
	examined.Raw = "3.6万余"
	examined.Note = "体检时间2023年4月1日—5月15日"
	figures := []sheaf.Figure{
		ok("schools.total", "2024", 44, 0, "edu", "C3"),
		ok("schools.teacher_training", "2024", 1, 0, "edu", "C4"),
		ok("schools.primary", "2024", 16, 0, "edu", "C5"),
		ok("schools.junior", "2024", 3, 0, "edu", "C6"),
		with(sheaf.Figure{Indicator: "schools.special", Period: "2024"}, sheaf.StatusMissing),
		ok("staff.total", "2024", 4141, 0, "edu", "C8"),
		with(ok("students.total", "2024", 36614, 0, "edu", "C9"), sheaf.StatusConflict),
		with(ok("kg.total", "2024", 58, 0, "edu", "C10"), sheaf.StatusFailing),
		with(ok("kg.public", "2024", 26, 0, "edu", "C11"), sheaf.StatusFailing),
		with(ok("kg.private", "2024", 33, 0, "edu", "C12"), sheaf.StatusFailing),
		ok("fund.edu_spend", "2022", 68211, 0, "finance", "C3"),
		ok("fund.edu_spend", "2023", 68258, 0, "finance", "D3"),
		ok("fund.budget", "2024", 56366, 0, "finance", "C4"),
		ok("fund.spent_q2", "2024", 27216.8, 1, "finance", "C5"),
		ok("fund.progress_rate", "2024", 48.29, 2, "finance", "C6"),
		ok("pay.teacher_avg", "2024", 97987.6, 1, "edu", "C19"),
		with(civil, sheaf.StatusUnverified),
		with(ok("rotation.teachers", "2024", 69, 0, "edu", "C21"), sheaf.StatusAccepted),
		with(examined, sheaf.StatusApproximate),
		ok("health.myopia_rate", "2022", 50.32, 2, "health", "C4"),
		ok("health.myopia_rate", "2023", 48.87, 2, "health", "D4"),
		with(ok("safety.guards", "2024", 211, 0, "police", "C3"), sheaf.StatusInvalid),
		ok("special.teachers", "2024", 36, 0, "edu", "C30"),
		ok("special.students", "2024", 146, 0, "edu", "C31"),
		ok("special.ratio", "2024", 4.1, 1, "edu", "C32"),
		ok("compulsory.met_rate_gain", "2024", 3, 0, "edu", "C40"),
	}
	flag := func(id int64, state sheaf.FlagState, f sheaf.Flag) storage.StoredFlag {
		return storage.StoredFlag{Flag: f, ID: id, State: state, OpenedAt: asOf.Add(-48 * time.Hour)}
	}
	accepted := flag(5, "accepted", sheaf.Flag{
		Kind: sheaf.KindRule, Severity: "warning", Department: "edu", Rule: "rotation_share",
		Message:  "轮岗交流教师应不少于应交流教师的10%。所用数据：轮岗交流教师数（2024年）69人",
		Evidence: []sheaf.Evidence{ev("edu", "C21", "69", 69)},
	})
	accepted.Note = "3名教师因病延至2025年春季学期轮岗"
	accepted.AcceptedBy = "市教育局 张老师"
	flags := []storage.StoredFlag{
		flag(7, "open", sheaf.Flag{
			Kind: sheaf.KindRule, Severity: "warning", Department: "edu", Rule: "special_ratio",
			Message:  "特殊教育学校师生比未达到1:3.1的省定标准。所用数据：特殊教育学校师生比（2024年）1:4.1",
			Evidence: []sheaf.Evidence{ev("edu", "C32", "1:4.1", 4.1)},
		}),
		flag(1, "open", sheaf.Flag{
			Kind: sheaf.KindConflict, Severity: "error", Department: "edu", Indicator: "students.total", Period: "2024",
			Message:  "在校生数（2024年）各单位报送不一致：市教育局36614人，市统计局36600人",
			Evidence: []sheaf.Evidence{ev("edu", "C9", "36614", 36614), ev("stats", "B7", "36600", 36600)},
		}),
		flag(2, "open", sheaf.Flag{
			Kind: sheaf.KindMissing, Severity: "error", Department: "edu", Indicator: "schools.special", Period: "2024",
			Message: "特殊教育学校数（2024年）尚未报送",
		}),
		flag(3, "open", sheaf.Flag{
			Kind: "approximate", Severity: "warning", Department: "health", Indicator: "health.examined", Period: "2023",
			Message:  "健康体检学生数（2023年）是约数：3.6万余",
			Evidence: []sheaf.Evidence{ev("health", "C3", "3.6万余", 36000)},
		}),
		flag(4, "open", sheaf.Flag{
			Kind: sheaf.KindRule, Severity: "warning", Department: "edu", Rule: "kg_sum",
			Message:  "幼儿园数应等于公办园与民办园之和。所用数据：幼儿园数（2024年）58所，公办幼儿园数（2024年）26所，民办幼儿园数（2024年）33所",
			Evidence: []sheaf.Evidence{ev("edu", "C10", "58", 58), ev("edu", "C11", "26", 26), ev("edu", "C12", "33", 33)},
		}),
		accepted,
		flag(6, "resolved", sheaf.Flag{
			Kind: sheaf.KindMissing, Severity: "error", Department: "finance", Indicator: "fund.budget", Period: "2024",
			Message: "教育支出年初预算（2024年）尚未报送",
		}),
	}
	in := func(id, period string, v float64) storage.RuleInputValue {
		return storage.RuleInputValue{Indicator: id, Period: period, Value: &v}
	}
	rules := []storage.RuleResult{
		{Rule: "kg_sum", Class: "check", State: "fail", Inputs: []storage.RuleInputValue{
			in("kg.total", "2024", 58), in("kg.public", "2024", 26), in("kg.private", "2024", 33)}},
		{Rule: "teacher_pay", Class: "standard", State: "pass", Inputs: []storage.RuleInputValue{
			in("pay.teacher_avg", "2024", 97987.6), in("pay.civil_avg", "2024", 73597.3)}},
		{Rule: "special_ratio", Class: "standard", State: "fail", Inputs: []storage.RuleInputValue{
			in("special.ratio", "2024", 4.1)}},
		{Rule: "rotation_share", Class: "check", State: "fail", Inputs: []storage.RuleInputValue{
			in("rotation.teachers", "2024", 69)}},
	}
	return Data{
		Config:  cfg,
		Figures: figures,
		Flags:   flags,
		Rules:   rules,
		AsOf:    asOf,
		Changes: []string{"在校生数（2024年）：36,600人 → 36,614人", "新问题：幼儿园数应等于公办园与民办园之和"},
	}
}
