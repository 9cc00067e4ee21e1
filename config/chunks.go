package config

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A prefecture's catalogue has tens of thousands of indicators, and
// yaml.v3 holds a whole file as a tree of nodes while it decodes it: 55 MB
// for 20,000 indicators (2.5 MB of YAML), more than a sync needs. A long
// block list under the top-level "indicators" key is therefore parsed a
// chunk of items at a time: each chunk is decoded and dropped, and only
// the line of every key of every item is kept, for messages. Anything the
// split cannot be sure of (a chunk that does not parse alone, an alias to
// an anchor outside its chunk, an item count that does not match) falls
// back to parsing the file whole, so the result never differs.

// chunkedKey is the top-level key whose list is read in chunks.
const chunkedKey = "indicators"

// chunkItems is how many items one chunk holds; chunkMin is the shortest
// list read in chunks (a short one costs little memory whole). Variables
// so that tests can chunk small files.
var chunkItems, chunkMin = 500, 1000

// doc is a parsed configuration file: its tree and, when the indicators
// list was read in chunks, the lines of that list's items, which the tree
// then leaves out.
type doc struct {
	root *yaml.Node
	// items[i] are the lines of indicators[i]'s keys when chunked; nil
	// when the tree holds the whole list.
	items []itemLines
}

// itemLines are the lines of one list item's keys: paths relative to the
// item ("" for the item itself, "name", "periods[1]"), each with its line.
type itemLines struct {
	paths []string
	lines []int32
}

// lookup is the line of a key path such as "indicators[3].name" and
// whether it is written; when it is not, the line of its closest written
// ancestor (see the package-level lookup). A nil doc knows no lines.
func (d *doc) lookup(path string) (int, bool) {
	if d == nil {
		return 0, false
	}
	if d.items != nil {
		if rest, ok := strings.CutPrefix(path, chunkedKey+"["); ok {
			num, rel, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(num)
			if err == nil && i >= 0 && i < len(d.items) {
				return d.items[i].lookup(strings.TrimPrefix(rel, "."))
			}
			line, _ := lookup(d.root, chunkedKey)
			return line, false
		}
	}
	return lookup(d.root, path)
}

// lookup finds rel, or its closest written ancestor, among the item's keys.
func (it *itemLines) lookup(rel string) (int, bool) {
	for exact := true; ; exact = false {
		for i, p := range it.paths {
			if p == rel {
				return int(it.lines[i]), exact
			}
		}
		if rel == "" {
			return 0, false
		}
		rel = parentPath(rel)
	}
}

// parentPath is the path one level up: "a.b[2]" → "a.b", "a.b" → "a", "a" → "".
func parentPath(p string) string {
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

// parseDoc parses exactly one YAML document, the indicators list in chunks
// when it is long. Each item of a chunked list is passed to item (when not
// nil) with its index, the list's length and its lines already those of the
// file, before its chunk is dropped. When a chunk turns out not to parse
// alone, the file is parsed whole and the doc's items are nil: the caller
// forgets what item was given.
func parseDoc(data []byte, item func(i, total int, n *yaml.Node)) (*doc, *FieldError) {
	if rest, chunks, ok := splitList(data); ok {
		if d, ok := parseChunked(rest, chunks, item); ok {
			return d, nil
		}
	}
	root, fe := parseNode(data)
	if fe != nil {
		return nil, fe
	}
	return &doc{root: root}, nil
}

// chunk is a run of list items: the text of their lines and the file's
// line number of the first.
type chunk struct {
	text  []byte
	line  int
	items int
}

// parseChunked parses the document without its list (rest) and then each
// chunk; ok is false when any part fails to parse alone or gives another
// number of items than its lines begin, so that the caller parses whole.
func parseChunked(rest []byte, chunks []chunk, item func(i, total int, n *yaml.Node)) (*doc, bool) {
	root, fe := parseNode(rest)
	if fe != nil {
		return nil, false
	}
	total := 0
	for _, ch := range chunks {
		total += ch.items
	}
	d := &doc{root: root, items: make([]itemLines, 0, total)}
	intern := map[string]string{}
	// The next chunk is parsed on a goroutine of its own while this one's
	// items are decoded: a 20,000-indicator catalogue loads in 0.3 s, not
	// 0.5. Two chunks' nodes at most are held.
	type parsed struct {
		items []*yaml.Node
		ok    bool
	}
	next := make(chan parsed, 1)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(next)
		for _, ch := range chunks {
			items, ok := parseChunk(ch)
			select {
			case next <- parsed{items, ok}:
			case <-stop:
				return
			}
			if !ok {
				return
			}
		}
	}()
	for p := range next {
		items, ok := p.items, p.ok
		if !ok {
			return nil, false
		}
		for _, n := range items {
			if item != nil {
				item(len(d.items), total, n)
			}
			var il itemLines
			il.record(n, "", intern)
			d.items = append(d.items, il)
		}
	}
	return d, true
}

// parseChunk parses one chunk's items and moves their lines to the file's.
func parseChunk(ch chunk) ([]*yaml.Node, bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(ch.text, &root); err != nil {
		return nil, false
	}
	m := resolve(&root)
	if m == nil || m.Kind != yaml.MappingNode || len(m.Content) != 2 || m.Content[0].Value != chunkedKey {
		return nil, false
	}
	seq := m.Content[1]
	if seq.Kind != yaml.SequenceNode || len(seq.Content) != ch.items {
		return nil, false
	}
	// The chunk's text is the key line, then the items from the file's
	// line ch.line: its line 2 is the file's ch.line.
	for _, n := range seq.Content {
		shiftLines(n, ch.line-2)
	}
	return seq.Content, true
}

// shiftLines adds by to the line of n and every node under it.
func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// record keeps the line of n under path and of every key below it, as the
// package-level lookup would find them: a mapping's own keys before the
// keys it merges, the first of each.
func (it *itemLines) record(n *yaml.Node, path string, intern map[string]string) {
	it.add(path, n.Line, intern)
	it.below(n, path, intern)
}

func (it *itemLines) below(n *yaml.Node, path string, intern map[string]string) {
	n = resolve(n)
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, c := range n.Content {
			it.record(c, path+"["+strconv.Itoa(i)+"]", intern)
		}
	case yaml.MappingNode:
		var merged []*yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if isMerge(k) {
				mv := resolve(v)
				if mv != nil && mv.Kind == yaml.SequenceNode {
					merged = append(merged, mv.Content...)
				} else {
					merged = append(merged, mv)
				}
				continue
			}
			kp := join(path, k.Value)
			if it.has(kp) {
				continue
			}
			it.add(kp, k.Line, intern)
			it.below(v, kp, intern)
		}
		for _, mm := range merged {
			it.below(mm, path, intern)
		}
	}
}

func (it *itemLines) has(path string) bool {
	for _, p := range it.paths {
		if p == path {
			return true
		}
	}
	return false
}

func (it *itemLines) add(path string, line int, intern map[string]string) {
	s, ok := intern[path]
	if !ok {
		s = path
		intern[s] = s
	}
	it.paths = append(it.paths, s)
	it.lines = append(it.lines, int32(line))
}

// splitList finds a long block list under the top-level "indicators" key
// and returns the file with that list's lines emptied (so that every other
// line keeps its number) and the list's items in chunks. ok is false when
// there is no such list or its shape is not plain enough to be sure.
func splitList(data []byte) (rest []byte, chunks []chunk, ok bool) {
	type line struct{ start, end int }
	var lines []line
	for start := 0; start < len(data); {
		end := bytes.IndexByte(data[start:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += start
		}
		lines = append(lines, line{start, end})
		start = end + 1
	}
	text := func(i int) []byte { return bytes.TrimSuffix(data[lines[i].start:lines[i].end], []byte("\r")) }
	keyLine := -1
	for i := range lines {
		t := text(i)
		if bytes.HasPrefix(t, []byte("---")) || bytes.HasPrefix(t, []byte("...")) {
			return nil, nil, false // several documents or markers: parse whole
		}
		if isListKey(t) {
			if keyLine >= 0 {
				return nil, nil, false // written twice: the whole parse says so
			}
			keyLine = i
		}
	}
	if keyLine < 0 {
		return nil, nil, false
	}
	// The items: lines from the first "- " at the list's indent to the
	// first line less indented (or, at indent 0, not an item).
	indent := -1
	var starts []int
	end := len(lines)
	for i := keyLine + 1; i < len(lines); i++ {
		t := text(i)
		trimmed := bytes.TrimLeft(t, " ")
		if len(trimmed) == 0 || trimmed[0] == '#' {
			continue
		}
		if bytes.IndexByte(t[:len(t)-len(trimmed)], '\t') >= 0 || trimmed[0] == '\t' {
			return nil, nil, false
		}
		n := len(t) - len(trimmed)
		isItem := trimmed[0] == '-' && (len(trimmed) == 1 || trimmed[1] == ' ')
		if indent < 0 {
			if !isItem {
				return nil, nil, false // not a block list
			}
			indent = n
		}
		switch {
		case n == indent && isItem:
			starts = append(starts, i)
			continue
		case n > indent:
			continue
		case n == 0 && topKeyRe.Match(t):
			end = i
		default:
			return nil, nil, false // the list does not end at a plain key
		}
		break
	}
	if len(starts) < chunkMin {
		return nil, nil, false
	}
	head := []byte(chunkedKey + ":\n")
	for c := 0; c < len(starts); c += chunkItems {
		last := min(c+chunkItems, len(starts))
		// Each chunk's text ends as the file does there: with the line
		// break before the next item or key, or at the end of the file
		// without one (a block scalar's last line break is its content).
		from, to := lines[starts[c]].start, len(data)
		switch {
		case last < len(starts):
			to = lines[starts[last]].start
		case end < len(lines):
			to = lines[end].start
		}
		body := data[from:to]
		t := make([]byte, 0, len(head)+len(body))
		t = append(append(t, head...), body...)
		chunks = append(chunks, chunk{text: t, line: starts[c] + 1, items: last - c})
	}
	// The rest: the file with the list's lines left empty.
	rest = make([]byte, 0, len(data))
	rest = append(rest, data[:lines[starts[0]].start]...)
	for i := starts[0]; i < end; i++ {
		rest = append(rest, '\n')
	}
	if end < len(lines) {
		rest = append(rest, data[lines[end].start:]...)
	}
	return rest, chunks, true
}

// topKeyRe is a plain top-level key, where a chunked list may end.
var topKeyRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*:( |$)`)

// isListKey says whether a line is the top-level key "indicators:" with
// nothing after it but a comment.
func isListKey(t []byte) bool {
	rest, ok := bytes.CutPrefix(t, []byte(chunkedKey+":"))
	if !ok {
		return false
	}
	trimmed := bytes.TrimLeft(rest, " ")
	return len(trimmed) == 0 || trimmed[0] == '#' && len(trimmed) < len(rest)
}
