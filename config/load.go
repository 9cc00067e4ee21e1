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
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"go.yaml.in/yaml/v3"
)

// Defaults applied by Load to keys that are not written.
const (
	DefaultSettle   = Duration(time.Minute) // sync.settle
	DefaultGlob     = "**/*"                // departments[].sources[].glob
	DefaultDBPath   = "data/sheaf.db"       // storage.path
	DefaultSeverity = "warning"             // rules[].severity
)

// Load reads the configuration file at path, applies defaults and validates
// it. Problems in the file are returned together as Errors, each naming its
// line and key; other failures (the file cannot be read) are plain errors.
func Load(path string) (*Config, error) {
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

// parse decodes, defaults and validates one configuration read from file.
func parse(data []byte, file string) (*Config, error) {
	root, perr := parseNode(data)
	if perr != nil {
		perr.File = file
		return nil, Errors{*perr}
	}
	c := &Config{File: file, Dir: filepath.Dir(file), node: root}

	d := &decoder{}
	if n := resolve(root); n != nil && !isNull(n) {
		d.decode(n, reflect.ValueOf(c).Elem(), "")
	}
	c.applyDefaults()
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
		return nil, errs.sorted()
	}
	return c, nil
}

var yamlLineErr = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseNode parses exactly one YAML document.
func parseNode(data []byte) (*yaml.Node, *FieldError) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return &root, nil // an empty file: Validate reports what is missing
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
	if _, written := lookup(c.node, "sync.settle"); !written {
		c.Sync.Settle = DefaultSettle
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
