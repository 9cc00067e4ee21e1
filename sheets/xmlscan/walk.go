package xmlscan

// Walking a small document held whole.

import (
	"bytes"
	"errors"
)

// Element is a start tag met walking a document, with where it stands.
type Element struct {
	Tag           *Tag
	Depth         int    // the root is 0
	Prefix, Local []byte // the element's name
	Parent        []byte // the parent's local name
	decls         []nsDecl
}

type nsDecl struct {
	prefix, uri string
	depth       int
}

// Attr is the decoded value of the element's last attribute with this
// local name, in any namespace, as encoding/xml fills an untagged field.
func (e *Element) Attr(local string) string {
	v := ""
	for i := range e.Tag.Attrs {
		if _, l := SplitName(e.Tag.Attrs[i].Name); string(l) == local {
			v = e.Tag.Attrs[i].Value()
		}
	}
	return v
}

// NS is the namespace a prefix (empty for the default) stands for here.
func (e *Element) NS(prefix []byte) string {
	for i := len(e.decls) - 1; i >= 0; i-- {
		if e.decls[i].prefix == string(prefix) {
			return e.decls[i].uri
		}
	}
	return ""
}

var (
	errTruncated   = errors.New("truncated")
	errStrayEnd    = errors.New("stray end tag")
	errMismatchEnd = errors.New("mismatched end tag")
)

// Walk reads the document in data and calls elem for each of its start
// tags, in order; an error from elem stops the walk and is returned as it
// is.
func Walk(data []byte, elem func(*Element) error) error {
	var sc Scanner
	sc.ResetBytes(data)
	var tag Tag
	var e Element
	var stack [][]byte // local names of the open elements
	var decls []nsDecl
	var err error
	for q := 0; q < len(data); {
		if data[q] != '<' {
			if q, err = sc.Text(q); err != nil {
				return err
			}
			continue
		}
		if q+1 >= len(data) {
			return errTruncated
		}
		switch data[q+1] {
		case '!', '?':
			if q, err = sc.Misc(q); err != nil {
				return err
			}
			continue
		case '/':
			if len(stack) == 0 {
				return errStrayEnd
			}
			e, err := sc.Name(q+2, "</")
			if err != nil {
				return err
			}
			if _, l := SplitName(data[q+2 : e]); !bytes.Equal(l, stack[len(stack)-1]) {
				return errMismatchEnd
			}
			if q, err = sc.EndTag(q, data[q+2:e]); err != nil {
				return err
			}
			stack = stack[:len(stack)-1]
			for len(decls) > 0 && decls[len(decls)-1].depth > len(stack) {
				decls = decls[:len(decls)-1]
			}
			continue
		}
		if q, err = sc.StartTag(q, &tag); err != nil {
			if errors.Is(err, ErrNeedMore) {
				return errTruncated
			}
			return err
		}
		depth := len(stack)
		for i := range tag.Attrs {
			a := &tag.Attrs[i]
			if string(a.Name) == "xmlns" {
				decls = append(decls, nsDecl{"", a.Value(), depth + 1})
			} else if p, l := SplitName(a.Name); string(p) == "xmlns" {
				decls = append(decls, nsDecl{string(l), a.Value(), depth + 1})
			}
		}
		e = Element{Tag: &tag, Depth: depth, decls: decls}
		e.Prefix, e.Local = SplitName(tag.Name)
		if depth > 0 {
			e.Parent = stack[depth-1]
		}
		if err := elem(&e); err != nil {
			return err
		}
		if tag.Empty {
			for len(decls) > 0 && decls[len(decls)-1].depth > depth {
				decls = decls[:len(decls)-1]
			}
		} else {
			stack = append(stack, e.Local)
		}
	}
	if len(stack) > 0 {
		return errTruncated
	}
	return nil
}
