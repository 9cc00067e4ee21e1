package config

import "testing"

// FuzzLoad parses random configuration files: never a panic, and every
// problem is reported as Errors naming keys, or a plain error.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("cycle: {name: x, period: \"2024\", timezone: Asia/Shanghai}\n"))
	f.Add([]byte("departments:\n  - {id: edu, name: 市教育局, sources: [{dir: inbox}]}\n"))
	f.Add([]byte("indicators: [{id: a.b, name: 甲, unit: 万元, owner: edu, periods: [\"2024Q2\"]}]\n"))
	f.Add([]byte("rules: [{id: r, expr: 'v(\"a\") > 0', class: check}]\nsync: {settle: 7d}\n"))
	f.Add([]byte("&a [1, *a]"))
	f.Add([]byte("\t- :"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parse(data, "sheaf.yaml")
		if err == nil && c == nil {
			t.Fatal("no config and no error")
		}
	})
}
