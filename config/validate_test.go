package config

import "testing"

// TestLoadReportsEachProblem loads one faulty configuration per case and
// checks every reported problem: its key, its exact line and its message.
func TestLoadReportsEachProblem(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []want
	}{
		{
			name: "cycle keys missing",
			yaml: `
cycle:    # ← cycle.name, cycle.period, cycle.timezone
  title: 年报    # ← cycle.title
`,
			want: []want{
				{"cycle.name", "is required"},
				{"cycle.period", "is required"},
				{"cycle.timezone", "is required"},
				{"cycle.title", `unknown key "title" (known: name, period, timezone)`},
			},
		},
		{
			name: "cycle values invalid",
			yaml: `
cycle:
  name: 2024年度教育事业统计
  period: 2024Q5    # ← cycle.period
  timezone: Asia/Shangai    # ← cycle.timezone
`,
			want: []want{
				{"cycle.period", `"2024Q5" is not a period`},
				{"cycle.timezone", `"Asia/Shangai" is not a known time zone`},
			},
		},
		{
			name: "local time zone refused",
			yaml: `
cycle:
  name: 年报
  period: "2024"
  timezone: Local    # ← cycle.timezone
`,
			want: []want{{"cycle.timezone", `"Local" is not allowed`}},
		},
		{
			name: "departments",
			yaml: `
departments:
  - id: edu
    name: 市教育局
    contacts: [zhang@edu.example.cn, "not an address"]    # ← departments[0].contacts[1]
    sources:
      - glob: "**/*.xlsx"    # ← departments[0].sources[0].dir
      - dir: inbox
        glob: "[a-"    # ← departments[0].sources[1].glob
        exclude:
          - "{a,b"    # ← departments[0].sources[1].exclude[0]
  - id: edu    # ← departments[1].id
    name: 市教育局    # ← departments[1].name
  - id: Finance    # ← departments[2].id
    name: 市财政局
  - name: 市卫健委    # ← departments[3].id
  - id: hr
    name: 人社局
    extraction:
      headers:
        codes: [代码]    # ← departments[4].extraction.headers.codes
`,
			want: []want{
				{"departments[0].contacts[1]", `"not an address" is not an e-mail address`},
				{"departments[0].sources[0].dir", "is required"},
				{"departments[0].sources[1].glob", `"[a-" is not a valid glob`},
				{"departments[0].sources[1].exclude[0]", `"{a,b" is not a valid glob`},
				{"departments[1].id", `"edu" is already the id of departments[0].id, line 2`},
				{"departments[1].name", `"市教育局" is already the name of departments[0].name, line 3`},
				{"departments[2].id", `"Finance" is not a valid id`},
				{"departments[3].id", "is required"},
				{"departments[4].extraction.headers.codes", `"codes" is not a column role (known: code, name, period, value, unit, note)`},
				// indicators[0] of the base is owned by edu, which still exists.
			},
		},
		{
			name: "indicators",
			yaml: `
indicators:
  - id: schools.total
    name: 各级各类学校总数
    aliases: [ＧＤＰ总量]
    unit: 所
    owner: edu
  - id: schools.total    # ← indicators[1].id, indicators[1].name
    unit: 所数    # ← indicators[1].unit
    owner: finanse    # ← indicators[1].owner
  - id: Teachers    # ← indicators[2].id
    name: " GDP总量 "    # ← indicators[2].name
    unit: 人
    owner: edu
    periods: ["2023", "2024Q5", "2023"]    # ← indicators[2].periods[1], indicators[2].periods[2]
    decimals: 7    # ← indicators[2].decimals
    tolerance: -1    # ← indicators[2].tolerance
  - id: funding.total    # ← indicators[3].unit, indicators[3].owner
    name: 教育经费总投入
    aliases:
      - 学校数
      - "各级各类学校 总数"    # ← indicators[3].aliases[1]
      - gdp总量    # ← indicators[3].aliases[2]
  - id: teachers.total
    name: 专任教师数
    unit: 人
    owner: edu
    codes:
      - JY-01
      - " "    # ← indicators[4].codes[1]
      - Schools.Total    # ← indicators[4].codes[2]
      - jy-01    # ← indicators[4].codes[3]
      - teachers.total
  - id: staff.total
    name: 教职工数
    unit: 人
    owner: edu
    codes: [ＪＹ－０１]    # ← indicators[5].codes[0]
`,
			want: []want{
				{"indicators[1].id", `"schools.total" is already the id of indicators[0].id, line 2`},
				{"indicators[1].name", "is required"},
				{"indicators[1].unit", `"所数" is not a known unit (known: 所, 家, 个,`},
				{"indicators[1].owner", `"finanse" is not a department id (known: edu, finance)`},
				{"indicators[2].id", `"Teachers" is not a valid id`},
				{"indicators[2].name", `" GDP总量 " is already a name of indicators[0].aliases[0], line 4`},
				{"indicators[2].periods[1]", `"2024Q5" is not a period`},
				{"indicators[2].periods[2]", `"2023" is listed twice`},
				{"indicators[2].decimals", "7 is out of range (0 to 6)"},
				{"indicators[2].tolerance", "-1 must be a number of at least 0"},
				{"indicators[3].unit", "is required"},
				{"indicators[3].owner", "is required"},
				{"indicators[3].aliases[1]", `"各级各类学校 总数" is already a name of indicators[0].name, line 3`},
				{"indicators[3].aliases[2]", `"gdp总量" is already a name of indicators[0].aliases[0], line 4`},
				{"indicators[4].codes[1]", "is empty"},
				{"indicators[4].codes[2]", `"Schools.Total" is already a code of indicators[0].id, line 2`},
				{"indicators[4].codes[3]", `"jy-01" is listed twice`},
				{"indicators[5].codes[0]", `"ＪＹ－０１" is already a code of indicators[4].codes[0], line 28`},
			},
		},
		{
			name: "extraction",
			yaml: `
extraction:
  headers:
    value: [本年, ""]    # ← extraction.headers.value[1]
    remark: [备注]    # ← extraction.headers.remark
  ignore: ["  "]    # ← extraction.ignore[0]
  sheets: ["表[1"]    # ← extraction.sheets[0]
`,
			want: []want{
				{"extraction.headers.value[1]", "is empty"},
				{"extraction.headers.remark", `"remark" is not a column role`},
				{"extraction.ignore[0]", "is empty"},
				{"extraction.sheets[0]", `"表[1" is not a valid glob`},
			},
		},
		{
			name: "rules",
			yaml: `
rules:
  - id: teachers_per_school
    expr: teachers.fulltime / schools.total < 200
    class: check
  - id: teachers_per_school    # ← rules[1].id
    expr: "  "    # ← rules[1].expr
    severity: fatal    # ← rules[1].severity
    class: style    # ← rules[1].class
  - expr: funding.total > 0    # ← rules[2].id, rules[2].class
`,
			want: []want{
				{"rules[1].id", `"teachers_per_school" is already the id of rules[0].id, line 2`},
				{"rules[1].expr", "is required"},
				{"rules[1].severity", `"fatal" is not one of error, warning, info`},
				{"rules[1].class", `"style" is not one of check, standard`},
				{"rules[2].id", "is required"},
				{"rules[2].class", "is required (check, standard)"},
			},
		},
		{
			name: "deadlines",
			yaml: `
deadlines:
  - name: 年报初稿
    due: 2025-03-31
    remind: [7d, 3d, 1w, 0h]    # ← deadlines[0].remind[2], deadlines[0].remind[3]
  - due: 2025-13-01    # ← deadlines[1].name, deadlines[1].due
    departments:
      - edu
      - finanse    # ← deadlines[1].departments[1]
    indicators: [schools.total, schools.all]    # ← deadlines[1].indicators[1]
  - name: 财政数据
    due: "2025-03-20 5pm"    # ← deadlines[2].due
  - name: 没有日期    # ← deadlines[3].due
`,
			want: []want{
				{"deadlines[0].remind[2]", `"1w" is not a duration`},
				{"deadlines[0].remind[3]", `lead time "0h" must be more than zero`},
				{"deadlines[1].name", "is required"},
				{"deadlines[1].due", `"2025-13-01" is not a date (write 2025-03-31 or 2025-03-31 17:00)`},
				{"deadlines[1].departments[1]", `"finanse" is not a department id (known: edu, finance)`},
				{"deadlines[1].indicators[1]", `"schools.all" is not an indicator id`},
				{"deadlines[2].due", `"2025-03-20 5pm" is not a date`},
				{"deadlines[3].due", "is required"},
			},
		},
		{
			name: "schedules",
			yaml: `
schedules:
  sync: "0 8 * *"    # ← schedules.sync
  remind: "@fortnightly"    # ← schedules.remind
  digest: "@every 1d"    # ← schedules.digest
  draft: "0 8 * * 1#2"    # ← schedules.draft
`,
			want: []want{
				{"schedules.sync", `"0 8 * *" has 4 fields; a schedule has 5`},
				{"schedules.remind", `"@fortnightly" is not a schedule`},
				{"schedules.digest", `"1d" is not a duration`},
				{"schedules.draft", `the day of week field "1#2" is not valid`},
			},
		},
		{
			name: "mail",
			yaml: `
mail:
  from: stats-at-edu    # ← mail.from
  coordinators:
    - wang@edu.example.cn
    - wang@    # ← mail.coordinators[1]
  smtp:
    host: smtp.example.cn
    port: 70000    # ← mail.smtp.port
    tls: ssl    # ← mail.smtp.tls
`,
			want: []want{
				{"mail.from", `"stats-at-edu" is not an e-mail address`},
				{"mail.coordinators[1]", `"wang@" is not an e-mail address`},
				{"mail.smtp.port", "70000 is out of range (0 to 65535)"},
				{"mail.smtp.tls", `"ssl" is not one of starttls, tls, none`},
			},
		},
		{
			name: "mail folder written twice",
			yaml: `
mail:
  dir: mail
  outbox: outbox    # ← mail.outbox
`,
			want: []want{{"mail.outbox", "is the old name of mail.dir, and both are written (mail.dir, line 2): keep only mail.dir"}},
		},
		{
			name: "mail password written instead of its variable",
			yaml: `
mail:
  smtp:
    host: smtp.example.cn
    username: duda@edu.example.cn
    password_env: "s3cret pa55"    # ← mail.smtp.password_env
`,
			want: []want{{"mail.smtp.password_env", "is not the name of an environment variable (write the variable's name, e.g. SHEAF_SMTP_PASSWORD, never the password)"}},
		},
		{
			name: "mail login half written",
			yaml: `
mail:
  smtp:    # ← mail.smtp.username
    host: smtp.example.cn
    password_env: SHEAF_SMTP_PASSWORD
`,
			want: []want{{"mail.smtp.username", "is required with mail.smtp.password_env: the login name"}},
		},
		{
			name: "mail password in clear",
			yaml: `
mail:
  smtp:
    host: relay.example.cn
    tls: none    # ← mail.smtp.tls
    username: duda
    password_env: SHEAF_SMTP_PASSWORD
`,
			want: []want{{"mail.smtp.tls", "is none, so the password would travel in clear to relay.example.cn; use starttls or tls"}},
		},
		{
			name: "sync",
			yaml: `
sync:
  settle: 90    # ← sync.settle
  workers: -1    # ← sync.workers
`,
			want: []want{
				{"sync.settle", `"90" is not a duration (write e.g. 90s, 2m, 1h30m or 7d)`},
				{"sync.workers", "-1 must not be negative"},
			},
		},
		{
			name: "unpack limits negative",
			yaml: `
sync:
  max_part_mb: -1    # ← sync.max_part_mb
  max_package_mb: -5    # ← sync.max_package_mb
`,
			want: []want{
				{"sync.max_part_mb", "-1 must not be negative"},
				{"sync.max_package_mb", "-5 must not be negative"},
			},
		},
		{
			name: "part limit over package limit",
			yaml: `
sync:
  max_part_mb: 600    # ← sync.max_part_mb
  max_package_mb: 500
`,
			want: []want{
				{"sync.max_part_mb", "600 is more than sync.max_package_mb (500): one part cannot unpack to more than the whole workbook"},
			},
		},
		{
			name: "negative settle",
			yaml: `
sync:
  settle: -1m    # ← sync.settle
`,
			want: []want{{"sync.settle", "-1m0s must not be negative"}},
		},
		{
			name: "negative source grace",
			yaml: `
web:
  source_grace: -2h    # ← web.source_grace
`,
			want: []want{{"web.source_grace", "-2h0m0s must not be negative"}},
		},
		{
			name: "unknown and repeated keys",
			yaml: `
cycle:
  name: 年报
  period: "2024"
  timezone: Asia/Shanghai
  name: 年报2    # ← cycle.name
reports: weekly    # ← reports
indicators:
  - id: schools.total
    name: 各级各类学校总数
    unit: 所
    owner: edu
    onwer: finance    # ← indicators[0].onwer
`,
			want: []want{
				{"cycle.name", "key is repeated (first at line 2)"},
				{"reports", `unknown key "reports" (known: cycle, storage, sync, extraction, departments, indicators, rules, deadlines, schedules, mail, report, web, units)`},
				{"indicators[0].onwer", `unknown key "onwer" (known: id, name, aliases, codes, unit, owner, periods, required, decimals, tolerance, range, note)`},
			},
		},
		{
			name: "wrong kinds of value",
			yaml: `
cycle:
  name: 年报
  period: [2024]    # ← cycle.period
  timezone: Asia/Shanghai
indicators:
  - id: schools.total
    name: 各级各类学校总数
    unit: 所
    owner: edu
    decimals: two    # ← indicators[0].decimals
    required: maybe    # ← indicators[0].required
departments:
  edu: 市教育局    # ← departments
`,
			want: []want{
				// Not also "cycle.period is required": it was written, wrongly.
				{"cycle.period", `expected a text, found a list`},
				{"indicators[0].decimals", `"two" is not a whole number`},
				{"indicators[0].required", `"maybe" is not true or false`},
				// Not also "edu is not a department id" for every owner:
				// the departments could not be read.
				{"departments", "expected a list, found a mapping of keys"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := withBase(tt.yaml)
			path := writeConfig(t, src)
			c, err := Load(path)
			if err == nil {
				t.Fatalf("Load succeeded, want errors; config: %+v", c)
			}
			if c != nil {
				t.Errorf("Load returned a config with its errors")
			}
			checkErrors(t, err, path, src, tt.want)
		})
	}
}
