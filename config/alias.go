package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Parse reads a configuration from data as if it had been read from file
// (relative paths resolve against file's folder), validated as Load does.
func Parse(data []byte, file string) (*Config, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return parse(data, abs)
}

// ErrAliasKnown is returned by AddAlias when the indicator already has the
// label as its name or an alias.
var ErrAliasKnown = fmt.Errorf("the indicator already has this label")

// AddAlias adds label to the aliases of indicator id in the configuration
// text src, and returns the new text. Everything outside the edited line
// stays byte for byte as it was, comments and layout included: the label
// is spliced into the aliases list where it is written (a flow list
// [a, b] or a block list), or an aliases list is added after the name (in
// a flow mapping {id: …, name: …} or a block mapping).
func AddAlias(src []byte, id, label string) ([]byte, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return nil, fmt.Errorf("the label is empty")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("read the configuration: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, fmt.Errorf("the configuration is empty")
	}
	inds := mappingValue(doc.Content[0], "indicators")
	if inds == nil || inds.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("the configuration has no indicators list")
	}
	var item *yaml.Node
	for _, n := range inds.Content {
		if v := mappingValue(n, "id"); n.Kind == yaml.MappingNode && v != nil && v.Value == id {
			item = n
			break
		}
	}
	if item == nil {
		return nil, fmt.Errorf("no indicator %q in the catalogue", id)
	}
	name := mappingValue(item, "name")
	if name != nil && NormalizeName(name.Value) == NormalizeName(label) {
		return nil, ErrAliasKnown
	}
	e := &splicer{src: src, lines: bytes.SplitAfter(src, []byte("\n"))}
	if aliases := mappingValue(item, "aliases"); aliases != nil && !isNull(aliases) {
		if aliases.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("line %d: the aliases of %s are not a list", aliases.Line, id)
		}
		for _, a := range aliases.Content {
			if NormalizeName(a.Value) == NormalizeName(label) {
				return nil, ErrAliasKnown
			}
		}
		if aliases.Style&yaml.FlowStyle != 0 {
			return e.intoFlowList(aliases, label)
		}
		last := aliases.Content[len(aliases.Content)-1]
		// A new item under the last one, with its indentation and dash.
		line := e.lines[last.Line-1]
		prefix := line[:e.offset(last.Line, last.Column)-e.lineStart(last.Line)]
		return e.insertLine(last.Line, string(prefix)+yamlScalar(label)), nil
	}
	if mappingValue(item, "aliases") != nil {
		return nil, fmt.Errorf("the aliases of %s are written empty; write aliases: [] or remove the key", id)
	}
	if name == nil {
		return nil, fmt.Errorf("indicator %s has no name", id)
	}
	if item.Style&yaml.FlowStyle != 0 {
		end, err := e.scalarEnd(name)
		if err != nil {
			return nil, err
		}
		return e.insert(end, ", aliases: ["+yamlScalar(label)+"]"), nil
	}
	if name.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return nil, fmt.Errorf("line %d: the name of %s is a block scalar; add its aliases by hand", name.Line, id)
	}
	key := keyNode(item, "name")
	indent := strings.Repeat(" ", key.Column-1)
	if end, err := e.scalarEnd(name); err != nil || e.lineOf(end) != name.Line {
		return nil, fmt.Errorf("line %d: the name of %s runs over several lines; add its aliases by hand", name.Line, id)
	}
	return e.insertLine(name.Line, indent+"aliases: ["+yamlScalar(label)+"]"), nil
}

// splicer edits the configuration's text at positions the parser gave.
type splicer struct {
	src   []byte
	lines [][]byte // each with its newline
}

// lineStart is the byte offset of a 1-based line.
func (e *splicer) lineStart(line int) int {
	off := 0
	for _, l := range e.lines[:line-1] {
		off += len(l)
	}
	return off
}

// offset is the byte offset of a 1-based line and column, the column
// counted in characters as the parser counts it.
func (e *splicer) offset(line, col int) int {
	start := e.lineStart(line)
	l := e.lines[line-1]
	i := 0
	for c := 1; c < col && i < len(l); c++ {
		_, size := utf8.DecodeRune(l[i:])
		i += size
	}
	return start + i
}

// lineOf is the 1-based line of a byte offset.
func (e *splicer) lineOf(off int) int {
	for i, l := range e.lines {
		if off < len(l) {
			return i + 1
		}
		off -= len(l)
	}
	return len(e.lines)
}

func (e *splicer) insert(at int, text string) []byte {
	out := make([]byte, 0, len(e.src)+len(text))
	out = append(out, e.src[:at]...)
	out = append(out, text...)
	return append(out, e.src[at:]...)
}

// insertLine adds a line after a 1-based line.
func (e *splicer) insertLine(after int, text string) []byte {
	at := e.lineStart(after) + len(e.lines[after-1])
	nl := "\n"
	if bytes.HasSuffix(e.lines[after-1], []byte("\r\n")) {
		nl = "\r\n"
	}
	if !bytes.HasSuffix(e.lines[after-1], []byte("\n")) {
		return e.insert(at, nl+text)
	}
	return e.insert(at, text+nl)
}

// intoFlowList adds an item before the closing bracket of a flow list.
func (e *splicer) intoFlowList(list *yaml.Node, label string) ([]byte, error) {
	start := e.offset(list.Line, list.Column)
	if start >= len(e.src) || e.src[start] != '[' {
		return nil, fmt.Errorf("line %d: cannot find the aliases list's bracket", list.Line)
	}
	end := start
	if n := len(list.Content); n > 0 {
		var err error
		if end, err = e.scalarEnd(list.Content[n-1]); err != nil {
			return nil, err
		}
	}
	if len(list.Content) > 0 {
		// Right after the last item: spaces or a trailing comma before the
		// bracket stay where they are.
		return e.insert(end, ", "+yamlScalar(label)), nil
	}
	i := bytes.IndexByte(e.src[start:], ']')
	if i < 0 {
		return nil, fmt.Errorf("line %d: the aliases list is not closed", list.Line)
	}
	return e.insert(start+i, yamlScalar(label)), nil
}

// scalarEnd is the byte offset just after a scalar as written.
func (e *splicer) scalarEnd(n *yaml.Node) (int, error) {
	start := e.offset(n.Line, n.Column)
	s := e.src
	switch {
	case n.Kind != yaml.ScalarNode:
		return 0, fmt.Errorf("line %d: expected a single value", n.Line)
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := start + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := start + 1; i < len(s); i++ {
			if s[i] == '\'' {
				if i+1 < len(s) && s[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return 0, fmt.Errorf("line %d: a block scalar", n.Line)
	default:
		// A plain scalar on one line is written as its value reads.
		if bytes.HasPrefix(s[start:], []byte(n.Value)) {
			return start + len(n.Value), nil
		}
	}
	return 0, fmt.Errorf("line %d: cannot find where %q ends", n.Line, n.Value)
}

// mappingValue is the value of key in a mapping node, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	if k := keyNode(m, key); k != nil {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i] == k {
				return m.Content[i+1]
			}
		}
	}
	return nil
}

// keyNode is the key node of key in a mapping node, or nil.
func keyNode(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// plainLabel is a label YAML reads back as the same string when written
// plain inside a flow list: no indicator, separator or quote characters.
var plainLabel = regexp.MustCompile(`^[\p{Han}\p{L}（）、·《》“”][\p{Han}\p{L}\p{N}（）、·《》“”%‰/]*$`)

// yamlScalar writes a label as a YAML flow scalar: plain when it reads back
// as the same string, double-quoted otherwise.
func yamlScalar(s string) string {
	if plainLabel.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}
