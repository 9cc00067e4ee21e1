package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// setup copies fixture workbooks into a fresh config folder, old enough to
// have settled, and returns the config path.
func setup(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	inbox := filepath.Join(dir, "inbox", "edu")
	for _, d := range []string{inbox, filepath.Join(dir, "inbox", "finance")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	for _, name := range []string{"small.xlsx", "truncated.xlsx", "utf8.csv"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "sheets", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(inbox, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}
	cfg := `cycle: {name: 测试, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
departments:
  - {id: edu, name: 市教育局, sources: [{dir: inbox/edu}]}
  - {id: finance, name: 市财政局, sources: [{dir: inbox/finance}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu}
  - {id: health.examined, name: 体检学生数, unit: 人, owner: edu}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, periods: ["2022", "2023"], required: true}
`
	path := filepath.Join(dir, "sheaf.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runSheaf(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

func TestSyncFiguresFlagsStatus(t *testing.T) {
	cfg := setup(t)
	out, errOut, code := runSheaf(t, "sync", "--config", cfg)
	if code != 0 {
		t.Fatalf("sync exit %d: %s", code, errOut)
	}
	// A bad file is reported but does not fail the command.
	for _, want := range []string{"3 个文件：读取 2", "无法读取 1", "truncated.xlsx"} {
		if !strings.Contains(out, want) {
			t.Errorf("sync output lacks %q:\n%s", want, out)
		}
	}

	out, _, code = runSheaf(t, "figures", "--json", "--config", cfg)
	if code != 0 {
		t.Fatalf("figures exit %d", code)
	}
	var figs []map[string]any
	if err := json.Unmarshal([]byte(out), &figs); err != nil {
		t.Fatalf("figures --json: %v\n%s", err, out)
	}
	byKey := map[string]map[string]any{}
	for _, f := range figs {
		for _, k := range []string{"indicator", "name", "period", "value", "unit", "status", "statuses", "department", "file", "sheet", "cell"} {
			if _, ok := f[k]; !ok {
				t.Fatalf("figure lacks field %q: %v", k, f)
			}
		}
		byKey[f["indicator"].(string)+"@"+f["period"].(string)] = f
	}
	s := byKey["schools.total@2024"]
	if s["value"] != 44.0 || s["file"] != "inbox/edu/small.xlsx" || s["sheet"] != "数据" || s["cell"] != "C2" || s["status"] != "ok" {
		t.Errorf("schools.total = %v", s)
	}
	// fund.edu_spend is owned by finance, which sent nothing: edu's value
	// stands in, unverified.
	if f := byKey["fund.edu_spend@2022"]; f["status"] != "unverified" || f["department"] != "edu" || f["value"] != 68211.0 {
		t.Errorf("fund.edu_spend 2022 = %v", f)
	}

	out, _, _ = runSheaf(t, "flags", "--json", "--config", cfg)
	var flags []map[string]any
	if err := json.Unmarshal([]byte(out), &flags); err != nil {
		t.Fatalf("flags --json: %v\n%s", err, out)
	}
	kinds := map[string]int{}
	for _, f := range flags {
		for _, k := range []string{"id", "kind", "severity", "indicator", "period", "department", "rule", "message", "state", "evidence"} {
			if _, ok := f[k]; !ok {
				t.Fatalf("flag lacks field %q: %v", k, f)
			}
		}
		kinds[f["kind"].(string)]++
		if f["kind"] == "file" {
			ev := f["evidence"].([]any)[0].(map[string]any)
			if ev["file"] != "inbox/edu/truncated.xlsx" {
				t.Errorf("file flag evidence = %v", ev)
			}
		}
	}
	if kinds["file"] != 1 || kinds["missing"] != 1 || kinds["approximate"] != 1 || kinds["unknown"] != 2 {
		t.Errorf("flag kinds = %v, want 1 file, 1 missing (finance sent nothing: one flag lists both years), 1 approximate, 2 unknown (one per file)", kinds)
	}

	out, _, code = runSheaf(t, "status", "--config", cfg)
	if code != 0 || !strings.Contains(out, "市教育局") || !strings.Contains(out, "市财政局") {
		t.Errorf("status exit %d:\n%s", code, out)
	}
	if !strings.Contains(out, "最近一次同步：") {
		t.Errorf("status does not show the last sync:\n%s", out)
	}
}

func TestConfigCheck(t *testing.T) {
	cfg := setup(t)
	out, _, code := runSheaf(t, "config", "check", "--config", cfg)
	if code != 0 || !strings.Contains(out, "ok") {
		t.Fatalf("config check exit %d: %s", code, out)
	}
	bad := strings.Replace(mustRead(t, cfg), "owner: finance, periods", "owner: finanse, periods", 1)
	os.WriteFile(cfg, []byte(bad), 0o644)
	_, errOut, code := runSheaf(t, "config", "check", "--config", cfg)
	if code == 0 {
		t.Fatal("a bad owner passed config check")
	}
	if !strings.Contains(errOut, "sheaf.yaml:10:") || !strings.Contains(errOut, "indicators[3].owner") {
		t.Errorf("error does not name the line and key:\n%s", errOut)
	}
	out, _, code = runSheaf(t, "config", "check", "--json", "--config", cfg)
	var check struct {
		OK       bool `json:"ok"`
		Problems []struct {
			Line int    `json:"line"`
			Key  string `json:"key"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(out), &check); err != nil || code != 1 || check.OK || len(check.Problems) != 1 ||
		check.Problems[0].Line != 10 || check.Problems[0].Key != "indicators[3].owner" {
		t.Errorf("config check --json of a bad owner: exit %d, %s", code, out)
	}
}

func TestUnknownCommand(t *testing.T) {
	_, errOut, code := runSheaf(t, "frobnicate")
	if code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExplainRulesAndFilters(t *testing.T) {
	cfg := setup(t)
	if _, errOut, code := runSheaf(t, "--config", cfg, "sync"); code != 0 {
		t.Fatalf("sync (config before the command) exit %d: %s", code, errOut)
	}
	out, _, code := runSheaf(t, "explain", "schools.total", "--config", cfg)
	if code != 0 || !strings.Contains(out, "inbox/edu/small.xlsx 数据!C2") || !strings.Contains(out, "← 计入") {
		t.Errorf("explain exit %d:\n%s", code, out)
	}
	_, errOut, code := runSheaf(t, "explain", "fund.edu_spend", "2021", "--config", cfg)
	if code == 0 || !strings.Contains(errOut, "collected for 2022, 2023") {
		t.Errorf("explain of an undeclared period: exit %d: %s", code, errOut)
	}
	_, errOut, code = runSheaf(t, "flags", "--state", "bogus", "--config", cfg)
	if code != 2 || !strings.Contains(errOut, "expected one of") {
		t.Errorf("a bad --state: exit %d: %s", code, errOut)
	}
	_, errOut, code = runSheaf(t, "flags", "--department", "市教育局", "--config", cfg)
	if code != 2 || !strings.Contains(errOut, "edu") {
		t.Errorf("a department name instead of its id: exit %d: %s", code, errOut)
	}
	out, _, code = runSheaf(t, "rules", "--config", cfg)
	if code != 0 || !strings.Contains(out, "还没有规则结果") && !strings.Contains(out, "规则") {
		t.Errorf("rules exit %d:\n%s", code, out)
	}
}

func TestAcceptFlag(t *testing.T) {
	cfg := setup(t)
	runSheaf(t, "sync", "--config", cfg)
	out, _, _ := runSheaf(t, "flags", "--json", "--kind", "approximate", "--config", cfg)
	var flags []map[string]any
	if err := json.Unmarshal([]byte(out), &flags); err != nil || len(flags) != 1 {
		t.Fatalf("approximate flags: %v %s", err, out)
	}
	id := flags[0]["id"].(float64)
	out, errOut, code := runSheaf(t, "flags", "accept", strconv.Itoa(int(id)), "--note", "卫健局体检人数为约数，以年报为准", "--by", "督导室", "--config", cfg)
	if code != 0 || !strings.Contains(out, "已认可") {
		t.Fatalf("accept exit %d: %s %s", code, out, errOut)
	}
	// At once, without a sync between: the figure says accepted.
	out, _, _ = runSheaf(t, "figures", "--json", "--config", cfg)
	if !strings.Contains(out, `"status": "accepted"`) {
		t.Errorf("right after accepting, the figure is not marked accepted:\n%s", out)
	}
	runSheaf(t, "sync", "--config", cfg)
	out, _, _ = runSheaf(t, "flags", "--state", "accepted", "--config", cfg)
	if !strings.Contains(out, "说明（督导室）：卫健局体检人数为约数，以年报为准") {
		t.Errorf("accepted flag without its note:\n%s", out)
	}
	out, _, _ = runSheaf(t, "figures", "--json", "--config", cfg)
	if !strings.Contains(out, `"status": "accepted"`) {
		t.Errorf("the accepted figure is not marked accepted:\n%s", out)
	}
}

// TestRunWithAnUnschedulableSpecExitsAtOnce: a schedule the cron parser
// refuses stops `sheaf run` before it serves anything, naming the key.
func TestRunWithAnUnschedulableSpecExitsAtOnce(t *testing.T) {
	path := setup(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := string(data) + "schedules: {sync: \"61 * * * *\"}\nweb: {listen: \"127.0.0.1:0\"}\n"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var stderr string
	var code int
	go func() {
		defer close(done)
		_, stderr, code = runSheaf(t, "run", "--config", path)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("sheaf run with an invalid schedule is still running")
	}
	if code == 0 || !strings.Contains(stderr, "schedules.sync") || !strings.Contains(stderr, "minute") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runSheaf(t, "config", "check", "--config", path)
	if code == 0 || !strings.Contains(stderr, "schedules.sync") {
		t.Errorf("config check: exit %d, stderr %q", code, stderr)
	}
}

// TestHelpVersionAndFlagsBeforeTheCommand: -h and --help answer on stdout
// with exit 0 for every command; --version prints the version; flags may
// come before the command, booleans included; no command is a usage error.
func TestHelpVersionAndFlagsBeforeTheCommand(t *testing.T) {
	for _, c := range commands {
		for _, h := range []string{"-h", "--help"} {
			out, errOut, code := runSheaf(t, c.name, h)
			if code != 0 || !strings.Contains(out, "usage: sheaf "+c.name) || !strings.Contains(out, "-config") || errOut != "" {
				t.Errorf("sheaf %s %s: exit %d, stdout %q, stderr %q", c.name, h, code, out, errOut)
			}
		}
	}
	if out, _, code := runSheaf(t, "--version"); code != 0 || !strings.HasPrefix(out, "sheaf ") || !strings.Contains(out, "go1.") {
		t.Errorf("--version: exit %d, %q", code, out)
	}
	if _, errOut, code := runSheaf(t, "--config", "x.yaml"); code != 2 || !strings.Contains(errOut, "usage: sheaf COMMAND") {
		t.Errorf("no command: exit %d, stderr %q", code, errOut)
	}
	cfg := setup(t)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %d %s", code, errOut)
	}
	out, errOut, code := runSheaf(t, "--json", "--config", cfg, "figures")
	var figs []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &figs) != nil || len(figs) == 0 {
		t.Errorf("--json before the command: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, errOut, code := runSheaf(t, "figures", "--bogus", "--config", cfg); code != 2 || !strings.Contains(errOut, "-bogus") {
		t.Errorf("bad flag: exit %d, stderr %q", code, errOut)
	}
	// Before the command too, where a misspelt flag would take the command
	// as its value.
	if _, errOut, code := runSheaf(t, "--jsn", "status"); code != 2 || !strings.Contains(errOut, "unknown flag --jsn") {
		t.Errorf("bad flag before the command: exit %d, stderr %q", code, errOut)
	}
	// An argument a command does not take is refused, not ignored.
	if _, errOut, code := runSheaf(t, "figures", "schools.total", "--config", cfg); code != 2 || !strings.Contains(errOut, `unexpected argument "schools.total"`) {
		t.Errorf("an argument figures does not take: exit %d, stderr %q", code, errOut)
	}
	for _, h := range []string{"-h", "--help"} {
		if out, _, code := runSheaf(t, "help", h); code != 0 || !strings.Contains(out, "usage: sheaf COMMAND") {
			t.Errorf("sheaf help %s: exit %d, %q", h, code, out)
		}
	}
}

// TestFlagsAcceptWithFlagsFirst: "flags --config X accept ID --note …" works
// like "flags accept ID --note … --config X".
func TestFlagsAcceptWithFlagsFirst(t *testing.T) {
	cfg := setup(t)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	out, _, _ := runSheaf(t, "flags", "--json", "--config", cfg)
	var flags []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &flags); err != nil || len(flags) == 0 {
		t.Fatalf("flags: %v %q", err, out)
	}
	id := strconv.FormatInt(flags[0].ID, 10)
	if _, errOut, code := runSheaf(t, "flags", "--config", cfg, "accept", id, "--note", "已核实"); code != 0 {
		t.Fatalf("accept with --config first: exit %d %s", code, errOut)
	}
	out, _, _ = runSheaf(t, "flags", "--json", "--state", "accepted", "--config", cfg)
	var accepted []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &accepted); err != nil || len(accepted) != 1 || accepted[0].ID != flags[0].ID {
		t.Errorf("accepted flags: %v %s", err, out)
	}
}

// With web.listen off no daemon answers a resync: sheaf resync syncs here
// at once instead of calling http://off.
func TestResyncWithTheWebOffSyncsHere(t *testing.T) {
	cfg := setup(t)
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("web: {listen: \"off\"}\n")
	f.Close()
	out, errOut, code := runSheaf(t, "resync", "--json", "--config", cfg)
	if code != 0 || !strings.Contains(errOut, "web.listen is off: syncing here") {
		t.Fatalf("resync exit %d: %s\n%s", code, errOut, out)
	}
	var rep struct {
		Read int `json:"read"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Read == 0 {
		t.Fatalf("resync read %d files: %v %s", rep.Read, err, out)
	}
}
