package extract

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// Reading is a value cell normalised to an indicator's unit.
type Reading struct {
	Value float64
	// HasValue is false for a blank cell and for the marks departments put
	// where they have no figure: "—", "-", "－", "/", "／", "无", "——", "空",
	// "N/A".
	HasValue bool
	// Decimals is the precision as written, expressed in the target unit:
	// 2 for "48.29", 4 for "682110000元" read in 万元, -3 for "3.6万" persons.
	// It may be negative.
	Decimals int
	// Approx is how the text qualified the value: Over for 余, 多, 以上,
	// 超过; About for 约, 大约, 左右, 近, 将近, 上下.
	Approx sheaf.Approximation
}

// unitHints are where else a unit may be written for this value, most
// specific first.
type unitHints struct {
	// Column is the row's unit column text ("万元", "元", "％", "人").
	Column string
	// Header is the unit from the value column's header ("数值（万元）") or
	// from a note above the table ("单位：万元").
	Header string
}

// normalize reads one value cell as a number in the unit target.
//
// The unit the value is written in is, in order: a unit written in the value
// text ("592人"), hints.Column, hints.Header, and finally target itself. Every
// unit given must be of target's dimension, so a 所 column under a 人
// indicator is an error even when the value text says 人. Errors quote the
// cell's raw text; the caller adds file, sheet and cell.
func normalize(units *config.Units, c sheets.Cell, hints unitHints, target config.Unit) (Reading, error) {
	if target.Factor <= 0 {
		return Reading{}, fmt.Errorf("该指标未设置计量单位，无法读取%s（请管理员检查配置）", sheets.Quote(c.Raw))
	}
	var (
		a   amount
		err error
	)
	switch c.Kind {
	case sheets.CellEmpty:
		return Reading{}, nil
	case sheets.CellNumber:
		a, err = readNumberCell(units, c, target)
	case sheets.CellText:
		a, err = readText(units, c.Raw, target)
	case sheets.CellBool:
		return Reading{}, fmt.Errorf("单元格内是逻辑值%s，不是数字", sheets.Quote(c.Raw))
	case sheets.CellError:
		return Reading{}, fmt.Errorf("单元格内是错误值%s，不是数字，请检查公式", sheets.Quote(c.Raw))
	default:
		return Reading{}, fmt.Errorf("无法识别为数字：%s（未知的单元格类型 %d）", sheets.Quote(c.Raw), c.Kind)
	}
	if err != nil || a.blank {
		return Reading{}, err
	}

	if c.Kind == sheets.CellNumber && c.Percent && target.Name != "%" {
		return Reading{}, fmt.Errorf("单元格设置为百分比格式，%s无法换算为%s", sheets.Quote(c.Raw), target.Word())
	}
	raw := c.Raw
	if c.Kind == sheets.CellNumber && (c.Format.Prefix != "" || c.Format.Suffix != "") {
		raw = shownText(c) // "96.5%" is what the department wrote
	}
	src, err := sourceUnit(units, raw, a.unit, hints, target)
	if err != nil {
		return Reading{}, err
	}
	if a.multiplied && a.unit == "" && src.Factor != 1 {
		// "3.6万" in a 万元 column may mean 3.6 万元 (the 万 repeated from the
		// unit) or 3.6万 万元; a person has to say which.
		return Reading{}, fmt.Errorf("%s含义不明确：单位已是%s，无法确定其中的“万”或“亿”是重复写了单位还是表示数量级，请只填写以%s计的数字", sheets.Quote(raw), src.Name, src.Name)
	}

	ratio := src.Factor / target.Factor
	decimals := a.decimals - int(math.Round(math.Log10(ratio)))
	return Reading{
		Value:    roundDecimals(a.value*ratio, decimals+noiseDigits),
		HasValue: true,
		Decimals: decimals,
		Approx:   a.approx,
	}, nil
}

// noiseDigits is how many decimals beyond the written precision a value
// keeps: enough for any real figure, few enough to drop the binary noise of
// a conversion (682110000/1e4, 0.108*100).
const noiseDigits = 10

// roundDecimals rounds v to places decimals (negative places round to tens,
// hundreds, …).
func roundDecimals(v float64, places int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	var r float64
	if places >= 0 {
		// Formatting rounds in decimal, exactly; math.Round(v*1e10)/1e10
		// would add noise of its own.
		r, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'f', places, 64), 64)
		// A float64 holds 15 significant decimal digits reliably; digits past
		// that are conversion noise (9.79876万元 × 10000 = 97987.59999999999).
		r, _ = strconv.ParseFloat(strconv.FormatFloat(r, 'g', 15, 64), 64)
	} else {
		p := math.Pow10(-places)
		r = math.Round(v/p) * p
	}
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}

// amount is a value cell as written, before unit conversion.
type amount struct {
	blank      bool
	value      float64 // multiplier applied
	decimals   int     // as written, multiplier applied
	approx     sheaf.Approximation
	unit       string // unit written with the value, canonical name, or ""
	multiplied bool   // a 万 or 亿 multiplier was written
}

// sourceUnit decides which unit the value is written in, and checks that
// every unit given converts to target.
func sourceUnit(units *config.Units, raw, written string, hints unitHints, target config.Unit) (config.Unit, error) {
	var src config.Unit
	found := false
	if written != "" {
		u, _ := units.Lookup(written) // readText only returns known units
		if u.Dimension != target.Dimension {
			return config.Unit{}, fmt.Errorf("%s的单位是%s，无法换算为%s", sheets.Quote(raw), u.Word(), target.Word())
		}
		src, found = u, true
	}
	for _, h := range []struct{ where, text string }{
		{"单位列", hints.Column},
		{"表头", hints.Header},
	} {
		if strings.TrimSpace(h.text) == "" {
			continue
		}
		u, ok := lookupUnitText(units, h.text)
		if !ok {
			return config.Unit{}, fmt.Errorf("%s中的单位%s无法识别，无法换算为%s（数值%s）", h.where, sheets.Quote(h.text), target.Word(), sheets.Quote(raw))
		}
		if u.Dimension != target.Dimension {
			return config.Unit{}, fmt.Errorf("%s写的单位是%s，无法换算为%s（数值%s）", h.where, sheets.Quote(h.text), target.Word(), sheets.Quote(raw))
		}
		if !found {
			src, found = u, true
		}
	}
	if !found {
		src = target
	}
	return src, nil
}

// readNumberCell reads a cell stored as a number, as the cell shows it:
// the literal text of its format as if typed with the number (0"万元"
// shows 68211 as "68211万元"), a scaled format's shown number.
func readNumberCell(units *config.Units, c sheets.Cell, target config.Unit) (amount, error) {
	if c.Date {
		// Excel turns a typed "1:4" into the time 01:04 and "3-5" into a
		// date; the stored serial is then no figure anyone wrote.
		return amount{}, fmt.Errorf("单元格设置为日期或时间格式，%s不能作为数值读取，请将单元格格式改为“常规”或“数值”后重新填写", sheets.Quote(c.Raw))
	}
	raw := strings.TrimSpace(c.Raw)
	if raw == "" {
		return amount{blank: true}, nil
	}
	if c.Format.Unreadable {
		return amount{}, fmt.Errorf("单元格的数字格式%s显示的不是单纯的数值（数字中间有文字，或按条件换算），无法确定存储的%s应读作哪个数；请将单元格格式改为“常规”或“数值”，单位写在单位列或表头中",
			sheets.Quote(c.Format.Code), sheets.Quote(raw))
	}
	v, d, err := shownNumber(c)
	if err != nil {
		return amount{}, err
	}
	if c.Format.Prefix != "" || c.Format.Suffix != "" {
		shown := shownText(c)
		a, err := readText(units, shown, target)
		if err != nil {
			return amount{}, fmt.Errorf("单元格的数字格式%s使数值显示为%s：%v；请将单元格格式改为“常规”或“数值”，单位写在单位列或表头中",
				sheets.Quote(c.Format.Code), sheets.Quote(shown), err)
		}
		return a, nil
	}
	if c.Percent {
		return amount{value: v, decimals: d, unit: "%"}, nil
	}
	return amount{value: v, decimals: d}, nil
}

// storedNumber parses a number as a file stores it and counts its decimals.
func storedNumber(raw string) (float64, int, error) {
	if v, d, ok := plainNumber(raw); ok {
		return v, d, nil
	}
	return storedNumberSlow(raw)
}

// plainNumber is storedNumber for the numbers most cells hold: digits,
// at most one point with digits on both sides, an optional minus, and at
// most 15 significant digits. Such a decimal survives the round trip to
// a float64 and back to 15 digits unchanged (a float64 tells 15 digits
// apart), so the slow path's rounding to 15 digits is the number itself,
// and its shortest form is the decimal without its trailing zeros. ok is
// false for anything else, which takes the slow path.
func plainNumber(raw string) (v float64, decimals int, ok bool) {
	i := 0
	if len(raw) > 0 && raw[0] == '-' {
		i = 1
	}
	point, digits, sig, zeros := -1, 0, 0, 0
	for ; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
			if c != '0' || sig > 0 {
				sig++
			}
			if c == '0' {
				zeros++
			} else {
				zeros = 0
			}
		case c == '.' && point < 0 && digits > 0:
			point, zeros = i, 0
		default:
			return 0, 0, false
		}
	}
	if digits == 0 || point == len(raw)-1 {
		return 0, 0, false
	}
	if point >= 0 {
		decimals = len(raw) - point - 1 - zeros // trailing zeros of the fraction
		sig -= min(zeros, sig)
	}
	if sig > 15 {
		return 0, 0, false
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		return 0, 0, false
	}
	return v, decimals, true
}

// storedNumberSlow is storedNumber for any number strconv reads.
func storedNumberSlow(raw string) (float64, int, error) {
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, 0, fmt.Errorf("无法识别为数字：%s", sheets.Quote(raw))
	}
	// Files store the shortest decimal that round-trips the binary double,
	// so 27216.8 arrives as "27216.799999999999". Excel shows 15 significant
	// digits; rounding to those recovers what was typed.
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	s := strconv.FormatFloat(v, 'f', -1, 64)
	d := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		d = len(s) - i - 1
	}
	return v, d, nil
}

// readText reads a value typed as text: "68211万元", "约3.6万人", "1：4.1".
func readText(units *config.Units, raw string, target config.Unit) (amount, error) {
	// Fold turns full-width digits and punctuation into ASCII and drops all
	// whitespace, so "１，２３４ 人" reads like "1,234人".
	s := Fold(raw)
	if s == "" || isBlankMark(s) {
		return amount{blank: true}, nil
	}
	s, approx := trimPrefixApprox(s)

	if strings.Contains(s, ":") {
		if target.Name != config.Ratio {
			return amount{}, fmt.Errorf("%s是比例，无法换算为%s", sheets.Quote(raw), target.Word())
		}
		return readRatio(raw, s, approx)
	}

	n, rest, err := parseNumber(raw, s)
	if err != nil {
		return amount{}, err
	}
	a := amount{value: n.value, decimals: n.decimals, approx: approx}
	if err := a.readSuffix(units, raw, rest, target); err != nil {
		return amount{}, err
	}
	return a, nil
}

// readSuffix reads what follows the number: approximation words, a 万 or 亿
// multiplier and a unit, as in "余万元", "万余人", "人以上", "多人".
func (a *amount) readSuffix(units *config.Units, raw, rest string, target config.Unit) error {
	rest, ap := trimSuffixApprox(rest)
	a.approx = mergeApprox(a.approx, ap)
	if rest == "" {
		return nil
	}
	// "万元", "万人" and "千克" are units, not a multiplier before 元, 人
	// or 克: the catalogue derives them.
	if u, ok := units.Lookup(rest); ok {
		a.unit = u.Name
		return nil
	}
	for _, m := range multipliers {
		after, ok := strings.CutPrefix(rest, m.word)
		if !ok {
			continue
		}
		a.value *= m.factor
		a.decimals -= m.exp
		a.multiplied = true
		after, ap := trimSuffixApprox(after)
		a.approx = mergeApprox(a.approx, ap)
		if after == "" {
			return nil
		}
		u, ok := units.Lookup(after)
		if !ok {
			return fmt.Errorf("%s中的单位%s无法识别%s", sheets.Quote(raw), sheets.Quote(after), toWord(target))
		}
		a.unit = u.Name
		return nil
	}
	if strings.ContainsRune(".,+-:", rune(rest[0])) {
		// "1.2.3", "5-6": more number follows, not a unit.
		return fmt.Errorf("无法识别为数字：%s", sheets.Quote(raw))
	}
	return fmt.Errorf("%s中的单位%s无法识别%s", sheets.Quote(raw), sheets.Quote(rest), toWord(target))
}

// toWord completes an unknown unit's message with the unit it should have
// converted to: "，无法换算为人".
func toWord(target config.Unit) string {
	if target.Name == "" || target == anyUnit {
		return ""
	}
	return "，无法换算为" + target.Word()
}

// multipliers are the Chinese number words written between a number and its
// unit, longest first so "万亿" is not read as 万 followed by "亿".
var multipliers = []struct {
	word   string
	factor float64
	exp    int
}{
	{"万亿", 1e12, 12},
	{"亿", 1e8, 8},
	{"万", 1e4, 4},
}

// readRatio reads "a:b" (the colon already folded from "：" and "∶") as b
// per one a, with the written decimals of b.
func readRatio(raw, s string, approx sheaf.Approximation) (amount, error) {
	left, right, _ := strings.Cut(s, ":")
	a, restA, err := parseNumber(raw, left)
	if err != nil || restA != "" {
		return amount{}, fmt.Errorf("无法识别为比例：%s", sheets.Quote(raw))
	}
	b, restB, err := parseNumber(raw, right)
	if err != nil || restB != "" {
		return amount{}, fmt.Errorf("无法识别为比例：%s", sheets.Quote(raw))
	}
	if a.value == 0 {
		return amount{}, fmt.Errorf("无法识别为比例：%s的前项为 0", sheets.Quote(raw))
	}
	return amount{
		value:    b.value / a.value,
		decimals: b.decimals,
		approx:   approx,
		unit:     config.Ratio,
	}, nil
}

// number is a decimal number as written.
type number struct {
	value    float64
	decimals int
}

// errThousands reports a thousands separator out of place.
var errThousands = errors.New("千位分隔符位置不对")

// parseNumber reads the number at the start of s (folded: ASCII digits, no
// spaces) and returns the text after it. raw is quoted in errors.
func parseNumber(raw, s string) (number, string, error) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var digits strings.Builder
	if neg {
		digits.WriteByte('-')
	}
	// Integer part, with thousands separators checked: "3,5" is a European
	// decimal comma or a typo, and reading it as 35 would hide that.
	groupLen, groups, nInt := 0, 0, 0
	for ; i < len(s); i++ {
		ch := s[i]
		if ch >= '0' && ch <= '9' {
			digits.WriteByte(ch)
			groupLen++
			nInt++
			continue
		}
		if ch == ',' {
			if (groups == 0 && (groupLen == 0 || groupLen > 3)) || (groups > 0 && groupLen != 3) {
				return number{}, "", fmt.Errorf("无法识别为数字：%s（%w）", sheets.Quote(raw), errThousands)
			}
			groups++
			groupLen = 0
			continue
		}
		break
	}
	if groups > 0 && groupLen != 3 {
		return number{}, "", fmt.Errorf("无法识别为数字：%s（%w）", sheets.Quote(raw), errThousands)
	}
	nFrac := 0
	if i < len(s) && s[i] == '.' {
		digits.WriteByte('.')
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			digits.WriteByte(s[i])
			nFrac++
		}
	}
	if nInt+nFrac == 0 {
		return number{}, "", fmt.Errorf("无法识别为数字：%s", sheets.Quote(raw))
	}
	text := digits.String()
	if nInt == 0 {
		text = strings.Replace(text, ".", "0.", 1) // ".5"
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(text, "."), 64)
	if err != nil {
		return number{}, "", fmt.Errorf("无法识别为数字：%s", sheets.Quote(raw))
	}
	return number{value: v, decimals: nFrac}, s[i:], nil
}

// isBlankMark reports whether folded text is a mark for "no figure": a run
// of dashes, a slash, 无, 空 or N/A.
func isBlankMark(s string) bool {
	switch s {
	case "/", "无", "空", "n/a":
		return true
	}
	// "—", "——", "-", "--", "–": departments draw a dash of any length.
	return strings.Trim(s, "-—–―─") == ""
}

// Approximation words, longest first within each list so "大约" is not read
// as "大" before "约".
var (
	prefixApprox = []struct {
		word   string
		approx sheaf.Approximation
	}{
		{"大约", sheaf.About}, {"将近", sheaf.About}, {"超过", sheaf.Over}, {"约", sheaf.About}, {"近", sheaf.About},
	}
	suffixApprox = []struct {
		word   string
		approx sheaf.Approximation
	}{
		{"以上", sheaf.Over}, {"左右", sheaf.About}, {"上下", sheaf.About}, {"余", sheaf.Over}, {"多", sheaf.Over},
	}
)

// trimPrefixApprox removes approximation words before the number.
func trimPrefixApprox(s string) (string, sheaf.Approximation) {
	ap := sheaf.Exact
	for {
		found := false
		for _, w := range prefixApprox {
			if rest, ok := strings.CutPrefix(s, w.word); ok {
				s, ap, found = rest, mergeApprox(ap, w.approx), true
				break
			}
		}
		if !found {
			return s, ap
		}
	}
}

// trimSuffixApprox removes approximation words from both ends of the text
// after a number: "余万元" and "人以上" alike.
func trimSuffixApprox(s string) (string, sheaf.Approximation) {
	ap := sheaf.Exact
	for {
		found := false
		for _, w := range suffixApprox {
			if rest, ok := strings.CutPrefix(s, w.word); ok {
				s, ap, found = rest, mergeApprox(ap, w.approx), true
				break
			}
			if rest, ok := strings.CutSuffix(s, w.word); ok {
				s, ap, found = rest, mergeApprox(ap, w.approx), true
				break
			}
		}
		if !found {
			return s, ap
		}
	}
}

// mergeApprox combines two qualifiers of one value. "约500人以上" claims no
// bound that can be checked, so a mix of Over and About is About.
func mergeApprox(a, b sheaf.Approximation) sheaf.Approximation {
	switch {
	case a == b || b == sheaf.Exact:
		return a
	case a == sheaf.Exact:
		return b
	}
	return sheaf.About
}
