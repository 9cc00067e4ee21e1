package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
	"github.com/sheaf-dev/sheaf/web"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or writes it there with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

// Every command answers -h and --help on stdout with exit 0, whether the
// flag comes after the command or before it.
func TestHelpGolden(t *testing.T) {
	t.Setenv("SHEAF_CONFIG", "")
	cases := [][]string{{}}
	for _, c := range commands {
		cases = append(cases, []string{c.name})
	}
	cases = append(cases, []string{"flags", "accept"}, []string{"outbox", "retry"})
	for _, cmd := range cases {
		name := strings.Join(cmd, "_")
		if name == "" {
			name = "sheaf"
		}
		t.Run(name, func(t *testing.T) {
			var first string
			forms := [][]string{append(slices.Clone(cmd), "-h"), append(slices.Clone(cmd), "--help"),
				append([]string{"--help"}, cmd...)}
			if len(cmd) > 0 {
				forms = append(forms, append([]string{"help"}, cmd...))
			} else {
				forms = append(forms, []string{"help"})
			}
			for i, args := range forms {
				out, errOut, code := runSheaf(t, args...)
				if code != 0 || errOut != "" {
					t.Errorf("sheaf %s: exit %d, stderr %q", strings.Join(args, " "), code, errOut)
				}
				if i == 0 {
					first = out
					golden(t, filepath.Join("help", name+".txt"), out)
				} else if out != first {
					t.Errorf("sheaf %s prints another help than sheaf %s:\n%s", strings.Join(args, " "),
						strings.Join(forms[0], " "), out)
				}
			}
		})
	}
}

// A command line with flags and no command, or a bad flag, is a usage
// error (exit 2) on stderr, never a panic.
func TestUsageErrors(t *testing.T) {
	t.Setenv("SHEAF_CONFIG", "")
	for _, args := range [][]string{{}, {"--config", "x.yaml"}, {"--json"}, {"--config"}, {"figures", "--bogus"},
		{"nosuch"}, {"draft", "--format", "pdf"}, {"draft", "--format", ""}} {
		_, errOut, code := runSheaf(t, args...)
		if code != 2 || errOut == "" {
			t.Errorf("sheaf %s: exit %d, stderr %q; want 2 and a message", strings.Join(args, " "), code, errOut)
		}
	}
	// The format is refused before anything is read: no configuration
	// exists here.
	_, errOut, _ := runSheaf(t, "draft", "--format", "docx,pdf", "--config", filepath.Join(t.TempDir(), "none.yaml"))
	if !strings.Contains(errOut, `--format "pdf"`) {
		t.Errorf("draft --format pdf: %s", errOut)
	}
}

// --version prints the module version, the commit when the binary was
// built from one, and Go's version, before or instead of any command.
func TestVersion(t *testing.T) {
	re := regexp.MustCompile(`^sheaf \S+( \(commit [0-9a-f]{1,12}(, modified)?\))? go\S+\n$`)
	for _, args := range [][]string{{"--version"}, {"-version"}, {"--version", "figures"}} {
		out, errOut, code := runSheaf(t, args...)
		if code != 0 || errOut != "" || !re.MatchString(out) {
			t.Errorf("sheaf %s: exit %d, %q, stderr %q", strings.Join(args, " "), code, out, errOut)
		}
	}
}

// jsonSetup is setup's folder with a configuration that has rules, a
// deadline with reminders, a report template and mail to a folder, and no
// daemon (resync syncs here).
func jsonSetup(t *testing.T) string {
	t.Helper()
	cfg := setup(t)
	dir := filepath.Dir(cfg)
	if err := os.WriteFile(filepath.Join(dir, "report.md.tmpl"), []byte("# 报告\n\n未达标准：\n\n{{standards}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	yaml := `cycle: {name: 测试, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
departments:
  - {id: edu, name: 市教育局, contacts: [edu@example.org], sources: [{dir: inbox/edu}]}
  - {id: finance, name: 市财政局, contacts: [finance@example.org], sources: [{dir: inbox/finance}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu}
  - {id: health.examined, name: 体检学生数, unit: 人, owner: edu}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, periods: ["2022", "2023"], required: true}
rules:
  - {id: few-schools, expr: 'v("schools.total") > 1000', severity: warning, class: standard}
deadlines:
  - {name: 年报, due: "2026-12-05 17:00", remind: [3d]}
report: {template: report.md.tmpl, output: drafts}
mail: {from: sheaf@example.org, coordinators: [chief@example.org], dir: outbox}
web: {listen: "127.0.0.1:1"}
`
	if err := os.WriteFile(cfg, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// Every command that prints a listing or a result prints JSON with
// --json, with lower-case snake_case keys; the key sets are kept in
// testdata/json.
func TestJSONGolden(t *testing.T) {
	cfg := jsonSetup(t)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	// A failed message for outbox retry.
	db, err := storage.Open(context.Background(), filepath.Join(filepath.Dir(cfg), "data", "sheaf.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Enqueue(context.Background(), sheaf.OutboxMessage{Kind: sheaf.MailTest, Sender: "sheaf@example.org",
		To: []string{"x@example.org"}, Subject: "试发", BodyText: "试发"}); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.Outbox(context.Background(), 1)
	if err != nil || len(msgs) != 1 {
		t.Fatal(err)
	}
	if err := db.MarkFailed(context.Background(), msgs[0].ID, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	flagID := firstFlagID(t, cfg)

	cases := []struct {
		name string
		args []string
	}{
		{"sync", []string{"sync"}},
		{"resync", []string{"resync"}},
		{"figures", []string{"figures"}},
		{"flags", []string{"flags"}},
		{"explain", []string{"explain", "schools.total"}},
		{"rules", []string{"rules"}},
		{"status", []string{"status"}},
		{"config_check", []string{"config", "check"}},
		{"remind_dry_run", []string{"remind", "--dry-run", "--at", "2026-12-03 09:00"}},
		{"remind", []string{"remind"}},
		{"draft", []string{"draft", "--format", "md"}},
		{"flags_accept", []string{"flags", "accept", fmt.Sprint(flagID), "--note", "已核实"}},
		{"outbox_retry", []string{"outbox", "retry", fmt.Sprint(msgs[0].ID)}},
		{"outbox", []string{"outbox"}},
		{"run_once", []string{"run", "--once", "sync"}},
		{"runs", []string{"runs"}},
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// --json and --config before the command as well as after it.
			for _, args := range [][]string{append(append([]string{}, tc.args...), "--json", "--config", cfg),
				append([]string{"--json", "--config", cfg}, tc.args...)} {
				if tc.name == "flags_accept" || tc.name == "outbox_retry" || tc.name == "resync" {
					args = append(append([]string{}, tc.args...), "--json", "--config", cfg) // once is enough
				}
				out, errOut, code := runSheaf(t, args...)
				if code != 0 {
					t.Fatalf("sheaf %s: exit %d: %s", strings.Join(args, " "), code, errOut)
				}
				var v any
				if err := json.Unmarshal([]byte(out), &v); err != nil {
					t.Fatalf("sheaf %s: %v\n%s", strings.Join(args, " "), err, out)
				}
				keys := jsonKeys(v, "", nil)
				for _, k := range keys {
					for _, part := range strings.FieldsFunc(k, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
						if !snake.MatchString(part) && !isDynamicKey(part) {
							t.Errorf("key %q of %s is not snake_case", k, tc.name)
						}
					}
				}
				golden(t, filepath.Join("json", tc.name+".keys"), strings.Join(keys, "\n")+"\n")
				if tc.name == "flags_accept" || tc.name == "outbox_retry" || tc.name == "resync" {
					break
				}
			}
		})
	}
}

// isCountMap reports whether m maps names to numbers: {"missing": 2}.
func isCountMap(m map[string]any) bool {
	for _, x := range m {
		if _, ok := x.(float64); !ok {
			return false
		}
	}
	return len(m) > 0 && !slices.ContainsFunc(slices.Collect(maps.Keys(m)), func(k string) bool { return strings.Contains(k, "_") })
}

// isDynamicKey allows the keys that are data, not names: a count by flag
// kind is keyed by the kind.
func isDynamicKey(k string) bool { return k == "" }

// jsonKeys lists the paths of every key in v: "departments[].id"; an
// array's elements are merged. The keys of a map of counts ("flags_open":
// {"missing": 2}) are data, not names, and a run's counts are the job's
// own report: neither is listed.
func jsonKeys(v any, prefix string, acc []string) []string {
	switch v := v.(type) {
	case map[string]any:
		if strings.HasSuffix(prefix, "counts") || isCountMap(v) {
			return acc
		}
		for k, x := range v {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			if !slices.Contains(acc, p) {
				acc = append(acc, p)
			}
			acc = jsonKeys(x, p, acc)
		}
	case []any:
		for _, x := range v {
			acc = jsonKeys(x, prefix+"[]", acc)
		}
	}
	slices.Sort(acc)
	return acc
}

func firstFlagID(t *testing.T, cfg string) int64 {
	t.Helper()
	out, _, _ := runSheaf(t, "flags", "--json", "--config", cfg)
	var flags []struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &flags); err != nil || len(flags) == 0 {
		t.Fatalf("no flags: %v\n%s", err, out)
	}
	return flags[0].ID
}

// `sheaf runs --json` gives runs with the keys /runs.json gives them.
func TestRunsJSONAsTheWeb(t *testing.T) {
	cfg := jsonSetup(t)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	out, _, code := runSheaf(t, "runs", "--json", "--config", cfg)
	if code != 0 {
		t.Fatalf("runs exit %d", code)
	}
	var cli []map[string]any
	if err := json.Unmarshal([]byte(out), &cli); err != nil || len(cli) != 1 {
		t.Fatalf("runs --json: %v\n%s", err, out)
	}
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), c.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/runs.json", nil)
	req.Host = "localhost" // the Host check refuses httptest's example.com
	(&web.Server{Config: c, DB: db}).Handler().ServeHTTP(rec, req)
	var webRuns []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &webRuns); err != nil || len(webRuns) != 1 {
		t.Fatalf("/runs.json (%d): %v\n%s", rec.Code, err, rec.Body)
	}
	if got, want := jsonKeys(cli, "", nil), jsonKeys(webRuns, "", nil); !slices.Equal(got, want) {
		t.Errorf("runs --json keys\n%v\n/runs.json keys\n%v", got, want)
	}
	if cli[0]["id"] != webRuns[0]["id"] || cli[0]["job"] != "sync" || cli[0]["started_at"] != webRuns[0]["started_at"] {
		t.Errorf("runs --json %v, /runs.json %v", cli[0], webRuns[0])
	}
}

// --at reads RFC 3339, "YYYY-MM-DD HH:MM" and "YYYY-MM-DD" in the cycle's
// time zone (Asia/Shanghai here), and they decide alike.
func TestAtForms(t *testing.T) {
	cfg := jsonSetup(t)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	shanghai := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		at   string
		want time.Time
	}{
		{"2026-12-03 09:00", time.Date(2026, 12, 3, 9, 0, 0, 0, shanghai)},
		{"2026-12-03T09:00", time.Date(2026, 12, 3, 9, 0, 0, 0, shanghai)},
		{"2026-12-03T09:00:00+08:00", time.Date(2026, 12, 3, 9, 0, 0, 0, shanghai)},
		{"2026-12-03T01:00:00Z", time.Date(2026, 12, 3, 9, 0, 0, 0, shanghai)},
		{"2026-12-03", time.Date(2026, 12, 3, 0, 0, 0, 0, shanghai)},
	} {
		t.Run(tc.at, func(t *testing.T) {
			out, errOut, code := runSheaf(t, "remind", "--dry-run", "--at", tc.at, "--json", "--config", cfg)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got struct {
				At      time.Time `json:"at"`
				Notices []struct {
					Department string `json:"department"`
					Kind       string `json:"kind"`
				} `json:"notices"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if !got.At.Equal(tc.want) {
				t.Errorf("at %s, want %s", got.At, tc.want)
			}
			// Within three days of the deadline, finance, which owes
			// fund.edu_spend, is reminded.
			finance := slices.IndexFunc(got.Notices, func(n struct {
				Department string `json:"department"`
				Kind       string `json:"kind"`
			}) bool {
				return n.Department == "finance" && n.Kind == sheaf.MailReminder
			})
			if finance < 0 {
				t.Errorf("notices %+v", got.Notices)
			}
		})
	}
	_, errOut, code := runSheaf(t, "remind", "--dry-run", "--at", "2026-12-03 9am", "--config", cfg)
	if code != 2 || !strings.Contains(errOut, `"2026-12-03 09:00"`) || strings.Contains(errOut, "parsing time") {
		t.Errorf("a bad --at: exit %d: %s", code, errOut)
	}
}

// A rule without a message is worded from its expression and figure
// names, in its flag and in the draft.
func TestRuleWithoutMessage(t *testing.T) {
	cfg := jsonSetup(t)
	if _, errOut, code := runSheaf(t, "sync", "--config", cfg); code != 0 {
		t.Fatalf("sync: %s", errOut)
	}
	const want = "学校总数 应大于 1000，实际为 44"
	out, _, _ := runSheaf(t, "flags", "--kind", "rule", "--config", cfg)
	if !strings.Contains(out, want+"。所用数据：学校总数（2024年）44所") {
		t.Errorf("the rule's flag does not say %q:\n%s", want, out)
	}
	dir := t.TempDir()
	if _, errOut, code := runSheaf(t, "draft", "--format", "md", "--out", dir, "--config", cfg); code != 0 {
		t.Fatalf("draft: %s", errOut)
	}
	mds, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	if len(mds) != 1 {
		t.Fatalf("drafts: %v", mds)
	}
	md, _ := os.ReadFile(mds[0])
	if !strings.Contains(string(md), "- "+want+"\n") || strings.Contains(string(md), "未达标\n") {
		t.Errorf("the draft does not give the rule's sentence:\n%s", md)
	}
}

// TestDryRunSaysWhoIsWithheld: a department whose folder could not be
// listed at the last sync gets no notice (what it owes is not known); the
// dry run says so instead of leaving it out without a word.
func TestDryRunSaysWhoIsWithheld(t *testing.T) {
	cfg := setup(t)
	if err := os.RemoveAll(filepath.Join(filepath.Dir(cfg), "inbox", "finance")); err != nil {
		t.Fatal(err)
	}
	runSheaf(t, "sync", "--config", cfg)
	out, errOut, code := runSheaf(t, "remind", "--dry-run", "--at", "2026-12-03 09:00", "--json", "--config", cfg)
	var got struct {
		Withheld []string `json:"withheld"`
		Notices  []struct {
			Department string `json:"department"`
		} `json:"notices"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if !slices.Equal(got.Withheld, []string{"finance"}) {
		t.Errorf("withheld %v, want finance", got.Withheld)
	}
	for _, n := range got.Notices {
		if n.Department == "finance" {
			t.Errorf("a notice to finance, whose folder could not be listed")
		}
	}
	out, _, _ = runSheaf(t, "remind", "--dry-run", "--at", "2026-12-03 09:00", "--config", cfg)
	if !strings.Contains(out, "市财政局：上次同步时数据来源无法读取") {
		t.Errorf("the dry run does not say finance is withheld:\n%s", out)
	}
}
