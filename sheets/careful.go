package sheets

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"github.com/xuri/nfp"
)

// readXLSX reads every sheet of an .xlsx/.xlsm package with the careful
// reader (readXLSXSheets) into memory.
func readXLSX(name string, data []byte, lim Limits) ([]Sheet, error) {
	var out []Sheet
	err := readXLSXSheets(name, data, lim,
		func(info SheetInfo) bool { out = append(out, Sheet{SheetInfo: info}); return true },
		func(r Row) error { out[len(out)-1].Rows = append(out[len(out)-1].Rows, r); return nil })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readXLSXSheets reads an .xlsx/.xlsm package through excelize's full
// cell API, so that each cell's type, number format and formula are seen,
// not only its text, giving the sheets to visit in workbook order and the
// non-empty rows of the worksheets it accepts to row. One worksheet is held
// in memory at a time.
//
// A chart, macro or dialog sheet is given with its Kind and no rows; a
// worksheet whose part is missing or damaged with its Problem and no rows,
// and the file's other sheets are read; a file in which no worksheet can
// be read is an error. Whatever the caller receives before an error must be
// dropped.
func readXLSXSheets(name string, data []byte, lim Limits, visit func(SheetInfo) bool, row func(Row) error) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return unreadableBy(err, name, "文件已损坏或不完整（不是完整的 .xlsx 文件），请重新另存为 .xlsx 格式再报送")
	}
	if findZip(zr, "EncryptionInfo") != nil {
		return unreadable(name, "工作簿设置了打开密码，请取消密码（文件→信息→保护工作簿）后再报送")
	}
	if findZip(zr, "xl/workbook.xml") == nil {
		if findZip(zr, "word/document.xml") != nil {
			return unreadable(name, "文件实际是 Word 文档，只是用了表格文件的扩展名，请将数据填入 .xlsx 工作簿后再报送")
		}
		return unreadable(name, "文件中没有 Excel 工作簿（缺少 xl/workbook.xml），请重新另存为 .xlsx 格式再报送")
	}
	// excelize reads a damaged package part ([Content_Types].xml, the
	// relationships) as empty, and then finds empty sheets or none: that
	// is damage, not a workbook without tables.
	for _, part := range []string{"[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/styles.xml"} {
		if zf := findZip(zr, part); zf != nil {
			if err := checkXML(zf); err != nil {
				return unreadableBy(err, name, "工作簿结构已损坏（%s），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送", zf.Name)
			}
		}
	}
	parts, err := sheetParts(zr)
	if err != nil {
		return unreadableBy(err, name, "工作簿结构已损坏，请重新另存为 .xlsx 格式再报送")
	}
	// excelize's row readers stop silently at malformed sheet XML and return
	// the rows before the fault: check every sheet part is well-formed first,
	// so a damaged sheet is reported instead of read half.
	infos := make([]SheetInfo, len(parts))
	for i, p := range parts {
		infos[i] = SheetInfo{Name: p.name, Hidden: p.state, Kind: p.kind}
		if p.kind != Worksheet {
			continue
		}
		zf := findZip(zr, p.part)
		if p.part == "" || zf == nil {
			infos[i].Problem = problemMissing(p.part)
		} else if err := checkXML(zf); err != nil {
			infos[i].Problem = problemDamaged(p.part, err)
		}
	}
	if err := noReadableSheet(name, infos); err != nil {
		return err
	}

	// A damaged shared-string table makes excelize's row readers stop
	// silently too.
	if zf := findZip(zr, "xl/sharedStrings.xml"); zf != nil {
		if err := checkXML(zf); err != nil {
			return unreadableBy(err, name, "工作簿的共享字符串表已损坏（%s），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送", zf.Name)
		}
	}

	f, err := openExcelize(data, lim)
	if err != nil {
		return unreadableBy(err, name, "工作簿无法打开，请重新另存为 .xlsx 格式再报送")
	}
	defer f.Close()
	r := &xlsxReader{f: f, styles: map[int]numFormat{}, calc: newFormulaCalc(zr, data, lim), streamFrom: lim.carefulStream()}
	defer r.calc.close()
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		r.date1904 = *props.Date1904
	}
	for i, info := range infos {
		if info.Kind != Worksheet || info.Problem != "" {
			visit(info)
			continue
		}
		if err := r.sheet(info, findZip(zr, parts[i].part), visit, row); err != nil {
			var cb callbackError
			if errors.As(err, &cb) {
				return cb.err
			}
			return unreadableBy(err, name, "工作表%s无法读取，请检查该工作表，重新保存后再报送", Quote(info.Name))
		}
	}
	return nil
}

type xlsxReader struct {
	f      *excelize.File
	styles map[int]numFormat // per style index, to call GetStyle once each
	// date1904: the workbook counts date serials from 1904 (Cell.Date1904).
	date1904 bool
	calc     *formulaCalc
	// streamFrom is the worksheet part size from which rows are streamed
	// (streamSheet).
	streamFrom int64
}

// numFormat is what a cell's number format says about its number: a
// percentage, a date, and how many decimals it shows (see Cell.Fixed).
type numFormat struct {
	percent, date bool
	fixed         bool
	decimals      int
	grouped       bool
	format        NumberFormat
}

// sheet reads one worksheet: its merged ranges for visit, then its rows.
// The worksheet excelize loaded for them is dropped after, so that the
// workbook's sheets are not all held at once.
func (r *xlsxReader) sheet(info SheetInfo, zf *zip.File, visit func(SheetInfo) bool, emit func(Row) error) error {
	defer r.f.Sheet.Range(func(k, _ any) bool { r.f.Sheet.Delete(k); return true })
	name := info.Name
	if zf.UncompressedSize64 >= uint64(r.streamFrom) {
		// Merged ranges from a loaded copy of the sheet would load it
		// whole: read them from the part as the fast reader does.
		merges, err := partMerges(zf)
		if err != nil {
			return err
		}
		info.Merges = merges
		if !visit(info) {
			return nil
		}
		return r.streamSheet(name, zf, merges, emit)
	}
	rows, err := r.f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return err
	}
	// After GetRows: excelize re-serialises a worksheet its cell API has
	// loaded before its row reader reads it, and GetMergeCells loads it.
	merges, err := r.merges(name)
	if err != nil && len(rows) > 0 {
		return err
	}
	// Without rows, an error is a part that is not a worksheet where the
	// workbook says a worksheet is (a chart sheet): it has no merged
	// ranges.
	info.Merges = merges
	if !visit(info) {
		return nil
	}
	cover := newMergeCover(merges)
	for i, vals := range rows {
		row := Row{Num: i + 1}
		active := cover.row(row.Num)
		empty := true
		for j, raw := range vals {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if coveredBy(active, row.Num, j) {
				// As Excel shows it: empty, whatever the file keeps there
				// (LibreOffice keeps the content of cells it merged over,
				// and excelize reads a covered cell's formula and type
				// through the range's first cell).
				row.Cells = append(row.Cells, Cell{Ref: ref})
				continue
			}
			c, err := r.cell(name, ref, raw)
			if err != nil {
				return fmt.Errorf("单元格 %s：%w", ref, err)
			}
			if c.Kind != CellEmpty {
				empty = false
			}
			row.Cells = append(row.Cells, c)
		}
		if !empty {
			visible, err := r.f.GetRowVisible(name, row.Num)
			if err != nil {
				return err
			}
			row.Hidden = !visible
			if err := emit(row); err != nil {
				return callbackError{err}
			}
		}
	}
	return nil
}

// merges are the sheet's merged ranges as excelize reads them (overlapping
// ranges joined into one).
func (r *xlsxReader) merges(sheet string) ([]Merge, error) {
	mcs, err := r.f.GetMergeCells(sheet, true)
	if err != nil {
		return nil, fmt.Errorf("合并单元格：%w", err)
	}
	var out []Merge
	for _, mc := range mcs {
		ref := mc[0]
		first, last, ok := strings.Cut(ref, ":")
		if !ok {
			last = first
		}
		c1, r1, err1 := excelize.CellNameToCoordinates(first)
		c2, r2, err2 := excelize.CellNameToCoordinates(last)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("合并单元格 %s：%w", ref, err)
		}
		out = append(out, Merge{Top: min(r1, r2), Left: min(c1, c2) - 1, Bottom: max(r1, r2), Right: max(c1, c2) - 1})
	}
	return out, nil
}

// mergeCover walks a sheet's rows in increasing order and gives the merged
// ranges that cover each. Both readers blank covered cells through it.
type mergeCover struct {
	byTop  []Merge
	next   int
	active []Merge
}

func newMergeCover(merges []Merge) *mergeCover {
	m := &mergeCover{byTop: slices.Clone(merges)}
	slices.SortStableFunc(m.byTop, func(a, b Merge) int { return a.Top - b.Top })
	return m
}

// row returns the ranges covering row num; num must not decrease from one
// call to the next.
func (m *mergeCover) row(num int) []Merge {
	keep := m.active[:0]
	for _, rg := range m.active {
		if rg.Bottom >= num {
			keep = append(keep, rg)
		}
	}
	m.active = keep
	for m.next < len(m.byTop) && m.byTop[m.next].Top <= num {
		if rg := m.byTop[m.next]; rg.Bottom >= num {
			m.active = append(m.active, rg)
		}
		m.next++
	}
	return m.active
}

// coveredBy reports whether the cell at row, col (0-based) is covered by
// one of the ranges: inside it, and not its top-left cell.
func coveredBy(active []Merge, row, col int) bool {
	for _, rg := range active {
		if rg.Covers(row, col) && (row != rg.Top || col != rg.Left) {
			return true
		}
	}
	return false
}

// sheetVisibility is a <sheet state> as SheetInfo.Hidden says it.
func sheetVisibility(state string) string {
	switch state {
	case "hidden":
		return Hidden
	case "veryHidden":
		return VeryHidden
	}
	return Visible
}

func (r *xlsxReader) cell(sheet, ref, raw string) (Cell, error) {
	c := Cell{Ref: ref, Raw: raw}
	formula, err := r.f.GetCellFormula(sheet, ref)
	if err != nil {
		return c, err
	}
	c.Formula = formula
	t, err := r.f.GetCellType(sheet, ref)
	if err != nil {
		return c, err
	}
	var styleErr error
	r.settle(&c, sheet, t, func() int {
		idx, err := r.f.GetCellStyle(sheet, ref)
		styleErr = err
		return idx
	})
	return c, styleErr
}

// settle completes a cell read with its value and formula: a formula
// without a cached value computed, its kind from its type and value, and
// a number's format from its style (style is called for numbers only).
func (r *xlsxReader) settle(c *Cell, sheet string, t excelize.CellType, style func() int) {
	computed := false
	if c.Raw == "" && c.Formula != "" {
		// A formula with no cached value (written by a program that does not
		// calculate, such as excelize itself): computed within bounds
		// (formulaCalc).
		v, ok := r.calc.value(sheet, c.Ref)
		if !ok {
			c.Kind, c.Raw = CellError, "="+c.Formula
			return
		}
		c.Raw, computed = v, true
	}
	if c.Raw == "" {
		return
	}
	_, numErr := strconv.ParseFloat(c.Raw, 64)
	switch {
	case computed && numErr == nil:
		// A program that does not calculate (excelize itself) marks every
		// formula it writes t="str"; a computed number is a number, shown
		// in the cell's number format.
		c.Kind = CellNumber
	case t == excelize.CellTypeBool:
		c.Kind = CellBool
	case t == excelize.CellTypeError:
		c.Kind = CellError
	case t == excelize.CellTypeSharedString, t == excelize.CellTypeInlineString, t == excelize.CellTypeFormula:
		// CellTypeFormula is t="str": a formula whose result is text.
		c.Kind = CellText
	case t == excelize.CellTypeDate:
		c.Kind, c.Date = CellText, true // an ISO 8601 date stored as text
	case numErr == nil:
		c.Kind = CellNumber
	default:
		c.Kind = CellText
	}
	if c.Kind == CellNumber {
		idx := style()
		nf, ok := r.styles[idx]
		if !ok {
			nf = r.numFormat(idx)
			r.styles[idx] = nf
		}
		nf.apply(c)
		c.Date1904 = c.Date && r.date1904
	}
}

func (r *xlsxReader) numFormat(idx int) numFormat {
	st, err := r.f.GetStyle(idx)
	if err != nil || st == nil {
		return numFormat{}
	}
	if st.CustomNumFmt != nil {
		return classifyFormat(*st.CustomNumFmt)
	}
	return builtInNumFormat(st.NumFmt)
}

// apply sets what the format says on a number cell.
func (nf numFormat) apply(c *Cell) {
	c.Percent, c.Date = nf.percent, nf.date
	c.Fixed, c.Decimals, c.Grouped = nf.fixed, nf.decimals, nf.grouped
	c.Format = nf.format
}

// builtInNumFormat classifies a built-in number format id (ECMA-376
// 18.8.30) as classifyFormat classifies its code.
func builtInNumFormat(id int) numFormat {
	switch {
	case id == 1: // 0
		return numFormat{fixed: true}
	case id == 2: // 0.00
		return numFormat{fixed: true, decimals: 2}
	case id == 3, id >= 37 && id <= 38, id >= 41 && id <= 42: // #,##0 and accounting without decimals
		return numFormat{fixed: true, grouped: true}
	case id == 4, id >= 39 && id <= 40, id >= 43 && id <= 44: // #,##0.00 and accounting with two
		return numFormat{fixed: true, decimals: 2, grouped: true}
	case id == 9: // 0%
		return numFormat{percent: true, fixed: true}
	case id == 10: // 0.00%
		return numFormat{percent: true, fixed: true, decimals: 2}
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return numFormat{date: true}
	}
	// 0 General, 11 and 48 scientific, 12 and 13 fractions, 49 text: the
	// number shows as General shows it, or with a precision that is not a
	// count of decimals.
	return numFormat{}
}

// classifyFormat reads a custom number format code with excelize's own
// format parser: "0.00%" is a percentage; "yyyy\"年\"m\"月\"" or "yyyy" is a
// date. Only the first section (positive numbers) counts; quoted text and
// "General" are not date tokens. formatMeaning reads the layout of the
// digits: "#,##0.00" shows two decimals, grouped; 0"万元" shows a unit;
// 0!.0000 and #,##0, show the number scaled (Cell.Format).
//
// A format fixes the decimals when its first section is a plain number:
// digit placeholders (0 # ?), maybe a decimal point (or a literal point
// among the digits), thousands separators or scaling commas, a percent
// sign, literal text. Scientific, fraction and conditional formats, General
// and text (@) do not: their cells count as General.
func classifyFormat(code string) numFormat {
	var nf numFormat
	p := nfp.NumberFormatParser()
	sections := p.Parse(code)
	if len(sections) == 0 {
		return nf
	}
	plain := true
	for _, tok := range sections[0].Items {
		switch tok.TType {
		case nfp.TokenTypePercent:
			nf.percent = true
		case nfp.TokenTypeDateTimes, nfp.TokenTypeElapsedDateTimes:
			nf.date = true
		case nfp.TokenTypeGeneral, nfp.TokenTypeTextPlaceHolder, nfp.TokenTypeExponential,
			nfp.TokenTypeFraction, nfp.TokenTypeCondition:
			plain = false
		}
	}
	if nf.percent {
		nf.date = false
	}
	if nf.date {
		return nf
	}
	format, lay := formatMeaning(code)
	nf.format = format
	nf.fixed = plain && lay.intDigits+lay.fracDigits > 0 && !lay.other
	if nf.fixed {
		nf.decimals, nf.grouped = lay.fracDigits, lay.grouped
	}
	return nf
}

func findZip(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

// sheetPart is a sheet of the workbook: its part ("" when the workbook
// names none) and its kind.
type sheetPart struct{ name, part, state, kind string }

// sheetParts maps the workbook's sheets to their parts through
// xl/workbook.xml and its relationships.
func sheetParts(zr *zip.Reader) ([]sheetPart, error) {
	var wb struct {
		Sheets []struct {
			Name  string `xml:"name,attr"`
			State string `xml:"state,attr"`
			RID   string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			// Strict OOXML uses another namespace for the relationship id.
			RIDStrict string `xml:"http://purl.oclc.org/ooxml/officeDocument/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := decodeZipXML(zr, "xl/workbook.xml", &wb); err != nil {
		return nil, err
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeZipXML(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	targets, types := map[string]string{}, map[string]string{}
	for _, r := range rels.Rels {
		targets[r.ID], types[r.ID] = sheetPartPath(r.Target), r.Type
	}
	var out []sheetPart
	for _, s := range wb.Sheets {
		id := s.RID
		if id == "" {
			id = s.RIDStrict
		}
		t := targets[id]
		out = append(out, sheetPart{name: s.Name, part: t, state: sheetVisibility(s.State), kind: sheetKindOf(types[id], t)})
	}
	return out, nil
}

func decodeZipXML(zr *zip.Reader, name string, v any) error {
	zf := findZip(zr, name)
	if zf == nil {
		return fmt.Errorf("缺少 %s", name)
	}
	rc, err := zf.Open()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// checkXML reads a part to its end as XML tokens and reports the first
// fault: malformed markup, an unclosed element, or a truncated or corrupt
// compressed stream.
func checkXML(zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	depth := 0
	for {
		tok, err := d.Token() // Token, not RawToken: it also checks that end tags match
		if errors.Is(err, io.EOF) {
			if depth != 0 {
				line, _ := d.InputPos()
				return fmt.Errorf("XML 在第 %d 行附近意外结束", line)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
}
