package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitThenEveryDayCommands: sheaf init in an empty folder writes a
// cycle on which config check, sync, status and draft all succeed at once,
// and a second init overwrites nothing.
func TestInitThenEveryDayCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cycle")
	out, errOut, code := runSheaf(t, "init", dir)
	if code != 0 {
		t.Fatalf("init exit %d: %s", code, errOut)
	}
	for _, f := range []string{"sheaf.yaml", "report.md.tmpl", "inbox/卫健局/示例.csv", "inbox/统计局/示例.csv"} {
		if !strings.Contains(out, filepath.Join(dir, f)) {
			t.Errorf("init output lacks %s:\n%s", f, out)
		}
	}
	yaml, err := os.ReadFile(filepath.Join(dir, "sheaf.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"# The catalogue", "name: 市卫健局", "class: check", "class: standard", "deadlines:", "dir: outbox"} {
		if !strings.Contains(string(yaml), w) {
			t.Errorf("sheaf.yaml lacks %q", w)
		}
	}
	cfg := filepath.Join(dir, "sheaf.yaml")
	for _, args := range [][]string{
		{"config", "check"}, {"sync"}, {"status"}, {"draft", "--format", "md"}, {"rules"},
	} {
		out, errOut, code := runSheaf(t, append(args, "--config", cfg)...)
		if code != 0 {
			t.Fatalf("%v exit %d: %s\n%s", args, code, errOut, out)
		}
		switch args[0] {
		case "sync":
			// The example files are read at once, not left to settle.
			if !strings.Contains(out, "2 个文件：读取 2") || !strings.Contains(out, "待处理问题：无") {
				t.Errorf("sync on the starter cycle:\n%s", out)
			}
		case "rules":
			if strings.Count(out, "通过") != 2 {
				t.Errorf("rules on the starter cycle:\n%s", out)
			}
		}
	}
	drafts, _ := filepath.Glob(filepath.Join(dir, "drafts", "*.md"))
	if len(drafts) != 1 {
		t.Fatalf("drafts: %v", drafts)
	} else if md, _ := os.ReadFile(drafts[0]); !strings.Contains(string(md), "全市共有医院12个") {
		t.Errorf("draft:\n%s", md)
	}

	// A second init writes nothing over the cycle.
	os.WriteFile(filepath.Join(dir, "report.md.tmpl"), []byte("mine"), 0o644)
	_, errOut, code = runSheaf(t, "init", dir)
	if code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("second init: exit %d, %s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "report.md.tmpl")); string(b) != "mine" {
		t.Errorf("second init overwrote the template")
	}
}

// TestInitFromWorkbook drafts the catalogue from a department's workbook:
// its labels without numbering, units from the unit column or the label,
// periods other than the cycle's.
func TestInitFromWorkbook(t *testing.T) {
	tmp := t.TempDir()
	book := filepath.Join(tmp, "快报.csv")
	os.WriteFile(book, []byte("指标名称,年度,数值,单位\n医院数,2023,12,个\n其中：三级医院,2023,3,个\n1.卫生支出（万元）,2023,5600,\n1.卫生支出（万元）,2024,6100,\n"), 0o644)
	dir := filepath.Join(tmp, "cycle")
	_, errOut, code := runSheaf(t, "init", dir, "--from-workbook", book)
	if code != 0 {
		t.Fatalf("init --from-workbook exit %d: %s", code, errOut)
	}
	yaml, _ := os.ReadFile(filepath.Join(dir, "sheaf.yaml"))
	for _, w := range []string{
		`- {id: item01, name: 医院数, unit: 个, owner: health, periods: ["2023"]}  # 快报!A2`,
		`- {id: item02, name: 三级医院, unit: 个, owner: health, periods: ["2023"]}`,
		`- {id: item03, name: 卫生支出, unit: 万元, owner: health, periods: ["2023", "2024"]}`,
	} {
		if !strings.Contains(string(yaml), w) {
			t.Errorf("sheaf.yaml lacks %s:\n%s", w, yaml)
		}
	}
	out, errOut, code := runSheaf(t, "config", "check", "--config", filepath.Join(dir, "sheaf.yaml"))
	if code != 0 {
		t.Fatalf("config check on the drafted cycle: exit %d: %s\n%s", code, errOut, out)
	}
}
