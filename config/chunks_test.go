package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// chunked sets the list chunking to n items a chunk for one test.
func chunked(t testing.TB, n int) {
	oldItems, oldMin := chunkItems, chunkMin
	chunkItems, chunkMin = n, 1
	t.Cleanup(func() { chunkItems, chunkMin = oldItems, oldMin })
}

// parseWhole parses data with chunking off.
func parseWhole(data []byte) (c *Config, err error) {
	withoutChunks(func() { c, err = parse(data, "sheaf.yaml") })
	return c, err
}

// withoutChunks runs fn with chunking off.
func withoutChunks(fn func()) {
	oldMin := chunkMin
	chunkMin = 1 << 30
	defer func() { chunkMin = oldMin }()
	fn()
}

// wholeLine is whole's KeyLine(key) with chunking off.
func wholeLine(whole *Config, key string) (line int) {
	withoutChunks(func() { line = whole.KeyLine(key) })
	return line
}

// sameParse checks that data parses to the same configuration and the same
// problems (keys, lines, messages) in chunks as whole, and says whether it
// was chunked.
func sameParse(t *testing.T, data []byte) (wasChunked bool) {
	t.Helper()
	whole, werr := parseWhole(data)
	c, err := parse(data, "sheaf.yaml")
	if fmt.Sprint(err) != fmt.Sprint(werr) {
		t.Fatalf("problems differ:\nchunked: %v\nwhole:   %v", err, werr)
	}
	if (c == nil) != (whole == nil) {
		t.Fatalf("config chunked %v, whole %v", c != nil, whole != nil)
	}
	if c == nil {
		return false
	}
	a, _ := json.Marshal(c)
	b, _ := json.Marshal(whole)
	if string(a) != string(b) {
		t.Fatalf("configurations differ:\nchunked: %s\nwhole:   %s", a, b)
	}
	for i := range c.Indicators {
		for _, k := range []string{"", ".id", ".name", ".periods[1]", ".required", ".nope.deeper"} {
			key := fmt.Sprintf("indicators[%d]%s", i, k)
			if got, want := c.KeyLine(key), wholeLine(whole, key); got != want {
				t.Fatalf("KeyLine(%s) = %d chunked, %d whole", key, got, want)
			}
		}
	}
	for _, key := range []string{"rules[0].expr", "cycle.period", "departments[0].sources[0]", "indicators", "deadlines[0].due"} {
		if got, want := c.KeyLine(key), wholeLine(whole, key); got != want {
			t.Fatalf("KeyLine(%s) = %d chunked, %d whole", key, got, want)
		}
	}
	_, _, split := splitList(data)
	return split
}

// catalogue writes n indicators in the style given, with the rest of a
// valid file around them.
func catalogue(n int, item func(i int) string) string {
	var b strings.Builder
	b.WriteString("cycle: {name: 测试, period: \"2024\", timezone: Asia/Shanghai}\n")
	b.WriteString("departments:\n  - {id: edu, name: 教育局, sources: [{dir: inbox}]}\n")
	b.WriteString("indicators:\n")
	for i := range n {
		b.WriteString(item(i))
	}
	b.WriteString("rules:\n  - {id: r1, expr: 'v(\"i.0001\") >= 0', class: check}\n")
	return b.String()
}

func TestChunkedCatalogueIsTheWholeOne(t *testing.T) {
	chunked(t, 7)
	styles := map[string]func(i int) string{
		"flow": func(i int) string {
			return fmt.Sprintf("  - {id: i.%04d, name: 指标%04d, unit: 人, owner: edu, periods: [\"2023\", \"2024\"]}\n", i, i)
		},
		"block with comments": func(i int) string {
			s := fmt.Sprintf("  - id: i.%04d\n    name: 指标%04d\n    unit: 人\n", i, i)
			if i%3 == 0 {
				s += "# a comment at column 0 between items\n\n    owner: edu\n"
			}
			if i%4 == 0 {
				s += "    required: false\n"
			}
			return s
		},
		"indent 0, block scalar": func(i int) string {
			return fmt.Sprintf("- id: i.%04d\n  name: |\n    指标%04d\n    - not an item\n  unit: 人\n", i, i)
		},
		"crlf": func(i int) string {
			return fmt.Sprintf("  - id: i.%04d\r\n    name: 指标%04d\r\n    unit: 人\r\n", i, i)
		},
		"merge within an item": func(i int) string {
			return fmt.Sprintf("  - base: &b%d {unit: 人, owner: edu}\n    <<: *b%d\n    id: i.%04d\n    name: 指标%04d\n", i, i, i, i)
		},
	}
	for name, style := range styles {
		t.Run(name, func(t *testing.T) {
			if !sameParse(t, []byte(catalogue(40, style))) {
				t.Fatal("the list was not split: the test does not test chunking")
			}
		})
	}
}

// Problems in items of different chunks are reported at the file's lines,
// the same as a whole parse, and an indicator's unwritten required is told
// from a written one in every chunk.
func TestChunkedCatalogueProblems(t *testing.T) {
	chunked(t, 5)
	src := catalogue(30, func(i int) string {
		switch i {
		case 3:
			return fmt.Sprintf("  - {id: i.%04d, name: 指标, unit: 人, owner: nobody}\n", i)
		case 12:
			return fmt.Sprintf("  - {id: i.%04d, name: 指标, unit: 人, colour: red}\n", i)
		case 27:
			return "  - {id: i.0001, name: 重复, unit: 人, required: maybe}\n"
		}
		return fmt.Sprintf("  - {id: i.%04d, name: 指标%d, unit: 人, owner: edu, required: %v}\n", i, i, i%2 == 0)
	})
	sameParse(t, []byte(src))
	_, err := parse([]byte(src), "sheaf.yaml")
	for _, want := range []string{"sheaf.yaml:8: indicators[3].owner", "sheaf.yaml:17: indicators[12].colour", "sheaf.yaml:32: indicators[27].required"} {
		if !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("problems do not name %q:\n%v", want, err)
		}
	}
	c, _ := parse([]byte(catalogue(30, func(i int) string {
		if i%2 == 0 {
			return fmt.Sprintf("  - {id: i.%04d, name: 指标%d, unit: 人, owner: edu}\n", i, i)
		}
		return fmt.Sprintf("  - {id: i.%04d, name: 指标%d, unit: 人, owner: edu, required: false}\n", i, i)
	})), "sheaf.yaml")
	for i, ind := range c.Indicators {
		if ind.Required != (i%2 == 0) || ind.RequiredByDefault != (i%2 == 0) {
			t.Fatalf("indicators[%d]: required %v by default %v", i, ind.Required, ind.RequiredByDefault)
		}
	}
}

// What the split cannot be sure of is parsed whole: the result is the
// same either way.
func TestChunkedCatalogueFallsBack(t *testing.T) {
	chunked(t, 4)
	cases := map[string]string{
		"alias to an anchor outside the list": "defaults: &d {unit: 人, owner: edu}\n" +
			catalogue(20, func(i int) string { return fmt.Sprintf("  - {<<: *d, id: i.%04d, name: 指标%d}\n", i, i) }),
		"alias across chunks": catalogue(20, func(i int) string {
			if i == 0 {
				return "  - {id: i.0000, name: &n 指标, unit: 人}\n"
			}
			return fmt.Sprintf("  - {id: i.%04d, name: *n, unit: 人}\n", i)
		}),
		"flow list": "indicators: [" + strings.Repeat("{id: a, name: b, unit: 人},", 20) + "]\n",
		"broken item": catalogue(20, func(i int) string {
			if i == 13 {
				return "  - {id: i.0013, name: \"unterminated, unit: 人}\n"
			}
			return fmt.Sprintf("  - {id: i.%04d, name: 指标%d, unit: 人}\n", i, i)
		}),
		"a key at the list's indent": "indicators:\n  - {id: a, name: b, unit: 人}\n  x: 1\n" + strings.Repeat("  - {id: c, name: d, unit: 人}\n", 20),
		"a second document":          catalogue(20, func(i int) string { return "  - {id: a, name: b, unit: 人}\n" }) + "---\nx: 1\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) { sameParse(t, []byte(src)) })
	}
}

// FuzzChunkedLoad parses random files in chunks of two items and whole:
// the same configuration and the same problems.
func FuzzChunkedLoad(f *testing.F) {
	f.Add([]byte(catalogue(5, func(i int) string { return fmt.Sprintf("  - {id: i.%d, name: n, unit: 人}\n", i) })))
	f.Add([]byte("indicators:\n- id: a\n  name: b\n- id: c\n  name: |\n    x\n- &x {id: d}\n- *x\nrules: []\n"))
	f.Add([]byte("indicators:\n  - a\n  -\n  - \"b\n  - c\"\n  - 'd\n\n  - e'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		chunked(t, 2)
		sameParse(t, data)
	})
}
