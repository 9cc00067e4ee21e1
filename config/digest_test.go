package config

import (
	"crypto/sha256"
	"encoding/json"
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
