package config

import "strings"

// KeyLine is the line of a key path such as "rules[3].expr" in the file the
// configuration was read from, for packages that check a part of the
// configuration themselves (the rules' expressions) and report problems as
// FieldErrors. When the key itself is not written, it is the line of its
// closest written ancestor, as for Validate's errors; it is 0 when no line
// is known (a Config built in code).
func (c *Config) KeyLine(key string) int {
	if c == nil {
		return 0
	}
	if c.node == nil && c.raw != nil && !strings.HasPrefix(key, chunkedKey+"[") {
		// A key outside a long indicators list is found in the file
		// without the list: no need to parse 20,000 indicators again for
		// each rule that does not compile.
		if rest, _, ok := splitList(c.raw); ok {
			if root, fe := parseNode(rest); fe == nil {
				line, _ := lookup(root, key)
				return line
			}
		}
	}
	root := c.tree()
	if root == nil {
		return 0
	}
	line, _ := root.lookup(key)
	return line
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
