package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// baseSections is a small valid configuration. A test case writes the
// sections it is about; the sections it does not write are taken from here.
var baseSections = []struct{ name, text string }{
	{"cycle", `
cycle:
  name: 2024年度教育事业统计
  period: "2024"
  timezone: Asia/Shanghai
`},
	{"departments", `
departments:
  - id: edu
    name: 市教育局
    sources:
      - dir: inbox/edu
  - id: finance
    name: 市财政局
`},
	{"indicators", `
indicators:
  - id: schools.total
    name: 各级各类学校总数
    unit: 所
    owner: edu
`},
}

var topKey = regexp.MustCompile(`(?m)^([a-z_]+):`)

// withBase completes src with the base sections it does not write itself.
func withBase(src string) string {
	written := map[string]bool{}
	for _, m := range topKey.FindAllStringSubmatch(src, -1) {
		written[m[1]] = true
	}
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(src, "\n"))
	for _, s := range baseSections {
		if !written[s.name] {
			b.WriteString(s.text)
		}
	}
	return b.String()
}

// writeConfig writes src as sheaf.yaml in a fresh folder and returns its path.
func writeConfig(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sheaf.yaml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// marks reads the expected lines of errors from comments in the fixture:
// a line ending in "# ← indicators[0].owner, indicators[0].unit" is where
// those two keys are expected to be reported.
func marks(src string) map[string]int {
	m := map[string]int{}
	for i, line := range strings.Split(src, "\n") {
		_, keys, ok := strings.Cut(line, "# ← ")
		if !ok {
			continue
		}
		for k := range strings.SplitSeq(keys, ",") {
			m[strings.TrimSpace(k)] = i + 1
		}
	}
	return m
}

// want is one problem a test expects: its key and part of its message.
type want struct{ key, msg string }

// checkErrors asserts that err holds exactly the wanted problems, each at
// the line marked for its key in src.
func checkErrors(t *testing.T, err error, path, src string, wants []want) {
	t.Helper()
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got error %v (%T), want config.Errors", err, err)
	}
	lines := marks(src)
	got := map[string]FieldError{}
	for _, e := range errs {
		if _, dup := got[e.Key]; dup {
			t.Errorf("key %s reported twice:\n%v", e.Key, err)
		}
		got[e.Key] = e
	}
	for _, w := range wants {
		e, ok := got[w.key]
		if !ok {
			t.Errorf("no error for %s; got:\n%v", w.key, err)
			continue
		}
		delete(got, w.key)
		line, ok := lines[w.key]
		if !ok {
			t.Fatalf("fixture has no \"# ← %s\" mark", w.key)
		}
		if e.Line != line {
			t.Errorf("%s: line %d, want %d (%s)", w.key, e.Line, line, e.Msg)
		}
		if e.File != path {
			t.Errorf("%s: file %q, want %q", w.key, e.File, path)
		}
		if !strings.Contains(e.Msg, w.msg) {
			t.Errorf("%s: message %q does not contain %q", w.key, e.Msg, w.msg)
		}
	}
	for _, e := range got {
		t.Errorf("unexpected error: %v", e)
	}
}
