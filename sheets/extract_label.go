package sheets

import (
	"regexp"
	"strings"
	"unicode"
)

// labelPrefix matches what departments put before a row's name to show
// where it stands in the table: "其中：", a bullet ("▲", "●", "·"), and
// numbering ("1.", "1、", "1.1 ", "（1）", "(一)", "一、", "1)").
//
// A number is taken as numbering only with a mark after it ("1.", "1、",
// "1)") or, for a multi-level number ("1.1"), a space or the end of the
// dotted number, so "3岁以下幼儿数" keeps its 3. The name as written is
// always tried first (see labelForms): numbering is removed only for a
// label that matches nothing as written.
var labelPrefix = regexp.MustCompile(`^(?:` +
	`其中\s*[:：]?` +
	`|[▲△▼▽●○◆◇■□★☆·•※\-—>＞]+` +
	`|[（(]\s*[0-9一二三四五六七八九十]+\s*[)）]` +
	`|[0-9]+(?:[.．][0-9]+)+[.．、]?` +
	`|[0-9一二三四五六七八九十]+\s*[.、．)）]` +
	`)\s*`)

// stripLabel removes every layer of row numbering and marks before a
// name: "其中：1.公办园" → "公办园". A label that is nothing but marks
// ("其中:") becomes "".
func stripLabel(name string) string {
	s := strings.TrimSpace(name)
	for s != "" {
		loc := labelPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		s = strings.TrimLeftFunc(s[loc[1]:], unicode.IsSpace)
	}
	return s
}

// labelForms are the forms a row's name is looked up in, in order: as
// written, without its unit suffix ("在校生数（人）"), without numbering
// and marks, and without both.
func labelForms(name string) []string {
	forms := []string{name}
	base, _ := StripUnitSuffix(name)
	if base != name {
		forms = append(forms, base)
	}
	if s := stripLabel(name); s != "" && s != strings.TrimSpace(name) {
		forms = append(forms, s)
		if b, _ := StripUnitSuffix(s); b != s {
			forms = append(forms, b)
		}
	}
	return forms
}

// nameUnit is the unit a row's name carries in its suffix ("教育支出（万元）"),
// once numbering is removed; "" when it carries none.
func nameUnit(name string) string {
	_, u := StripUnitSuffix(stripLabel(name))
	return u
}
