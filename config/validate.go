package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/robfig/cron/v3"
)

var (
	departmentRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	indicatorRe   = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)
	headerRoles   = []string{"code", "name", "period", "value", "unit", "note"}
	severities    = []string{string(sheaf.SeverityError), string(sheaf.SeverityWarning), string(sheaf.SeverityInfo)}
	ruleClasses   = []string{"check", "standard"}
	smtpTLSModes  = []string{"starttls", "tls", "none"}
	loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}
	envNameRe     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	cronMacros    = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
	cronFieldName = []string{"minute", "hour", "day of month", "month", "day of week"}
)

// Validate checks the whole configuration and returns every problem found,
// as Errors, or nil. It does not change c: defaults are applied by Load, so
// a Config built in code must set them itself.
func (c *Config) Validate() error {
	v := &validator{c: c, node: c.tree()}
	v.cycle()
	v.storageAndSync()
	v.extraction("extraction", c.Extraction)
	v.departments()
	v.units()
	v.indicators()
	v.rules()
	v.deadlines()
	v.schedules()
	v.mail()
	v.report()
	v.web()
	if len(v.errs) == 0 {
		return nil
	}
	return v.errs.sorted()
}

// validator collects problems, locating each key in the parsed file.
type validator struct {
	c *Config
	// node is the parsed file (nil for a Config built in code).
	node *doc
	errs Errors
}

func (v *validator) add(key, format string, args ...any) {
	line, _ := v.node.lookup(key)
	v.errs = append(v.errs, FieldError{File: v.c.File, Line: line, Key: key, Msg: fmt.Sprintf(format, args...)})
}

// where names a key for a message about another key: "indicators[0].name,
// line 12", or just the key when lines are not known.
func (v *validator) where(key string) string {
	if line, ok := v.node.lookup(key); ok && line > 0 {
		return fmt.Sprintf("%s, line %d", key, line)
	}
	return key
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

func (v *validator) cycle() {
	cy := v.c.Cycle
	if blank(cy.Name) {
		v.add("cycle.name", "is required, the name of the report being collected")
	}
	if cy.Period == "" {
		v.add("cycle.period", "is required, a year (2024) or a quarter (2024Q2)")
	} else if !isPeriod(cy.Period) {
		v.add("cycle.period", "%q is not a period (write a year, 2024, a quarter, 2024Q2, or months of a year, 2024M01-11)", cy.Period)
	}
	if _, err := loadLocation(cy.Timezone); err != nil {
		v.add("cycle.timezone", "%v", err)
	}
}

func (v *validator) storageAndSync() {
	if blank(v.c.Storage.Path) {
		v.add("storage.path", "is required, the SQLite database file")
	}
	if v.c.Sync.Settle < 0 {
		v.add("sync.settle", "%s must not be negative", v.c.Sync.Settle)
	}
	if v.c.Sync.Workers < 0 {
		v.add("sync.workers", "%d must not be negative", v.c.Sync.Workers)
	}
	if v.c.Sync.MaxFileMB < 0 {
		v.add("sync.max_file_mb", "%d must not be negative", v.c.Sync.MaxFileMB)
	}
	if v.c.Sync.MaxPartMB < 0 {
		v.add("sync.max_part_mb", "%d must not be negative", v.c.Sync.MaxPartMB)
	}
	if v.c.Sync.MaxPackageMB < 0 {
		v.add("sync.max_package_mb", "%d must not be negative", v.c.Sync.MaxPackageMB)
	}
	if p, k := v.c.Sync.MaxPartMB, v.c.Sync.MaxPackageMB; p > 0 && k > 0 && p > k {
		v.add("sync.max_part_mb", "%d is more than sync.max_package_mb (%d): one part cannot unpack to more than the whole workbook", p, k)
	}
	if v.c.Sync.MaxRows < 0 {
		v.add("sync.max_rows", "%d must not be negative", v.c.Sync.MaxRows)
	}
	if v.c.Sync.FileTimeout < 0 {
		v.add("sync.file_timeout", "%s must not be negative", v.c.Sync.FileTimeout)
	}
	if ex := v.c.Sync.ExcludeDefault; ex != nil {
		for i, n := range *ex {
			if blank(n) || strings.ContainsAny(n, "/\\") {
				v.add(fmt.Sprintf("sync.exclude_default[%d]", i), "%q must be a folder name (no slashes)", n)
			}
		}
	}
}

func (v *validator) extraction(key string, e Extraction) {
	switch e.HiddenSheets {
	case "", HiddenSheetsSkip, HiddenSheetsRead:
	default:
		v.add(key+".hidden_sheets", "%q is not a setting (write skip or read)", e.HiddenSheets)
	}
	for _, role := range slices.Sorted(maps.Keys(e.Headers)) {
		k := key + ".headers." + role
		if !slices.Contains(headerRoles, role) {
			v.add(k, "%q is not a column role (known: %s)", role, strings.Join(headerRoles, ", "))
			continue
		}
		for i, h := range e.Headers[role] {
			if blank(h) {
				v.add(fmt.Sprintf("%s[%d]", k, i), "is empty")
			}
		}
	}
	for i, s := range e.Ignore {
		if blank(s) {
			v.add(fmt.Sprintf("%s.ignore[%d]", key, i), "is empty")
		}
	}
	for i, g := range e.Sheets {
		v.glob(fmt.Sprintf("%s.sheets[%d]", key, i), g)
	}
}

func (v *validator) glob(key, g string) {
	switch {
	case g == "":
		v.add(key, "is empty")
	case !doublestar.ValidatePattern(g):
		v.add(key, "%q is not a valid glob (check the brackets and braces)", g)
	}
}

func (v *validator) address(key, s string) {
	if blank(s) {
		v.add(key, "is empty")
		return
	}
	if _, err := mail.ParseAddress(s); err != nil {
		v.add(key, "%q is not an e-mail address", s)
	}
}

func (v *validator) departments() {
	if len(v.c.Departments) == 0 {
		// Said once here, not as an unknown owner for every indicator.
		if _, written := v.node.lookup("departments"); written {
			// (A value that could not be read as a list is reported as
			// such, not also as empty.)
			v.add("departments", "is empty: list at least one department (id, name, sources)")
		} else {
			v.add("departments", "is required: list the departments that send figures (id, name, sources)")
		}
	}
	ids := map[string]string{}
	names := map[string]string{}
	for i, d := range v.c.Departments {
		key := fmt.Sprintf("departments[%d]", i)
		switch {
		case d.ID == "":
			v.add(key+".id", "is required")
		case !departmentRe.MatchString(d.ID):
			v.add(key+".id", "%q is not a valid id (lower-case letters, digits, and _ . - after the first character)", d.ID)
		case ids[d.ID] != "":
			v.add(key+".id", "%q is already the id of %s", d.ID, v.where(ids[d.ID]))
		default:
			ids[d.ID] = key + ".id"
		}
		name := strings.TrimSpace(d.Name)
		switch {
		case name == "":
			v.add(key+".name", "is required")
		case names[name] != "":
			v.add(key+".name", "%q is already the name of %s", name, v.where(names[name]))
		default:
			names[name] = key + ".name"
		}
		for j, a := range d.Contacts {
			v.address(fmt.Sprintf("%s.contacts[%d]", key, j), a)
		}
		for j, s := range d.Sources {
			v.source(fmt.Sprintf("%s.sources[%d]", key, j), s)
		}
		v.chat(key+".chat", d.Chat)
		v.extraction(key+".extraction", d.Extraction)
		v.layouts(key, d)
	}
}

func (v *validator) departmentIDs() []string {
	ids := make([]string, 0, len(v.c.Departments))
	for _, d := range v.c.Departments {
		ids = append(ids, d.ID)
	}
	return ids
}

func (v *validator) indicators() {
	ids := map[string]string{}
	// labels maps a folded name or alias to the key that first used it:
	// rows are matched by these labels, so one label must mean one indicator.
	labels := map[string]string{}
	label := func(key, s string) {
		if blank(s) {
			v.add(key, "is empty")
			return
		}
		f := NormalizeName(s)
		if first, ok := labels[f]; ok {
			v.add(key, "%q is already a name of %s (rows are matched by name, so each name must belong to one indicator)", s, v.where(first))
			return
		}
		labels[f] = key
	}
	// codes maps a folded code or id to the key that first used it: a
	// code column matches both, so one code must mean one indicator.
	codes := map[string]string{}
	for i, ind := range v.c.Indicators {
		if ind.ID != "" {
			if _, ok := codes[NormalizeName(ind.ID)]; !ok {
				codes[NormalizeName(ind.ID)] = "indicators[" + strconv.Itoa(i) + "].id"
			}
		}
	}
	deps := v.departmentIDs()
	depSet := make(map[string]bool, len(deps))
	for _, d := range deps {
		depSet[d] = true
	}
	// A catalogue's periods are a few years over and over: each checked once.
	periodOK := map[string]bool{}
	units := v.c.UnitCatalogue()
	for i, ind := range v.c.Indicators {
		key := "indicators[" + strconv.Itoa(i) + "]"
		switch {
		case ind.ID == "":
			v.add(key+".id", "is required")
		case !indicatorRe.MatchString(ind.ID):
			v.add(key+".id", "%q is not a valid id (lower-case words of letters, digits and _, joined by dots, e.g. schools.total)", ind.ID)
		case ids[ind.ID] != "":
			v.add(key+".id", "%q is already the id of %s", ind.ID, v.where(ids[ind.ID]))
		default:
			ids[ind.ID] = key + ".id"
		}
		if blank(ind.Name) {
			v.add(key+".name", "is required")
		} else {
			label(key+".name", ind.Name)
		}
		for j, a := range ind.Aliases {
			label(key+".aliases["+strconv.Itoa(j)+"]", a)
		}
		for j, c := range ind.Codes {
			ck := key + ".codes[" + strconv.Itoa(j) + "]"
			f := NormalizeName(c)
			switch first, ok := codes[f]; {
			case blank(c):
				v.add(ck, "is empty")
			case ok && first == key+".id":
				// The indicator's own id: redundant, not ambiguous.
			case ok && strings.HasPrefix(first, key+".codes["):
				v.add(ck, "%q is listed twice", c)
			case ok:
				v.add(ck, "%q is already a code of %s (a code column matches codes and ids, so each code must belong to one indicator)", c, v.where(first))
			default:
				codes[f] = ck
			}
		}
		if blank(ind.Unit) {
			v.add(key+".unit", "is required (known: %s)", strings.Join(units.Names(), ", "))
		} else if _, ok := units.Lookup(ind.Unit); !ok {
			v.add(key+".unit", "%q is not a known unit (known: %s, their 万/亿/千 multiples and rates such as 元/人; others are defined under units)",
				ind.Unit, strings.Join(units.Names(), ", "))
		}
		if ind.Owner == "" {
			v.add(key+".owner", "is required, the id of the department that reports it")
		} else if !depSet[ind.Owner] && len(deps) > 0 {
			v.add(key+".owner", "%q is not a department id (known: %s)", ind.Owner, strings.Join(deps, ", "))
		}
		seen := map[string]bool{}
		for j, p := range ind.Periods {
			pk := key + ".periods[" + strconv.Itoa(j) + "]"
			ok, known := periodOK[p]
			if !known {
				ok = isPeriod(p)
				periodOK[p] = ok
			}
			switch {
			case !ok:
				v.add(pk, "%q is not a period (write a year, 2024, a quarter, 2024Q2, or months of a year, 2024M01-11)", p)
			case seen[p]:
				v.add(pk, "%q is listed twice", p)
			}
			seen[p] = true
		}
		if d := ind.Decimals; d != nil && (*d < 0 || *d > 6) {
			v.add(key+".decimals", "%d is out of range (0 to 6)", *d)
		}
		if t := ind.Tolerance; t != nil && (!(*t >= 0) || math.IsInf(*t, 1)) {
			v.add(key+".tolerance", "%v must be a number of at least 0", *t)
		}
		if r := ind.Range; r != nil {
			switch {
			case len(r) != 2:
				v.add(key+".range", "must be two numbers, [min, max]")
			case math.IsNaN(r[0]) || math.IsNaN(r[1]) || r[0] > r[1]:
				v.add(key+".range", "[%v, %v]: min must not be above max", r[0], r[1])
			}
		}
	}
}

func (v *validator) rules() {
	ids := map[string]string{}
	for i, r := range v.c.Rules {
		key := fmt.Sprintf("rules[%d]", i)
		switch {
		case blank(r.ID):
			v.add(key+".id", "is required")
		case ids[r.ID] != "":
			v.add(key+".id", "%q is already the id of %s", r.ID, v.where(ids[r.ID]))
		default:
			ids[r.ID] = key + ".id"
		}
		if blank(r.Expr) {
			v.add(key+".expr", "is required")
		}
		v.oneOf(key+".severity", string(r.Severity), severities)
		v.oneOf(key+".class", r.Class, ruleClasses)
	}
}

func (v *validator) oneOf(key, val string, allowed []string) {
	switch {
	case val == "":
		v.add(key, "is required (%s)", strings.Join(allowed, ", "))
	case !slices.Contains(allowed, val):
		v.add(key, "%q is not one of %s", val, strings.Join(allowed, ", "))
	}
}

func (v *validator) deadlines() {
	loc := v.c.Cycle.Location
	if loc == nil {
		var err error
		if loc, err = loadLocation(v.c.Cycle.Timezone); err != nil {
			loc = time.UTC // reported under cycle.timezone; still check the dates
		}
	}
	deps := v.departmentIDs()
	inds := make([]string, 0, len(v.c.Indicators))
	for _, ind := range v.c.Indicators {
		inds = append(inds, ind.ID)
	}
	for i, d := range v.c.Deadlines {
		key := fmt.Sprintf("deadlines[%d]", i)
		if blank(d.Name) {
			v.add(key+".name", "is required")
		}
		if d.Due == "" {
			v.add(key+".due", "is required, a date (2025-03-31) or a date and time (2025-03-31 17:00)")
		} else if _, err := d.DueTime(loc); err != nil {
			v.add(key+".due", "%v", err)
		}
		for j, id := range d.Departments {
			if !slices.Contains(deps, id) {
				v.add(fmt.Sprintf("%s.departments[%d]", key, j), "%q is not a department id (known: %s)", id, strings.Join(deps, ", "))
			}
		}
		for j, id := range d.Indicators {
			if !slices.Contains(inds, id) {
				v.add(fmt.Sprintf("%s.indicators[%d]", key, j), "%q is not an indicator id", id)
			}
		}
		for j, r := range d.Remind {
			if _, err := ParseLead(r); err != nil {
				v.add(fmt.Sprintf("%s.remind[%d]", key, j), "%v", err)
			}
		}
		if d.Overdue != "" {
			if _, err := ParseLead(d.Overdue); err != nil {
				v.add(key+".overdue", "%v", err)
			}
		}
	}
}

func (v *validator) schedules() {
	s := v.c.Schedules
	for _, sc := range []struct{ key, spec string }{
		{"schedules.sync", s.Sync},
		{"schedules.remind", s.Remind},
		{"schedules.digest", s.Digest},
		{"schedules.draft", s.Draft},
	} {
		if sc.spec == "" {
			continue
		}
		if err := checkSchedule(sc.spec); err != nil {
			v.add(sc.key, "%v", err)
		}
	}
}

// checkSchedule parses a cron spec exactly as the daemon does (robfig
// cron's standard parser: five fields, a macro such as @daily, or "@every
// 2h"), so that a schedule that passes here is one the daemon can run.
func checkSchedule(spec string) error {
	spec = strings.TrimSpace(spec)
	if rest, ok := strings.CutPrefix(spec, "@every"); ok {
		rest = strings.TrimSpace(rest)
		if d, err := time.ParseDuration(rest); err != nil || d <= 0 {
			return fmt.Errorf("%q: %q is not a duration (write e.g. @every 2h or @every 30m)", spec, rest)
		}
		return nil
	}
	if strings.HasPrefix(spec, "@") {
		if !slices.Contains(cronMacros, spec) {
			return fmt.Errorf("%q is not a schedule (known: %s, @every <duration>)", spec, strings.Join(cronMacros, " "))
		}
		return nil
	}
	fields := strings.Fields(spec)
	if len(fields) != 5 {
		return fmt.Errorf("%q has %d fields; a schedule has 5 (minute hour day-of-month month day-of-week, e.g. \"0 8 * * 1-5\") or is @daily, @hourly, … or @every <duration>", spec, len(fields))
	}
	for i, f := range fields {
		if _, err := cron.ParseStandard(strings.Join(wildcardExcept(i, f), " ")); err != nil {
			return fmt.Errorf("%q: the %s field %q is not valid (%s): %v", spec, cronFieldName[i], f, cronFieldRange[i], err)
		}
	}
	if _, err := cron.ParseStandard(spec); err != nil {
		return fmt.Errorf("%q is not a schedule: %v", spec, err)
	}
	return nil
}

// cronFieldRange is what each field of a standard spec may hold.
var cronFieldRange = []string{"0–59", "0–23", "1–31", "1–12 or JAN–DEC", "0–6 or SUN–SAT"}

// wildcardExcept is a spec with every field "*" but field i, so that an
// error names the field it is in.
func wildcardExcept(i int, f string) []string {
	out := []string{"*", "*", "*", "*", "*"}
	out[i] = f
	return out
}

func (v *validator) mail() {
	m := v.c.Mail
	if m.From != "" {
		v.address("mail.from", m.From)
	}
	for i, a := range m.Coordinators {
		v.address(fmt.Sprintf("mail.coordinators[%d]", i), a)
	}
	v.chat("mail.coordinator_chat", m.CoordinatorChat)
	if p := m.SMTP.Port; p < 0 || p > 65535 {
		v.add("mail.smtp.port", "%d is out of range (0 to 65535)", p)
	}
	if t := m.SMTP.TLS; t != "" && !slices.Contains(smtpTLSModes, t) {
		v.add("mail.smtp.tls", "%q is not one of %s", t, strings.Join(smtpTLSModes, ", "))
	}
	if m.Dir != "" && m.Outbox != "" {
		v.add("mail.outbox", "is the old name of mail.dir, and both are written (%s): keep only mail.dir", v.where("mail.dir"))
	}
	s := m.SMTP
	if s.PasswordEnv != "" && !envNameRe.MatchString(s.PasswordEnv) {
		// Not quoted back: it may be the password itself, written by mistake.
		v.add("mail.smtp.password_env", "is not the name of an environment variable (write the variable's name, e.g. SHEAF_SMTP_PASSWORD, never the password)")
	}
	switch {
	case s.Username != "" && s.PasswordEnv == "":
		v.add("mail.smtp.password_env", "is required with mail.smtp.username: the name of the environment variable holding the password")
	case s.Username == "" && s.PasswordEnv != "":
		v.add("mail.smtp.username", "is required with mail.smtp.password_env: the login name")
	}
	// go-mail refuses to send a password in clear to any other host.
	if s.Host != "" && s.TLS == "none" && s.Username != "" && !slices.Contains(loopbackHosts, s.Host) {
		v.add("mail.smtp.tls", "is none, so the password would travel in clear to %s; use starttls or tls (a login in clear is only sent to %s)",
			s.Host, strings.Join(loopbackHosts, ", "))
	}
}

// report checks the draft's settings. The template must exist, so that a
// typo in its name stops the start rather than the first scheduled draft;
// its contents are checked by the report package when a draft is built.
// Title and output may be left out, but not written empty.
func (v *validator) report() {
	r := v.c.Report
	_, written := v.node.lookup("report.template")
	switch {
	case blank(r.Template):
		if written {
			v.add("report.template", "is empty; write the template file (e.g. report.md.tmpl) or leave the key out")
		}
	default:
		path := v.c.Path(r.Template)
		info, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			v.add("report.template", "%q does not exist (looked for %s)", r.Template, path)
		case err != nil:
			v.add("report.template", "%q cannot be read: %v", r.Template, err)
		case info.IsDir():
			v.add("report.template", "%q is a folder; write the template file inside it", r.Template)
		}
	}
	if _, written := v.node.lookup("report.title"); written && blank(r.Title) {
		v.add("report.title", "is empty; leave the key out to use cycle.name")
	}
	if _, written := v.node.lookup("report.output"); written && blank(r.Output) {
		v.add("report.output", "is empty; leave the key out to use %s", DefaultReportOutput)
	}
	if _, written := v.node.lookup("report.number_style"); written && !slices.Contains([]string{"as_written", "plain", "grouped"}, r.NumberStyle) {
		v.add("report.number_style", "is %q; want as_written, plain or grouped (leave the key out for as_written)", r.NumberStyle)
	}
	if _, written := v.node.lookup("report.marks"); written && !slices.Contains([]string{"numbered", "inline"}, r.Marks) {
		v.add("report.marks", "is %q; want numbered or inline (leave the key out for numbered)", r.Marks)
	}
}

// source checks one source: exactly one of dir, drive and sheet, and the
// keys that belong to its kind.
func (v *validator) source(sk string, s Source) {
	var kinds []string
	if s.Dir != "" {
		kinds = append(kinds, "dir")
	}
	if s.Drive != nil {
		kinds = append(kinds, "drive")
	}
	if s.Sheet != nil {
		kinds = append(kinds, "sheet")
	}
	switch {
	case len(kinds) == 0:
		v.add(sk+".dir", "is required, the folder the department's files are in (or write drive: for a Google Drive folder, sheet: for a Google Sheet)")
		return
	case len(kinds) > 1:
		v.add(sk+"."+kinds[1], "is written with %s: a source is one of dir, drive or sheet (write two sources)", v.where(sk+"."+kinds[0]))
		return
	}
	written := func(k string) bool { _, ok := v.node.lookup(sk + "." + k); return ok }
	if s.Sheet == nil {
		if s.Glob != "" {
			v.glob(sk+".glob", s.Glob)
		}
		for k, g := range s.Exclude {
			v.glob(fmt.Sprintf("%s.exclude[%d]", sk, k), g)
		}
	} else {
		for _, k := range []string{"glob", "exclude"} {
			if written(k) {
				v.add(sk+"."+k, "applies to dir and drive sources, not to a sheet (use sheet.sheets or sheet.ranges)")
			}
		}
	}
	if s.Dir != "" {
		for _, k := range []string{"credentials", "endpoint", "no_auth", "max_requests"} {
			if written(k) {
				v.add(sk+"."+k, "applies to drive and sheet sources, not to a folder")
			}
		}
		return
	}
	if s.Drive != nil && blank(s.Drive.Folder) {
		v.add(sk+".drive.folder", "is required, the folder's id (from drive.google.com/drive/folders/ID)")
	}
	if sh := s.Sheet; sh != nil {
		if blank(sh.ID) {
			v.add(sk+".sheet.id", "is required, the spreadsheet's id (from docs.google.com/spreadsheets/d/ID/edit)")
		}
		if len(sh.Ranges) > 0 && len(sh.Sheets) > 0 {
			v.add(sk+".sheet.sheets", "is written with %s: write ranges or sheets, not both", v.where(sk+".sheet.ranges"))
		}
		for k, r := range sh.Ranges {
			if blank(r) {
				v.add(fmt.Sprintf("%s.sheet.ranges[%d]", sk, k), "is empty")
			}
		}
		for k, n := range sh.Sheets {
			if blank(n) {
				v.add(fmt.Sprintf("%s.sheet.sheets[%d]", sk, k), "is empty")
			}
		}
	}
	if s.Endpoint != "" {
		u, err := url.Parse(s.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			v.add(sk+".endpoint", "%q is not an http(s) URL (write e.g. https://proxy.example.cn/google/)", s.Endpoint)
		}
	}
	switch {
	case s.NoAuth && s.Credentials != "":
		v.add(sk+".no_auth", "is true with %s: credentials are either used or switched off", v.where(sk+".credentials"))
	case s.NoAuth && s.Endpoint == "":
		v.add(sk+".no_auth", "is only for a local test server: set endpoint too, Google's own APIs need credentials")
	case s.Credentials != "":
		path := v.c.Path(s.Credentials)
		info, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			v.add(sk+".credentials", "%q does not exist (looked for %s)", s.Credentials, path)
		case err != nil:
			v.add(sk+".credentials", "%q cannot be read: %v", s.Credentials, err)
		case info.IsDir():
			v.add(sk+".credentials", "%q is a folder; write the service-account key file (.json)", s.Credentials)
		}
	}
	if s.MaxRequests < 0 {
		v.add(sk+".max_requests", "%d must not be negative", s.MaxRequests)
	}
}

// isPeriod reports whether p has a period's normalised form, "2024" or
// "2024Q2".
func isPeriod(p string) bool {
	_, _, ok := sheaf.ParsePeriod(p)
	return ok
}
