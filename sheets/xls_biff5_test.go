package sheets

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// TestXLSBIFF5InGBK reads an Excel 95 workbook (BIFF5, the "Book" stream's
// records) in the GBK code page through the same path as .xls files: 8-bit
// text decoded, 0.5 stored as RK 50 with the ×100 flag in a 0.0% format, an
// integer RK, a built-in date format, 1904 dates. LibreOffice cannot save
// BIFF5, so the stream is built here, behind the marker the reader takes
// for a workbook stream without its container.
func TestXLSBIFF5InGBK(t *testing.T) {
	var b bytes.Buffer
	rec := func(id uint16, parts ...any) {
		var body bytes.Buffer
		for _, p := range parts {
			if s, ok := p.(string); ok {
				g, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
				if err != nil {
					t.Fatal(err)
				}
				body.Write(g)
				continue
			}
			binary.Write(&body, binary.LittleEndian, p)
		}
		binary.Write(&b, binary.LittleEndian, id)
		binary.Write(&b, binary.LittleEndian, uint16(body.Len()))
		b.Write(body.Bytes())
	}
	gbkLen := func(s string) int {
		g, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		return len(g)
	}
	rec(0x0809, uint16(0x0500), uint16(0x0005), uint16(0), uint16(0))
	rec(0x0042, uint16(936))
	rec(0x0022, uint16(1)) // the 1904 date system
	rec(0x041E, uint16(164), uint8(4), "0.0%")
	for _, f := range []uint16{0, 164, 14} {
		rec(0x00E0, uint16(0), f, make([]byte, 12))
	}
	sheetAt := b.Len() + 4 + 4 + 2 + 1 + gbkLen("数据") + 4
	rec(0x0085, uint32(sheetAt), uint8(0), uint8(0), uint8(gbkLen("数据")), "数据")
	rec(0x000A)
	if b.Len() != sheetAt {
		t.Fatalf("sheet at %d, placed at %d", b.Len(), sheetAt)
	}
	rec(0x0809, uint16(0x0500), uint16(0x0010), uint16(0), uint16(0))
	rec(0x0204, uint16(0), uint16(0), uint16(0), uint16(gbkLen("学校总数")), "学校总数")
	rec(0x027E, uint16(0), uint16(1), uint16(1), uint32(50<<2|3)) // 0.5: 50, integer, ×100
	rec(0x027E, uint16(1), uint16(1), uint16(0), uint32(12<<2|2)) // 12
	rec(0x0203, uint16(2), uint16(1), uint16(2), math.Float64bits(43830))
	rec(0x000A)
	data := append(append([]byte(nil), decryptedXLS...), b.Bytes()...)

	shs, err := ReadWorkbook("1995.xls", data, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(shs) != 1 || shs[0].Name != "数据" {
		t.Fatalf("sheets %+v", shs)
	}
	want := map[string]Cell{
		"A1": {Ref: "A1", Raw: "学校总数", Kind: CellText},
		"B1": {Ref: "B1", Raw: "0.5", Kind: CellNumber, Percent: true, Fixed: true, Decimals: 1},
		"B2": {Ref: "B2", Raw: "12", Kind: CellNumber},
		"B3": {Ref: "B3", Raw: "43830", Kind: CellNumber, Date: true, Date1904: true},
	}
	for _, r := range shs[0].Rows {
		for _, c := range r.Cells {
			if w, ok := want[c.Ref]; ok {
				if c != w {
					t.Errorf("got %s\nwant %s", showCell(c), showCell(w))
				}
				delete(want, c.Ref)
			}
		}
	}
	for ref := range want {
		t.Errorf("no cell %s", ref)
	}
}
