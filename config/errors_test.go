package config

import (
	"errors"
	"testing"
	"time"
)

func TestFieldErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  FieldError
		want string
	}{
		{"everything", FieldError{"sheaf.yaml", 14, "indicators[3].owner", "is required"}, "sheaf.yaml:14: indicators[3].owner: is required"},
		{"no line", FieldError{"sheaf.yaml", 0, "cycle.name", "is required"}, "sheaf.yaml: cycle.name: is required"},
		{"no file", FieldError{"", 0, "cycle.name", "is required"}, "cycle.name: is required"},
		{"no key", FieldError{"sheaf.yaml", 3, "", "found unexpected end of stream"}, "sheaf.yaml:3: found unexpected end of stream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestValidateBuiltInCode checks a Config made without a file: problems
// have no line, and the message leaves the line out.
func TestValidateBuiltInCode(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	valid := func() *Config {
		return &Config{
			Cycle:       Cycle{Name: "年报", Period: "2024", Timezone: "Asia/Shanghai", Location: shanghai},
			Storage:     Storage{Path: "data/sheaf.db"},
			Departments: []Department{{ID: "edu", Name: "市教育局", Sources: []Source{{Dir: "inbox"}}}},
			Indicators:  []Indicator{{ID: "schools.total", Name: "各级各类学校总数", Unit: "所", Owner: "edu"}},
			Rules:       []Rule{{ID: "r1", Expr: "schools.total > 0", Severity: "warning", Class: "check"}},
		}
	}
	tests := []struct {
		name   string
		change func(c *Config)
		want   string
	}{
		{"valid", func(*Config) {}, ""},
		{
			name: "several problems",
			change: func(c *Config) {
				c.Cycle.Timezone = ""
				c.Indicators[0].Owner = "finance"
				c.Rules[0].Severity = "" // Load would default it; Validate does not
			},
			want: "cycle.timezone: is required, an IANA time zone such as Asia/Shanghai\n" +
				`indicators[0].owner: "finance" is not a department id (known: edu)` + "\n" +
				"rules[0].severity: is required (error, warning, info)",
		},
		{
			name:   "file but no node",
			change: func(c *Config) { c.File = "/etc/sheaf.yaml"; c.Storage.Path = "" },
			want:   "/etc/sheaf.yaml: storage.path: is required, the SQLite database file",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(c)
			err := c.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("got:\n%v\nwant:\n%s", err, tt.want)
			}
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("%T is not Errors", err)
			}
			for _, e := range errs {
				if e.Line != 0 {
					t.Errorf("%s: line %d, want 0", e.Key, e.Line)
				}
			}
		})
	}
}
