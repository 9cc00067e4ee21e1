package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestLoadFullExample(t *testing.T) {
	c, err := Load("testdata/sheaf.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	dir, _ := filepath.Abs("testdata")
	tests := []struct {
		name      string
		got, want any
	}{
		{"file", c.File, filepath.Join(dir, "sheaf.yaml")},
		{"dir", c.Dir, dir},
		{"cycle name", c.Cycle.Name, "尚志市2024年度履行教育职责自评报告"},
		{"period", c.Cycle.Period, "2024"},
		{"location", c.Cycle.Location.String(), "Asia/Shanghai"},
		{"db path", c.DBPath(), filepath.Join(dir, "data", "edu2024.db")},
		{"settle", c.Sync.Settle, Duration(90 * time.Second)},
		{"workers", c.Sync.Workers, 2},
		{"global headers", strings.Join(c.Extraction.Headers["name"], ","), "指标名称,项目"},
		{"departments", len(c.Departments), 3},
		{"contact", c.Departments[0].Contacts[0], "督导室 <duda@edu.example.cn>"},
		{"written glob", c.Departments[0].Sources[0].Glob, "**/*.xlsx"},
		{"default glob", c.Departments[1].Sources[0].Glob, "**/*"},
		{"absolute source", c.Path(c.Departments[1].Sources[0].Dir), "/srv/share/finance"},
		{"relative source", c.Path(c.Departments[0].Sources[0].Dir), filepath.Join(dir, "inbox", "edu")},
		{"department headers", c.Departments[1].Extraction.Headers["value"][0], "决算数"},
		{"indicators", len(c.Indicators), 8},
		{"aliases", strings.Join(c.Indicators[0].Aliases, ","), "学校数,学校总数"},
		{"required", c.Indicators[0].Required, true},
		{"periods", strings.Join(c.Indicators[5].Periods, ","), "2023,2024"},
		{"decimals", *c.Indicators[3].Decimals, 1},
		{"no decimals", c.Indicators[0].Decimals == nil, true},
		{"tolerance", *c.Indicators[4].Tolerance, 0.01},
		{"default severity", c.Rules[0].Severity, sheaf.SeverityWarning},
		{"written severity", c.Rules[1].Severity, sheaf.SeverityError},
		{"unquoted date", c.Deadlines[0].Due, "2025-03-31"},
		{"remind", strings.Join(c.Deadlines[0].Remind, ","), "7d,3d,1d"},
		{"due", mustDue(t, c.Deadlines[1], c.Cycle.Location), "2025-03-20T17:00:00+08:00"},
		{"percent unit", c.Indicators[4].UnitInfo().Name, "%"},
		{"ratio unit", c.Indicators[7].ShownDecimals(), 1},
		{"schedule", c.Schedules.Remind, "0 9 * * MON-FRI"},
		{"from", c.Mail.From, "尚志市教育督导室 <duda@edu.example.cn>"},
		{"outbox", c.Path(c.Mail.Outbox), filepath.Join(dir, "outbox")},
		{"smtp", c.Mail.SMTP, SMTP{Host: "smtp.example.cn", Port: 587, Username: "duda@edu.example.cn", PasswordEnv: "SHEAF_SMTP_PASSWORD", TLS: "starttls"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func mustDue(t *testing.T, d Deadline, loc *time.Location) string {
	t.Helper()
	due, err := d.DueTime(loc)
	if err != nil {
		t.Fatal(err)
	}
	return due.Format(time.RFC3339)
}

func TestLoadDefaults(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, c *Config)
	}{
		{
			name: "nothing written",
			check: func(t *testing.T, c *Config) {
				if c.Sync.Settle != Duration(time.Minute) {
					t.Errorf("settle %v, want 1m", c.Sync.Settle)
				}
				if c.Sync.Workers != runtime.NumCPU() {
					t.Errorf("workers %d, want %d", c.Sync.Workers, runtime.NumCPU())
				}
				if c.Storage.Path != "data/sheaf.db" {
					t.Errorf("storage.path %q, want data/sheaf.db", c.Storage.Path)
				}
				if want := filepath.Join(c.Dir, "data", "sheaf.db"); c.DBPath() != want {
					t.Errorf("DBPath %q, want %q", c.DBPath(), want)
				}
				if g := c.Departments[0].Sources[0].Glob; g != "**/*" {
					t.Errorf("glob %q, want **/*", g)
				}
				if c.Mail.SMTP != (SMTP{}) {
					t.Errorf("smtp %+v, want nothing without a host", c.Mail.SMTP)
				}
			},
		},
		{
			name: "settle written as zero stays zero",
			yaml: "sync:\n  settle: 0s\n  workers: 0\n",
			check: func(t *testing.T, c *Config) {
				if c.Sync.Settle != 0 {
					t.Errorf("settle %v, want 0", c.Sync.Settle)
				}
				if c.Sync.Workers != runtime.NumCPU() {
					t.Errorf("workers %d, want %d", c.Sync.Workers, runtime.NumCPU())
				}
			},
		},
		{
			name: "empty storage path",
			yaml: "storage:\n  path:\n",
			check: func(t *testing.T, c *Config) {
				if c.Storage.Path != "data/sheaf.db" {
					t.Errorf("storage.path %q, want data/sheaf.db", c.Storage.Path)
				}
			},
		},
		{
			name: "rule severity",
			yaml: "rules:\n  - id: a\n    expr: x > 0\n    class: check\n",
			check: func(t *testing.T, c *Config) {
				if c.Rules[0].Severity != "warning" {
					t.Errorf("severity %q, want warning", c.Rules[0].Severity)
				}
			},
		},
		{
			name: "smtp port follows tls",
			yaml: "mail:\n  smtp:\n    host: smtp.example.cn\n    tls: tls\n",
			check: func(t *testing.T, c *Config) {
				if c.Mail.SMTP.Port != 465 {
					t.Errorf("port %d, want 465", c.Mail.SMTP.Port)
				}
			},
		},
		{
			name: "smtp host alone",
			yaml: "mail:\n  smtp:\n    host: smtp.example.cn\n",
			check: func(t *testing.T, c *Config) {
				if s := c.Mail.SMTP; s.TLS != "starttls" || s.Port != 587 {
					t.Errorf("tls %q port %d, want starttls 587", s.TLS, s.Port)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeConfig(t, withBase(tt.yaml)))
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

// TestLoadErrorText checks the whole text a user sees for a bad owner.
func TestLoadErrorText(t *testing.T) {
	src := `cycle:
  name: 2024年度教育事业统计
  period: "2024"
  timezone: Asia/Shanghai
departments:
  - id: edu
    name: 市教育局
  - id: finance
    name: 市财政局
indicators:
  - {id: schools.total, name: 各级各类学校总数, unit: 所, owner: edu}
  - {id: teachers.fulltime, name: 专任教师数, unit: 人, owner: edu}
  - {id: funding.total, name: 教育经费总投入, unit: 万元, owner: finance}
  - id: funding.per_student
    name: 生均教育经费
    unit: 元
    owner: finanse
`
	path := writeConfig(t, src)
	_, err := Load(path)
	want := path + `:17: indicators[3].owner: "finanse" is not a department id (known: edu, finance)`
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// TestLoadReportsAllProblems checks that problems in different sections
// come back together, in the order of the file, one per line.
func TestLoadReportsAllProblems(t *testing.T) {
	src := `cycle:
  name: 年报
  period: 2024Q0
  timezone: Asia/Shanghai
sync:
  settle: soon
departments:
  - id: edu
    name: 市教育局
    contacts: [zhang]
indicators:
  - id: schools.total
    name: 各级各类学校总数
    unit: 所
    owner: edu
    decimals: 9
deadlines:
  - name: 初稿
    due: 31/03/2025
schedules:
  sync: every hour
mail:
  smtp:
    tls: ssl
`
	path := writeConfig(t, src)
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load succeeded, want errors")
	}
	want := []string{
		`:3: cycle.period: "2024Q0" is not a period (write a year, 2024, a quarter, 2024Q2, or months of a year, 2024M01-11)`,
		`:6: sync.settle: "soon" is not a duration (write e.g. 90s, 2m, 1h30m or 7d)`,
		`:10: departments[0].contacts[0]: "zhang" is not an e-mail address`,
		`:16: indicators[0].decimals: 9 is out of range (0 to 6)`,
		`:19: deadlines[0].due: "31/03/2025" is not a date (write 2025-03-31 or 2025-03-31 17:00)`,
		`:21: schedules.sync: "every hour" has 2 fields; a schedule has 5`,
		`:24: mail.smtp.tls: "ssl" is not one of starttls, tls, none`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%v", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], path+w) {
			t.Errorf("line %d:\ngot  %s\nwant %s%s…", i+1, lines[i], path, w)
		}
	}
	var fe FieldError
	if !errors.As(err, &fe) || fe.Key != "cycle.period" {
		t.Errorf("errors.As gave %+v, want the first problem", fe)
	}
}

func TestLoadBadFiles(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want string // the start of the first error, after the file name
	}{
		{
			name: "syntax error",
			src:  "cycle:\n  name: 年报\n  period: \"2024\n  timezone: Asia/Shanghai\n",
			// yaml names the line where the unclosed quote starts.
			want: ":3: found unexpected end of stream",
		},
		{
			name: "tab indentation",
			src:  "cycle:\n\tname: 年报\n",
			want: ":2: 第 2 行用了制表符缩进，请改用空格",
		},
		{
			name: "two documents",
			src:  "cycle:\n  name: 年报\n---\ncycle:\n  name: 另一个\n",
			want: ":3: a second YAML document (after ---): the configuration is one document",
		},
		{
			name: "not a mapping",
			src:  "- cycle\n",
			want: ":1: expected a mapping of keys, found a list",
		},
		{
			name: "empty",
			src:  "",
			want: ": cycle.name: is required",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.src)
			_, err := Load(path)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			first, _, _ := strings.Cut(err.Error(), "\n")
			if !strings.HasPrefix(first, path+tt.want) {
				t.Errorf("got  %s\nwant %s%s", first, path, tt.want)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

func TestLoadRelativePath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "sheaf.yaml"), []byte(withBase("")), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	c, err := Load("sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// t.TempDir may sit behind a symlink; compare what the process sees.
	wd, _ := os.Getwd()
	if c.File != filepath.Join(wd, "sheaf.yaml") || c.Dir != wd {
		t.Errorf("File %q Dir %q, want absolute paths in %q", c.File, c.Dir, wd)
	}
}

func TestPath(t *testing.T) {
	c := &Config{Dir: "/etc/sheaf"}
	tests := []struct {
		name, in, want string
	}{
		{"relative", "inbox/edu", "/etc/sheaf/inbox/edu"},
		{"dot", "./data/../data/x.db", "/etc/sheaf/data/x.db"},
		{"parent", "../shared", "/etc/shared"},
		{"absolute", "/srv/share//finance/", "/srv/share/finance"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Path(tt.in); got != tt.want {
				t.Errorf("Path(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	if got := c.DBPath(); got != "/etc/sheaf/data/sheaf.db" {
		t.Errorf("DBPath with no storage.path = %q", got)
	}
	c.Storage.Path = "/var/lib/sheaf/edu.db"
	if got := c.DBPath(); got != "/var/lib/sheaf/edu.db" {
		t.Errorf("DBPath = %q", got)
	}
}

func TestLoadAnchorsAndMerge(t *testing.T) {
	src := withBase(`
indicators:
  - &school
    id: schools.total
    name: 各级各类学校总数
    unit: 所
    owner: edu
    required: true
  - name: 小学数
    <<: *school
    id: schools.primary
  - <<: *school
    id: schools.special
    name: 特殊教育学校数
    owner: finanse    # ← indicators[2].owner
`)
	path := writeConfig(t, src)
	_, err := Load(path)
	checkErrors(t, err, path, src, []want{{"indicators[2].owner", `"finanse" is not a department id`}})

	c, err := Load(writeConfig(t, strings.Replace(src, "finanse", "finance", 1)))
	if err != nil {
		t.Fatal(err)
	}
	got := c.Indicators[1]
	if got.ID != "schools.primary" || got.Name != "小学数" || got.Unit != "所" || !got.Required {
		t.Errorf("merged indicator = %+v", got)
	}
}

func TestConfigEncodingAndTabsAreNamed(t *testing.T) {
	good := "cycle: {name: 测试, period: \"2024\", timezone: Asia/Shanghai}\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(good)
	if err != nil {
		t.Fatal(err)
	}
	tabbed := "cycle:\n  name: 测试\n\tperiod: \"2024\"\n"
	for _, tt := range []struct {
		name, data, want string
		line             int
	}{
		{"gbk", gbk, "不是 UTF-8 编码（第 1 行起，看起来是GBK/GB18030 编码）", 1},
		{"tab", tabbed, "第 3 行用了制表符缩进，请改用空格", 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.data), "sheaf.yaml")
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("err = %v", err)
			}
			if errs[0].Line != tt.line || !strings.Contains(errs[0].Msg, tt.want) {
				t.Errorf("got line %d %q, want line %d %q", errs[0].Line, errs[0].Msg, tt.line, tt.want)
			}
		})
	}
}

func TestPastDeadlineIsAWarning(t *testing.T) {
	path := writeConfig(t, withBase(`
deadlines:
  - {name: 年报, due: "2025-01-15 17:00"}
  - {name: 下一轮, due: "2099-01-15"}
`))
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var ws []FieldError
	for _, w := range c.Warnings(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)) {
		if strings.HasPrefix(w.Key, "deadlines") {
			ws = append(ws, w)
		}
	}
	if len(ws) != 1 || ws[0].Key != "deadlines[0].due" || ws[0].Line == 0 || !strings.Contains(ws[0].Msg, "already past") {
		t.Errorf("warnings = %v", ws)
	}
}

// TestMissingFolderIsAWarning: config check says when a department's
// folder cannot be listed (not created yet, a share not mounted), before a
// sync flags the source.
func TestMissingFolderIsAWarning(t *testing.T) {
	path := writeConfig(t, withBase(`
departments:
  - {id: edu, name: 教育局, sources: [{dir: inbox/edu}, {dir: inbox/old}]}
`))
	if err := os.MkdirAll(filepath.Join(filepath.Dir(path), "inbox", "edu"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ws := c.Warnings(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if len(ws) != 1 || ws[0].Key != "departments[0].sources[1].dir" || !strings.Contains(ws[0].Msg, "inbox/old cannot be listed") {
		t.Errorf("warnings = %v", ws)
	}
}

// TestUnsetDepartmentPasswordIsAWarning: config check says when a
// department's password_env names a variable nobody set (a shell or a
// cron job without the secret), before a sync finds its encrypted
// workbooks unreadable.
func TestUnsetDepartmentPasswordIsAWarning(t *testing.T) {
	path := writeConfig(t, withBase(`
departments:
  - {id: edu, name: 教育局, password_env: SHEAF_TEST_UNSET_PASSWORD}
  - {id: fin, name: 财政局, password_env: SHEAF_TEST_SET_PASSWORD}
`))
	t.Setenv("SHEAF_TEST_SET_PASSWORD", "x")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ws := c.Warnings(time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC))
	if len(ws) != 1 || ws[0].Key != "departments[0].password_env" || ws[0].Line == 0 || !strings.Contains(ws[0].Msg, "SHEAF_TEST_UNSET_PASSWORD") {
		t.Errorf("warnings = %v", ws)
	}
}

// TestExpiredLinksAreAWarning: config check says when the departments'
// links have expired, since notices then go without them.
func TestExpiredLinksAreAWarning(t *testing.T) {
	path := writeConfig(t, withBase(`
deadlines:
  - {name: 年报, due: "2026-10-15 17:00"}
web: {link_secret_env: SHEAF_TEST_LINK_SECRET, link_days: 10}
`))
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, w := range c.Warnings(time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)) {
		keys = append(keys, w.Key)
	}
	if slices.Contains(keys, "web.link_days") {
		t.Errorf("links working until 25 October: warnings %v", keys)
	}
	ws := c.Warnings(time.Date(2026, 10, 26, 0, 0, 0, 0, time.UTC))
	found := false
	for _, w := range ws {
		if w.Key == "web.link_days" && strings.Contains(w.Msg, "expired on 2026-10-25") {
			found = true
		}
	}
	if !found {
		t.Errorf("links expired on 25 October: warnings %v", ws)
	}
}

// TestQuotedValueSaysSo: required: "true" is text because of its quotes;
// the message says so rather than that "true" is not true or false.
func TestQuotedValueSaysSo(t *testing.T) {
	path := writeConfig(t, withBase(`
sync: {max_rows: "5000"}
`))
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), `sync.max_rows: "5000" is text because of its quotes: write 5000 without them`) {
		t.Errorf("err = %v", err)
	}
}

// TestFractionForAWholeNumber: max_file_mb: 1.5 is an error, not 1.
func TestFractionForAWholeNumber(t *testing.T) {
	path := writeConfig(t, withBase(`
sync: {max_file_mb: 1.5}
`))
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "sync.max_file_mb: 1.5 is not a whole number") {
		t.Errorf("err = %v", err)
	}
}

// TestNoDepartmentsIsOneError: an empty departments list is said once,
// not as an unknown owner for each of the catalogue's indicators.
func TestNoDepartmentsIsOneError(t *testing.T) {
	path := writeConfig(t, withBase(`
departments: []
`))
	_, err := Load(path)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Key != "departments" || !strings.Contains(errs[0].Msg, "is empty") {
		t.Errorf("err = %v", err)
	}
}
