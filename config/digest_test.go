package config

import (
	"crypto/sha256"
	"encoding/json"
	"math"
	"testing"
	"time"
)

type withPtrMarshaler struct{ N int }

func (w *withPtrMarshaler) MarshalJSON() ([]byte, error) { return []byte(`"ptr"`), nil }

// DigestJSON digests exactly what json.Marshal gives: a loaded
// configuration's parts (so that stored fingerprints do not change), nil and
// empty lists, byte slices, HTML characters, and elements whose
// MarshalJSON has a pointer receiver.
func TestDigestJSONIsMarshalsDigest(t *testing.T) {
	cfg, err := Load("testdata/sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cases := [][]any{
		{1, cfg.Cycle.Period, cfg.Indicators, cfg.Extraction, cfg.Units},
		{2, cfg.Cycle, cfg.Departments, cfg.Indicators, cfg.Rules},
		{[]Indicator(nil), []Indicator{}, []byte("a<b>&"), "<script>", nil, map[string]int{"b": 1, "a": 2}},
		{[]withPtrMarshaler{{1}, {2}}, []*withPtrMarshaler{{3}}, []time.Duration{time.Second}},
		{},
	}
	for i, parts := range cases {
		b, err := json.Marshal(parts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DigestJSON(parts...)
		if err != nil || got != sha256.Sum256(b) {
			t.Errorf("case %d: DigestJSON differs from the digest of %s (%v)", i, b, err)
		}
	}
	if len(cfg.Indicators) < 2 || len(cfg.Departments) < 2 {
		t.Fatalf("testdata/sheaf.yaml has %d indicators, %d departments: too few to compare lists", len(cfg.Indicators), len(cfg.Departments))
	}
}

// A range open at one end (range: [1000, .inf]) is a valid configuration:
// its digest must still follow the catalogue. json.Marshal cannot write an
// infinite number, and the digest was once the same whatever the
// catalogue said. Finite bounds marshal as a []float64 does.
func TestDigestFollowsAnOpenRange(t *testing.T) {
	cfg, err := parse([]byte(`
cycle: {name: 测试, period: "2024", timezone: Asia/Shanghai}
departments:
  - {id: edu, name: 教育局, sources: [{dir: inbox}]}
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, range: [1000, .inf]}
`), "sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if r := cfg.Indicators[0].Range; len(r) != 2 || !math.IsInf(r[1], 1) {
		t.Fatalf("range read as %v", r)
	}
	first, err := DigestJSON(cfg.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Indicators[0].Range[0] = 2000
	second, err := DigestJSON(cfg.Indicators)
	if err != nil || first == second {
		t.Errorf("the digest does not change with the range's minimum (%v)", err)
	}
	for _, b := range []Bounds{nil, {}, {0, 1.5}, {-1e21, 1e-7}} {
		got, _ := json.Marshal(b)
		want, _ := json.Marshal([]float64(b))
		if string(got) != string(want) {
			t.Errorf("%v marshals as %s, a []float64 as %s", b, got, want)
		}
	}
	if b, _ := json.Marshal(Bounds{math.Inf(-1), 3}); string(b) != `["-Inf",3]` {
		t.Errorf("an open range marshals as %s", b)
	}
}
