package xmlscan

// Character data, comments, processing instructions and CDATA sections.

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"
)

var (
	piEnd    = []byte("?>")
	cdataEnd = []byte("]]>")
)

// Text checks the character data at p up to the next '<' and returns the
// position of that '<' (or of the end, after the last element).
func (sc *Scanner) Text(p int) (int, error) {
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
			return 0, ErrNeedMore
		}
	}
	t := b[p : p+e]
	for _, c := range t {
		if !IsSpace(c) {
			var msg string
			if sc.tmp, msg = appendText(sc.tmp[:0], t, false); msg != "" {
				return 0, sc.Syntax(p, "%s", msg)
			}
			break
		}
	}
	return p + e, nil
}

// TextInto decodes the character data at p up to the next '<' onto dst,
// and returns the position of that '<'.
func (sc *Scanner) TextInto(p int, dst []byte) ([]byte, int, error) {
	b := sc.buf[:sc.w]
	e := indexByteShort(b[p:], '<')
	if e < 0 {
		return dst, 0, ErrNeedMore
	}
	dst, msg := appendText(dst, b[p:p+e], false)
	if msg != "" {
		return dst, 0, sc.Syntax(p, "%s", msg)
	}
	return dst, p + e, nil
}

// Misc parses a comment, processing instruction or CDATA section at
// buf[p] == '<' (buf[p+1] is '!' or '?') and returns the position after it.
// Other declarations (<!DOCTYPE …>), an XML version other than 1.0 and an
// encoding other than UTF-8 are an *UnsupportedError.
func (sc *Scanner) Misc(p int) (int, error) {
	b := sc.buf[:sc.w]
	if p+1 >= len(b) {
		return 0, ErrNeedMore
	}
	if b[p+1] == '?' {
		q, err := sc.Name(p+2, "<?")
		if err != nil {
			return 0, err
		}
		target := b[p+2 : q]
		e := bytes.Index(b[q:], piEnd)
		if e < 0 {
			return 0, ErrNeedMore
		}
		if string(target) == "xml" {
			content := string(b[q : q+e])
			if v := procInstParam("version", content); v != "" && v != "1.0" {
				return 0, unsupported("XML version %q", v)
			}
			if enc := procInstParam("encoding", content); enc != "" && !equalFoldASCII(enc, "utf-8") {
				return 0, unsupported("XML encoding %q", enc)
			}
		}
		return q + e + 2, nil
	}
	if p+4 > len(b) {
		return 0, ErrNeedMore
	}
	if string(b[p:p+4]) == "<!--" {
		var b0, b1 byte
		for q := p + 4; q < len(b); q++ {
			c := b[q]
			if b0 == '-' && b1 == '-' {
				if c != '>' {
					return 0, sc.Syntax(q, "注释中不能出现 --")
				}
				return q + 1, nil
			}
			b0, b1 = b1, c
		}
		return 0, ErrNeedMore
	}
	if p+9 > len(b) {
		return 0, ErrNeedMore
	}
	if string(b[p:p+9]) == "<![CDATA[" {
		e := bytes.Index(b[p+9:], cdataEnd)
		if e < 0 {
			return 0, ErrNeedMore
		}
		if msg := checkChars(crlf(sc, b[p+9:p+9+e])); msg != "" {
			return 0, sc.Syntax(p, "%s", msg)
		}
		return p + 9 + e + 3, nil
	}
	return 0, unsupported("XML declaration %q", firstBytes(b[p:], 12))
}

// crlf is data with "\r\n" and "\r" made "\n", in scratch.
func crlf(sc *Scanner, data []byte) []byte {
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
