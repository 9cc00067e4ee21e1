package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `sheaf templates --json` writes one workbook per department that owns an
// indicator and says, in snake_case, what it wrote: the file, the
// deadlines in its title and one line per value cell; --previous fills the
// lines' previous figures from another database.
func TestTemplatesCommand(t *testing.T) {
	cfg := setup(t)
	out := filepath.Join(t.TempDir(), "templates")
	stdout, errOut, code := runSheaf(t, "templates", "--config", cfg, "--out", out, "--json")
	if code != 0 {
		t.Fatalf("templates exit %d: %s", code, errOut)
	}
	var rep struct {
		Out       string           `json:"out"`
		Templates []map[string]any `json:"templates"`
		Skipped   []map[string]any `json:"skipped"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if len(rep.Templates) != 2 || len(rep.Skipped) != 0 || rep.Out != out {
		t.Fatalf("templates --json:\n%s", stdout)
	}
	for _, tm := range rep.Templates {
		for _, k := range []string{"department", "department_name", "file", "sheet", "deadlines", "lines", "with_previous"} {
			if _, ok := tm[k]; !ok {
				t.Errorf("template lacks %q: %v", k, tm)
			}
		}
		if _, err := os.Stat(tm["file"].(string)); err != nil {
			t.Errorf("%v", err)
		}
	}
	fin := rep.Templates[1]
	if fin["department"] != "finance" || fin["file"] != filepath.Join(out, "市财政局_测试.xlsx") || len(fin["lines"].([]any)) != 2 {
		t.Errorf("finance template: %v", fin)
	}
	l := fin["lines"].([]any)[1].(map[string]any)
	for k, want := range map[string]any{"indicator": "fund.edu_spend", "period": "2023", "cell": "D4", "unit": "万元", "required": true, "previous": nil} {
		if l[k] != want {
			t.Errorf("line %s = %v, want %v", k, l[k], want)
		}
	}

	// A file already there is not overwritten without --force.
	if _, errOut, code := runSheaf(t, "templates", "--config", cfg, "--out", out); code != 1 || !strings.Contains(errOut, "already exists") {
		t.Errorf("second run: exit %d, %s", code, errOut)
	}

	// Last cycle's figures: 2022's value beside the line for 2023.
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	db := filepath.Join(filepath.Dir(cfg), "data", "sheaf.db")
	stdout, errOut, code = runSheaf(t, "templates", "--config", cfg, "--out", out, "--department", "finance", "--previous", db, "--force", "--json")
	if code != 0 {
		t.Fatalf("templates --previous: exit %d: %s", code, errOut)
	}
	rep.Templates = nil
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || len(rep.Templates) != 1 {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	l = rep.Templates[0]["lines"].([]any)[1].(map[string]any)
	if l["previous"] != 68211.0 || l["previous_period"] != "2022" || rep.Templates[0]["with_previous"] != true {
		t.Errorf("line with previous: %v", l)
	}

	// The text output names each file.
	stdout, _, code = runSheaf(t, "templates", "--config", cfg, "--out", out, "--force")
	if code != 0 || !strings.Contains(stdout, "finance: "+filepath.Join(out, "市财政局_测试.xlsx")+" (2 values to fill)") {
		t.Errorf("text output: exit %d\n%s", code, stdout)
	}

	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"templates", "--config", cfg}, 2, "--out DIR"},
		{[]string{"templates", "--config", cfg, "--out", out, "--department", "nobody"}, 1, `no department "nobody"`},
		{[]string{"templates", "--config", cfg, "--out", out, "--previous", db + ".absent"}, 1, "previous database"},
	} {
		if _, errOut, code := runSheaf(t, c.args...); code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("%v: exit %d, %s; want %d and %q", c.args, code, errOut, c.code, c.err)
		}
	}
}
