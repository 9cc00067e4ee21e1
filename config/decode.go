package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// decoder fills a Go value from a yaml.Node by walking both together, so
// that every problem can be reported with its key path and line. yaml.v3's
// own Node.Decode knows neither (and cannot refuse unknown keys).
type decoder struct {
	errs Errors
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.errs = append(d.errs, FieldError{Line: n.Line, Key: path, Msg: fmt.Sprintf(format, args...)})
}

// decode stores n into v (which must be addressable) and records problems.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	n = resolve(n)
	if isNull(n) {
		return // an empty value leaves the zero value; Validate says if it is required
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if err := v.Addr().Interface().(yaml.Unmarshaler).UnmarshalYAML(n); err != nil {
			d.fail(n, path, "%v", err)
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "expected a list, found %s", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.decode(item, s.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
		v.Set(s)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		before := len(d.errs)
		d.decode(n, p.Elem(), path)
		if len(d.errs) == before {
			v.Set(p)
		}
	default:
		d.decodeScalar(n, v, path)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping of keys, found %s", describe(n))
		return
	}
	// Merged mappings first, so that the keys written here win over them
	// wherever "<<" stands.
	for i := 0; i+1 < len(n.Content); i += 2 {
		if isMerge(n.Content[i]) {
			d.merge(n.Content[i+1], v, path)
		}
	}
	fields := yamlFields(v.Type())
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if isMerge(k) {
			continue
		}
		kp := join(path, k.Value)
		if first, ok := seen[k.Value]; ok {
			d.fail(k, kp, "key is repeated (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		idx, ok := fields[k.Value]
		if !ok {
			d.fail(k, kp, "unknown key %q (known: %s)", k.Value, strings.Join(knownKeys(v.Type()), ", "))
			continue
		}
		d.decode(val, v.Field(idx), kp)
	}
}

func isMerge(k *yaml.Node) bool { return k.Tag == "!!merge" }

// merge applies a YAML merge key ("<<: *defaults"): the merged mapping's
// keys are read as if written in place.
func (d *decoder) merge(val *yaml.Node, v reflect.Value, path string) {
	val = resolve(val)
	if val.Kind == yaml.SequenceNode {
		for _, m := range val.Content {
			d.decodeStruct(resolve(m), v, path)
		}
		return
	}
	d.decodeStruct(val, v, path)
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected a mapping of keys, found %s", describe(n))
		return
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(v.Type()))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		kp := join(path, k.Value)
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "expected a key, found %s", describe(k))
			continue
		}
		if first, ok := seen[k.Value]; ok {
			d.fail(k, kp, "key is repeated (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		key := reflect.New(v.Type().Key()).Elem()
		d.decodeScalar(k, key, kp)
		elem := reflect.New(v.Type().Elem()).Elem()
		d.decode(val, elem, kp)
		v.SetMapIndex(key, elem)
	}
}

func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	want := map[reflect.Kind]string{
		reflect.String: "a text", reflect.Bool: "true or false",
		reflect.Int: "a whole number", reflect.Float64: "a number",
	}[v.Kind()]
	if want == "" {
		want = "a " + v.Type().String()
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(n, path, "expected %s, found %s", want, describe(n))
		return
	}
	if v.Kind() == reflect.Int && n.ShortTag() == "!!float" {
		// yaml would take 1.5 as 1: a bad value is an error, never
		// another value.
		d.fail(n, path, "%s is not a whole number", n.Value)
		return
	}
	if err := n.Decode(v.Addr().Interface()); err != nil {
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			// required: "true", max_rows: "5000": the quotes make it text.
			var plain yaml.Node
			if yaml.Unmarshal([]byte(n.Value), &plain) == nil && len(plain.Content) == 1 &&
				plain.Content[0].Decode(reflect.New(v.Type()).Interface()) == nil {
				d.fail(n, path, "%q is text because of its quotes: write %s without them", n.Value, n.Value)
				return
			}
		}
		d.fail(n, path, "%q is not %s", n.Value, want)
	}
}

// yamlFields maps the yaml keys of a struct type to field indexes, made
// once per type (a catalogue decodes 20,000 indicators).
func yamlFields(t reflect.Type) map[string]int {
	if m, ok := fieldsOf.Load(t); ok {
		return m.(map[string]int)
	}
	m := map[string]int{}
	for i := range t.NumField() {
		if name := yamlName(t.Field(i)); name != "" {
			m[name] = i
		}
	}
	fieldsOf.Store(t, m)
	return m
}

// fieldsOf holds yamlFields of each type seen; its maps are only read.
var fieldsOf sync.Map

func knownKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if name := yamlName(t.Field(i)); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}

func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return strings.ToLower(f.Name)
	}
	return name
}

func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return resolve(n.Content[0])
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping of keys"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// lookup finds the node at a key path such as "indicators[3].owner" and
// reports the line of the deepest part of the path that exists: the line of
// the key itself, or of its closest written ancestor when it is missing.
// found says whether the whole path exists.
func lookup(root *yaml.Node, path string) (line int, found bool) {
	n := resolve(root)
	if n == nil {
		return 0, false
	}
	line = n.Line
	for _, seg := range splitPath(path) {
		n = resolve(n)
		if n.Kind == yaml.SequenceNode {
			idx, err := strconv.Atoi(seg)
			if err != nil || idx < 0 || idx >= len(n.Content) {
				return line, false
			}
			n = n.Content[idx]
			line = n.Line
			continue
		}
		if n.Kind != yaml.MappingNode {
			return line, false
		}
		k, v := findKey(n, seg)
		if k == nil {
			return line, false
		}
		line, n = k.Line, v
	}
	return line, true
}

// findKey finds key in a mapping, looking through merge keys too.
func findKey(m *yaml.Node, key string) (k, v *yaml.Node) {
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
		if isMerge(m.Content[i]) {
			mv := resolve(m.Content[i+1])
			if mv.Kind == yaml.SequenceNode {
				merged = append(merged, mv.Content...)
			} else {
				merged = append(merged, mv)
			}
		}
	}
	for _, mm := range merged {
		if mm = resolve(mm); mm.Kind == yaml.MappingNode {
			if k, v := findKey(mm, key); k != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// splitPath splits "a.b[2].c" into "a", "b", "2", "c".
func splitPath(path string) []string {
	var segs []string
	for part := range strings.SplitSeq(path, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if name != "" {
			segs = append(segs, name)
		}
		for rest != "" {
			var idx string
			idx, rest, _ = strings.Cut(rest, "]")
			segs = append(segs, idx)
			rest = strings.TrimPrefix(rest, "[")
		}
	}
	return segs
}
