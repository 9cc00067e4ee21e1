package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// explain words each value's role (the figure; another department's
// cross-check), and a catalogue edit that re-reads every file adds no
// history line for values that did not change.
func TestExplainRolesAndUnchangedRereads(t *testing.T) {
	cfg := syncedExample(t)
	explain := func() []map[string]any {
		t.Helper()
		out, errOut, code := runSheaf(t, "explain", "students.total", "2024", "--json", "--config", cfg)
		if code != 0 {
			t.Fatalf("explain: %s", errOut)
		}
		var x []struct {
			History []map[string]any `json:"history"`
		}
		if err := json.Unmarshal([]byte(out), &x); err != nil || len(x) != 1 {
			t.Fatalf("explain --json: %v %s", err, out)
		}
		return x[0].History
	}
	before := explain()
	roles := map[string]int{}
	for _, h := range before {
		roles[h["state"].(string)]++
	}
	if roles["counts"] != 1 || roles["cross_check"] < 1 {
		t.Fatalf("roles %v, want the figure once and at least one other department's cross-check", roles)
	}

	// A catalogue edit: every file is read again, with the same values.
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "aliases: [在校学生数, 在校学生人数, 全市在校生]", "aliases: [在校学生数, 在校学生人数, 全市在校生, 在校生总数]", 1)
	if edited == string(data) {
		t.Fatal("the example's students.total aliases changed; update this test")
	}
	if err := os.WriteFile(cfg, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runSheaf(t, "sync", "--json", "--config", cfg)
	var rep struct {
		Read int `json:"read"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || rep.Read == 0 {
		t.Fatalf("sync after the edit read %d files: %s %s", rep.Read, out, errOut)
	}
	if after := explain(); len(after) != len(before) {
		t.Errorf("%d history lines after re-reading unchanged files, want %d as before", len(after), len(before))
	}
}

// syncedExample copies the bundled example (without what earlier runs
// left in it) into a folder of the test's, syncs it, and returns its
// configuration's path.
func syncedExample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("cp", "-r", filepath.Join("..", "..", "examples", "shangzhi-2024")+"/.", dir).CombinedOutput(); err != nil {
		t.Fatalf("copy the example: %v %s", err, out)
	}
	for _, d := range []string{"data", "outbox", "drafts"} {
		os.RemoveAll(filepath.Join(dir, d))
	}
	cfg := filepath.Join(dir, "sheaf.yaml")
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	return cfg
}
