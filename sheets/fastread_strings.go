package sheets

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// loadStrings reads the shared-string table once, before the first sheet is
// read. It is kept whole as one []string over one backing string; the part
// itself is scanned through the sliding buffer, never held.
func (wb *streamWorkbook) loadStrings() error {
	if wb.sstRead {
		return nil
	}
	wb.sstRead = true
	if wb.sstFile == nil {
		return nil // excelize reads a missing table as empty: indexes read as written
	}
	zf := wb.sstFile
	wb.sstTemp = zf.UncompressedSize64 > excelizeXMLTempSize
	var sc xmlScan
	rc, err := wb.openPart(zf, &sc)
	if err != nil {
		return wb.stringsDamaged(zf.Name, err)
	}
	defer rc.Close()
	p := sstParser{sc: &sc}
	grow := zf.UncompressedSize64
	if grow > 16<<20 {
		grow = 16 << 20
	}
	p.all.Grow(int(grow))
	err = p.run()
	wb.buf = sc.buf
	if err != nil {
		return wb.stringsDamaged(zf.Name, err)
	}
	all := p.all.String()
	wb.sst = make([]string, len(p.ends))
	start := 0
	for i, e := range p.ends {
		wb.sst[i] = all[start:e]
		start = e
	}
	return nil
}

func (wb *streamWorkbook) stringsDamaged(part string, err error) error {
	if isFallback(err) {
		return err
	}
	if _, ok := err.(*partTooLargeError); ok {
		return unreadable(wb.file, "工作簿的共享字符串表过大（%s %v），请删去无关内容或拆分工作簿后再报送", part, err)
	}
	return unreadable(wb.file, "工作簿的共享字符串表已损坏（%s: %v），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送", part, err)
}

// sstParser reads xl/sharedStrings.xml as excelize decodes it into xlsxSST:
// each <si> child of the root <sst> is one string.
type sstParser struct {
	sc    *xmlScan
	all   strings.Builder
	ends  []int
	depth int // 0 before the root, 1 inside it, 2 after it
	tag   xmlTag
	item  []byte
}

func (p *sstParser) run() error {
	sc := p.sc
	for {
		err := p.step()
		if err == nil {
			continue
		}
		if err != errNeedMore {
			if err == errDone {
				return nil
			}
			return err
		}
		if sc.eof {
			return sc.truncated()
		}
		if err := sc.fill(); err != nil {
			return err
		}
	}
}

// errDone is internal: the part has been read to its end.
var errDone = errors.New("done")

func (p *sstParser) step() error {
	sc := p.sc
	b := sc.buf[:sc.w]
	q := sc.r
	if q >= len(b) {
		if sc.eof {
			if p.depth == 1 {
				return sc.truncated()
			}
			return errDone
		}
		return errNeedMore
	}
	if b[q] != '<' {
		e, err := sc.text(q)
		if err != nil {
			return err
		}
		sc.r = e
		return nil
	}
	if q+1 >= len(b) {
		return errNeedMore
	}
	switch c := b[q+1]; {
	case c == '!' || c == '?':
		e, err := sc.misc(q)
		if err != nil {
			return err
		}
		sc.r = e
		return nil
	case c == '/':
		if p.depth != 1 {
			// A stray end tag: what it ends is not open.
			e, err := sc.name(q+2, "</")
			if err != nil {
				return err
			}
			return sc.syntax(q, "多余的结束标签 </%s>", b[q+2:e])
		}
		e, err := sc.endTag(q, nameSST)
		if err != nil {
			return err
		}
		p.depth = 2
		sc.r = e
		return nil
	}
	switch p.depth {
	case 0:
		e, err := sc.startTag(q, &p.tag)
		if err != nil {
			return err
		}
		if string(p.tag.name) != "sst" {
			return fallbackf("shared-string root <%s>", p.tag.name)
		}
		ns := ""
		for i := range p.tag.attrs {
			a := &p.tag.attrs[i]
			switch string(a.name) {
			case "xmlns":
				ns = attrString(a)
			case "count", "uniqueCount":
				if !validInt(sc.attrBytes(a), 64) {
					return fallbackf("shared strings %s=%q", a.name, a.val)
				}
			}
		}
		if ns != nsMain {
			return fallbackf("shared strings in namespace %q", ns)
		}
		sc.r = e
		if p.tag.empty {
			p.depth = 2
		} else {
			p.depth = 1
		}
		return nil
	case 1:
		isSI, err := sc.isStartOf(q, "si")
		if err != nil {
			return err
		}
		if isSI {
			var e int
			p.item, e, err = sc.stringItem(q, &p.tag, p.item[:0])
			if err != nil {
				return err
			}
			p.all.Write(p.item)
			p.ends = append(p.ends, p.all.Len())
			sc.r = e
			return nil
		}
		e, err := sc.startTag(q, &p.tag)
		if err != nil {
			return err
		}
		if bytes.IndexByte(p.tag.name, ':') >= 0 {
			return fallbackf("prefixed element <%s> in the shared strings", p.tag.name)
		}
		if !p.tag.empty {
			if e, err = sc.skipElement(e, &p.tag, refuseNested("si")); err != nil {
				return err
			}
		}
		sc.r = e
		return nil
	default:
		// Elements after the root: well-formed XML checks them, excelize
		// ignores them.
		e, err := sc.startTag(q, &p.tag)
		if err != nil {
			return err
		}
		if !p.tag.empty {
			if e, err = sc.skipElement(e, &p.tag, nil); err != nil {
				return err
			}
		}
		sc.r = e
		return nil
	}
}

// refuseNested falls back on a nested element of one of the given names.
func refuseNested(names ...string) func([]byte) error {
	return func(n []byte) error {
		for _, x := range names {
			if string(n) == x || bytes.HasSuffix(n, []byte(":"+x)) {
				return fallbackf("nested <%s>", n)
			}
		}
		return nil
	}
}

// stringItem parses a string item (<si> in the shared strings, <is> in an
// inline-string cell) starting at buf[p] == '<', and appends its text to
// dst as excelize's xlsxSI.String gives it: the item's own <t>, then the
// <t> of each rich-text run <r>, never the phonetic runs <rPh>; "_xHHHH_"
// escapes decoded. It returns the position after the item.
func (sc *xmlScan) stringItem(p int, t *xmlTag, dst []byte) ([]byte, int, error) {
	q, err := sc.startTag(p, t)
	if err != nil {
		return dst, 0, err
	}
	if t.empty {
		return dst, q, nil
	}
	itemName := t.name
	sc.tmp2 = sc.tmp2[:0]
	sc.runs = sc.runs[:0]
	own := [2]int{-1, -1}
	var ct xmlTag
	for {
		if q, err = sc.text(q); err != nil {
			return dst, 0, err
		}
		b := sc.buf[:sc.w]
		if q+1 >= len(b) {
			return dst, 0, errNeedMore
		}
		switch b[q+1] {
		case '/':
			if q, err = sc.endTag(q, itemName); err != nil {
				return dst, 0, err
			}
			start := len(dst)
			if own[0] >= 0 {
				dst = append(dst, sc.tmp2[own[0]:own[1]]...)
			}
			for _, r := range sc.runs {
				dst = append(dst, sc.tmp2[r[0]:r[1]]...)
			}
			if bytes.Contains(dst[start:], bstrMark) {
				dec := bstrDecode(string(dst[start:]))
				dst = append(dst[:start], dec...)
			}
			return dst, q, nil
		case '!', '?':
			return dst, 0, fallbackf("comment or declaration inside a string item")
		}
		if q, err = sc.startTag(q, &ct); err != nil {
			return dst, 0, err
		}
		if bytes.IndexByte(ct.name, ':') >= 0 {
			return dst, 0, fallbackf("prefixed element <%s> in a string item", ct.name)
		}
		switch string(ct.name) {
		case "t":
			if own[0] >= 0 {
				return dst, 0, fallbackf("two <t> in a string item")
			}
			s := len(sc.tmp2)
			if q, err = sc.textElement(q, &ct); err != nil {
				return dst, 0, err
			}
			own = [2]int{s, len(sc.tmp2)}
		case "r":
			if q, err = sc.richRun(q, &ct); err != nil {
				return dst, 0, err
			}
		case "rPh":
			for i := range ct.attrs {
				if n := string(ct.attrs[i].name); (n == "sb" || n == "eb") && !validUint(sc.attrBytes(&ct.attrs[i]), 32) {
					return dst, 0, fallbackf("phonetic run %s=%q", n, ct.attrs[i].val)
				}
			}
			if !ct.empty {
				if q, err = sc.skipElement(q, &ct, nil); err != nil {
					return dst, 0, err
				}
			}
		default:
			if string(ct.name) == "phoneticPr" {
				for i := range ct.attrs {
					if string(ct.attrs[i].name) == "fontId" && !validInt(sc.attrBytes(&ct.attrs[i]), 64) {
						return dst, 0, fallbackf("phoneticPr fontId=%q", ct.attrs[i].val)
					}
				}
			}
			if !ct.empty {
				if q, err = sc.skipElement(q, &ct, nil); err != nil {
					return dst, 0, err
				}
			}
		}
	}
}

// textElement reads a <t> whose start tag t ended at p: its character data
// is decoded onto sc.tmp2. Anything but text inside it is left to the
// careful reader.
func (sc *xmlScan) textElement(p int, t *xmlTag) (int, error) {
	if t.empty {
		return p, nil
	}
	var err error
	var e int
	if sc.tmp2, e, err = sc.textInto(p, sc.tmp2); err != nil {
		return 0, err
	}
	b := sc.buf[:sc.w]
	if e+1 >= len(b) {
		return 0, errNeedMore
	}
	if b[e+1] != '/' {
		return 0, fallbackf("markup inside <t>")
	}
	return sc.endTag(e, t.name)
}

// richRun reads a rich-text run <r> whose start tag t ended at p: its <t>
// becomes a run of sc.runs; its properties <rPr> are checked as excelize
// decodes them.
func (sc *xmlScan) richRun(p int, t *xmlTag) (int, error) {
	if t.empty {
		return p, nil
	}
	q := p
	var err error
	seenT := false
	var ct xmlTag
	for {
		if q, err = sc.text(q); err != nil {
			return 0, err
		}
		b := sc.buf[:sc.w]
		if q+1 >= len(b) {
			return 0, errNeedMore
		}
		switch b[q+1] {
		case '/':
			return sc.endTag(q, nameR)
		case '!', '?':
			return 0, fallbackf("comment or declaration inside a rich-text run")
		}
		if q, err = sc.startTag(q, &ct); err != nil {
			return 0, err
		}
		if bytes.IndexByte(ct.name, ':') >= 0 {
			return 0, fallbackf("prefixed element <%s> in a rich-text run", ct.name)
		}
		switch string(ct.name) {
		case "t":
			if seenT {
				return 0, fallbackf("two <t> in a rich-text run")
			}
			seenT = true
			s := len(sc.tmp2)
			if q, err = sc.textElement(q, &ct); err != nil {
				return 0, err
			}
			sc.runs = append(sc.runs, [2]int{s, len(sc.tmp2)})
		case "rPr":
			if q, err = sc.runProperties(q, &ct); err != nil {
				return 0, err
			}
		default:
			if !ct.empty {
				if q, err = sc.skipElement(q, &ct, nil); err != nil {
					return 0, err
				}
			}
		}
	}
}

// runProperties checks a run's <rPr>: excelize decodes its children's
// typed attributes, and a bad value fails its whole decoding.
func (sc *xmlScan) runProperties(p int, t *xmlTag) (int, error) {
	if t.empty {
		return p, nil
	}
	q := p
	var err error
	var ct xmlTag
	for {
		if q, err = sc.text(q); err != nil {
			return 0, err
		}
		b := sc.buf[:sc.w]
		if q+1 >= len(b) {
			return 0, errNeedMore
		}
		switch b[q+1] {
		case '/':
			return sc.endTag(q, nameRPr)
		case '!', '?':
			if q, err = sc.misc(q); err != nil {
				return 0, err
			}
			continue
		}
		if q, err = sc.startTag(q, &ct); err != nil {
			return 0, err
		}
		for i := range ct.attrs {
			a := &ct.attrs[i]
			if !runPropertyValid(string(ct.name), string(a.name), sc.attrBytes(a)) {
				return 0, fallbackf("run property <%s %s=%q>", ct.name, a.name, a.val)
			}
		}
		if !ct.empty {
			if q, err = sc.skipElement(q, &ct, nil); err != nil {
				return 0, err
			}
		}
	}
}

// runPropertyValid checks the typed attributes of excelize's xlsxRPr.
func runPropertyValid(elem, attr string, v []byte) bool {
	switch elem {
	case "b", "i", "strike", "outline", "shadow", "condense", "extend":
		return attr != "val" || validBool(v)
	case "sz":
		return attr != "val" || validFloat(v)
	case "charset", "family":
		return attr != "val" || validInt(v, 64)
	case "color":
		switch attr {
		case "auto":
			return validBool(v)
		case "indexed", "theme":
			return validInt(v, 64)
		case "tint":
			return validFloat(v)
		}
	}
	return true
}

// The attribute value checks encoding/xml applies when it decodes into a
// typed field.
func validBool(v []byte) bool {
	_, err := strconv.ParseBool(strings.TrimSpace(string(v)))
	return err == nil
}

func validFloat(v []byte) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(string(v)), 64)
	return err == nil
}

func validInt(v []byte, bits int) bool {
	_, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, bits)
	return err == nil
}

func validUint(v []byte, bits int) bool {
	_, err := strconv.ParseUint(strings.TrimSpace(string(v)), 10, bits)
	return err == nil
}

// bstrDecode decodes the "_xHHHH_" escapes of a string item as excelize's
// bstrUnmarshal does: "_x005F_" is "_", an escape that is not a valid
// character (a lone surrogate) disappears.
func bstrDecode(s string) string {
	var out strings.Builder
	last := 0
	for i := 0; i+7 <= len(s); {
		if s[i] == '_' && s[i+1] == 'x' && isHex4(s[i+2:i+6]) && s[i+6] == '_' {
			out.WriteString(s[last:i])
			if s[i:i+7] == "_x005F_" {
				out.WriteByte('_')
			} else {
				v, _ := strconv.Unquote(`"\u` + s[i+2:i+6] + `"`)
				out.WriteString(v)
			}
			i += 7
			last = i
			continue
		}
		i++
	}
	if last == 0 {
		return s
	}
	out.WriteString(s[last:])
	return out.String()
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func isFallback(err error) bool { return errors.Is(err, errFallback) }

// parseXMLBool reads a boolean attribute as encoding/xml reads one into a
// bool (strconv.ParseBool of the trimmed value), without allocating.
func parseXMLBool(v []byte) (value, ok bool) {
	switch string(bytes.TrimSpace(v)) {
	case "1", "t", "T", "TRUE", "true", "True":
		return true, true
	case "0", "f", "F", "FALSE", "false", "False":
		return false, true
	}
	return false, false
}
