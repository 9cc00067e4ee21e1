package sheets

// Rows and cells: a complete <row> parsed from the sliding buffer, then the
// values excelize's GetRows gives for it and the cells the careful reader
// makes of those.

import (
	"bytes"
	"strconv"

	"github.com/sheaf-dev/sheaf/sheets/xmlscan"
)

// Names the row reader compares against; vTag is <v> as every writer
// writes it, without attributes.
var (
	nameSheetData = []byte("sheetData")
	nameRow       = []byte("row")
	nameC         = []byte("c")
	vTag          = xmlscan.Tag{Name: []byte("v")}
)

// sharedMaster is the cell holding a shared formula's text.
type sharedMaster struct {
	formula  string
	col, row int
}

// The t attribute of a cell, as excelize tells the types apart.
const (
	tNumber = iota // absent, "n" or anything unknown
	tShared        // "s"
	tStr           // "str"
	tInline        // "inlineStr"
	tBool          // "b"
	tError         // "e"
	tDate          // "d"
)

// rawCell is one <c> as read.
type rawCell struct {
	col   int
	style int
	t     uint8
	hasV  bool
	hasF  bool
	hasIS bool
	// formula
	fShared bool // t="shared" with an si
	fMaster bool // … and a ref: it holds the text
	fSi     int
	v, f    [2]int // spans of r.text
	is      [2]int
	// the value excelize's GetRows yields: a span of r.text, or a shared
	// string
	val    [2]int
	valSST int // index into the shared strings, or -1
	// the formula, in r.formulas; rawCell holds no pointer, so that
	// appending cells costs no write barriers
	formula int
	// calc: a formula without a cached value, computed (its result is
	// val) or not (formulaCalc)
	calc uint8
}

// rawCell.calc
const (
	calcNone = iota
	calcDone
	calcFailed
)

func (c *rawCell) nonEmpty(r *sheetReader) bool {
	if c.valSST >= 0 {
		return r.wb.sst[c.valSST] != ""
	}
	return c.val[1] > c.val[0]
}

// numberFormat sets what a number cell's format says: the cell's style,
// else its row's, else its column's.
func (r *sheetReader) numberFormat(out *Cell, c *rawCell, rowStyle int) {
	st := c.style
	if st == 0 {
		st = rowStyle
	}
	if st == 0 {
		st = r.colStyleOf(c.col)
	}
	r.wb.numFormatOf(st).apply(out)
	out.Date1904 = out.Date && r.wb.date1904
}

// sheetDataStep consumes the next row, or the end of sheetData.
func (r *sheetReader) sheetDataStep(q int) error {
	sc := &r.sc
	b := sc.Bytes()
	for q < len(b) && xmlscan.IsSpace(b[q]) {
		q++
	}
	sc.SetPos(q)
	if q+1 >= len(b) {
		return xmlscan.ErrNeedMore
	}
	if b[q] != '<' {
		e, err := sc.Text(q)
		if err != nil {
			return err
		}
		sc.SetPos(e)
		return nil
	}
	switch b[q+1] {
	case '/':
		e, err := sc.EndTag(q, nameSheetData)
		if err != nil {
			return err
		}
		r.sheetData = sheetDataDone
		sc.SetPos(e)
		return nil
	case '!', '?':
		return fallbackf("comment or declaration inside sheetData")
	}
	isRow, err := sc.IsStartOf(q, "row")
	if err != nil {
		return err
	}
	if !isRow {
		e, err := sc.Name(q+1, "<")
		if err != nil {
			return err
		}
		return fallbackf("<%s> inside sheetData", b[q+1:e])
	}
	e, err := r.row(q)
	if err != nil {
		return err
	}
	sc.SetPos(e)
	return nil
}

// row parses the row at buf[p] and hands it on. Nothing it does before the
// row is complete outlives a restart.
func (r *sheetReader) row(p int) (int, error) {
	sc := &r.sc
	q, err := sc.StartTag(p, &r.tag)
	if err != nil {
		return 0, err
	}
	num, style := 0, 0
	hasR, hasS, hidden := false, false, false
	for i := range r.tag.Attrs {
		a := &r.tag.Attrs[i]
		v := sc.AttrBytes(a)
		ok := true
		switch string(localName(a.Name)) {
		case "r":
			if hasR {
				return 0, fallbackf("row with two r attributes")
			}
			hasR = true
			num, ok = parseCount(v)
		case "s":
			if hasS {
				return 0, fallbackf("row with two s attributes")
			}
			hasS = true
			style, ok = parseIndex(v)
		case "hidden":
			hidden, ok = parseXMLBool(v)
		case "customFormat", "customHeight", "collapsed", "thickTop", "thickBot", "ph":
			ok = validBool(v)
		case "ht":
			ok = validFloat(v)
		case "outlineLevel":
			ok = validUint(v, 8)
		}
		if !ok {
			return 0, fallbackf("<row %s=%q>", a.Name, a.Val)
		}
	}
	if !hasR {
		num = r.rowNum + 1
		// excelize re-creates a row without r from its cells alone: the
		// row's own style and hidden state are lost.
		style, hidden = 0, false
	}
	if num <= r.rowNum || num > excelizeMaxRows {
		return 0, fallbackf("row %d after row %d", num, r.rowNum)
	}
	r.cells = r.cells[:0]
	r.text = r.text[:0]
	if !r.tag.Empty {
		for {
			if q, err = sc.Text(q); err != nil {
				return 0, err
			}
			b := sc.Bytes()
			if q+1 >= len(b) {
				return 0, xmlscan.ErrNeedMore
			}
			switch b[q+1] {
			case '/':
				if q, err = sc.EndTag(q, nameRow); err != nil {
					return 0, err
				}
				goto done
			case '!', '?':
				return 0, fallbackf("comment or declaration inside a row")
			}
			isC, err := sc.IsStartOf(q, "c")
			if err != nil {
				return 0, err
			}
			if !isC {
				e, err := sc.Name(q+1, "<")
				if err != nil {
					return 0, err
				}
				return 0, fallbackf("<%s> inside a row", b[q+1:e])
			}
			if q, err = r.cell(q, num, hasR); err != nil {
				return 0, err
			}
		}
	}
done:
	r.rowNum = num
	if err := r.finishRow(num, style, hidden); err != nil {
		return 0, err
	}
	return q, nil
}

// cell parses the <c> at buf[p] onto r.cells.
func (r *sheetReader) cell(p, rowNum int, rowHasR bool) (int, error) {
	sc := &r.sc
	q, err := sc.StartTag(p, &r.ctag)
	if err != nil {
		return 0, err
	}
	prev := 0
	if n := len(r.cells); n > 0 {
		prev = r.cells[n-1].col
	}
	c := rawCell{fSi: -1, valSST: -1, formula: -1}
	var seen [3]bool
	for i := range r.ctag.Attrs {
		a := &r.ctag.Attrs[i]
		v := sc.AttrBytes(a)
		ok := true
		switch string(localName(a.Name)) {
		case "r":
			if seen[0] {
				return 0, fallbackf("cell with two r attributes")
			}
			seen[0] = true
			var row int
			c.col, row, ok = parseCellRef(v)
			if ok && row != rowNum {
				return 0, fallbackf("cell %s in row %d", v, rowNum)
			}
		case "s":
			if seen[1] {
				return 0, fallbackf("cell with two s attributes")
			}
			seen[1] = true
			c.style, ok = parseIndex(v)
		case "t":
			if seen[2] {
				return 0, fallbackf("cell with two t attributes")
			}
			seen[2] = true
			c.t = cellType(v)
		case "cm", "vm":
			ok = validUint(v, 64)
		case "ph":
			ok = validBool(v)
		}
		if !ok {
			return 0, fallbackf("<c %s=%q>", a.Name, a.Val)
		}
	}
	if !seen[0] {
		c.col = prev + 1
		// excelize places a cell without r in a row without r by its
		// position among the row's cells.
		if !rowHasR && c.col != len(r.cells)+1 {
			return 0, fallbackf("cell without r after a gap in a row without r")
		}
	}
	if c.col <= prev || c.col > excelizeMaxCols {
		return 0, fallbackf("cell in column %d after column %d", c.col, prev)
	}
	if !r.ctag.Empty {
		ct := &r.vtag
		for {
			if q, err = sc.Text(q); err != nil {
				return 0, err
			}
			b := sc.Bytes()
			if q+2 >= len(b) {
				return 0, xmlscan.ErrNeedMore
			}
			switch b[q+1] {
			case '/':
				if q, err = sc.EndTag(q, nameC); err != nil {
					return 0, err
				}
				r.cells = append(r.cells, c)
				return q, nil
			case '!', '?':
				return 0, fallbackf("comment or declaration inside a cell")
			case 'v':
				if b[q+2] != '>' {
					break
				}
				// <v>, as every writer writes it: no attributes.
				if c.hasV {
					return 0, fallbackf("cell with two <v>")
				}
				c.hasV = true
				if q, c.v, err = r.body(q+3, &vTag); err != nil {
					return 0, err
				}
				continue
			case 'i':
				isIS, err := sc.IsStartOf(q, "is")
				if err != nil {
					return 0, err
				}
				if !isIS {
					break
				}
				if c.hasIS {
					return 0, fallbackf("cell with two <is>")
				}
				c.hasIS = true
				s := len(r.text)
				if r.text, q, err = r.items.read(sc, q, ct, r.text); err != nil {
					return 0, err
				}
				c.is = [2]int{s, len(r.text)}
				continue
			}
			if q, err = sc.StartTag(q, ct); err != nil {
				return 0, err
			}
			switch string(ct.Name) {
			case "v":
				if c.hasV {
					return 0, fallbackf("cell with two <v>")
				}
				c.hasV = true
				if q, c.v, err = r.body(q, ct); err != nil {
					return 0, err
				}
			case "f":
				if c.hasF {
					return 0, fallbackf("cell with two <f>")
				}
				c.hasF = true
				if err := r.formulaAttrs(&c, ct); err != nil {
					return 0, err
				}
				if q, c.f, err = r.body(q, ct); err != nil {
					return 0, err
				}
			default:
				return 0, fallbackf("<%s> inside a cell", ct.Name)
			}
		}
	}
	r.cells = append(r.cells, c)
	return q, nil
}

// body reads the character data of the element whose start tag t ended
// at p onto r.text, through its end tag, and returns its span.
func (r *sheetReader) body(p int, t *xmlscan.Tag) (int, [2]int, error) {
	s := len(r.text)
	var q int
	var err error
	r.text, q, err = textBody(&r.sc, p, t, r.text)
	return q, [2]int{s, len(r.text)}, err
}

func (r *sheetReader) formulaAttrs(c *rawCell, t *xmlscan.Tag) error {
	shared := false
	si, hasSi := 0, false
	for i := range t.Attrs {
		a := &t.Attrs[i]
		v := r.sc.AttrBytes(a)
		ok := true
		switch string(localName(a.Name)) {
		case "t":
			shared = string(v) == "shared"
		case "ref":
			c.fMaster = len(v) > 0
		case "si":
			if hasSi {
				return fallbackf("formula with two si attributes")
			}
			si, ok = parseIndex(v)
			hasSi = true
		case "aca", "dt2D", "dtr", "del1", "del2", "ca", "bx":
			ok = validBool(v)
		}
		if !ok {
			return fallbackf("<f %s=%q>", a.Name, a.Val)
		}
	}
	if shared && hasSi {
		c.fShared, c.fSi = true, si
	} else {
		c.fMaster = false
	}
	return nil
}

func cellType(v []byte) uint8 {
	switch string(v) {
	case "s":
		return tShared
	case "str":
		return tStr
	case "inlineStr":
		return tInline
	case "b":
		return tBool
	case "e":
		return tError
	case "d":
		return tDate
	}
	return tNumber
}

// cellClass is what decides a cell's kind in the careful reader: its type
// as GetCellType reports it.
func cellClass(t uint8) uint8 {
	switch t {
	case tShared, tStr, tInline:
		return 1
	case tBool:
		return 2
	case tError:
		return 3
	case tDate:
		return 4
	}
	return 0
}

// finishRow works out, for a complete row, the values excelize's GetRows
// gives and then the cells the careful reader makes of them, and yields the
// row if any cell holds something.
//
// Cells a merged range covers are yielded empty, whatever the file holds
// there, and do not make a row non-empty.
func (r *sheetReader) finishRow(num, rowStyle int, hidden bool) error {
	wb := r.wb
	active := r.cover.row(num)
	dense := 0
	for i := range r.cells {
		c := &r.cells[i]
		switch {
		case c.t == tShared:
			v := r.text[c.v[0]:c.v[1]]
			if len(v) == 0 {
				c.val = c.v
				break
			}
			idx, ok := parseIndex(bytes.TrimSpace(v))
			if !ok {
				return fallbackf("shared-string index %q", v)
			}
			switch {
			case idx < len(wb.sst):
				c.valSST = idx
			case wb.sstTemp:
				s := len(r.text)
				r.text = strconv.AppendInt(r.text, int64(idx), 10)
				c.val = [2]int{s, len(r.text)}
			default:
				c.val = c.v // a dangling index reads as written
			}
		case c.t == tInline && c.hasIS:
			c.val = c.is
		default:
			c.val = c.v
		}
		if c.hasF || c.nonEmpty(r) {
			dense = c.col
		}
	}
	if dense == 0 {
		return nil
	}
	if !r.rootMain {
		// The careful reader's cell lookups decode the sheet as a
		// Transitional <worksheet>, and fail on anything else.
		return fallbackf("cells in a part whose root is not a Transitional worksheet")
	}
	// Formulas: shared ones as excelize translates them from the cell that
	// holds the text.
	r.formulas = r.formulas[:0]
	for i := range r.cells {
		c := &r.cells[i]
		if !c.hasF {
			continue
		}
		var formula string
		if !c.fShared {
			formula = string(r.text[c.f[0]:c.f[1]])
		} else {
			if c.fMaster {
				if _, ok := r.masters[c.fSi]; !ok {
					if r.masters == nil {
						r.masters = map[int]sharedMaster{}
					}
					r.masters[c.fSi] = sharedMaster{formula: string(r.text[c.f[0]:c.f[1]]), col: c.col, row: num}
				}
			}
			m, ok := r.masters[c.fSi]
			if !ok {
				return fallbackf("shared formula %d used before its text in %s", c.fSi, CellName(c.col-1, num))
			}
			formula = convertSharedFormula(m, c.col, num)
		}
		c.formula = len(r.formulas)
		r.formulas = append(r.formulas, formula)
		if formula != "" && !c.nonEmpty(r) && !coveredBy(active, num, c.col-1) {
			// No cached value: computed as the careful reader computes it
			// (formulaCalc), the result taking the place of the value.
			v, ok := wb.calc.value(r.sheet.name, CellName(c.col-1, num))
			c.calc = calcDone
			if !ok {
				c.calc, v = calcFailed, ""
			}
			s := len(r.text)
			r.text = append(r.text, v...)
			c.val, c.valSST = [2]int{s, len(r.text)}, -1
		}
	}

	anyValue := false
	for i := range r.cells {
		if c := &r.cells[i]; c.col <= dense && (c.nonEmpty(r) || c.calc == calcFailed) && !coveredBy(active, num, c.col-1) {
			anyValue = true
			break
		}
	}
	if !anyValue {
		return nil // the careful reader drops a row of empty cells
	}

	// One string holds every reference and every value of the row that is
	// not a shared string.
	ob := r.out[:0]
	r.refEnds = r.refEnds[:0]
	var digits [8]byte
	rd := strconv.AppendInt(digits[:0], int64(num), 10)
	for j := 1; j <= dense; j++ {
		ob = appendColumn(ob, j)
		ob = append(ob, rd...)
		r.refEnds = append(r.refEnds, len(ob))
	}
	for i := range r.cells {
		c := &r.cells[i]
		if c.col > dense || c.valSST >= 0 || coveredBy(active, num, c.col-1) {
			continue
		}
		s := len(ob)
		ob = append(ob, r.text[c.val[0]:c.val[1]]...)
		c.val = [2]int{s, len(ob)}
	}
	r.out = ob
	all := string(ob)

	if len(r.slab) < dense {
		r.slab = make([]Cell, max(dense, cellSlab))
	}
	cells := r.slab[:dense:dense]
	r.slab = r.slab[dense:]
	start := 0
	for j := range cells {
		cells[j].Ref = all[start:r.refEnds[j]]
		start = r.refEnds[j]
	}
	for i := range r.cells {
		c := &r.cells[i]
		if c.col > dense {
			break
		}
		if coveredBy(active, num, c.col-1) {
			continue // left empty, as Excel shows it
		}
		out := &cells[c.col-1]
		if c.valSST >= 0 {
			out.Raw = wb.sst[c.valSST]
		} else {
			out.Raw = all[c.val[0]:c.val[1]]
		}
		if c.hasF {
			out.Formula = r.formulas[c.formula]
		}
		if c.calc == calcFailed {
			out.Kind, out.Raw = CellError, "="+out.Formula
			continue
		}
		if out.Raw == "" {
			continue
		}
		if c.calc == calcDone && isFloat(out.Raw) {
			// A computed number is a number, whatever type the cell says
			// (a program that does not calculate marks formulas t="str").
			out.Kind = CellNumber
			r.numberFormat(out, c, rowStyle)
			continue
		}
		switch c.t {
		case tBool:
			out.Kind = CellBool
		case tError:
			out.Kind = CellError
		case tShared, tInline, tStr:
			out.Kind = CellText
		case tDate:
			out.Kind, out.Date = CellText, true
		default:
			out.Kind = CellText
			if isFloat(out.Raw) {
				out.Kind = CellNumber
				r.numberFormat(out, c, rowStyle)
			}
		}
	}
	if err := r.emit(r.sheet.name, Row{Num: num, Cells: cells, Hidden: hidden}); err != nil {
		return callbackError{err}
	}
	return nil
}

// appendColumn appends the letters of column col (1-based).
func appendColumn(b []byte, col int) []byte {
	switch {
	case col <= 26:
		return append(b, byte('A'+col-1))
	case col <= 702:
		col -= 27
		return append(b, byte('A'+col/26), byte('A'+col%26))
	default:
		col -= 703
		return append(b, byte('A'+col/676), byte('A'+col/26%26), byte('A'+col%26))
	}
}

// isFloat reports whether strconv.ParseFloat reads s, quickly for plain
// decimals.
func isFloat(s string) bool {
	if len(s) == 0 || len(s) > 15 {
		_, err := strconv.ParseFloat(s, 64)
		return err == nil
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			_, err := strconv.ParseFloat(s, 64)
			return err == nil
		}
	}
	return digits > 0
}
