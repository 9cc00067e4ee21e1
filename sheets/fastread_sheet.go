package sheets

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/sheaf-dev/sheaf/sheets/xmlscan"
)

// strictNS marks the namespaces of Strict OOXML, which excelize does not
// read.
var strictNS = []byte("purl.oclc.org/ooxml")

// readSheet reads one sheet, yielding its non-empty rows with the cells
// the merged ranges cover blanked.
func (wb *streamWorkbook) readSheet(sh streamSheet, merges []Merge, emit func(string, Row) error) error {
	r := &sheetReader{wb: wb, sheet: sh, emit: emit, cover: newMergeCover(merges)}
	if err := r.read(); err != nil {
		return wb.sheetDamaged(sh, err)
	}
	return nil
}

func (wb *streamWorkbook) sheetDamaged(sh streamSheet, err error) error {
	var cb callbackError
	if errors.As(err, &cb) {
		return cb.err
	}
	if isFallback(err) {
		return err
	}
	var big *partTooLargeError
	if errors.As(err, &big) {
		return unreadable(wb.file, "工作表%s过大（%s %v），请删去无关内容或拆分工作表后再报送", Quote(sh.name), sh.part, err)
	}
	return &sheetDamageError{sheet: sh.name, problem: problemDamaged(sh.part, err)}
}

// callbackError carries the row callback's own error through unchanged.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// sheetReader reads one sheet part. With prescan set it only looks for
// the merged ranges: it skips sheetData and yields nothing.
type sheetReader struct {
	wb      *streamWorkbook
	sheet   streamSheet
	emit    func(string, Row) error
	prescan bool
	cover   *mergeCover

	sc    xmlscan.Scanner
	items itemReader // scratch for inline strings
	// Elements open outside sheetData, their names copied out of the
	// sliding buffer.
	names    []byte
	nameEnds []int
	ctx      int // what the open child of the root is: ctxCols, ctxMerges
	rootMain bool
	// sheetData: not seen, inside, or done
	sheetData int

	cols    []colStyle
	merges  []Merge // found by the pre-scan
	masters map[int]sharedMaster
	rowNum  int // the last row's number

	// Scratch for the row being read.
	tag, ctag, vtag xmlscan.Tag
	cells           []rawCell
	text            []byte
	out             []byte
	refEnds         []int
	formulas        []string
	slab            []Cell // rows' cells are cut from it
}

const (
	ctxNone = iota
	ctxCols
	ctxMerges
)

const (
	sheetDataBefore = iota
	sheetDataInside
	sheetDataDone
)

// cellSlab is how many cells are allocated at once for rows' cells: fewer,
// larger allocations. A row keeps at most one slab alive.
const cellSlab = 256

// colStyle is a <col> element: the style of columns min…max.
type colStyle struct{ min, max, style int }

func (r *sheetReader) read() error {
	rc, err := r.wb.openPart(r.sheet.zf, &r.sc)
	if err != nil {
		return err
	}
	defer rc.Close()
	defer r.sc.Release()
	return scanError(r.sc.Run(r.step))
}

func (r *sheetReader) depth() int { return len(r.nameEnds) }

func (r *sheetReader) top() []byte {
	n := len(r.nameEnds)
	start := 0
	if n > 1 {
		start = r.nameEnds[n-2]
	}
	return r.names[start:r.nameEnds[n-1]]
}

func (r *sheetReader) push(name []byte) {
	r.names = append(r.names, name...)
	r.nameEnds = append(r.nameEnds, len(r.names))
}

func (r *sheetReader) pop() {
	r.nameEnds = r.nameEnds[:len(r.nameEnds)-1]
	if n := len(r.nameEnds); n > 0 {
		r.names = r.names[:r.nameEnds[n-1]]
	} else {
		r.names = r.names[:0]
	}
}

// localName is a name without its namespace prefix: encoding/xml matches
// excelize's untagged fields, and its row reader matches attributes, by it.
func localName(n []byte) []byte {
	_, local := xmlscan.SplitName(n)
	return local
}

// step consumes one token of the part, or one whole row.
func (r *sheetReader) step() error {
	sc := &r.sc
	b := sc.Bytes()
	q := sc.Pos()
	if r.sheetData == sheetDataInside {
		if r.prescan {
			return r.skipSheetData(q)
		}
		return r.sheetDataStep(q)
	}
	if q >= len(b) {
		if !sc.AtEOF() {
			return xmlscan.ErrNeedMore
		}
		if r.depth() > 0 {
			return sc.Truncated()
		}
		return io.EOF
	}
	if b[q] != '<' {
		e, err := sc.Text(q)
		if err != nil {
			return err
		}
		sc.SetPos(e)
		return nil
	}
	if q+1 >= len(b) {
		return xmlscan.ErrNeedMore
	}
	switch b[q+1] {
	case '!', '?':
		e, err := sc.Misc(q)
		if err != nil {
			return err
		}
		sc.SetPos(e)
		return nil
	case '/':
		if r.depth() == 0 {
			e, err := sc.Name(q+2, "</")
			if err != nil {
				return err
			}
			return sc.Syntax(q, "多余的结束标签 </%s>", b[q+2:e])
		}
		e, err := sc.EndTag(q, r.top())
		if err != nil {
			return err
		}
		r.pop()
		if r.depth() <= 1 {
			r.ctx = ctxNone
		}
		sc.SetPos(e)
		return nil
	}
	e, err := sc.StartTag(q, &r.tag)
	if err != nil {
		return err
	}
	t := &r.tag
	local := localName(t.Name)
	prefixed := len(local) != len(t.Name)
	switch d := r.depth(); {
	case d == 0:
		if prefixed {
			return fallbackf("prefixed root element <%s>", t.Name)
		}
		ns := ""
		for i := range t.Attrs {
			a := &t.Attrs[i]
			v := sc.AttrBytes(a)
			if bytes.Contains(v, strictNS) {
				return fallbackf("Strict OOXML namespace %s", v)
			}
			if string(a.Name) == "xmlns" {
				ns = string(v)
			}
		}
		r.rootMain = string(t.Name) == "worksheet" && ns == nsMain
	case string(local) == "sheetData":
		if d != 1 || prefixed || r.sheetData != sheetDataBefore {
			return fallbackf("<%s> where excelize does not look for it", t.Name)
		}
		sc.SetPos(e)
		if t.Empty {
			r.sheetData = sheetDataDone
		} else {
			r.sheetData = sheetDataInside
		}
		return nil
	case string(local) == "row" && r.sheetData == sheetDataBefore:
		return fallbackf("<%s> outside sheetData", t.Name)
	case d == 1:
		switch string(local) {
		case "cols", "mergeCells":
			if prefixed {
				return fallbackf("prefixed <%s>", t.Name)
			}
			if string(local) == "cols" {
				r.ctx = ctxCols
			} else {
				r.ctx = ctxMerges
				for i := range t.Attrs {
					if string(localName(t.Attrs[i].Name)) == "count" && !validInt(sc.AttrBytes(&t.Attrs[i]), 64) {
						return fallbackf("mergeCells count=%q", t.Attrs[i].Val)
					}
				}
			}
		}
	case d == 2 && r.ctx == ctxCols && string(local) == "col":
		if prefixed {
			return fallbackf("prefixed <%s>", t.Name)
		}
		if err := r.col(t); err != nil {
			return err
		}
	case d == 2 && r.ctx == ctxMerges && string(local) == "mergeCell" && r.prescan:
		if prefixed {
			return fallbackf("prefixed <%s>", t.Name)
		}
		if err := r.mergeCell(t); err != nil {
			return err
		}
	}
	if !t.Empty {
		r.push(t.Name)
	}
	sc.SetPos(e)
	return nil
}

// col reads a <col>: the style of a range of columns, which a number cell
// without a style of its own (nor of its row) takes.
func (r *sheetReader) col(t *xmlscan.Tag) error {
	c := colStyle{}
	for i := range t.Attrs {
		a := &t.Attrs[i]
		v := r.sc.AttrBytes(a)
		var ok bool
		switch string(localName(a.Name)) {
		case "min":
			c.min, ok = parseTrimmedInt(v)
		case "max":
			c.max, ok = parseTrimmedInt(v)
		case "style":
			c.style, ok = parseTrimmedInt(v)
		case "bestFit", "collapsed", "customWidth", "hidden", "phonetic":
			ok = validBool(v)
		case "outlineLevel":
			ok = validUint(v, 8)
		case "width":
			ok = validFloat(v)
		default:
			ok = true
		}
		if !ok {
			return fallbackf("<col %s=%q>", a.Name, a.Val)
		}
	}
	r.cols = append(r.cols, c)
	return nil
}

func parseTrimmedInt(v []byte) (int, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	return int(n), err == nil
}

// colStyleOf is the style of the first <col> covering col that has one, as
// excelize's prepareCellStyle finds it.
func (r *sheetReader) colStyleOf(col int) int {
	for _, c := range r.cols {
		if c.min <= col && col <= c.max && c.style != 0 {
			return c.style
		}
	}
	return 0
}

// mergeCell reads a merged range. Only plain "A1:B2" references (first
// cell top-left) are taken; anything else is left to the careful reader.
func (r *sheetReader) mergeCell(t *xmlscan.Tag) error {
	ref := ""
	for i := range t.Attrs {
		if string(localName(t.Attrs[i].Name)) == "ref" {
			ref = t.Attrs[i].Value()
		}
	}
	first, last, found := strings.Cut(ref, ":")
	if !found {
		last = first
	}
	c1, r1, ok1 := parseCellRef([]byte(first))
	c2, r2, ok2 := parseCellRef([]byte(last))
	if !ok1 || !ok2 || c2 < c1 || r2 < r1 {
		return fallbackf("merged range %q", ref)
	}
	r.merges = append(r.merges, Merge{Top: r1, Left: c1 - 1, Bottom: r2, Right: c2 - 1})
	return nil
}

// parseCellRef reads a cell reference written as excelize writes one back
// ("B7": upper-case letters, a row without leading zeros) within the sheet
// limits; anything else is left to the careful reader, whose lookups
// compare references as strings.
func parseCellRef(v []byte) (col, row int, ok bool) {
	i := 0
	for i < len(v) && 'A' <= v[i] && v[i] <= 'Z' {
		col = col*26 + int(v[i]-'A'+1)
		i++
		if i > 3 {
			return 0, 0, false
		}
	}
	if i == 0 || col > excelizeMaxCols {
		return 0, 0, false
	}
	row, ok = parseCount(v[i:])
	if !ok || row > excelizeMaxRows {
		return 0, 0, false
	}
	return col, row, true
}

// parseCount reads a positive decimal number without sign or leading zero.
func parseCount(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 9 || v[0] == '0' {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseIndex reads a non-negative decimal number: digits only.
func parseIndex(v []byte) (int, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
