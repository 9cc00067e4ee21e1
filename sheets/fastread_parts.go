package sheets

// The package's small structural parts (relationships, workbook, styles),
// read whole and walked with the same scanner as the sheets.

import (
	"bytes"
	"io"

	"github.com/sheaf-dev/sheaf/sheets/xmlscan"
)

// checkRelsRoot refuses a relationships part excelize cannot decode.
func checkRelsRoot(e *xmlscan.Element) error {
	if e.Depth == 0 && (string(e.Local) != "Relationships" || e.NS(e.Prefix) != nsPackageRels) {
		return fallbackf("relationships root <%s> in %q", e.Local, e.NS(e.Prefix))
	}
	return nil
}

// walkSmall reads one of the package's small structural parts whole and
// calls elem for each of its start tags. What it cannot read is left to
// the careful reader, which reports it.
func (wb *streamWorkbook) walkSmall(name string, elem func(*xmlscan.Element) error) error {
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
	if err := xmlscan.Walk(buf.Bytes(), elem); err != nil {
		if isFallback(err) {
			return err // elem's
		}
		return fallbackf("%s: %v", name, scanError(err))
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
	err := wb.walkSmall("xl/styles.xml", func(e *xmlscan.Element) error {
		switch {
		case e.Depth == 0:
			if string(e.Local) != "styleSheet" || e.NS(e.Prefix) != nsMain {
				return fallbackf("style sheet root <%s> in %q", e.Local, e.NS(e.Prefix))
			}
		case e.Depth == 2 && string(e.Local) == "numFmt" && string(e.Parent) == "numFmts":
			f := customFmt{code: e.Attr("formatCode")}
			if v := e.Attr("numFmtId"); v != "" {
				id, ok := parseTrimmedInt([]byte(v))
				if !ok {
					return fallbackf("numFmtId=%q", v)
				}
				f.id = id
			}
			fmts = append(fmts, f)
		case e.Depth == 2 && string(e.Local) == "xf" && string(e.Parent) == "cellXfs":
			var id *int
			for i := range e.Tag.Attrs {
				if _, l := xmlscan.SplitName(e.Tag.Attrs[i].Name); string(l) == "numFmtId" {
					n, ok := parseTrimmedInt([]byte(e.Tag.Attrs[i].Value()))
					if !ok {
						return fallbackf("xf numFmtId=%q", e.Tag.Attrs[i].Val)
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
