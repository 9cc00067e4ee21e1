package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUnrecognisedRowToAlias: a row sheaf does not recognise names the
// indicator it probably is and the command to adopt it; the missing
// figure asks about the row instead of saying 未报送; sheaf alias add
// edits the file and the figure is read.
func TestUnrecognisedRowToAlias(t *testing.T) {
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox")
	os.MkdirAll(inbox, 0o755)
	book := filepath.Join(inbox, "快报.csv")
	os.WriteFile(book, []byte("指标名称,年度,数值,单位\n床位数,2024,2680,张\n其中：医院,2024,168,个\n"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(book, old, old)
	yaml := `# 快报
cycle: {name: 快报, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
departments:
  - {id: health, name: 市卫健局, sources: [{dir: inbox}]}
indicators:
  - {id: beds.total, name: 床位数, unit: 张, owner: health}   # beds
  - {id: hospitals.total, name: 医院数, unit: 个, owner: health}
`
	cfg := filepath.Join(dir, "sheaf.yaml")
	os.WriteFile(cfg, []byte(yaml), 0o644)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync exit %d: %s", code, errOut)
	}
	out, _, _ := runSheaf(t, "flags", "--json", "--config", cfg)
	var flags []struct{ Kind, Indicator, Message string }
	if err := json.Unmarshal([]byte(out), &flags); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	msgs := map[string]string{}
	for _, f := range flags {
		msgs[f.Kind] = f.Message
	}
	if m := msgs["unknown"]; !strings.Contains(m, `可能是 hospitals.total「医院数」，确认后运行 sheaf alias add hospitals.total "医院"`) {
		t.Errorf("unknown flag: %q", m)
	}
	if m := msgs["missing"]; !strings.Contains(m, "可能是「其中：医院」行（inbox/快报.csv 快报!A3），请确认") || strings.Contains(m, "未报送") {
		t.Errorf("missing flag: %q", m)
	}

	out, errOut, code := runSheaf(t, "alias", "add", "hospitals.total", "医院", "--config", cfg)
	if code != 0 {
		t.Fatalf("alias add exit %d: %s\n%s", code, errOut, out)
	}
	got, _ := os.ReadFile(cfg)
	want := strings.Replace(yaml, "name: 医院数, unit", "name: 医院数, aliases: [医院], unit", 1)
	if string(got) != want {
		t.Errorf("config after alias add:\n%s\nwant:\n%s", got, want)
	}
	out, _, _ = runSheaf(t, "figures", "--json", "--config", cfg)
	if !strings.Contains(out, `"indicator": "hospitals.total"`) || !strings.Contains(out, `"value": 168`) {
		t.Errorf("figures after alias add:\n%s", out)
	}
	out, _, _ = runSheaf(t, "flags", "--config", cfg)
	if !strings.Contains(out, "没有待处理的问题") {
		t.Errorf("flags after alias add:\n%s", out)
	}
	// Adding it again changes nothing.
	out, _, code = runSheaf(t, "alias", "add", "hospitals.total", "医院", "--config", cfg)
	if again, _ := os.ReadFile(cfg); code != 0 || string(again) != want || !strings.Contains(out, "already") {
		t.Errorf("second alias add: exit %d, %s", code, out)
	}
}
