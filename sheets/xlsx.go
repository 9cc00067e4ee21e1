package sheets

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"github.com/xuri/nfp"
)

// readXLSX reads every worksheet of an .xlsx/.xlsm package through
// excelize's full cell API, so that each cell's type, number format and
// formula are seen, not only its text.
func readXLSX(name string, data []byte) ([]Sheet, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, unreadable(name, "文件已损坏或不完整（不是可读取的 zip 包：%v），请重新另存为 .xlsx 格式再报送", err)
	}
	if findZip(zr, "EncryptionInfo") != nil {
		return nil, unreadable(name, "工作簿设置了打开密码，请取消密码（文件→信息→保护工作簿）后再报送")
	}
	if findZip(zr, "xl/workbook.xml") == nil {
		if findZip(zr, "word/document.xml") != nil {
			return nil, unreadable(name, "文件实际是 Word 文档，只是用了表格文件的扩展名，请将数据填入 .xlsx 工作簿后再报送")
		}
		return nil, unreadable(name, "文件中没有 Excel 工作簿（缺少 xl/workbook.xml），请重新另存为 .xlsx 格式再报送")
	}
	// excelize's row readers stop silently at malformed sheet XML and return
	// the rows before the fault: check every sheet part is well-formed first,
	// so a damaged sheet is reported instead of stored half-read.
	parts, err := sheetParts(zr)
	if err != nil {
		return nil, unreadable(name, "工作簿结构已损坏（%v），请重新另存为 .xlsx 格式再报送", err)
	}
	for _, p := range parts {
		zf := findZip(zr, p.part)
		if zf == nil {
			return nil, unreadable(name, "工作表%s在文件中缺失（缺少 %s），请重新保存工作簿后再报送", quote(p.name), p.part)
		}
		if err := checkXML(zf); err != nil {
			return nil, unreadable(name, "工作表%s已损坏（%s: %v），请打开文件检查该工作表，重新保存后再报送", quote(p.name), p.part, err)
		}
	}

	// A damaged shared-string table makes excelize's row readers stop
	// silently too.
	if zf := findZip(zr, "xl/sharedStrings.xml"); zf != nil {
		if err := checkXML(zf); err != nil {
			return nil, unreadable(name, "工作簿的共享字符串表已损坏（%s: %v），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送", zf.Name, err)
		}
	}

	// excelize's own unzip limit is about 16 GB; keep it to ours.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: MaxPackageSize, UnzipXMLSizeLimit: MaxPartSize})
	if err != nil {
		return nil, unreadable(name, "工作簿无法打开（%v），请重新另存为 .xlsx 格式再报送", err)
	}
	defer f.Close()
	r := &xlsxReader{f: f, styles: map[int]numFormat{}}
	var out []Sheet
	for _, sn := range f.GetSheetList() {
		sh, err := r.sheet(sn)
		if err != nil {
			return nil, unreadable(name, "工作表%s无法读取（%v），请检查该工作表，重新保存后再报送", quote(sn), err)
		}
		out = append(out, sh)
	}
	return out, nil
}

type xlsxReader struct {
	f      *excelize.File
	styles map[int]numFormat // per style index, to call GetStyle once each
}

type numFormat struct{ percent, date bool }

func (r *xlsxReader) sheet(name string) (Sheet, error) {
	rows, err := r.f.GetRows(name, excelize.Options{RawCellValue: true})
	if err != nil {
		return Sheet{}, err
	}
	sh := Sheet{SheetInfo: SheetInfo{Name: name}}
	for i, vals := range rows {
		row := Row{Num: i + 1}
		empty := true
		for j, raw := range vals {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			c, err := r.cell(name, ref, raw)
			if err != nil {
				return Sheet{}, fmt.Errorf("单元格 %s：%w", ref, err)
			}
			if c.Kind != CellEmpty {
				empty = false
			}
			row.Cells = append(row.Cells, c)
		}
		if !empty {
			sh.Rows = append(sh.Rows, row)
		}
	}
	return sh, nil
}

func (r *xlsxReader) cell(sheet, ref, raw string) (Cell, error) {
	c := Cell{Ref: ref, Raw: raw}
	formula, err := r.f.GetCellFormula(sheet, ref)
	if err != nil {
		return c, err
	}
	c.Formula = formula
	if raw == "" && formula != "" {
		// A formula with no cached value (written by a program that does not
		// calculate, such as excelize itself): evaluate it.
		v, err := r.f.CalcCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			c.Kind, c.Raw = CellError, "="+formula
			return c, nil
		}
		c.Raw = v
	}
	if c.Raw == "" {
		return c, nil
	}
	t, err := r.f.GetCellType(sheet, ref)
	if err != nil {
		return c, err
	}
	switch t {
	case excelize.CellTypeBool:
		c.Kind = CellBool
	case excelize.CellTypeError:
		c.Kind = CellError
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		// CellTypeFormula is t="str": a formula whose result is text.
		c.Kind = CellText
	case excelize.CellTypeDate:
		c.Kind, c.Date = CellText, true // an ISO 8601 date stored as text
	default:
		c.Kind = CellText
		if _, err := strconv.ParseFloat(c.Raw, 64); err == nil {
			c.Kind = CellNumber
		}
	}
	if c.Kind == CellNumber {
		idx, err := r.f.GetCellStyle(sheet, ref)
		if err != nil {
			return c, err
		}
		nf, ok := r.styles[idx]
		if !ok {
			nf = r.numFormat(idx)
			r.styles[idx] = nf
		}
		c.Percent, c.Date = nf.percent, nf.date
	}
	return c, nil
}

func (r *xlsxReader) numFormat(idx int) numFormat {
	st, err := r.f.GetStyle(idx)
	if err != nil || st == nil {
		return numFormat{}
	}
	if st.CustomNumFmt != nil {
		return classifyFormat(*st.CustomNumFmt)
	}
	switch id := st.NumFmt; {
	case id == 9 || id == 10:
		return numFormat{percent: true}
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58:
		return numFormat{date: true}
	}
	return numFormat{}
}

// classifyFormat reads a custom number format code with excelize's own
// format parser: "0.00%" is a percentage; "yyyy\"年\"m\"月\"" or "yyyy" is a
// date. Only the first section (positive numbers) counts; quoted text and
// "General" are not date tokens.
func classifyFormat(code string) numFormat {
	var nf numFormat
	p := nfp.NumberFormatParser()
	sections := p.Parse(code)
	if len(sections) == 0 {
		return nf
	}
	for _, tok := range sections[0].Items {
		switch tok.TType {
		case nfp.TokenTypePercent:
			nf.percent = true
		case nfp.TokenTypeDateTimes, nfp.TokenTypeElapsedDateTimes:
			nf.date = true
		}
	}
	if nf.percent {
		nf.date = false
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

type sheetPart struct{ name, part string }

// sheetParts maps the workbook's sheets to their parts through
// xl/workbook.xml and its relationships.
func sheetParts(zr *zip.Reader) ([]sheetPart, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
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
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := decodeZipXML(zr, "xl/_rels/workbook.xml.rels", &rels); err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		t := r.Target
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join("xl", t)
		}
		targets[r.ID] = t
	}
	var out []sheetPart
	for _, s := range wb.Sheets {
		id := s.RID
		if id == "" {
			id = s.RIDStrict
		}
		if t, ok := targets[id]; ok {
			out = append(out, sheetPart{name: s.Name, part: t})
		}
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
