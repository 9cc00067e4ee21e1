package sheets

import (
	"strings"
	"unicode"
)

// A number format can make a cell show another quantity than it stores:
// 0"万元" shows 68211 as "68211万元", 0!.0000 shows 682110000 as
// "68211.0000" (the way offices show 万 without dividing), #,##0, shows
// thousands. Departments read, check and copy what the cell shows, so
// sheaf reads that: formatLayout finds the literal text and the scale of a
// format code, which nfp (excelize's parser) does not tell apart reliably
// (it reads the escape "!." as a decimal point, and a second trailing comma
// as text).

// sectionLayout is how one section of a number format lays out a number.
type sectionLayout struct {
	prefix, suffix string // literal text before and after the number
	mid            string // literal text among the digits, other than a literal point
	intDigits      int    // digit placeholders before any point
	fracDigits     int    // digit placeholders after the (real or literal) point
	realPoint      bool
	literalPoint   bool // "0!.0000", "0\.0000", `0"."0000`
	scaleCommas    int  // commas after the last integer digit: each divides by 1000
	grouped        bool // a comma between integer digits
	general        bool
	percent        bool
	condition      bool // [>=10000]
	other          bool // dates, exponents, fractions, text (@): not a plain number
}

// scale is the power of ten the section divides the stored number by.
func (l sectionLayout) scale() int {
	s := 3 * l.scaleCommas
	if l.literalPoint {
		s += l.fracDigits
	}
	return s
}

// text is the section's literal text that may carry a meaning: a unit, a
// multiplier, an approximation word. Spacing and currency signs say
// nothing about the quantity (a ¥ format is common in a 万元 table).
func (l sectionLayout) text() (prefix, suffix string) {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || strings.ContainsRune("$¥￥€£", r) {
				return -1
			}
			return r
		}, s)
	}
	// A leading "+" shows the sign of a growth, not a quantity.
	return strings.TrimPrefix(clean(l.prefix), "+"), clean(l.suffix)
}

// formatSections splits a format code at its unquoted, unescaped ";".
func formatSections(code string) []string {
	var out []string
	start, quoted := 0, false
	rs := []rune(code)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\\' || r == '!' || r == '_' || r == '*':
			i++
		case r == ';':
			out = append(out, string(rs[start:i]))
			start = i + 1
		}
	}
	return append(out, string(rs[start:]))
}

// formatLayout reads one section of a number format code.
func formatLayout(section string) sectionLayout {
	var (
		l       sectionLayout
		started bool // a digit placeholder or General was seen
		pending strings.Builder
		commas  int // commas after a digit, not yet followed by one
	)
	literal := func(s string) {
		if !started {
			l.prefix += s
			return
		}
		pending.WriteString(s)
	}
	// number is called at a digit placeholder or a point: the literal
	// text since the last one lies among the digits.
	number := func(point bool) {
		if p := pending.String(); p != "" {
			switch {
			case p == "." && !point && !l.realPoint && !l.literalPoint:
				l.literalPoint = true
			case strings.TrimSpace(p) == "":
				// "# ##0": spacing, the number is the same.
			default:
				l.mid += p
			}
			pending.Reset()
		}
	}
	rs := []rune(section)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			literal(string(rs[i+1 : min(j, len(rs))]))
			i = j
		case r == '\\' || r == '!':
			if i+1 < len(rs) {
				literal(string(rs[i+1]))
				i++
			}
		case r == '_':
			literal(" ") // space as wide as the next character
			i++
		case r == '*':
			i++ // fill with the next character
		case r == '[':
			j := i + 1
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			inner := string(rs[i+1 : min(j, len(rs))])
			i = j
			switch {
			case strings.HasPrefix(inner, "$"):
				// [$万元-804]: the text before "-" is shown; "-804" is a locale.
				text, _, _ := strings.Cut(inner[1:], "-")
				literal(text)
			case inner != "" && strings.ContainsRune("<>=", rune(inner[0])):
				l.condition = true
			case strings.ContainsAny(strings.ToLower(inner), "hms") && strings.Trim(strings.ToLower(inner), "hms") == "":
				l.other = true // [h]:mm elapsed time
			}
			// Colours, [DBNum1]: the number is the same.
		case r == '0' || r == '#' || r == '?':
			if commas > 0 && !l.realPoint && !l.literalPoint {
				l.grouped = true
			}
			commas = 0
			number(false)
			started = true
			if l.realPoint || l.literalPoint {
				l.fracDigits++
			} else {
				l.intDigits++
			}
		case r == '.':
			number(true)
			started = true
			if l.realPoint || l.literalPoint {
				l.other = true
			}
			l.realPoint = true
			l.scaleCommas += commas
			commas = 0
		case r == ',':
			if started {
				commas++
			} else {
				literal(",")
			}
		case r == '%':
			l.percent = true
		case r == '@' || r == '/' || (r >= '1' && r <= '9'):
			l.other = true
		case (r == 'E' || r == 'e') && i+1 < len(rs) && (rs[i+1] == '+' || rs[i+1] == '-'):
			l.other = true
			i++
		case (r == 'G' || r == 'g') && strings.EqualFold(string(rs[i:min(i+7, len(rs))]), "general"):
			number(false)
			started, l.general = true, true
			i += 6
		case r < unicode.MaxASCII && unicode.IsLetter(r):
			l.other = true // y m d h s, AM/PM: a date or time
		default:
			literal(string(r)) // "-", "(", ":", " ", a CJK character
		}
	}
	l.scaleCommas += commas
	l.suffix = pending.String()
	return l
}

// formatMeaning is what a custom format code shows besides its digits
// (Cell.Format), and the decimals it shows: zero when it shows the number
// plainly, as most formats do.
func formatMeaning(code string) (NumberFormat, sectionLayout) {
	sections := formatSections(code)
	first := formatLayout(sections[0])
	nf := NumberFormat{Code: code}
	conditional := false
	for _, s := range sections {
		if formatLayout(s).condition {
			conditional = true
		}
	}
	shows := func(l sectionLayout) bool {
		p, s := l.text()
		return p != "" || s != "" || l.scale() != 0 || l.mid != ""
	}
	switch {
	case conditional:
		// Which section shows the number depends on its value: when any
		// shows text or scales, sheaf cannot tell what was meant.
		for _, s := range sections {
			if shows(formatLayout(s)) {
				nf.Unreadable = true
			}
		}
	case !shows(first):
	case first.other || first.mid != "" || (first.literalPoint && first.realPoint):
		nf.Unreadable = true
	default:
		nf.Prefix, nf.Suffix = first.text()
		nf.Scale = first.scale()
	}
	if nf == (NumberFormat{Code: code}) {
		return NumberFormat{}, first
	}
	return nf, first
}
