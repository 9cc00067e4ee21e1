package report

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestDraftGolden renders the fixture's template, which uses every template
// function on figures of every status, and compares the Markdown and the
// HTML with the golden files (go test ./report -update rewrites them).
func TestDraftGolden(t *testing.T) {
	d, err := Build("testdata/report.md.tmpl", fixture(t))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	tests := []struct {
		name, golden, got string
	}{
		{"markdown", "testdata/draft.md.golden", d.Markdown},
		{"html", "testdata/draft.html.golden", d.HTML},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			golden(t, tt.golden, tt.got)
		})
	}
}

// golden compares got with the file at path, or rewrites the file with
// -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering (go test ./report -update rewrites it):\n%s", filepath.Base(path), lineDiff(string(want), got))
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 5; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

// TestDraftMarks checks what a coordinator must see in the draft: each kind
// of doubt marked, and nothing marked that is not doubtful.
func TestDraftMarks(t *testing.T) {
	d, err := Build("testdata/report.md.tmpl", inlineGrouped(fixture(t)))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	tests := []struct {
		name string
		want string
	}{
		{"ok", "各级各类学校44所，"},
		{"missing", "特殊教育学校【缺：特殊教育学校数，市教育局】"},
		{"conflict", "在校生36,614人【待核实：数值不一致】"},
		{"approximate", "惠及学生36,000人【待核实：约数】"},
		{"unverified", "73,597.3元【待核实：责任单位市人社局未报送，取自市教育局】"},
		{"failing", "58所【待核实：校验不通过：幼儿园数应等于公办园与民办园之和】"},
		{"invalid", "保安211人【待核实：无法识别】"},
		{"accepted", "轮岗交流教师69人。"},
		{"computed from a doubtful figure", "133.14%【待核实：本地公务员平均年工资收入，责任单位市人社局未报送，取自市教育局】"},
		{"in a table", "| 1:8.84【待核实：在校生数，数值不一致】 |"},
		{"failing standard", "- 特殊教育学校师生比未达到1:3.1的省定标准"},
		{"explanation", "市教育局关于轮岗交流教师数（2024年）的说明：3名教师因病延至2025年春季学期轮岗。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(d.Markdown, tt.want) {
				t.Errorf("the draft has no %q:\n%s", tt.want, d.Markdown)
			}
		})
	}
	if strings.Contains(d.Markdown, "校验不通过：轮岗") {
		t.Errorf("an accepted figure is marked:\n%s", d.Markdown)
	}
	if !strings.Contains(d.HTML, "<mark>【缺：特殊教育学校数，市教育局】</mark>") {
		t.Errorf("the HTML does not highlight the marks")
	}
}
