package sheets

// The byte-level XML scanner under the fast reader. It refuses what Go's
// encoding/xml refuses in strict mode (what the careful reader's checkXML
// relies on) — mismatched or unclosed tags, unquoted attributes, unknown
// entities, characters XML does not allow, invalid UTF-8, a part that ends
// inside an element — and leaves to the careful reader what it does not
// check itself (names outside ASCII, DTDs, other encodings); it decodes
// nothing it is not asked for. A part is read through a buffer that
// slides over the decompressed stream: a parser starts at the unread
// position, and when it runs out of bytes before its element is complete it
// returns errNeedMore; the driver then compacts the buffer, reads more (or
// grows the buffer for a giant element) and the parser starts that element
// again. Memory therefore stays at the size of the largest element.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"unicode/utf8"
)

// Names and delimiters the scanner compares against.
var (
	nameSheetData = []byte("sheetData")
	nameRow       = []byte("row")
	nameC         = []byte("c")
	nameV         = []byte("v")
	nameSST       = []byte("sst")
	nameR         = []byte("r")
	nameRPr       = []byte("rPr")
	piEnd         = []byte("?>")
	cdataEnd      = []byte("]]>")
	bstrMark      = []byte("_x")
	strictNS      = []byte("purl.oclc.org/ooxml")
)

// errNeedMore is internal: the element being parsed is not complete in the
// buffer yet.
var errNeedMore = errors.New("need more input")

// xmlSyntaxError is malformed XML, with the line it is on.
type xmlSyntaxError struct {
	line int
	msg  string
}

func (e *xmlSyntaxError) Error() string { return fmt.Sprintf("XML 第 %d 行：%s", e.line, e.msg) }

// xmlTruncatedError is a part that ends inside an element.
type xmlTruncatedError struct{ line int }

func (e *xmlTruncatedError) Error() string {
	return fmt.Sprintf("XML 在第 %d 行附近意外结束", e.line)
}

// partTooLargeError is a part whose decompressed size is over the limit:
// size is what its zip header says, or 0 when the header understated it
// and the part was cut off at the limit.
type partTooLargeError struct {
	size  uint64
	limit int64
}

func (e *partTooLargeError) Error() string {
	if e.size > 0 {
		return fmt.Sprintf("解压后为 %s，上限 %s", sizeWords(e.size), sizeWords(uint64(e.limit)))
	}
	return fmt.Sprintf("解压后超过上限 %s", sizeWords(uint64(e.limit)))
}

// scanChunk is how much decompressed XML is read at a time.
const scanChunk = 128 << 10

// xmlScan is one part being read through a sliding buffer.
type xmlScan struct {
	src   io.Reader
	buf   []byte
	r, w  int   // buf[r:w] is read from src but not yet consumed
	eof   bool  // src is at its end
	lines int   // newlines in the bytes dropped from the buffer so far
	total int64 // bytes read from src
	limit int64

	tmp  []byte // scratch for decoding text that is only checked
	tmp2 []byte // scratch for string items
	runs [][2]int
	ends [][]byte // open elements while skipping a subtree
}

func (sc *xmlScan) reset(src io.Reader, buf []byte, limit int64) {
	sc.src, sc.buf, sc.r, sc.w, sc.eof, sc.lines, sc.total, sc.limit = src, buf, 0, 0, false, 0, 0, limit
	if cap(sc.buf) < scanChunk {
		sc.buf = getScanBuffer()
	}
	sc.buf = sc.buf[:cap(sc.buf)]
}

// scanBuffers keeps the sliding buffers of finished reads: a workbook of
// 200 rows is read in well under a millisecond, and allocating (and
// clearing) a fresh buffer for each would be a good part of that.
var scanBuffers = sync.Pool{New: func() any { b := make([]byte, scanChunk); return &b }}

func getScanBuffer() []byte { return *scanBuffers.Get().(*[]byte) }

// putScanBuffer returns a buffer; one grown for a giant element is
// dropped, so that the pool does not keep it.
func putScanBuffer(b []byte) {
	if cap(b) == scanChunk {
		scanBuffers.Put(&b)
	}
}

// fill drops the consumed bytes and reads more: as much as fits, growing
// the buffer when the unconsumed bytes already fill it.
func (sc *xmlScan) fill() error {
	if sc.eof {
		return nil
	}
	if sc.r > 0 {
		sc.lines += bytes.Count(sc.buf[:sc.r], []byte{'\n'})
		sc.w = copy(sc.buf, sc.buf[sc.r:sc.w])
		sc.r = 0
	}
	if sc.w == len(sc.buf) {
		nb := make([]byte, 2*len(sc.buf))
		copy(nb, sc.buf[:sc.w])
		sc.buf = nb
	}
	start := sc.w
	for sc.w < len(sc.buf) {
		n, err := sc.src.Read(sc.buf[sc.w:])
		sc.w += n
		sc.total += int64(n)
		if sc.total > sc.limit {
			return &partTooLargeError{limit: sc.limit}
		}
		if err == io.EOF {
			sc.eof = true
			break
		}
		if err != nil {
			return err
		}
		if n == 0 && sc.w > start {
			break
		}
	}
	return nil
}

// lineAt is the line of buf[pos].
func (sc *xmlScan) lineAt(pos int) int {
	if pos > sc.w {
		pos = sc.w
	}
	return sc.lines + bytes.Count(sc.buf[:pos], []byte{'\n'}) + 1
}

func (sc *xmlScan) syntax(pos int, format string, args ...any) error {
	return &xmlSyntaxError{line: sc.lineAt(pos), msg: fmt.Sprintf(format, args...)}
}

func (sc *xmlScan) truncated() error { return &xmlTruncatedError{line: sc.lineAt(sc.w)} }

func isXMLSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// nameBytes marks the ASCII bytes of XML names: 1 may start one, 2 may
// follow.
var nameBytes = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		switch {
		case 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || b == '_' || b == ':':
			t[c] = 3
		case '0' <= b && b <= '9' || b == '.' || b == '-':
			t[c] = 2
		}
	}
	return t
}()

func isNameStart(b byte) bool { return nameBytes[b]&1 != 0 }

func isNameByte(b byte) bool { return nameBytes[b] != 0 }

// name reads an XML name at p and returns its end. A name outside ASCII is
// valid XML but not checked here: the fast reader falls back.
func (sc *xmlScan) name(p int, what string) (int, error) {
	b := sc.buf[:sc.w]
	if p >= len(b) {
		return 0, errNeedMore
	}
	if !isNameStart(b[p]) {
		if b[p] >= utf8.RuneSelf {
			return 0, fallbackf("non-ASCII XML name")
		}
		return 0, sc.syntax(p, "%s处缺少有效的名称", what)
	}
	q := p + 1
	colons := 0
	if b[p] == ':' {
		colons++
	}
	for q < len(b) && nameBytes[b[q]] != 0 {
		if b[q] == ':' {
			colons++
		}
		q++
	}
	if q >= len(b) {
		return 0, errNeedMore
	}
	if b[q] >= utf8.RuneSelf {
		return 0, fallbackf("non-ASCII XML name")
	}
	if colons > 1 {
		return 0, sc.syntax(p, "名称 %s 无效", b[p:q])
	}
	return q, nil
}

// xmlAttr is one attribute as written: val is the raw text between the
// quotes; plain says it needs no decoding.
type xmlAttr struct {
	name, val []byte
	plain     bool
}

// xmlTag is a parsed start tag.
type xmlTag struct {
	name  []byte
	attrs []xmlAttr
	empty bool // <x/>
}

// startTag parses the start tag at buf[p] == '<' and returns the position
// after it.
func (sc *xmlScan) startTag(p int, t *xmlTag) (int, error) {
	q, err := sc.name(p+1, "<")
	if err != nil {
		return 0, err
	}
	b := sc.buf[:sc.w]
	t.name = b[p+1 : q]
	t.attrs = t.attrs[:0]
	for {
		for q < len(b) && isXMLSpace(b[q]) {
			q++
		}
		if q >= len(b) {
			return 0, errNeedMore
		}
		switch b[q] {
		case '>':
			t.empty = false
			return q + 1, nil
		case '/':
			if q+1 >= len(b) {
				return 0, errNeedMore
			}
			if b[q+1] != '>' {
				return 0, sc.syntax(q, "元素 <%s> 中的 / 后应为 >", t.name)
			}
			t.empty = true
			return q + 2, nil
		}
		as := q
		if q, err = sc.name(q, "属性"); err != nil {
			return 0, err
		}
		an := b[as:q]
		for q < len(b) && isXMLSpace(b[q]) {
			q++
		}
		if q >= len(b) {
			return 0, errNeedMore
		}
		if b[q] != '=' {
			return 0, sc.syntax(q, "元素 <%s> 的属性 %s 缺少 =", t.name, an)
		}
		q++
		for q < len(b) && isXMLSpace(b[q]) {
			q++
		}
		if q >= len(b) {
			return 0, errNeedMore
		}
		quote := b[q]
		if quote != '"' && quote != '\'' {
			return 0, sc.syntax(q, "元素 <%s> 的属性 %s 的值缺少引号", t.name, an)
		}
		q++
		e := indexByteShort(b[q:], quote)
		if e < 0 {
			return 0, errNeedMore
		}
		val := b[q : q+e]
		plain := true
		for _, c := range val {
			if c < 0x20 || c >= utf8.RuneSelf || c == '&' || c == '<' {
				plain = false
				break
			}
		}
		if !plain {
			if bytes.IndexByte(val, '<') >= 0 {
				return 0, sc.syntax(q, "属性值中有未转义的 <")
			}
			var msg string
			if sc.tmp, msg = appendText(sc.tmp[:0], val, true); msg != "" {
				return 0, sc.syntax(q, "%s", msg)
			}
		}
		t.attrs = append(t.attrs, xmlAttr{name: an, val: val, plain: plain})
		q += e + 1
	}
}

// indexByteShort is bytes.IndexByte for what is usually a few bytes away
// (a cell's value, an attribute's): a plain loop first, the vectorised
// search past that.
func indexByteShort(b []byte, c byte) int {
	n := min(len(b), 16)
	for i := 0; i < n; i++ {
		if b[i] == c {
			return i
		}
	}
	if n == len(b) {
		return -1
	}
	if e := bytes.IndexByte(b[n:], c); e >= 0 {
		return n + e
	}
	return -1
}

// attrString is an attribute's value, decoded.
func attrString(a *xmlAttr) string {
	if a.plain {
		return string(a.val)
	}
	s, _ := appendText(nil, a.val, true)
	return string(s)
}

// attrBytes is an attribute's value, decoded into scratch when needed.
func (sc *xmlScan) attrBytes(a *xmlAttr) []byte {
	if a.plain {
		return a.val
	}
	sc.tmp, _ = appendText(sc.tmp[:0], a.val, true)
	return sc.tmp
}

// endTag parses the end tag at buf[p] == '<', buf[p+1] == '/' that must
// close name, and returns the position after it.
func (sc *xmlScan) endTag(p int, name []byte) (int, error) {
	b := sc.buf[:sc.w]
	if e := p + 2 + len(name); e < len(b) && b[e] == '>' && string(b[p+2:e]) == string(name) {
		return e + 1, nil
	}
	q, err := sc.name(p+2, "</")
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(b[p+2:q], name) {
		return 0, sc.syntax(p, "元素 <%s> 被 </%s> 结束", name, b[p+2:q])
	}
	for q < len(b) && isXMLSpace(b[q]) {
		q++
	}
	if q >= len(b) {
		return 0, errNeedMore
	}
	if b[q] != '>' {
		return 0, sc.syntax(q, "</%s 与 > 之间有多余字符", name)
	}
	return q + 1, nil
}

// isStartOf reports whether buf[p:] begins "<name" followed by a
// delimiter.
func (sc *xmlScan) isStartOf(p int, name string) (bool, error) {
	b := sc.buf[:sc.w]
	if p+1+len(name) >= len(b) {
		return false, errNeedMore
	}
	if string(b[p+1:p+1+len(name)]) != name {
		return false, nil
	}
	c := b[p+1+len(name)]
	return c == '>' || c == '/' || isXMLSpace(c), nil
}

// text checks the character data at p up to the next '<' and returns the
// position of that '<'.
func (sc *xmlScan) text(p int) (int, error) {
	b := sc.buf[:sc.w]
	if p < len(b) && b[p] == '<' {
		return p, nil // no text: the usual case between elements
	}
	e := bytes.IndexByte(b[p:], '<')
	if e < 0 {
		if sc.eof {
			// Text after the last element: checked whole, it ends the part.
			e = len(b) - p
		} else {
			return 0, errNeedMore
		}
	}
	t := b[p : p+e]
	for _, c := range t {
		if !isXMLSpace(c) {
			var msg string
			if sc.tmp, msg = appendText(sc.tmp[:0], t, false); msg != "" {
				return 0, sc.syntax(p, "%s", msg)
			}
			break
		}
	}
	return p + e, nil
}

// textInto decodes the character data at p up to the next '<' onto dst.
func (sc *xmlScan) textInto(p int, dst []byte) ([]byte, int, error) {
	b := sc.buf[:sc.w]
	e := indexByteShort(b[p:], '<')
	if e < 0 {
		return dst, 0, errNeedMore
	}
	dst, msg := appendText(dst, b[p:p+e], false)
	if msg != "" {
		return dst, 0, sc.syntax(p, "%s", msg)
	}
	return dst, p + e, nil
}

// misc parses a comment, processing instruction or CDATA section at
// buf[p] == '<' (buf[p+1] is '!' or '?') and returns the position after it.
// Other declarations (<!DOCTYPE …>) are left to the careful reader.
func (sc *xmlScan) misc(p int) (int, error) {
	b := sc.buf[:sc.w]
	if p+1 >= len(b) {
		return 0, errNeedMore
	}
	if b[p+1] == '?' {
		q, err := sc.name(p+2, "<?")
		if err != nil {
			return 0, err
		}
		target := b[p+2 : q]
		e := bytes.Index(b[q:], piEnd)
		if e < 0 {
			return 0, errNeedMore
		}
		if string(target) == "xml" {
			content := string(b[q : q+e])
			if v := procInstParam("version", content); v != "" && v != "1.0" {
				return 0, fallbackf("XML version %q", v)
			}
			if enc := procInstParam("encoding", content); enc != "" && !equalFoldASCII(enc, "utf-8") {
				return 0, fallbackf("XML encoding %q", enc)
			}
		}
		return q + e + 2, nil
	}
	if p+4 > len(b) {
		return 0, errNeedMore
	}
	if string(b[p:p+4]) == "<!--" {
		var b0, b1 byte
		for q := p + 4; q < len(b); q++ {
			c := b[q]
			if b0 == '-' && b1 == '-' {
				if c != '>' {
					return 0, sc.syntax(q, "注释中不能出现 --")
				}
				return q + 1, nil
			}
			b0, b1 = b1, c
		}
		return 0, errNeedMore
	}
	if p+9 > len(b) {
		return 0, errNeedMore
	}
	if string(b[p:p+9]) == "<![CDATA[" {
		e := bytes.Index(b[p+9:], cdataEnd)
		if e < 0 {
			return 0, errNeedMore
		}
		if msg := checkChars(crlf(sc, b[p+9:p+9+e])); msg != "" {
			return 0, sc.syntax(p, "%s", msg)
		}
		return p + 9 + e + 3, nil
	}
	return 0, fallbackf("XML declaration %q", firstBytes(b[p:], 12))
}

// crlf is data with "\r\n" and "\r" made "\n", in scratch.
func crlf(sc *xmlScan, data []byte) []byte {
	if bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	sc.tmp = sc.tmp[:0]
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\r' {
			sc.tmp = append(sc.tmp, '\n')
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			continue
		}
		sc.tmp = append(sc.tmp, c)
	}
	return sc.tmp
}

func firstBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// procInstParam is the value of param="…" in a processing instruction,
// found as encoding/xml's procInst finds it.
func procInstParam(param, s string) string {
	param += "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := indexString(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := indexString(s[i:], string(sep))
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

func indexString(s, sub string) int { return bytes.Index([]byte(s), []byte(sub)) }

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// skipElement checks the element whose start tag t ended at p (not
// self-closing) through its end tag, and returns the position after it.
// inside reports each nested start tag, to refuse what the caller must not
// skip.
func (sc *xmlScan) skipElement(p int, t *xmlTag, inside func(name []byte) error) (int, error) {
	sc.ends = append(sc.ends[:0], t.name)
	var nt xmlTag
	q := p
	for {
		q2, err := sc.text(q)
		if err != nil {
			return 0, err
		}
		q = q2
		b := sc.buf[:sc.w]
		if q >= len(b) || q+1 >= len(b) {
			return 0, errNeedMore
		}
		switch b[q+1] {
		case '/':
			top := sc.ends[len(sc.ends)-1]
			if q, err = sc.endTag(q, top); err != nil {
				return 0, err
			}
			sc.ends = sc.ends[:len(sc.ends)-1]
			if len(sc.ends) == 0 {
				return q, nil
			}
		case '!', '?':
			if q, err = sc.misc(q); err != nil {
				return 0, err
			}
		default:
			if q, err = sc.startTag(q, &nt); err != nil {
				return 0, err
			}
			if inside != nil {
				if err := inside(nt.name); err != nil {
					return 0, err
				}
			}
			if !nt.empty {
				sc.ends = append(sc.ends, nt.name)
			}
		}
	}
}

// appendText decodes the raw character data raw onto dst as encoding/xml
// does — the five predefined entities and character references, "\r\n"
// and "\r" made "\n" — and checks the result holds only characters XML
// allows. attr is set for an attribute value (where "]]>" is allowed). A
// fault is returned as a message.
func appendText(dst, raw []byte, attr bool) ([]byte, string) {
	fast := true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c >= 0x20 && c < utf8.RuneSelf {
			if c == '&' || c == ']' {
				fast = false
				break
			}
			continue
		}
		if c == '\n' || c == '\t' {
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n == 1 {
				return dst, "无效的 UTF-8 编码"
			}
			if r == 0xFFFE || r == 0xFFFF {
				return dst, fmt.Sprintf("非法字符 %U", r)
			}
			i += n - 1
			continue
		}
		fast = false
		break
	}
	if fast {
		return append(dst, raw...), ""
	}
	start := len(dst)
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case c == '\r':
			dst = append(dst, '\n')
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		case c == ']' && !attr && i+2 < len(raw) && raw[i+1] == ']' && raw[i+2] == '>':
			return dst, "文本中有未转义的 ]]>"
		case c == '&':
			j := i + 1
			var text string
			ok := false
			if j < len(raw) && raw[j] == '#' {
				j++
				base := 10
				if j < len(raw) && raw[j] == 'x' {
					base = 16
					j++
				}
				ds := j
				for j < len(raw) && ('0' <= raw[j] && raw[j] <= '9' || base == 16 && ('a' <= raw[j] && raw[j] <= 'f' || 'A' <= raw[j] && raw[j] <= 'F')) {
					j++
				}
				if j < len(raw) && raw[j] == ';' {
					if n, err := strconv.ParseUint(string(raw[ds:j]), base, 64); err == nil && n <= utf8.MaxRune {
						text, ok = string(rune(n)), true
					}
				}
			} else {
				ns := j
				for j < len(raw) && (isNameByte(raw[j]) || raw[j] >= utf8.RuneSelf) {
					j++
				}
				if j < len(raw) && raw[j] == ';' {
					switch string(raw[ns:j]) {
					case "lt":
						text, ok = "<", true
					case "gt":
						text, ok = ">", true
					case "amp":
						text, ok = "&", true
					case "apos":
						text, ok = "'", true
					case "quot":
						text, ok = `"`, true
					}
				}
			}
			if !ok {
				e := j
				if e < len(raw) && raw[e] == ';' {
					e++
				}
				return dst, fmt.Sprintf("无法识别的实体 %s", raw[i:e])
			}
			dst = append(dst, text...)
			i = j
		default:
			dst = append(dst, c)
		}
	}
	if msg := checkChars(dst[start:]); msg != "" {
		return dst, msg
	}
	return dst, ""
}

// checkChars reports the first character XML does not allow in s.
func checkChars(s []byte) string {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return fmt.Sprintf("非法字符 %U", rune(c))
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 {
			return "无效的 UTF-8 编码"
		}
		if r == 0xFFFE || r == 0xFFFF {
			return fmt.Sprintf("非法字符 %U", r)
		}
		i += n
	}
	return ""
}
