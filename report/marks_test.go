package report

import (
	"testing"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// TestUnreadableAndDoubtfulMarks: a required figure its owner sent in a
// cell sheaf could not read is 待核实, not 缺; a value with an open unit or
// range flag is marked doubtful.
func TestUnreadableAndDoubtfulMarks(t *testing.T) {
	d := testData(t)
	d.Config.Indicators = append(d.Config.Indicators,
		indicator("rate.consolidation", "九年义务教育巩固率", "%", "edu"),
		indicator("fund.per_pupil", "生均经费", "元", "finance"))
	for i, f := range d.Figures {
		if f.Indicator == "schools.special" {
			d.Figures[i].Statuses = []sheaf.Status{sheaf.StatusMissing, sheaf.StatusInvalid}
		}
	}
	d.Figures = append(d.Figures,
		sheaf.Figure{Indicator: "rate.consolidation", Period: "2024", Value: 0.9675, HasValue: true, Decimals: 4,
			Department: "edu", Status: sheaf.StatusDoubtful, Statuses: []sheaf.Status{sheaf.StatusDoubtful}},
		sheaf.Figure{Indicator: "fund.per_pupil", Period: "2024", Value: 175000000, HasValue: true,
			Department: "finance", Status: sheaf.StatusDoubtful, Statuses: []sheaf.Status{sheaf.StatusDoubtful}})
	open := func(id int64, f sheaf.Flag) storage.StoredFlag {
		return storage.StoredFlag{Flag: f, ID: id, State: "open"}
	}
	d.Flags = append(d.Flags,
		open(20, sheaf.Flag{Kind: sheaf.KindInvalid, Department: "edu", Indicator: "schools.special", Period: "2024",
			Evidence: []sheaf.Evidence{{Department: "edu", Cell: "C7", Raw: "两所"}}}),
		open(21, sheaf.Flag{Kind: sheaf.KindRange, Department: "edu", Indicator: "rate.consolidation", Period: "2024",
			Message: "疑似小数形式：九年义务教育巩固率（2024年）在 a.xlsx Sheet1!C5 填写 0.9675，如为 96.75% 请改为百分数"}),
		open(22, sheaf.Flag{Kind: sheaf.KindUnit, Department: "finance", Indicator: "fund.per_pupil", Period: "2024",
			Message: "单位：万元"}),
	)
	tests := []struct{ name, template, want string }{
		{"unreadable", `{{fig "schools.special"}}`, "【待核实：无法识别特殊教育学校数，市教育局填写「两所」】"},
		{"fraction", `{{fig "rate.consolidation"}}`, "0.9675%【待核实：疑似小数形式】"},
		{"unit", `{{num "fund.per_pupil"}}`, "175,000,000【待核实：单位换算存疑】"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := render("t.tmpl", "t.tmpl", tt.template, d)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if got != tt.want {
				t.Errorf("%s\n got %s\nwant %s", tt.template, got, tt.want)
			}
		})
	}
	// Without the owner's invalid flag the same figure is 缺.
	d.Flags = d.Flags[:len(d.Flags)-3]
	if got, _ := render("t.tmpl", "t.tmpl", `{{fig "schools.special"}}`, d); got != "【缺：特殊教育学校数，市教育局】" {
		t.Errorf("no invalid flag: got %s", got)
	}
}

// TestMarksForFiguresThatMayHaveBeenSent: a figure with no value is 缺 only
// when nothing says the department sent it: an accepted unreadable cell, a
// row on a hidden sheet and a file that cannot be read are 待核实.
func TestMarksForFiguresThatMayHaveBeenSent(t *testing.T) {
	d := testData(t)
	for i, f := range d.Figures {
		if f.Indicator == "schools.special" {
			d.Figures[i].Statuses = []sheaf.Status{sheaf.StatusMissing}
		}
	}
	flag := func(state string, f sheaf.Flag) storage.StoredFlag {
		return storage.StoredFlag{Flag: f, ID: 30, State: sheaf.FlagState(state), Note: "系统故障，已口头确认2所"}
	}
	tests := []struct {
		name string
		flag storage.StoredFlag
		want string
	}{
		{"accepted unreadable", flag("accepted", sheaf.Flag{Kind: sheaf.KindInvalid, Department: "edu", Indicator: "schools.special", Period: "2024",
			Evidence: []sheaf.Evidence{{Department: "edu", Cell: "C7", Raw: "#REF!"}}}),
			"【待核实：无法识别特殊教育学校数，市教育局填写「#REF!」；说明：系统故障，已口头确认2所】"},
		{"hidden sheet", flag("open", sheaf.Flag{Kind: sheaf.KindMissing, Department: "edu", Indicator: "schools.special", Period: "2024",
			Subject: sheaf.MissingHiddenSheet, Evidence: []sheaf.Evidence{{Department: "edu", File: "a.xlsx", Sheet: "附表", Cell: "B3", Raw: "2"}}}),
			"【待核实：特殊教育学校数在市教育局文件的隐藏工作表「附表」中，未读取】"},
		{"unread file", flag("open", sheaf.Flag{Kind: sheaf.KindMissing, Department: "edu", Indicator: "schools.special", Period: "2024",
			Subject: sheaf.MissingUnreadFile}),
			"【待核实：特殊教育学校数，市教育局的文件无法读取】"},
		{"not sent", flag("open", sheaf.Flag{Kind: sheaf.KindMissing, Department: "edu", Indicator: "schools.special", Period: "2024"}),
			"【缺：特殊教育学校数，市教育局】"},
		// An accepted flag of another kind says nothing about the value.
		{"accepted missing", flag("accepted", sheaf.Flag{Kind: sheaf.KindMissing, Department: "edu", Indicator: "schools.special", Period: "2024",
			Subject: sheaf.MissingHiddenSheet}),
			"【缺：特殊教育学校数，市教育局】"},
	}
	base := d.Flags
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d.Flags = append(append([]storage.StoredFlag{}, base...), tt.flag)
			got, err := render("t.tmpl", "t.tmpl", `{{fig "schools.special"}}`, d)
			if err != nil {
				t.Fatalf("render: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestMarksInTablesAndLists: a table's cells and a list's items are
// paragraphs of their own in the Word draft, so each keeps the mark of the
// doubt it shares with another: a careless draft leaves 146人 unmarked
// because 36人 in the next cell carries the same check's mark. In a
// paragraph, the shared mark stays once, after the last figure.
func TestMarksInTablesAndLists(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"| 学生 | 教师 |\n|---|---|\n| 146人【待核实①】 | 36人【待核实①】 |",
			"| 学生 | 教师 |\n|---|---|\n| 146人【待核实①】 | 36人【待核实①】 |"},
		{"- 特教学生：146人【待核实①】\n- 特教教师：36人【待核实①】",
			"- 特教学生：146人【待核实①】\n- 特教教师：36人【待核实①】"},
		{"1. 学生146人【待核实①】，教师36人【待核实①】\n2. 比为1:4【待核实②】",
			"1. 学生146人，教师36人【待核实①】\n2. 比为1:4【待核实②】"},
		{"学生146人【待核实①】，教师36人【待核实①】。",
			"学生146人，教师36人【待核实①】。"},
	} {
		if got := dedupeMarks(tc.in); got != tc.want {
			t.Errorf("dedupeMarks(%q)\n= %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
