package sheets

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf/sheets/xmlscan"
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
	var sc xmlscan.Scanner
	rc, err := wb.openPart(zf, &sc)
	if err != nil {
		return wb.stringsDamaged(zf.Name, err)
	}
	defer rc.Close()
	defer sc.Release()
	p := sstParser{sc: &sc}
	grow := zf.UncompressedSize64
	if grow > 16<<20 {
		grow = 16 << 20
	}
	p.all.Grow(int(grow))
	if err := scanError(sc.Run(p.step)); err != nil {
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
	sc    *xmlscan.Scanner
	all   strings.Builder
	ends  []int
	depth int // 0 before the root, 1 inside it, 2 after it
	tag   xmlscan.Tag
	item  []byte
	items itemReader
}

func (p *sstParser) step() error {
	sc := p.sc
	b := sc.Bytes()
	q := sc.Pos()
	if q >= len(b) {
		if sc.AtEOF() {
			if p.depth == 1 {
				return sc.Truncated()
			}
			return io.EOF
		}
		return xmlscan.ErrNeedMore
	}
	if b[q] != '<' {
		e, err := sc.Text(q)
		if err != nil {
			return err
		}
		sc.SetPos(e)
		return nil
	}
	if q+1 >= len(b) {
		return xmlscan.ErrNeedMore
	}
	switch c := b[q+1]; {
	case c == '!' || c == '?':
		e, err := sc.Misc(q)
		if err != nil {
			return err
		}
		sc.SetPos(e)
		return nil
	case c == '/':
		if p.depth != 1 {
			// A stray end tag: what it ends is not open.
			e, err := sc.Name(q+2, "</")
			if err != nil {
				return err
			}
			return sc.Syntax(q, "多余的结束标签 </%s>", b[q+2:e])
		}
		e, err := sc.EndTag(q, nameSST)
		if err != nil {
			return err
		}
		p.depth = 2
		sc.SetPos(e)
		return nil
	}
	switch p.depth {
	case 0:
		e, err := sc.StartTag(q, &p.tag)
		if err != nil {
			return err
		}
		if string(p.tag.Name) != "sst" {
			return fallbackf("shared-string root <%s>", p.tag.Name)
		}
		ns := ""
		for i := range p.tag.Attrs {
			a := &p.tag.Attrs[i]
			switch string(a.Name) {
			case "xmlns":
				ns = a.Value()
			case "count", "uniqueCount":
				if !validInt(sc.AttrBytes(a), 64) {
					return fallbackf("shared strings %s=%q", a.Name, a.Val)
				}
			}
		}
		if ns != nsMain {
			return fallbackf("shared strings in namespace %q", ns)
		}
		sc.SetPos(e)
		if p.tag.Empty {
			p.depth = 2
		} else {
			p.depth = 1
		}
		return nil
	case 1:
		isSI, err := sc.IsStartOf(q, "si")
		if err != nil {
			return err
		}
		if isSI {
			var e int
			p.item, e, err = p.items.read(sc, q, &p.tag, p.item[:0])
			if err != nil {
				return err
			}
			p.all.Write(p.item)
			p.ends = append(p.ends, p.all.Len())
			sc.SetPos(e)
			return nil
		}
		e, err := sc.StartTag(q, &p.tag)
		if err != nil {
			return err
		}
		if bytes.IndexByte(p.tag.Name, ':') >= 0 {
			return fallbackf("prefixed element <%s> in the shared strings", p.tag.Name)
		}
		if !p.tag.Empty {
			if e, err = sc.SkipElement(e, &p.tag, refuseNested("si")); err != nil {
				return err
			}
		}
		sc.SetPos(e)
		return nil
	default:
		// Elements after the root: well-formed XML checks them, excelize
		// ignores them.
		e, err := sc.StartTag(q, &p.tag)
		if err != nil {
			return err
		}
		if !p.tag.Empty {
			if e, err = sc.SkipElement(e, &p.tag, nil); err != nil {
				return err
			}
		}
		sc.SetPos(e)
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

// Names the shared-string and rich-text readers compare against.
var (
	nameSST  = []byte("sst")
	nameR    = []byte("r")
	nameRPr  = []byte("rPr")
	bstrMark = []byte("_x")
)

// itemReader reads string items: text holds the texts of the item being
// read (its own <t> and its runs'), runs the runs' spans of it.
type itemReader struct {
	text []byte
	runs [][2]int
}

// read parses a string item (<si> in the shared strings, <is> in an
// inline-string cell) starting at buf[p] == '<', and appends its text to
// dst as excelize's xlsxSI.String gives it: the item's own <t>, then the
// <t> of each rich-text run <r>, never the phonetic runs <rPh>; "_xHHHH_"
// escapes decoded. It returns the position after the item.
func (ir *itemReader) read(sc *xmlscan.Scanner, p int, t *xmlscan.Tag, dst []byte) ([]byte, int, error) {
	q, err := sc.StartTag(p, t)
	if err != nil {
		return dst, 0, err
	}
	if t.Empty {
		return dst, q, nil
	}
	itemName := t.Name
	ir.text = ir.text[:0]
	ir.runs = ir.runs[:0]
	own := [2]int{-1, -1}
	var ct xmlscan.Tag
	for {
		if q, err = sc.Text(q); err != nil {
			return dst, 0, err
		}
		b := sc.Bytes()
		if q+1 >= len(b) {
			return dst, 0, xmlscan.ErrNeedMore
		}
		switch b[q+1] {
		case '/':
			if q, err = sc.EndTag(q, itemName); err != nil {
				return dst, 0, err
			}
			start := len(dst)
			if own[0] >= 0 {
				dst = append(dst, ir.text[own[0]:own[1]]...)
			}
			for _, r := range ir.runs {
				dst = append(dst, ir.text[r[0]:r[1]]...)
			}
			if bytes.Contains(dst[start:], bstrMark) {
				dec := bstrDecode(string(dst[start:]))
				dst = append(dst[:start], dec...)
			}
			return dst, q, nil
		case '!', '?':
			return dst, 0, fallbackf("comment or declaration inside a string item")
		}
		if q, err = sc.StartTag(q, &ct); err != nil {
			return dst, 0, err
		}
		if bytes.IndexByte(ct.Name, ':') >= 0 {
			return dst, 0, fallbackf("prefixed element <%s> in a string item", ct.Name)
		}
		switch string(ct.Name) {
		case "t":
			if own[0] >= 0 {
				return dst, 0, fallbackf("two <t> in a string item")
			}
			s := len(ir.text)
			if ir.text, q, err = textBody(sc, q, &ct, ir.text); err != nil {
				return dst, 0, err
			}
			own = [2]int{s, len(ir.text)}
		case "r":
			if q, err = ir.richRun(sc, q, &ct); err != nil {
				return dst, 0, err
			}
		case "rPh":
			for i := range ct.Attrs {
				if n := string(ct.Attrs[i].Name); (n == "sb" || n == "eb") && !validUint(sc.AttrBytes(&ct.Attrs[i]), 32) {
					return dst, 0, fallbackf("phonetic run %s=%q", n, ct.Attrs[i].Val)
				}
			}
			if !ct.Empty {
				if q, err = sc.SkipElement(q, &ct, nil); err != nil {
					return dst, 0, err
				}
			}
		default:
			if string(ct.Name) == "phoneticPr" {
				for i := range ct.Attrs {
					if string(ct.Attrs[i].Name) == "fontId" && !validInt(sc.AttrBytes(&ct.Attrs[i]), 64) {
						return dst, 0, fallbackf("phoneticPr fontId=%q", ct.Attrs[i].Val)
					}
				}
			}
			if !ct.Empty {
				if q, err = sc.SkipElement(q, &ct, nil); err != nil {
					return dst, 0, err
				}
			}
		}
	}
}

// textBody reads the character data of the element whose start tag t
// ended at p onto dst, through its end tag. Markup inside is left to the
// careful reader.
func textBody(sc *xmlscan.Scanner, p int, t *xmlscan.Tag, dst []byte) ([]byte, int, error) {
	if t.Empty {
		return dst, p, nil
	}
	dst, e, err := sc.TextInto(p, dst)
	if err != nil {
		return dst, 0, err
	}
	b := sc.Bytes()
	if e+1 >= len(b) {
		return dst, 0, xmlscan.ErrNeedMore
	}
	if b[e+1] != '/' {
		return dst, 0, fallbackf("markup inside <%s>", t.Name)
	}
	q, err := sc.EndTag(e, t.Name)
	return dst, q, err
}

// richRun reads a rich-text run <r> whose start tag t ended at p: its <t>
// becomes a run; its properties <rPr> are checked as excelize decodes
// them.
func (ir *itemReader) richRun(sc *xmlscan.Scanner, p int, t *xmlscan.Tag) (int, error) {
	if t.Empty {
		return p, nil
	}
	q := p
	var err error
	seenT := false
	var ct xmlscan.Tag
	for {
		if q, err = sc.Text(q); err != nil {
			return 0, err
		}
		b := sc.Bytes()
		if q+1 >= len(b) {
			return 0, xmlscan.ErrNeedMore
		}
		switch b[q+1] {
		case '/':
			return sc.EndTag(q, nameR)
		case '!', '?':
			return 0, fallbackf("comment or declaration inside a rich-text run")
		}
		if q, err = sc.StartTag(q, &ct); err != nil {
			return 0, err
		}
		if bytes.IndexByte(ct.Name, ':') >= 0 {
			return 0, fallbackf("prefixed element <%s> in a rich-text run", ct.Name)
		}
		switch string(ct.Name) {
		case "t":
			if seenT {
				return 0, fallbackf("two <t> in a rich-text run")
			}
			seenT = true
			s := len(ir.text)
			if ir.text, q, err = textBody(sc, q, &ct, ir.text); err != nil {
				return 0, err
			}
			ir.runs = append(ir.runs, [2]int{s, len(ir.text)})
		case "rPr":
			if q, err = runProperties(sc, q, &ct); err != nil {
				return 0, err
			}
		default:
			if !ct.Empty {
				if q, err = sc.SkipElement(q, &ct, nil); err != nil {
					return 0, err
				}
			}
		}
	}
}

// runProperties checks a run's <rPr>: excelize decodes its children's
// typed attributes, and a bad value fails its whole decoding.
func runProperties(sc *xmlscan.Scanner, p int, t *xmlscan.Tag) (int, error) {
	if t.Empty {
		return p, nil
	}
	q := p
	var err error
	var ct xmlscan.Tag
	for {
		if q, err = sc.Text(q); err != nil {
			return 0, err
		}
		b := sc.Bytes()
		if q+1 >= len(b) {
			return 0, xmlscan.ErrNeedMore
		}
		switch b[q+1] {
		case '/':
			return sc.EndTag(q, nameRPr)
		case '!', '?':
			if q, err = sc.Misc(q); err != nil {
				return 0, err
			}
			continue
		}
		if q, err = sc.StartTag(q, &ct); err != nil {
			return 0, err
		}
		for i := range ct.Attrs {
			a := &ct.Attrs[i]
			if !runPropertyValid(string(ct.Name), string(a.Name), sc.AttrBytes(a)) {
				return 0, fallbackf("run property <%s %s=%q>", ct.Name, a.Name, a.Val)
			}
		}
		if !ct.Empty {
			if q, err = sc.SkipElement(q, &ct, nil); err != nil {
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
