package config

import "strings"

// KeyLine is the line of a key path such as "rules[3].expr" in the file the
// configuration was read from, for packages that check a part of the
// configuration themselves (the rules' expressions) and report problems as
// FieldErrors. When the key itself is not written, it is the line of its
// closest written ancestor, as for Validate's errors; it is 0 when no line
// is known (a Config built in code). KeyLines finds many keys with one
// parse of the file.
func (c *Config) KeyLine(key string) int { return c.KeyLines()(key) }

// KeyLines returns KeyLine for many keys: the file is parsed again at most
// once for them all. A key outside a long indicators list is found in the
// file without the list, so that 20,000 indicators are not parsed again
// for the rules that do not compile.
func (c *Config) KeyLines() func(key string) int {
	if c == nil {
		return func(string) int { return 0 }
	}
	var rest, whole *doc
	restTried := false
	return func(key string) int {
		if c.node == nil && c.raw != nil && !strings.HasPrefix(key, chunkedKey+"[") {
			if !restTried {
				restTried = true
				if text, _, ok := splitList(c.raw); ok {
					if root, fe := parseNode(text); fe == nil {
						rest = &doc{root: root}
					}
				}
			}
			if rest != nil {
				line, _ := rest.lookup(key)
				return line
			}
		}
		if whole == nil {
			whole = c.tree()
		}
		line, _ := whole.lookup(key)
		return line
	}
}

// tree is the parsed file: the tree kept while loading, or the file's text
// parsed again; nil for a Config built in code.
func (c *Config) tree() *doc {
	if c.node != nil || c.raw == nil {
		return c.node
	}
	d, err := parseDoc(c.raw, nil)
	if err != nil {
		return nil
	}
	return d
}
