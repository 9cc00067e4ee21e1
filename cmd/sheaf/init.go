package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// cmdInit writes a small cycle to start from: a commented sheaf.yaml, an
// inbox folder per department with an example file, and a report
// template. It asks nothing and overwrites nothing.
func cmdInit(ctx context.Context, e *env, args []string) error {
	fs := e.flags("init")
	from := fs.String("from-workbook", "", "draft the catalogue from this department's existing workbook (its row labels, units and periods)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return exitError{2, fmt.Errorf("usage: sheaf init [DIR] [--from-workbook FILE]")}
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	now := time.Now()
	c := starterCycle(now)
	if *from != "" {
		drafted, err := draftCatalogue(*from, c.period)
		if err != nil {
			return exitError{1, err}
		}
		c.indicators, c.template = drafted.indicators, drafted.template
		c.rules = "  # none yet: add checks and standards over the drafted ids\n"
		c.examples = nil
	}
	files := c.files()
	// Nothing is written when anything is there already: a half-written
	// start over someone's cycle would be worse than none.
	for _, f := range files {
		if _, err := os.Lstat(filepath.Join(dir, f.name)); err == nil {
			return exitError{1, fmt.Errorf("%s already exists; sheaf init writes only into a folder without a cycle (nothing was written)", filepath.Join(dir, f.name))}
		} else if !errors.Is(err, os.ErrNotExist) {
			return exitError{1, err}
		}
	}
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if f.folder {
			if err := os.MkdirAll(p, 0o755); err != nil {
				return fmt.Errorf("init: %w", err)
			}
			continue
		}
		if err := writeNew(p, []byte(f.text)); err != nil {
			return fmt.Errorf("init: %w", err)
		}
		if f.settled {
			// The example files are complete the moment they are written:
			// dated before sync.settle, so that the first sync reads them.
			old := now.Add(-2 * time.Minute)
			os.Chtimes(p, old, old)
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", p)
	}
	cfg := filepath.Join(dir, "sheaf.yaml")
	fmt.Fprintf(e.stdout, "\nnext: edit %s, then\n  sheaf config check --config %s\n  sheaf sync --config %s\n  sheaf status --config %s\n",
		cfg, cfg, cfg, cfg)
	return nil
}

// writeNew creates a file that must not exist yet.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// starter is the cycle sheaf init writes.
type starter struct {
	period, due string
	indicators  string
	rules       string
	// template is the report template.
	template string
	// examples are the example files, by department folder.
	examples map[string]string
}

// starterFile is one file or folder sheaf init writes.
type starterFile struct {
	name    string
	text    string
	folder  bool
	settled bool
}

// starterCycle is last year's cycle, due a month from now.
func starterCycle(now time.Time) starter {
	year := fmt.Sprint(now.Year() - 1)
	return starter{
		period:     year,
		due:        now.AddDate(0, 1, 0).Format("2006-01-02") + " 17:00",
		indicators: starterIndicators,
		rules:      starterRules,
		template:   strings.ReplaceAll(starterTemplate, "{{period}}", year),
		examples: map[string]string{
			"卫健局": "指标名称,年度,数值,单位,备注\n" +
				"医院数," + year + ",12,个,\n" +
				"医疗卫生机构床位数," + year + ",2680,张,\n" +
				"执业（助理）医师数," + year + ",1105,人,\n" +
				"每千人口执业（助理）医师数," + year + ",3.40,人,\n",
			"统计局": "指标名称,年度,数值,单位,备注\n" +
				"常住人口," + year + ",32.5,万人,年末数\n" +
				"医院数," + year + ",12,个,统计年鉴口径\n",
		},
	}
}

// files lists what init writes, in order.
func (s starter) files() []starterFile {
	out := []starterFile{{name: "sheaf.yaml", text: s.yaml()}, {name: "report.md.tmpl", text: s.template}}
	for _, d := range []string{"卫健局", "统计局"} {
		folder := filepath.Join("inbox", d)
		if ex, ok := s.examples[d]; ok {
			out = append(out, starterFile{name: filepath.Join(folder, "示例.csv"), text: ex, settled: true})
		} else {
			out = append(out, starterFile{name: folder, folder: true})
		}
	}
	return out
}

func (s starter) yaml() string {
	text := starterYAML
	text = strings.ReplaceAll(text, "{{period}}", s.period)
	text = strings.ReplaceAll(text, "{{due}}", s.due)
	text = strings.ReplaceAll(text, "{{indicators}}", strings.ReplaceAll(s.indicators, "{{period}}", s.period))
	return strings.ReplaceAll(text, "{{rules}}", s.rules)
}

const starterYAML = `# sheaf configuration for one reporting cycle, written by sheaf init.
# Change the names, departments and indicators to your own cycle, then:
#   sheaf config check    validate this file
#   sheaf sync            read every department's files now
#   sheaf status          what each department has sent and still owes
#   sheaf draft           write the draft report from the figures
# Keys are English; names shown to people are in Chinese. Relative paths
# are relative to this file's folder.

# The cycle: the report's title, the period figures are for unless an
# indicator says otherwise ("2024", "2024Q2", "2024-06"), and the time
# zone of deadlines and schedules.
cycle:
  name: {{period}}年度卫生健康统计快报
  period: "{{period}}"
  timezone: Asia/Shanghai

# The database every value read is kept in, with where it came from.
storage:
  path: data/sheaf.db

# Who sends figures and where their spreadsheets are: a folder here (a
# shared or synced folder); a Google Drive folder or one Google Sheet also
# work (drive: {folder: ID}, sheet: {id: ID}). contacts get the reminders.
# The example files in inbox/ show the layout sheaf reads (a name column
# and a value column, optionally year, unit and note); delete them when
# departments send their own.
departments:
  - id: health
    name: 市卫健局
    contacts: [health@example.org]
    sources:
      - {dir: inbox/卫健局}
  - id: stats
    name: 市统计局
    contacts: [stats@example.org]
    sources:
      - {dir: inbox/统计局}

# The catalogue: one entry per figure. id is used in rules and the report
# template; name is the row label departments write, aliases other labels
# of the same row (sheaf alias add ID "LABEL" appends one). unit is the
# unit the figure is kept in; owner is the department whose value counts,
# and a figure with an owner is required unless it says required: false.
# periods lists the periods collected when not only the cycle's.
indicators:
{{indicators}}
# Rules, written in expr over v("id") (the figure) and v("id", "period").
# class check: a total or a rate must follow from its parts (a department's
# error); class standard: a target the figures should meet (goes into the
# report's problems). severity: error | warning | info.
rules:
{{rules}}
# When figures are due, and when to remind the departments that still owe
# some before it ("3d", "1d", "4h"); after it they get overdue notices.
deadlines:
  - name: 快报数据报送
    due: "{{due}}"
    remind: [3d, 1d]

# When the daemon (sheaf run) runs each job: cron, in the cycle's time zone.
schedules:
  sync: "*/15 * * * *"
  remind: "0 9 * * 1-5"
  digest: "30 17 * * 1-5"
  draft: "0 18 * * 5"

# Mail: reminders to departments, digests and drafts to coordinators. dir
# writes each message as a .eml file into outbox/ instead of sending it;
# replace it with smtp: {host: ..., username: ..., password_env: ...} to send.
mail:
  from: sheaf@example.org
  coordinators: [coordinator@example.org]
  dir: outbox

# The draft report: a Markdown template whose {{fig "id"}} are filled
# from the figures; sheaf draft writes .docx, .html, .md and .xlsx to output.
report:
  template: report.md.tmpl
  output: drafts
`

const starterIndicators = `  - id: hospitals.total
    name: 医院数
    aliases: [医院总数]
    unit: 个
    owner: health
  - {id: beds.total, name: 医疗卫生机构床位数, aliases: [床位数], unit: 张, owner: health}
  - {id: doctors.total, name: 执业（助理）医师数, unit: 人, owner: health}
  - {id: doctors.per_1000, name: 每千人口执业（助理）医师数, unit: 人, owner: health, decimals: 2}
  - {id: population, name: 常住人口, unit: 万人, owner: stats}
`

const starterRules = `  - id: doctors_per_1000
    expr: round(v("doctors.total") / (v("population") * 10), 2) == v("doctors.per_1000")
    message: 每千人口执业（助理）医师数应等于执业（助理）医师数除以常住人口（千人）
    severity: warning
    class: check
  - id: doctors_standard
    expr: v("doctors.per_1000") >= 3
    message: 每千人口执业（助理）医师数低于3人的目标
    severity: warning
    class: standard
`

const starterTemplate = `# {{period}}年度卫生健康统计快报

全市共有医院{{fig "hospitals.total"}}，医疗卫生机构床位{{fig "beds.total"}}，执业（助理）医师{{fig "doctors.total"}}。按常住人口{{fig "population"}}计，每千人口执业（助理）医师{{fig "doctors.per_1000"}}。

## 存在问题

{{standards}}

各单位对问题的说明：

{{explanations}}
`
