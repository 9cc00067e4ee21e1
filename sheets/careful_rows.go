package sheets

// The careful reader's rows of a large worksheet, streamed: excelize's
// cell API (GetCellFormula, GetCellType, GetCellStyle) loads a whole
// worksheet into its cell structures, about ninety times the size of the
// file in memory (a 5 MB workbook took 480 MB). For a worksheet part over
// Limits' careful-stream size the careful reader instead reads the values
// with excelize's row iterator (Rows: the shared strings, inline and rich
// text as excelize reads them) and, in step with it, each cell's type,
// style and formula by decoding the same part one <row> at a time with
// encoding/xml. The cells are the cell API's: the same type, style
// inheritance (cell, row, column) and shared-formula translation.

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// carefulStreamSize is the worksheet part size from which the careful
// reader streams rows (Limits.carefulStream overrides it in tests).
const carefulStreamSize = 4 << 20

type xRow struct {
	R      string  `xml:"r,attr"`
	S      string  `xml:"s,attr"`
	Hidden string  `xml:"hidden,attr"`
	C      []xCell `xml:"c"`
}

type xCell struct {
	R string `xml:"r,attr"`
	S string `xml:"s,attr"`
	T string `xml:"t,attr"`
	F *struct {
		Content string `xml:",chardata"`
		T       string `xml:"t,attr"`
		Ref     string `xml:"ref,attr"`
		Si      string `xml:"si,attr"`
	} `xml:"f"`
}

// rowAttrs reads a worksheet part's rows' attributes one row at a time.
type rowAttrs struct {
	d      *xml.Decoder
	cols   []colStyle
	inData bool
	done   bool
	num    int // the last row's number
}

func newRowAttrs(rc io.Reader) *rowAttrs { return &rowAttrs{d: xml.NewDecoder(rc)} }

// next returns the next row of sheetData and its number, or nil at its end.
func (a *rowAttrs) next() (*xRow, int, error) {
	for !a.done {
		tok, err := a.d.Token()
		if errors.Is(err, io.EOF) {
			a.done = true
			break
		}
		if err != nil {
			return nil, 0, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch {
			case e.Name.Local == "col" && !a.inData:
				var c struct {
					Min   int `xml:"min,attr"`
					Max   int `xml:"max,attr"`
					Style int `xml:"style,attr"`
				}
				if err := a.d.DecodeElement(&c, &e); err != nil {
					return nil, 0, err
				}
				a.cols = append(a.cols, colStyle{min: c.Min, max: c.Max, style: c.Style})
			case e.Name.Local == "sheetData":
				a.inData = true
			case e.Name.Local == "row" && a.inData:
				var r xRow
				if err := a.d.DecodeElement(&r, &e); err != nil {
					return nil, 0, err
				}
				n := a.num + 1
				if r.R != "" {
					v, err := strconv.Atoi(r.R)
					if err != nil || v <= a.num {
						return nil, 0, fmt.Errorf("第 %s 行的行号不按顺序", r.R)
					}
					n = v
				}
				a.num = n
				return &r, n, nil
			}
		case xml.EndElement:
			if e.Name.Local == "sheetData" {
				a.done = true
			}
		}
	}
	return nil, 0, nil
}

// colStyleOf is the style of column col (1-based), as excelize finds it.
func (a *rowAttrs) colStyleOf(col int) int {
	for _, c := range a.cols {
		if c.min <= col && col <= c.max && c.style != 0 {
			return c.style
		}
	}
	return 0
}

// streamSheet reads a worksheet's rows through excelize's row iterator and
// rowAttrs in step, emitting the non-empty ones.
func (r *xlsxReader) streamSheet(name string, zf *zip.File, merges []Merge, emit func(Row) error) error {
	rows, err := r.f.Rows(name)
	if err != nil {
		return err
	}
	defer rows.Close()
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	attrs := newRowAttrs(rc)
	masters := map[string]sharedMaster{}
	cover := newMergeCover(merges)
	var pending *xRow
	pendingNum := 0
	for num := 1; rows.Next(); num++ {
		vals, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		for pending == nil || pendingNum < num {
			if pending, pendingNum, err = attrs.next(); err != nil {
				return err
			}
			if pending == nil {
				break
			}
		}
		var xr *xRow
		if pending != nil && pendingNum == num {
			xr = pending
		}
		// The cells of the row by column, and the shared formulas' masters,
		// in document order as the fast reader and excelize see them.
		byCol := map[int]*xCell{}
		if xr != nil {
			col := 0
			for i := range xr.C {
				c := &xr.C[i]
				if c.R != "" {
					cc, _, err := excelize.CellNameToCoordinates(c.R)
					if err != nil {
						return err
					}
					col = cc
				} else {
					col++
				}
				byCol[col] = c
				if f := c.F; f != nil && f.T == "shared" && f.Si != "" && f.Ref != "" {
					if _, ok := masters[f.Si]; !ok {
						masters[f.Si] = sharedMaster{formula: f.Content, col: col, row: num}
					}
				}
			}
		}
		if len(vals) == 0 {
			continue
		}
		row := Row{Num: num}
		active := cover.row(num)
		empty := true
		for j, raw := range vals {
			ref, _ := excelize.CoordinatesToCellName(j+1, num)
			if coveredBy(active, num, j) {
				row.Cells = append(row.Cells, Cell{Ref: ref})
				continue
			}
			xc := byCol[j+1]
			if xc == nil && raw != "" {
				return fmt.Errorf("单元格 %s 的值与其属性对不上", ref)
			}
			c := r.streamedCell(name, ref, raw, xc, xr, attrs, masters, j+1, num)
			if c.Kind != CellEmpty {
				empty = false
			}
			row.Cells = append(row.Cells, c)
		}
		if empty {
			continue
		}
		// excelize re-creates a row without r from its cells alone: the
		// row's own style and hidden state are lost.
		row.Hidden = xr != nil && xr.R != "" && parseBoolAttr(xr.Hidden)
		if err := emit(row); err != nil {
			return callbackError{err}
		}
	}
	return rows.Error()
}

func parseBoolAttr(v string) bool {
	b, _ := parseXMLBool([]byte(v))
	return b
}

// streamedCell is cell's work for a streamed row: the formula, type and
// style from the decoded attributes instead of the cell API.
func (r *xlsxReader) streamedCell(sheet, ref, raw string, xc *xCell, xr *xRow, attrs *rowAttrs, masters map[string]sharedMaster, col, num int) Cell {
	c := Cell{Ref: ref, Raw: raw}
	if xc == nil {
		return c
	}
	if f := xc.F; f != nil {
		c.Formula = f.Content
		if f.T == "shared" && f.Si != "" {
			c.Formula = ""
			if m, ok := masters[f.Si]; ok {
				c.Formula = convertSharedFormula(m, col, num)
			}
		}
	}
	t := cellTypeOf(xc.T)
	style := func() int {
		if s, err := strconv.Atoi(xc.S); err == nil && s != 0 {
			return s
		}
		if s, err := strconv.Atoi(xr.S); err == nil && s != 0 && xr.R != "" {
			return s
		}
		return attrs.colStyleOf(col)
	}
	r.settle(&c, sheet, t, style)
	return c
}

// cellTypeOf is excelize's GetCellType for a t attribute.
func cellTypeOf(t string) excelize.CellType {
	switch t {
	case "b":
		return excelize.CellTypeBool
	case "d":
		return excelize.CellTypeDate
	case "n":
		return excelize.CellTypeNumber
	case "e":
		return excelize.CellTypeError
	case "s":
		return excelize.CellTypeSharedString
	case "inlineStr":
		return excelize.CellTypeInlineString
	case "str":
		return excelize.CellTypeFormula
	}
	return excelize.CellTypeUnset
}

// partMerges reads a worksheet part's merged ranges with encoding/xml, one
// token at a time, without loading the sheet into excelize.
func partMerges(zf *zip.File) ([]Merge, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var out []Merge
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		e, ok := tok.(xml.StartElement)
		if !ok || e.Name.Local != "mergeCell" {
			continue
		}
		ref := ""
		for _, a := range e.Attr {
			if a.Name.Local == "ref" {
				ref = a.Value
			}
		}
		first, last, ok := strings.Cut(ref, ":")
		if !ok {
			last = first
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(first)
		c2, r2, err2 := excelize.CellNameToCoordinates(last)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("合并单元格 %s：%w", ref, err)
		}
		m := Merge{Top: min(r1, r2), Left: min(c1, c2) - 1, Bottom: max(r1, r2), Right: max(c1, c2) - 1}
		for _, o := range out {
			if o.Bottom >= m.Top && m.Bottom >= o.Top && o.Left <= m.Right && m.Left <= o.Right {
				return nil, fmt.Errorf("合并单元格 %s 与 %s 重叠", mergeRef(o), ref)
			}
		}
		out = append(out, m)
	}
	return out, nil
}
