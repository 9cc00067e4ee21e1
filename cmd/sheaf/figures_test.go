package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestFiguresShowWrittenDecimals: `sheaf figures` shows a figure with the
// decimals it was written with, unless the catalogue sets decimals. With
// the unit's default a rate typed 0.9675 printed as "0.97" and a 97 read
// from a 0% cell as "97.00": numbers the department never wrote.
func TestFiguresShowWrittenDecimals(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	rows := []struct {
		name   string
		value  float64
		format string
	}{
		{"巩固率", 0.9675, ""},         // General: 0.9675 %
		{"入学率", 0.97, "0%"},         // shows 97%
		{"生均经费", 17500.456, "0.00"}, // catalogue decimals: 0
		{"教师平均工资", 6.82, `0.00"万元"`},
		{"教育附加", 682110000, "0!.0000"}, // shows 68211.0000
	}
	f.SetCellValue("Sheet1", "A1", "指标名称")
	f.SetCellValue("Sheet1", "B1", "数值")
	for i, r := range rows {
		a, _ := excelize.CoordinatesToCellName(1, i+2)
		b, _ := excelize.CoordinatesToCellName(2, i+2)
		f.SetCellValue("Sheet1", a, r.name)
		f.SetCellValue("Sheet1", b, r.value)
		if r.format != "" {
			code := r.format
			st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
			if err != nil {
				t.Fatal(err)
			}
			f.SetCellStyle("Sheet1", b, b, st)
		}
	}
	file := filepath.Join(inbox, "快报.xlsx")
	if err := f.SaveAs(file); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(file, old, old)
	cfg := filepath.Join(dir, "sheaf.yaml")
	if err := os.WriteFile(cfg, []byte(`cycle: {name: 测试, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
departments:
  - {id: edu, name: 市教育局, sources: [{dir: inbox}]}
indicators:
  - {id: rate.retention, name: 巩固率, unit: "%", owner: edu}
  - {id: rate.enrol, name: 入学率, unit: "%", owner: edu}
  - {id: pay.per_student, name: 生均经费, unit: 元, owner: edu, decimals: 0}
  - {id: pay.teacher, name: 教师平均工资, unit: 元, owner: edu}
  - {id: fund.extra, name: 教育附加, unit: 万元, owner: edu}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync exit %d: %s", code, errOut)
	}
	out, errOut, code := runSheaf(t, "figures", "--config", cfg)
	if code != 0 {
		t.Fatalf("figures exit %d: %s", code, errOut)
	}
	want := map[string]string{
		"rate.retention":  "0.9675",
		"rate.enrol":      "97",
		"pay.per_student": "17500",
		"pay.teacher":     "68200", // 6.82万元
		// The shown number, never 682110000万元, and not ok: the format
		// scales the stored number without saying in which unit.
		"fund.extra": "68211.0000 存疑",
	}
	got := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		fs := strings.Fields(line)
		if len(fs) > 5 {
			got[fs[0]] = fs[3]
			if fs[5] != "正常" {
				got[fs[0]] += " " + fs[5]
			}
		}
	}
	for id, v := range want {
		if got[id] != v {
			t.Errorf("%s shown %q, want %q\n%s", id, got[id], v, out)
		}
	}
}

// config check reports the file's problems and the rules' problems in one
// pass, each with its line, and compiles the rules as a sync does.
func TestConfigCheckReportsEveryProblemInOnePass(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sheaf.yaml")
	yaml := `cycle: {name: t, period: "2024", timezone: Asia/Shanghai}
departments:
  - {id: d1, name: 单位一, sources: [{dir: in}]}
indicators:
  - {id: sped.students, name: 特教学生数, unit: 人人, owner: d1}
  - {id: sped.teachers, name: 特教教师数, unit: 人, owner: d1}
rules:
  - {id: r1, expr: 'sped.studnets / sped.teachers <= 3.1', class: standard}
`
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"config", "check", "--config", path}, &out, &errOut)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, errOut.String())
	}
	for _, want := range []string{"sheaf.yaml:5: indicators[0].unit", "sheaf.yaml:8: rules[0].expr", `unknown name "sped.studnets"`} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
}
