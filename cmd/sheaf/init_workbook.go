package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/extract"
	"github.com/sheaf-dev/sheaf/sheets"
)

// draftedCatalogue is a catalogue drafted from a workbook: the indicators
// section of sheaf.yaml and a report template naming each of them.
type draftedCatalogue struct {
	indicators, template string
}

// draftCatalogue reads a department's existing workbook as the sync reads
// files, with an empty catalogue: every named row with a value is then
// unrecognised, and becomes an indicator with the row's label, unit and
// periods, for the coordinator to edit.
func draftCatalogue(path, period string) (draftedCatalogue, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return draftedCatalogue{}, fmt.Errorf("--from-workbook: %w", err)
	}
	book, err := sheets.ReadWorkbook(filepath.Base(path), data, sheets.Limits{})
	if err != nil {
		return draftedCatalogue{}, fmt.Errorf("--from-workbook %s: %w", path, err)
	}
	cfg := &config.Config{Cycle: config.Cycle{Period: period}}
	x := extract.NewExtractor(cfg, nil).Start(func(sheaf.Observation) {}, func(sheaf.Finding) {})
	x.ReadBook(book)

	type entry struct {
		name, unit, where string
		periods           []string
	}
	var entries []*entry
	byName := map[string]*entry{}
	for _, u := range x.Unrecognised() {
		name, unit := draftName(u.Label)
		if unit == "" {
			unit = u.Unit
		}
		key := extract.Fold(name)
		if key == "" {
			continue
		}
		en := byName[key]
		if en == nil {
			en = &entry{name: name, where: u.Sheet + "!" + u.Cell}
			byName[key] = en
			entries = append(entries, en)
		}
		if en.unit == "" {
			en.unit = unit
		}
		if u.Period != "" && !slices.Contains(en.periods, u.Period) {
			en.periods = append(en.periods, u.Period)
		}
	}
	if len(entries) == 0 {
		return draftedCatalogue{}, fmt.Errorf("--from-workbook %s: no table with a name column and a value column was found (headers such as 指标名称 and 数值)", path)
	}
	var ind, tmpl strings.Builder
	fmt.Fprintf(&tmpl, "# %s年度报告\n\n", period)
	for i, en := range entries {
		id := fmt.Sprintf("item%02d", i+1)
		unit, note := en.unit, ""
		if unit == "" {
			unit, note = "个", "; unit not written in the workbook: check it"
		}
		fmt.Fprintf(&ind, "  - {id: %s, name: %s, unit: %s, owner: health", id, yamlScalar(en.name), yamlScalar(unit))
		slices.Sort(en.periods)
		if len(en.periods) > 0 && !(len(en.periods) == 1 && en.periods[0] == period) {
			quoted := make([]string, len(en.periods))
			for j, p := range en.periods {
				quoted[j] = strconv.Quote(p)
			}
			fmt.Fprintf(&ind, ", periods: [%s]", strings.Join(quoted, ", "))
		}
		fmt.Fprintf(&ind, "}  # %s%s\n", en.where, note)
		if len(en.periods) > 0 && !slices.Contains(en.periods, period) {
			// Not collected for the cycle's period: the draft shows its
			// latest one, named (config check refuses fig "id" alone).
			fmt.Fprintf(&tmpl, "- %s（%s）：{{fig %q %q}}\n", en.name, sheaf.PeriodWord(en.periods[len(en.periods)-1]), id, en.periods[len(en.periods)-1])
		} else {
			fmt.Fprintf(&tmpl, "- %s：{{fig %q}}\n", en.name, id)
		}
	}
	tmpl.WriteString("\n## 存在问题\n\n{{standards}}\n")
	return draftedCatalogue{indicators: ind.String(), template: tmpl.String()}, nil
}

// draftName is a row label without its numbering ("1.", "其中：") and
// the unit written after it ("（万元）").
func draftName(label string) (name, unit string) {
	name = strings.TrimSpace(numbering.ReplaceAllString(strings.TrimSpace(label), ""))
	if m := unitSuffix.FindStringSubmatch(name); m != nil {
		if u, ok := config.LookupUnit(strings.TrimSpace(m[2])); ok {
			return strings.TrimSpace(m[1]), u.Name
		}
	}
	if name == "" {
		name = strings.TrimSpace(label)
	}
	return name, ""
}

var (
	numbering  = regexp.MustCompile(`^(?:其中\s*[:：]?|[0-9一二三四五六七八九十]+\s*[.、．)）]|[（(]\s*[0-9一二三四五六七八九十]+\s*[)）])\s*`)
	unitSuffix = regexp.MustCompile(`^(.+?)\s*[（(](?:单位\s*[:：])?\s*([^（）()]+)[)）]$`)
	plainYAML  = regexp.MustCompile(`^[\p{Han}\p{L}（）、·]+[\p{Han}\p{L}\p{N}（）、·%‰/]*$`)
)

// yamlScalar writes s as a YAML flow scalar: plain when it can only be
// read back as the same string, double-quoted otherwise.
func yamlScalar(s string) string {
	if plainYAML.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}
