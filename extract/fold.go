package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/sheaf-dev/sheaf/config"
)

// Fold reduces a label or header to the form it is matched in: full-width
// letters, digits and punctuation become their ASCII forms, every kind of
// whitespace is removed, and ASCII letters are lower-cased. "  学校 总数　"
// and "学校总数" fold alike, as do "ＡＢＣ１２" and "abc12".
func Fold(s string) string {
	// One definition of label equality for the whole program: the config
	// validator keeps labels unique under the same folding.
	return config.NormalizeName(s)
}

// foldWidth maps full-width ASCII to half-width and the few look-alike
// characters departments type for ASCII punctuation to their ASCII forms. It
// keeps whitespace, so numbers and dates can still be read around it.
func foldWidth(s string) string {
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u3000', '\u00a0':
			// Ideographic space and no-break space are not full-width
			// compatibility characters, so width.Fold leaves them.
			return ' '
		case '\u2236': // RATIO "∶", typed by Chinese input methods for "1∶4".
			return ':'
		case '\u2212': // MINUS SIGN, pasted from Word.
			return '-'
		case '\ufe6a': // SMALL PERCENT SIGN
			return '%'
		}
		return r
	}, s)
}

// isSpace reports whether r is whitespace or an invisible character that
// pasted text carries into cells.
func isSpace(r rune) bool {
	// Zero-width space and the byte-order mark are not Unicode White_Space,
	// but text copied from web pages and Word brings them into cells, where
	// they make two equal-looking labels differ.
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// lookupUnitText finds the unit written as text in the catalogue units
// (nil: the built-in list), tolerating full-width characters and spaces
// ("万 元", "％"); 万人 and 元/人 are derived from the units listed.
func lookupUnitText(units *config.Units, s string) (config.Unit, bool) {
	f := Fold(s)
	if f == "" {
		return config.Unit{}, false
	}
	return units.Lookup(f)
}

// unitBrackets are the bracket pairs a header puts its unit in.
var unitBrackets = [][2]string{
	{"（", "）"},
	{"(", ")"},
	{"【", "】"},
	{"[", "]"},
	{"〔", "〕"},
}

// stripUnitSuffix splits a header that carries its unit, such as
// "数值（万元）", "数值(万元)", "金额/万元", "数值 单位：万元" or
// "数值（单位：万元）", into its base ("数值") and the unit's name ("万元").
// When the header names no known unit it is returned unchanged with "".
func stripUnitSuffix(units *config.Units, header string) (base, unit string) {
	h := strings.TrimRightFunc(header, isSpace)
	for _, br := range unitBrackets {
		if !strings.HasSuffix(h, br[1]) {
			continue
		}
		inner := strings.TrimSuffix(h, br[1])
		open := strings.LastIndex(inner, br[0])
		if open < 0 {
			continue
		}
		content := inner[open+len(br[0]):]
		if u, ok := unitAfterLabel(units, content); ok {
			return trimBase(inner[:open]), u.Name
		}
		if u, ok := lookupUnitText(units, content); ok {
			return trimBase(inner[:open]), u.Name
		}
	}
	// "金额/万元": a slash separates the unit. Only a known unit counts, so
	// "男/女" stays a header. The first slash that does is taken, so that
	// "人均经费/元/人" is a rate in 元/人, not 人.
	for i := 0; i < len(h); {
		j := strings.IndexAny(h[i:], "/／")
		if j < 0 {
			break
		}
		_, size := firstRune(h[i+j:])
		if u, ok := lookupUnitText(units, h[i+j+size:]); ok && i+j > 0 {
			return trimBase(h[:i+j]), u.Name
		}
		i += j + size
	}
	// "数值 单位：万元": the unit label ends the header.
	if i, u, ok := lastUnitLabel(units, h); ok {
		return trimBase(h[:i]), u.Name
	}
	return header, ""
}

// trimBase trims the whitespace and separators left in front of a unit.
func trimBase(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return isSpace(r) || strings.ContainsRune(",，;；、", r)
	})
}

// firstRune returns the first rune of s and its size in bytes.
func firstRune(s string) (rune, int) {
	return utf8.DecodeRuneInString(s)
}

// unitLabels introduce a unit in a header, title or note. Longer labels come
// first so "金额单位" is not read as "单位" with "金额" left over.
var unitLabels = []string{"金额单位", "计量单位", "单位"}

// unitAfterLabel reads content of the form "单位：万元" in full.
func unitAfterLabel(units *config.Units, content string) (config.Unit, bool) {
	c := strings.TrimSpace(content)
	for _, l := range unitLabels {
		if rest, ok := strings.CutPrefix(c, l); ok {
			rest = strings.TrimLeftFunc(rest, isSpace)
			if r, size := firstRune(rest); r == ':' || r == '：' {
				return lookupUnitText(units, rest[size:])
			}
			return config.Unit{}, false
		}
	}
	return config.Unit{}, false
}

// lastUnitLabel finds a unit label whose unit runs to the end of s, and
// returns where the label starts.
func lastUnitLabel(units *config.Units, s string) (int, config.Unit, bool) {
	for _, l := range unitLabels {
		i := strings.LastIndex(s, l)
		if i < 0 {
			continue
		}
		if u, ok := unitAfterLabel(units, s[i:]); ok {
			return i, u, true
		}
	}
	return 0, config.Unit{}, false
}

// noteDelimiters end the unit in a note line: "（单位：万元）", "单位：万元，人",
// "单位：万元(含专项)".
const noteDelimiters = "()（）[]【】〔〕,，;；、。"

// unitFromNote finds a unit stated in a title or note line, as in
// "单位：万元", "单位:万元", "（单位：万元）" or "金额单位：万元", and returns its
// name, or "" when the line states none.
func unitFromNote(units *config.Units, text string) string {
	// Every occurrence is tried because "单位" also means an organisation:
	// "填报单位：教育局  单位：万元" names the reporting body before the unit.
	rest := text
	for {
		i := strings.Index(rest, "单位")
		if i < 0 {
			return ""
		}
		after := strings.TrimLeftFunc(rest[i+len("单位"):], isSpace)
		rest = rest[i+len("单位"):]
		r, size := firstRune(after)
		if r != ':' && r != '：' {
			continue
		}
		value := strings.TrimLeftFunc(after[size:], isSpace)
		if end := strings.IndexFunc(value, func(r rune) bool {
			return isSpace(r) || strings.ContainsRune(noteDelimiters, r)
		}); end >= 0 {
			value = value[:end]
		}
		if u, ok := lookupUnitText(units, value); ok {
			return u.Name
		}
	}
}
