package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
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
	if !mayHaveMark(s) {
		return s // most names: no regular expression to run
	}
	for s != "" {
		loc := labelPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		s = strings.TrimLeftFunc(s[loc[1]:], unicode.IsSpace)
	}
	return s
}

// bareOrdinal is a number with nothing after it, as an ordinal column
// holds it: "1", "2.1", "三".
var bareOrdinal = regexp.MustCompile(`^(?:[0-9]+(?:[.．][0-9]+)*|[一二三四五六七八九十百]+)$`)

// ordinalOnly reports whether a label cell holds nothing but numbering or
// marks ("（一）", "▲", "1", a number cell): no name.
func ordinalOnly(c sheets.Cell) bool {
	text := strings.TrimSpace(c.Raw)
	if text == "" || c.Kind == sheets.CellNumber {
		return true
	}
	s := stripLabel(text)
	return s == "" || bareOrdinal.MatchString(s)
}

// markStarts are the characters a numbering or mark may start with.
const markStarts = "0123456789(（一二三四五六七八九十其▲△▼▽●○◆◇■□★☆·•※-—>＞"

// mayHaveMark reports whether a label could start with numbering or a mark.
func mayHaveMark(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune(markStarts, r)
}

// mayHaveUnit reports whether a label or header could end in a unit
// ("数值（万元）", "金额/万元", "数值 单位：万元"), before the slower parse.
func mayHaveUnit(s string) bool {
	s = strings.TrimRightFunc(s, isSpace)
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	// Contains, not ContainsAny with a set of non-ASCII characters, which
	// decodes every rune: this runs for every text cell of every row.
	return strings.ContainsRune(")）]】〕", r) || strings.IndexByte(s, '/') >= 0 || strings.Contains(s, "／") ||
		strings.Contains(s, "单位")
}

// labelForms are the forms a row's name is looked up in after the name as
// written: without its unit suffix ("在校生数（人）"), without numbering
// and marks, and without both.
func labelForms(units *config.Units, name string) []string {
	var forms []string
	if mayHaveUnit(name) {
		if base, _ := stripUnitSuffix(units, name); base != name {
			forms = append(forms, base)
		}
	}
	if s := stripLabel(name); s != "" && s != strings.TrimSpace(name) {
		forms = append(forms, s)
		if mayHaveUnit(s) {
			if b, _ := stripUnitSuffix(units, s); b != s {
				forms = append(forms, b)
			}
		}
	}
	return forms
}

// nameUnit is the unit a row's name carries in its suffix ("教育支出（万元）"),
// once numbering is removed; "" when it carries none.
func nameUnit(units *config.Units, name string) string {
	if !mayHaveUnit(name) {
		return ""
	}
	_, u := stripUnitSuffix(units, stripLabel(name))
	return u
}

// folds caches Fold for one file: a sheet repeats the same few hundred
// labels over its rows, and folding is most of a row's cost. Its size is
// bounded, so a sheet of distinct labels does not grow it without end.
type folds map[string]string

// maxFolds bounds a folds cache.
const maxFolds = 4096

func (c folds) fold(s string) string {
	if c == nil {
		return Fold(s)
	}
	if f, ok := c[s]; ok {
		return f
	}
	f := Fold(s)
	if len(c) < maxFolds {
		c[s] = f
	}
	return f
}
