package sources

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// readableName writes a file or folder name as a person can read it. A
// share mounted with the wrong character set shows names in the bytes of
// another encoding (GBK from a Windows server): such a name is decoded as
// GB18030 when every byte decodes to a printable character, and otherwise
// its invalid bytes are written \xNN. A valid UTF-8 name is returned as is.
func readableName(name string) string {
	if utf8.ValidString(name) {
		return name
	}
	if s, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil && printable(s) {
		return s
	}
	return escapeInvalid(name)
}

// printable reports whether s decoded cleanly: no replacement character
// (a byte the decoder did not understand) and no control character.
func printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// escapeInvalid keeps the valid UTF-8 of s and writes each other byte \xNN.
func escapeInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			fmt.Fprintf(&b, `\x%02X`, s[i])
			i++
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// validRel reports whether p is a relative path inside a folder: no empty,
// "." or ".." element, not absolute. Unlike fs.ValidPath it takes names
// in any encoding, since a share may show names that are not UTF-8.
func validRel(p string) bool {
	if p == "" || strings.ContainsRune(p, 0) {
		return false
	}
	for _, part := range strings.Split(p, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

// matchAny returns the first of patterns that matches p, or "".
func matchAny(patterns []string, p string) string {
	for _, pat := range patterns {
		if ok, _ := doublestar.Match(pat, p); ok {
			return pat
		}
	}
	return ""
}
