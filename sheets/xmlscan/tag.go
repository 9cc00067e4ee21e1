package xmlscan

// Names, tags and attributes.

import (
	"bytes"
	"unicode/utf8"
)

// IsSpace reports whether b is XML white space.
func IsSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

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

// Name reads an XML name at p and returns its end; what names the place
// in a syntax error ("<", "</", "属性"). A name outside ASCII is valid XML
// but not checked here: it is an *UnsupportedError.
func (sc *Scanner) Name(p int, what string) (int, error) {
	b := sc.buf[:sc.w]
	if p >= len(b) {
		return 0, ErrNeedMore
	}
	if !isNameStart(b[p]) {
		if b[p] >= utf8.RuneSelf {
			return 0, unsupported("non-ASCII XML name")
		}
		return 0, sc.Syntax(p, "%s处缺少有效的名称", what)
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
		return 0, ErrNeedMore
	}
	if b[q] >= utf8.RuneSelf {
		return 0, unsupported("non-ASCII XML name")
	}
	if colons > 1 {
		return 0, sc.Syntax(p, "名称 %s 无效", b[p:q])
	}
	return q, nil
}

// SplitName splits a name as encoding/xml does: ":x" and "x:" have no
// prefix.
func SplitName(n []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(n, ':'); i > 0 && i < len(n)-1 {
		return n[:i], n[i+1:]
	}
	return nil, n
}

// Attr is one attribute as written: Val is the raw text between the
// quotes, checked but not decoded (Value and Scanner.AttrBytes decode it).
type Attr struct {
	Name, Val []byte
	plain     bool // Val needs no decoding
}

// Tag is a parsed start tag. Its slices point into the scanner's buffer
// and are good until the scanner reads more.
type Tag struct {
	Name  []byte
	Attrs []Attr
	Empty bool // <x/>
}

// StartTag parses the start tag at buf[p] == '<' into t and returns the
// position after it.
func (sc *Scanner) StartTag(p int, t *Tag) (int, error) {
	q, err := sc.Name(p+1, "<")
	if err != nil {
		return 0, err
	}
	b := sc.buf[:sc.w]
	t.Name = b[p+1 : q]
	t.Attrs = t.Attrs[:0]
	for {
		for q < len(b) && IsSpace(b[q]) {
			q++
		}
		if q >= len(b) {
			return 0, ErrNeedMore
		}
		switch b[q] {
		case '>':
			t.Empty = false
			return q + 1, nil
		case '/':
			if q+1 >= len(b) {
				return 0, ErrNeedMore
			}
			if b[q+1] != '>' {
				return 0, sc.Syntax(q, "元素 <%s> 中的 / 后应为 >", t.Name)
			}
			t.Empty = true
			return q + 2, nil
		}
		as := q
		if q, err = sc.Name(q, "属性"); err != nil {
			return 0, err
		}
		an := b[as:q]
		for q < len(b) && IsSpace(b[q]) {
			q++
		}
		if q >= len(b) {
			return 0, ErrNeedMore
		}
		if b[q] != '=' {
			return 0, sc.Syntax(q, "元素 <%s> 的属性 %s 缺少 =", t.Name, an)
		}
		q++
		for q < len(b) && IsSpace(b[q]) {
			q++
		}
		if q >= len(b) {
			return 0, ErrNeedMore
		}
		quote := b[q]
		if quote != '"' && quote != '\'' {
			return 0, sc.Syntax(q, "元素 <%s> 的属性 %s 的值缺少引号", t.Name, an)
		}
		q++
		e := indexByteShort(b[q:], quote)
		if e < 0 {
			return 0, ErrNeedMore
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
				return 0, sc.Syntax(q, "属性值中有未转义的 <")
			}
			var msg string
			if sc.tmp, msg = appendText(sc.tmp[:0], val, true); msg != "" {
				return 0, sc.Syntax(q, "%s", msg)
			}
		}
		t.Attrs = append(t.Attrs, Attr{Name: an, Val: val, plain: plain})
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

// Value is the attribute's value, decoded.
func (a *Attr) Value() string {
	if a.plain {
		return string(a.Val)
	}
	s, _ := appendText(nil, a.Val, true)
	return string(s)
}

// AttrBytes is an attribute's value, decoded into scratch when needed: it
// is good until the next call.
func (sc *Scanner) AttrBytes(a *Attr) []byte {
	if a.plain {
		return a.Val
	}
	sc.tmp, _ = appendText(sc.tmp[:0], a.Val, true)
	return sc.tmp
}

// EndTag parses the end tag at buf[p] == '<', buf[p+1] == '/' that must
// close name, and returns the position after it.
func (sc *Scanner) EndTag(p int, name []byte) (int, error) {
	b := sc.buf[:sc.w]
	if e := p + 2 + len(name); e < len(b) && b[e] == '>' && string(b[p+2:e]) == string(name) {
		return e + 1, nil
	}
	q, err := sc.Name(p+2, "</")
	if err != nil {
		return 0, err
	}
	if !bytes.Equal(b[p+2:q], name) {
		return 0, sc.Syntax(p, "元素 <%s> 被 </%s> 结束", name, b[p+2:q])
	}
	for q < len(b) && IsSpace(b[q]) {
		q++
	}
	if q >= len(b) {
		return 0, ErrNeedMore
	}
	if b[q] != '>' {
		return 0, sc.Syntax(q, "</%s 与 > 之间有多余字符", name)
	}
	return q + 1, nil
}

// IsStartOf reports whether buf[p:] begins "<name" followed by a
// delimiter.
func (sc *Scanner) IsStartOf(p int, name string) (bool, error) {
	b := sc.buf[:sc.w]
	if p+1+len(name) >= len(b) {
		return false, ErrNeedMore
	}
	if string(b[p+1:p+1+len(name)]) != name {
		return false, nil
	}
	c := b[p+1+len(name)]
	return c == '>' || c == '/' || IsSpace(c), nil
}

// SkipElement checks the element whose start tag t ended at p (not
// self-closing) through its end tag, and returns the position after it.
// inside, if not nil, is given each nested start tag's name, to refuse
// what the caller must not skip.
func (sc *Scanner) SkipElement(p int, t *Tag, inside func(name []byte) error) (int, error) {
	sc.ends = append(sc.ends[:0], t.Name)
	var nt Tag
	q := p
	for {
		q2, err := sc.Text(q)
		if err != nil {
			return 0, err
		}
		q = q2
		b := sc.buf[:sc.w]
		if q >= len(b) || q+1 >= len(b) {
			return 0, ErrNeedMore
		}
		switch b[q+1] {
		case '/':
			top := sc.ends[len(sc.ends)-1]
			if q, err = sc.EndTag(q, top); err != nil {
				return 0, err
			}
			sc.ends = sc.ends[:len(sc.ends)-1]
			if len(sc.ends) == 0 {
				return q, nil
			}
		case '!', '?':
			if q, err = sc.Misc(q); err != nil {
				return 0, err
			}
		default:
			if q, err = sc.StartTag(q, &nt); err != nil {
				return 0, err
			}
			if inside != nil {
				if err := inside(nt.Name); err != nil {
					return 0, err
				}
			}
			if !nt.Empty {
				sc.ends = append(sc.ends, nt.Name)
			}
		}
	}
}
