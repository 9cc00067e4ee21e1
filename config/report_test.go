package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestReportSettings(t *testing.T) {
	tests := []struct {
		name                    string
		yaml                    string
		template, title, output string // output relative to the config's folder
	}{
		{
			name:   "not written",
			yaml:   "",
			title:  "2024年度教育事业统计",
			output: "drafts",
		},
		{
			name: "template only",
			yaml: `
report:
  template: report.md.tmpl
`,
			template: "report.md.tmpl",
			title:    "2024年度教育事业统计",
			output:   "drafts",
		},
		{
			name: "everything written",
			yaml: `
report:
  template: templates/report.md.tmpl
  title: 关于2024年度履行教育职责自评情况的报告
  output: out/drafts
`,
			template: "templates/report.md.tmpl",
			title:    "关于2024年度履行教育职责自评情况的报告",
			output:   "out/drafts",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, withBase(tt.yaml))
			dir := filepath.Dir(path)
			for _, p := range []string{"report.md.tmpl", "templates/report.md.tmpl"} {
				writeFile(t, filepath.Join(dir, p), "# {{.Title}}\n")
			}
			c, err := Load(path)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			wantTemplate := ""
			if tt.template != "" {
				wantTemplate = filepath.Join(dir, tt.template)
			}
			if got := c.ReportTemplate(); got != wantTemplate {
				t.Errorf("ReportTemplate() = %q, want %q", got, wantTemplate)
			}
			if got := c.ReportTitle(); got != tt.title {
				t.Errorf("ReportTitle() = %q, want %q", got, tt.title)
			}
			if got, want := c.ReportDir(), filepath.Join(dir, tt.output); got != want {
				t.Errorf("ReportDir() = %q, want %q", got, want)
			}
		})
	}
}

func TestReportSettingsInCode(t *testing.T) {
	c := &Config{Dir: "/etc/sheaf", Cycle: Cycle{Name: "年报"}}
	if got := c.ReportTitle(); got != "年报" {
		t.Errorf("ReportTitle() = %q, want the cycle's name", got)
	}
	if got := c.ReportDir(); got != "/etc/sheaf/drafts" {
		t.Errorf("ReportDir() = %q, want /etc/sheaf/drafts", got)
	}
	if got := c.ReportTemplate(); got != "" {
		t.Errorf("ReportTemplate() = %q, want empty", got)
	}
}

func TestReportErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []want
	}{
		{
			name: "template missing",
			yaml: `
report:
  template: reprot.md.tmpl    # ← report.template
`,
			want: []want{{"report.template", `"reprot.md.tmpl" does not exist`}},
		},
		{
			name: "template is a folder",
			yaml: `
report:
  template: templates    # ← report.template
`,
			want: []want{{"report.template", `"templates" is a folder`}},
		},
		{
			name: "empty values",
			yaml: `
report:
  template: ""    # ← report.template
  title: "  "    # ← report.title
  output: ""    # ← report.output
`,
			want: []want{
				{"report.template", "is empty"},
				{"report.title", "is empty; leave the key out to use cycle.name"},
				{"report.output", "is empty; leave the key out to use drafts"},
			},
		},
		{
			name: "unknown key",
			yaml: `
report:
  template: report.md.tmpl
  format: docx    # ← report.format
`,
			want: []want{{"report.format", `unknown key "format" (known: template, title, output, number_style, marks)`}},
		},
		{
			name: "number style and marks",
			yaml: `
report:
  template: report.md.tmpl
  number_style: thousands    # ← report.number_style
  marks: footnotes    # ← report.marks
`,
			want: []want{
				{"report.number_style", `is "thousands"; want as_written, plain or grouped`},
				{"report.marks", `is "footnotes"; want numbered or inline`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := withBase(tt.yaml)
			path := writeConfig(t, src)
			dir := filepath.Dir(path)
			writeFile(t, filepath.Join(dir, "report.md.tmpl"), "# {{.Title}}\n")
			writeFile(t, filepath.Join(dir, "templates", "report.md.tmpl"), "# {{.Title}}\n")
			_, err := Load(path)
			checkErrors(t, err, path, src, tt.want)
		})
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
