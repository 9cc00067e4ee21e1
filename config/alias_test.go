package config

import (
	"errors"
	"strings"
	"testing"
)

const aliasYAML = `# 卫生健康快报
cycle: {name: 快报, period: "2024", timezone: Asia/Shanghai}   # the cycle
storage: {path: data/sheaf.db}
departments:
  - {id: health, name: 市卫健局, sources: [{dir: inbox}]}
indicators:
  # hospitals, block style with a block list
  - id: hospitals.total
    name: 医院数      # as the bureau writes it
    aliases:
      - 医院总数   # 2023 form
      - "医院 数量"
    unit: 个
    owner: health
  # block style without aliases
  - id: beds.total
    name: "床位数"
    unit: 张   # beds
    owner: health
  # flow style with a flow list, and without
  - {id: doctors.total, name: 执业医师数, aliases: [执业（助理）医师数 , 医师数], unit: 人, owner: health}   # doctors
  - {id: nurses.total, name: '注册护士数', unit: 人, owner: health}
  - {id: clinics.total, name: 诊所数, aliases: [], unit: 个, owner: health}
`

// TestAddAlias: the alias is spliced into the indicator's entry and every
// other byte of the file, comments and layout included, stays as it was.
func TestAddAlias(t *testing.T) {
	for _, tc := range []struct {
		name, id, label string
		old, new        string // the edited line, "" old for an added line
	}{
		{"block list", "hospitals.total", "其中：医院", "", `      - "其中：医院"`},
		{"block mapping without aliases", "beds.total", "实有床位数", "", `    aliases: [实有床位数]`},
		{"flow list", "doctors.total", "执业医师",
			`  - {id: doctors.total, name: 执业医师数, aliases: [执业（助理）医师数 , 医师数], unit: 人, owner: health}   # doctors`,
			`  - {id: doctors.total, name: 执业医师数, aliases: [执业（助理）医师数 , 医师数, 执业医师], unit: 人, owner: health}   # doctors`},
		{"flow mapping without aliases", "nurses.total", "护士数: 注册",
			`  - {id: nurses.total, name: '注册护士数', unit: 人, owner: health}`,
			`  - {id: nurses.total, name: '注册护士数', aliases: ["护士数: 注册"], unit: 人, owner: health}`},
		{"empty flow list", "clinics.total", "门诊部",
			`  - {id: clinics.total, name: 诊所数, aliases: [], unit: 个, owner: health}`,
			`  - {id: clinics.total, name: 诊所数, aliases: [门诊部], unit: 个, owner: health}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := AddAlias([]byte(aliasYAML), tc.id, tc.label)
			if err != nil {
				t.Fatal(err)
			}
			before, after := strings.Split(aliasYAML, "\n"), strings.Split(string(out), "\n")
			var rest []string
			found := false
			for _, l := range after {
				if l == tc.new && !found {
					found = true
					if tc.old != "" {
						rest = append(rest, tc.old)
					}
					continue
				}
				rest = append(rest, l)
			}
			if !found {
				t.Fatalf("no line %q in:\n%s", tc.new, out)
			}
			if strings.Join(rest, "\n") != strings.Join(before, "\n") {
				t.Errorf("other lines changed:\n%s", out)
			}
			c, err := Parse(out, "sheaf.yaml")
			if err != nil {
				t.Fatalf("the edited file does not load: %v\n%s", err, out)
			}
			ind, _ := c.Indicator(tc.id)
			if got := ind.Aliases[len(ind.Aliases)-1]; got != tc.label {
				t.Errorf("last alias = %q, want %q", got, tc.label)
			}
		})
	}
}

func TestAddAliasRefuses(t *testing.T) {
	for _, tc := range []struct{ name, id, label, want string }{
		{"known alias", "hospitals.total", "医院总数", ErrAliasKnown.Error()},
		{"known under folding", "hospitals.total", "医院数量", ErrAliasKnown.Error()},
		{"its name", "beds.total", "床位数", ErrAliasKnown.Error()},
		{"no such indicator", "beds.none", "床", `no indicator "beds.none"`},
		{"empty", "beds.total", " ", "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AddAlias([]byte(aliasYAML), tc.id, tc.label)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if tc.want == ErrAliasKnown.Error() && !errors.Is(err, ErrAliasKnown) {
				t.Errorf("err = %v, want ErrAliasKnown", err)
			}
		})
	}
}
