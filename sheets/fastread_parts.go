package sheets

// The package's small structural parts (relationships, workbook, styles),
// read whole and walked with the same scanner as the sheets.

import (
	"bytes"
	"errors"
	"io"
)

// checkRelsRoot refuses a relationships part excelize cannot decode.
func checkRelsRoot(e *smallElem) error {
	if e.depth == 0 && (string(e.local) != "Relationships" || e.ns(e.prefix) != nsPackageRels) {
		return fallbackf("relationships root <%s> in %q", e.local, e.ns(e.prefix))
	}
	return nil
}

// smallElem is a start tag met walking a small part.
type smallElem struct {
	tag           *xmlTag
	depth         int    // the root is 0
	prefix, local []byte // the element's name
	parent        []byte // the parent's local name
	decls         []nsDecl
}

type nsDecl struct {
	prefix, uri string
	depth       int
}

// attr is the decoded value of the element's last attribute with this
// local name, in any namespace, as encoding/xml fills an untagged field.
func (e *smallElem) attr(local string) string {
	v := ""
	for i := range e.tag.attrs {
		if _, l := splitName(e.tag.attrs[i].name); string(l) == local {
			v = attrString(&e.tag.attrs[i])
		}
	}
	return v
}

// ns is the namespace a prefix (empty for the default) stands for here.
func (e *smallElem) ns(prefix []byte) string {
	for i := len(e.decls) - 1; i >= 0; i-- {
		if e.decls[i].prefix == string(prefix) {
			return e.decls[i].uri
		}
	}
	return ""
}

// splitName splits a name as encoding/xml does: ":x" and "x:" have no
// prefix.
func splitName(n []byte) (prefix, local []byte) {
	if i := bytes.IndexByte(n, ':'); i > 0 && i < len(n)-1 {
		return n[:i], n[i+1:]
	}
	return nil, n
}

// walkSmall reads one of the package's small structural parts whole and
// calls elem for each of its start tags. What it cannot read is left to
// the careful reader, which reports it.
func (wb *streamWorkbook) walkSmall(name string, elem func(*smallElem) error) error {
	zf := wb.entries[name]
	if zf == nil {
		return fallbackf("no %s", name)
	}
	if zf.UncompressedSize64 > 16<<20 {
		return fallbackf("%s is %d bytes", name, zf.UncompressedSize64)
	}
	rc, err := zf.Open()
	if err != nil {
		return fallbackf("%s: %v", name, err)
	}
	buf := bytes.NewBuffer(make([]byte, 0, zf.UncompressedSize64+bytes.MinRead))
	_, err = buf.ReadFrom(io.LimitReader(rc, 16<<20))
	rc.Close()
	if err != nil {
		return fallbackf("%s: %v", name, err)
	}
	data := buf.Bytes()
	sc := &xmlScan{buf: data, w: len(data), eof: true}
	var tag xmlTag
	var e smallElem
	var stack [][]byte // local names of the open elements
	var decls []nsDecl
	for q := 0; q < len(data); {
		if data[q] != '<' {
			if q, err = sc.text(q); err != nil {
				return fallbackf("%s: %v", name, err)
			}
			continue
		}
		if q+1 >= len(data) {
			return fallbackf("%s: truncated", name)
		}
		switch data[q+1] {
		case '!', '?':
			if q, err = sc.misc(q); err != nil {
				return fallbackf("%s: %v", name, err)
			}
			continue
		case '/':
			if len(stack) == 0 {
				return fallbackf("%s: stray end tag", name)
			}
			e, err := sc.name(q+2, "</")
			if err != nil {
				return fallbackf("%s: %v", name, err)
			}
			if _, l := splitName(data[q+2 : e]); !bytes.Equal(l, stack[len(stack)-1]) {
				return fallbackf("%s: mismatched end tag", name)
			}
			if q, err = sc.endTag(q, data[q+2:e]); err != nil {
				return fallbackf("%s: %v", name, err)
			}
			stack = stack[:len(stack)-1]
			for len(decls) > 0 && decls[len(decls)-1].depth > len(stack) {
				decls = decls[:len(decls)-1]
			}
			continue
		}
		if q, err = sc.startTag(q, &tag); err != nil {
			if errors.Is(err, errNeedMore) {
				return fallbackf("%s: truncated", name)
			}
			return fallbackf("%s: %v", name, err)
		}
		depth := len(stack)
		for i := range tag.attrs {
			a := &tag.attrs[i]
			if string(a.name) == "xmlns" {
				decls = append(decls, nsDecl{"", attrString(a), depth + 1})
			} else if p, l := splitName(a.name); string(p) == "xmlns" {
				decls = append(decls, nsDecl{string(l), attrString(a), depth + 1})
			}
		}
		e = smallElem{tag: &tag, depth: depth, decls: decls}
		e.prefix, e.local = splitName(tag.name)
		if depth > 0 {
			e.parent = stack[depth-1]
		}
		if err := elem(&e); err != nil {
			return err
		}
		if tag.empty {
			for len(decls) > 0 && decls[len(decls)-1].depth > depth {
				decls = decls[:len(decls)-1]
			}
		} else {
			stack = append(stack, e.local)
		}
	}
	if len(stack) > 0 {
		return fallbackf("%s: truncated", name)
	}
	return nil
}

// loadStyles reads the number format of every cell style (cellXfs) as the
// careful reader classifies it through excelize's GetStyle: a built-in id
// by its number, any other id by the last custom format with that id.
func (wb *streamWorkbook) loadStyles() error {
	if wb.entries["xl/styles.xml"] == nil {
		return nil // excelize reads a missing part as an empty style sheet
	}
	type customFmt struct {
		id   int
		code string
	}
	var fmts []customFmt
	var xfs []*int
	err := wb.walkSmall("xl/styles.xml", func(e *smallElem) error {
		switch {
		case e.depth == 0:
			if string(e.local) != "styleSheet" || e.ns(e.prefix) != nsMain {
				return fallbackf("style sheet root <%s> in %q", e.local, e.ns(e.prefix))
			}
		case e.depth == 2 && string(e.local) == "numFmt" && string(e.parent) == "numFmts":
			f := customFmt{code: e.attr("formatCode")}
			if v := e.attr("numFmtId"); v != "" {
				id, ok := parseTrimmedInt([]byte(v))
				if !ok {
					return fallbackf("numFmtId=%q", v)
				}
				f.id = id
			}
			fmts = append(fmts, f)
		case e.depth == 2 && string(e.local) == "xf" && string(e.parent) == "cellXfs":
			var id *int
			for i := range e.tag.attrs {
				if _, l := splitName(e.tag.attrs[i].name); string(l) == "numFmtId" {
					n, ok := parseTrimmedInt([]byte(attrString(&e.tag.attrs[i])))
					if !ok {
						return fallbackf("xf numFmtId=%q", e.tag.attrs[i].val)
					}
					id = &n
				}
			}
			xfs = append(xfs, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	codes := map[string]numFormat{}
	wb.styles = make([]numFormat, len(xfs))
	for i, id := range xfs {
		if id == nil {
			continue
		}
		if excelizeBuiltInNumFmt(*id) {
			wb.styles[i] = builtInNumFormat(*id)
			continue
		}
		code, found := "", false
		for _, f := range fmts {
			if f.id == *id {
				code, found = f.code, true
			}
		}
		if !found {
			continue
		}
		nf, ok := codes[code]
		if !ok {
			nf = classifyFormat(code)
			codes[code] = nf
		}
		wb.styles[i] = nf
	}
	return nil
}

// excelizeBuiltInNumFmt reports the ids excelize treats as built-in number
// formats (its builtInNumFmt table and isLangNumFmt), whatever a custom
// <numFmt> with the same id says.
func excelizeBuiltInNumFmt(id int) bool {
	return 0 <= id && id <= 4 || 9 <= id && id <= 22 || 37 <= id && id <= 49 ||
		27 <= id && id <= 36 || 50 <= id && id <= 62 || 67 <= id && id <= 81
}

// numFormatOf is the number format of cell style idx.
func (wb *streamWorkbook) numFormatOf(idx int) numFormat {
	if idx < 0 || idx >= len(wb.styles) {
		return numFormat{}
	}
	return wb.styles[idx]
}
