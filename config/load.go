package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata"
	"unicode/utf8" // time zones work on machines without a zoneinfo database

	"github.com/sheaf-dev/sheaf"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Defaults applied by Load to keys that are not written.
const (
	DefaultSettle   = Duration(time.Minute) // sync.settle
	DefaultGlob     = "**/*"                // departments[].sources[].glob
	DefaultDBPath   = "data/sheaf.db"       // storage.path
	DefaultSeverity = sheaf.SeverityWarning // rules[].severity
	// DefaultSourceGrace is web.source_grace.
	DefaultSourceGrace = Duration(24 * time.Hour)
	// DefaultLinkDays is web.link_days.
	DefaultLinkDays = 30
)

// Load reads the configuration file at path, applies defaults and validates
// it. Problems in the file are returned together as Errors, each naming its
// line and key; other failures (the file cannot be read) are plain errors.
func Load(path string) (*Config, error) {
	c, err := Check(path)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Check reads the file as Load does, but returns the configuration as far
// as it could be read beside its problems, so that `sheaf config check`
// can go on to compile the rules and report every problem in one pass. The
// configuration is nil only when the file could not be read or parsed.
func Check(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return parse(data, abs)
}

// Join merges problem lists (Errors, or a single FieldError) into one,
// sorted by line; nil when there are none.
func Join(errs ...error) error {
	var all Errors
	for _, err := range errs {
		var list Errors
		var one FieldError
		switch {
		case err == nil:
		case errors.As(err, &list):
			all = append(all, list...)
		case errors.As(err, &one):
			all = append(all, one)
		default:
			return err
		}
	}
	if len(all) == 0 {
		return nil
	}
	return all.sorted()
}

// parse decodes, defaults and validates one configuration read from file.
// On problems in the file it returns them with the configuration as far as
// it was read (see Check).
func parse(data []byte, file string) (*Config, error) {
	c := &Config{File: file, Dir: filepath.Dir(file)}
	d := &decoder{}
	// The items of a long indicators list arrive one chunk at a time
	// (chunks.go), after the rest of the file is parsed.
	tree, perr := parseDoc(data, func(i, total int, n *yaml.Node) {
		if i == 0 {
			c.Indicators = make([]Indicator, 0, total)
		}
		c.Indicators = append(c.Indicators, Indicator{})
		d.decode(n, reflect.ValueOf(&c.Indicators[i]).Elem(), chunkedKey+"["+strconv.Itoa(i)+"]")
	})
	if perr != nil {
		perr.File = file
		return nil, Errors{*perr}
	}
	if tree.items == nil {
		// Parsed whole after all (a chunk could not be parsed alone): what
		// the chunks gave is decoded again below.
		c.Indicators, d.errs = nil, nil
	}
	c.node = tree
	if n := resolve(tree.root); n != nil && !isNull(n) {
		d.decode(n, reflect.ValueOf(c).Elem(), "")
	}
	c.applyDefaults()
	c.index()
	if loc, err := loadLocation(c.Cycle.Timezone); err == nil {
		c.Cycle.Location = loc
	}

	errs := slices.Clone(d.errs)
	var verrs Errors
	if err := c.Validate(); err != nil && !errors.As(err, &verrs) {
		return nil, err
	}
	// A value that could not be read is left empty; do not also report it
	// as missing.
	for _, v := range verrs {
		if !under(v.Key, d.errs) {
			errs = append(errs, v)
		}
	}
	if len(errs) > 0 {
		for i := range errs {
			errs[i].File = file
		}
		c.raw, c.node = data, nil
		return c, errs.sorted()
	}
	c.raw, c.node = data, nil
	return c, nil
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseNode parses exactly one YAML document.
func parseNode(data []byte) (*yaml.Node, *FieldError) {
	if fe := checkEncoding(data); fe != nil {
		return nil, fe
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &root, nil // an empty file: Validate reports what is missing
		}
		if fe := tabIndent(data); fe != nil {
			return nil, fe
		}
		return nil, syntaxError(err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(err)
		}
		return nil, &FieldError{Line: extra.Line, Msg: "a second YAML document (after ---): the configuration is one document"}
	}
	return &root, nil
}

func syntaxError(err error) *FieldError {
	if m := yamlLineErr.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &FieldError{Line: line, Msg: m[2]}
	}
	return &FieldError{Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
}

// under says whether key is, or lies under, the key of one of errs.
func under(key string, errs Errors) bool {
	for _, e := range errs {
		if e.Key == "" {
			continue
		}
		if key == e.Key || strings.HasPrefix(key, e.Key+".") || strings.HasPrefix(key, e.Key+"[") {
			return true
		}
	}
	return false
}

// applyDefaults fills in keys that were not written. Sync.Settle is
// defaulted only when the key is absent: "settle: 0s" is a choice.
func (c *Config) applyDefaults() {
	if _, written := c.node.lookup("sync.settle"); !written {
		c.Sync.Settle = DefaultSettle
	}
	if _, written := c.node.lookup("web.link_days"); !written {
		c.Web.LinkDays = DefaultLinkDays
	}
	if _, written := c.node.lookup("web.source_grace"); !written {
		c.Web.SourceGrace = DefaultSourceGrace
	}
	if c.Sync.Workers == 0 {
		c.Sync.Workers = runtime.NumCPU()
	}
	if c.Storage.Path == "" {
		c.Storage.Path = DefaultDBPath
	}
	for i := range c.Departments {
		for j := range c.Departments[i].Sources {
			if s := &c.Departments[i].Sources[j]; s.Glob == "" {
				s.Glob = DefaultGlob
			}
		}
	}
	// A catalogue with owners is read as a list of what is owed: an
	// indicator with an owner is required unless it says required: false.
	for i := range c.Indicators {
		ind := &c.Indicators[i]
		if _, written := c.node.lookup(fmt.Sprintf("indicators[%d].required", i)); !written && ind.Owner != "" {
			ind.Required, ind.RequiredByDefault = true, true
		}
	}
	for i := range c.Rules {
		if c.Rules[i].Severity == "" {
			c.Rules[i].Severity = DefaultSeverity
		}
	}
	if s := &c.Mail.SMTP; s.Host != "" {
		if s.TLS == "" {
			s.TLS = "starttls"
		}
		if s.Port == 0 {
			s.Port = map[string]int{"starttls": 587, "tls": 465, "none": 25}[s.TLS]
		}
	}
}

// loadLocation loads an IANA time zone. "Local" is refused: the zone the
// server happens to run in must not decide when a deadline passes.
func loadLocation(name string) (*time.Location, error) {
	if name == "" {
		return nil, errors.New("is required, an IANA time zone such as Asia/Shanghai")
	}
	if name == "Local" {
		return nil, errors.New(`"Local" is not allowed: name the zone, e.g. Asia/Shanghai`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("%q is not a known time zone (write an IANA name such as Asia/Shanghai)", name)
	}
	return loc, nil
}

// Path resolves p against the configuration's folder; an absolute path is
// returned cleaned, and an empty path stays empty.
func (c *Config) Path(p string) string {
	if p == "" {
		return ""
	}
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(c.Dir, p)
}

// DBPath is the path of the SQLite database, storage.path resolved against
// the configuration's folder (data/sheaf.db when not set).
func (c *Config) DBPath() string {
	if c.Storage.Path == "" {
		return c.Path(DefaultDBPath)
	}
	return c.Path(c.Storage.Path)
}

// checkEncoding refuses a configuration that is not UTF-8, naming the first
// line that is not and the encoding it looks like: a file saved by a
// Chinese Windows editor is usually GBK, which YAML cannot read.
func checkEncoding(data []byte) *FieldError {
	if utf8.Valid(data) {
		return nil
	}
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	looks := "未知编码"
	if _, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data); err == nil {
		looks = "GBK/GB18030 编码"
	}
	return &FieldError{Line: line, Msg: fmt.Sprintf("配置文件不是 UTF-8 编码（第 %d 行起，看起来是%s），请用 UTF-8 编码重新保存", line, looks)}
}

// tabIndent finds a line indented with a tab, which YAML forbids, to say
// so instead of the parser's "found character that cannot start any token".
func tabIndent(data []byte) *FieldError {
	for i, l := range strings.Split(string(data), "\n") {
		indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]
		if strings.Contains(indent, "\t") {
			return &FieldError{Line: i + 1, Msg: fmt.Sprintf("第 %d 行用了制表符缩进，请改用空格（YAML 不允许用 Tab 缩进）", i+1)}
		}
	}
	return nil
}

// LinkExpiry is when the departments' links stop working: web.link_days
// (default 30) after the cycle's last deadline. Zero when the cycle has
// no deadline (the links then do not expire).
func (c *Config) LinkExpiry() time.Time {
	var last time.Time
	for _, dl := range c.Deadlines {
		if due, err := dl.DueTime(c.Cycle.Location); err == nil && due.After(last) {
			last = due
		}
	}
	if last.IsZero() {
		return last
	}
	return last.AddDate(0, 0, c.linkDays())
}

// linkDays is web.link_days, or its default.
func (c *Config) linkDays() int {
	if c.Web.LinkDays > 0 {
		return c.Web.LinkDays
	}
	return DefaultLinkDays
}

// Warnings are what is allowed but probably a mistake: a deadline already
// past at now. `sheaf config check` prints them and still succeeds.
func (c *Config) Warnings(now time.Time) []FieldError {
	var out []FieldError
	lines := c.KeyLines()
	for i, d := range c.Deadlines {
		due, err := d.DueTime(c.Cycle.Location)
		if err != nil || !due.Before(now) {
			continue
		}
		key := fmt.Sprintf("deadlines[%d].due", i)
		out = append(out, FieldError{File: c.File, Line: lines(key), Key: key,
			Msg: fmt.Sprintf("%s (%s) is already past: no reminders will be sent for it, only overdue notices", d.Due, d.Name)})
	}
	if exp := c.LinkExpiry(); c.Web.LinkSecretEnv != "" && !exp.IsZero() && !now.Before(exp) {
		key := "web.link_days"
		out = append(out, FieldError{File: c.File, Line: lines(key), Key: key,
			Msg: fmt.Sprintf("the departments' links expired on %s (%d days after the last deadline): notices no longer carry them; raise link_days to keep them working",
				exp.In(c.Cycle.Location).Format("2006-01-02"), c.linkDays())})
	}
	for i, d := range c.Departments {
		for j, src := range d.Sources {
			if src.Dir == "" {
				continue
			}
			if st, err := os.Stat(c.Path(src.Dir)); err != nil || !st.IsDir() {
				key := fmt.Sprintf("departments[%d].sources[%d].dir", i, j)
				out = append(out, FieldError{File: c.File, Line: lines(key), Key: key,
					Msg: fmt.Sprintf("folder %s cannot be listed now (missing, not a folder, or a share not mounted): a sync keeps %s's last data and flags the source", src.Dir, d.ID)})
			}
		}
		if d.PasswordEnv == "" {
			continue
		}
		key := fmt.Sprintf("departments[%d].password_env", i)
		if _, err := Secret(d.PasswordEnv, key, "workbook password"); err != nil {
			out = append(out, FieldError{File: c.File, Line: lines(key), Key: key,
				Msg: fmt.Sprintf("%v here: %s's encrypted workbooks cannot be read (its other files are)", err, d.ID)})
		}
	}
	return out
}
