package config

import "testing"

// TestLayoutsValidated: forms and lists keys are checked with their lines.
func TestLayoutsValidated(t *testing.T) {
	src := withBase(`
departments:
  - id: edu
    name: 市教育局
    forms:
      - {indicator: schools.total, label: 学校总数, sheet: 基本情况, cell: D7}
      - indicator: schools.primary    # ← departments[0].forms[1].indicator
        label: 其中：小学
      - indicator: schools.total    # ← departments[0].forms[2]
      - indicator: schools.total    # ← departments[0].forms[3].sheet
        cell: 7D    # ← departments[0].forms[3].cell
    lists:
      - sheet: 学校名册    # ← departments[0].lists[0].key
        figures:
          - {indicator: schools.total, derive: count}
          - indicator: schools.total
            derive: "avg(教职工数)"    # ← departments[0].lists[0].figures[1].derive
          - indicator: schools.total
            derive: "count where 学校类型"    # ← departments[0].lists[0].figures[2].derive
          - derive: sum(教职工数)    # ← departments[0].lists[0].figures[3].indicator
      - key: 项目名称    # ← departments[0].lists[1].figures
`)
	path := writeConfig(t, src)
	_, err := Load(path)
	checkErrors(t, err, path, src, []want{
		{"departments[0].forms[1].indicator", `"schools.primary" is not an indicator id`},
		{"departments[0].forms[2]", "needs a label, a cell"},
		{"departments[0].forms[3].cell", `"7D" is not a cell`},
		{"departments[0].forms[3].sheet", "is required with cell"},
		{"departments[0].lists[0].key", "is required"},
		{"departments[0].lists[0].figures[1].derive", `"avg(教职工数)" is not count, sum(column)`},
		{"departments[0].lists[0].figures[2].derive", `condition "学校类型" is not column = value`},
		{"departments[0].lists[0].figures[3].indicator", "is required"},
		{"departments[0].lists[1].figures", "is required"},
	})
}

func TestParseDerive(t *testing.T) {
	tests := []struct {
		in   string
		want Derivation
	}{
		{"count", Derivation{}},
		{"count()", Derivation{}},
		{"sum(教职工数)", Derivation{Sum: "教职工数"}},
		{"sum（在校生数（人））", Derivation{Sum: "在校生数（人）"}},
		{"count where 学校类型 = 小学", Derivation{Where: []Condition{{Column: "学校类型", Value: "小学"}}}},
		{"sum(教职工数) where 学校类型 = '小学' and 办学性质 != 民办",
			Derivation{Sum: "教职工数", Where: []Condition{{Column: "学校类型", Value: "小学"}, {Column: "办学性质", Value: "民办", Not: true}}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDerive(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Sum != tt.want.Sum || len(got.Where) != len(tt.want.Where) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got.Where {
				if got.Where[i] != tt.want.Where[i] {
					t.Errorf("condition %d = %+v, want %+v", i, got.Where[i], tt.want.Where[i])
				}
			}
		})
	}
}

func TestParseCell(t *testing.T) {
	for in, want := range map[string][2]int{"D7": {3, 7}, "$AA$12": {26, 12}, "a1": {0, 1}} {
		col, row, ok := ParseCell(in)
		if !ok || col != want[0] || row != want[1] {
			t.Errorf("ParseCell(%q) = %d, %d, %v, want %v", in, col, row, ok, want)
		}
	}
	for _, in := range []string{"7D", "D0", "", "D7:E8"} {
		if _, _, ok := ParseCell(in); ok {
			t.Errorf("ParseCell(%q) ok", in)
		}
	}
}
