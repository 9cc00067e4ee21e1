package xls

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// biff builds a workbook stream record by record.
type biff struct{ bytes.Buffer }

func (b *biff) rec(id uint16, parts ...any) {
	var body bytes.Buffer
	for _, p := range parts {
		switch v := p.(type) {
		case []byte:
			body.Write(v)
		case string:
			body.WriteString(v)
		default:
			binary.Write(&body, binary.LittleEndian, v)
		}
	}
	binary.Write(&b.Buffer, binary.LittleEndian, id)
	binary.Write(&b.Buffer, binary.LittleEndian, uint16(body.Len()))
	b.Write(body.Bytes())
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rkOf encodes an integer as RK, divided by 100 when cents.
func rkOf(n int32, cents bool) uint32 {
	v := uint32(n)<<2 | 2
	if cents {
		v |= 1
	}
	return v
}

// biff5Book is an Excel 95 workbook in the GBK code page: a visible sheet
// and a hidden one, RK numbers (0.5 as 50 with the ×100 flag, 12 as an
// integer), a percent XF, a formula with a string result, a hidden row and
// a merged range. cut drops that many bytes from the end.
func biff5Book(t *testing.T, cut int) []byte {
	var g biff
	g.rec(recBOF, uint16(biff5Version), uint16(bofGlobals), uint16(0), uint16(0))
	g.rec(recCodePage, uint16(936))
	g.rec(recDateMode, uint16(0))
	g.rec(recFormat, uint16(164), uint8(len("0.0%")), "0.0%")
	g.rec(recXF, uint16(0), uint16(0), make([]byte, 12)) // General
	g.rec(recXF, uint16(0), uint16(164), make([]byte, 12))
	g.rec(recXF, uint16(0), uint16(14), make([]byte, 12)) // a built-in date
	name1, name2 := gbk(t, "数据"), gbk(t, "隐藏表")
	// Sheet offsets are patched once the globals' length is known.
	glob := g.Len()
	sheetRec := func(b *biff, pos uint32, state uint8, name []byte) {
		b.rec(recBoundSheet, pos, state, uint8(0), uint8(len(name)), name)
	}
	// Two BOUNDSHEETs of fixed size and EOF.
	bsLen := func(name []byte) int { return 4 + 4 + 2 + 1 + len(name) }
	first := glob + bsLen(name1) + bsLen(name2) + 4
	var s1 biff
	s1.rec(recBOF, uint16(biff5Version), uint16(0x0010), uint16(0), uint16(0))
	s1.rec(recRow, uint16(2), uint16(0), uint16(2), uint16(255), uint16(0), uint16(0), uint32(0x20))
	s1.rec(recLabel, uint16(0), uint16(0), uint16(0), uint16(len(gbk(t, "学校总数"))), gbk(t, "学校总数"))
	s1.rec(recRK, uint16(0), uint16(1), uint16(1), rkOf(50, true))
	s1.rec(recRK, uint16(1), uint16(1), uint16(0), rkOf(12, false))
	s1.rec(recNumber, uint16(2), uint16(1), uint16(2), math.Float64bits(45292))
	val := []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}
	s1.rec(recFormula, uint16(3), uint16(0), uint16(0), val, uint16(0), uint32(0), uint16(3), []byte{0x1E, 7, 0})
	s1.rec(recString, uint16(len(gbk(t, "合计"))), gbk(t, "合计"))
	s1.rec(recMergedCells, uint16(1), uint16(4), uint16(5), uint16(0), uint16(2))
	s1.rec(recEOF)
	second := first + s1.Len()
	var s2 biff
	s2.rec(recBOF, uint16(biff5Version), uint16(0x0010), uint16(0), uint16(0))
	s2.rec(recNumber, uint16(0), uint16(0), uint16(0), math.Float64bits(1.25))
	s2.rec(recEOF)
	sheetRec(&g, uint32(first), 0, name1)
	sheetRec(&g, uint32(second), 1, name2)
	g.rec(recEOF)
	if g.Len() != first {
		t.Fatalf("globals are %d bytes, sheets placed at %d", g.Len(), first)
	}
	g.Write(s1.Bytes())
	g.Write(s2.Bytes())
	b := g.Bytes()
	return b[:len(b)-cut]
}

func TestBIFF5InGBK(t *testing.T) {
	w, err := Parse(biff5Book(t, 0), "")
	if err != nil {
		t.Fatal(err)
	}
	if w.BIFF != 5 || len(w.Sheets) != 2 {
		t.Fatalf("BIFF %d, %d sheets", w.BIFF, len(w.Sheets))
	}
	s1, s2 := w.Sheets[0], w.Sheets[1]
	if s1.Name != "数据" || s2.Name != "隐藏表" || s2.Visibility != Hidden || s1.Damage != "" || s2.Damage != "" {
		t.Fatalf("sheets %+v / %+v", s1, s2)
	}
	want := []Cell{
		{Row: 0, Col: 0, Kind: Text, Str: "学校总数"},
		{Row: 0, Col: 1, Kind: Number, Num: 0.5, XF: 1},
		{Row: 1, Col: 1, Kind: Number, Num: 12},
		{Row: 2, Col: 1, Kind: Number, Num: 45292, XF: 2},
		{Row: 3, Col: 0, Kind: Text, Str: "合计", Formula: true, FormulaText: "7"},
	}
	if len(s1.Cells) != len(want) {
		t.Fatalf("cells %+v", s1.Cells)
	}
	for i := range want {
		if s1.Cells[i] != want[i] {
			t.Errorf("cell %d: %+v, want %+v", i, s1.Cells[i], want[i])
		}
	}
	if code, _ := w.Format(1); code != "0.0%" {
		t.Errorf("XF 1 format %q", code)
	}
	if code, id := w.Format(2); code != "" || id != 14 {
		t.Errorf("XF 2 format %q %d", code, id)
	}
	if !s1.HiddenRows[2] || len(s1.Merges) != 1 || s1.Merges[0] != (Range{4, 5, 0, 2}) {
		t.Errorf("hidden rows %v merges %v", s1.HiddenRows, s1.Merges)
	}
}

// TestDamagedStream: a stream cut inside the last sheet reads the sheets
// before and reports the damage of the cut one, with its cells up to it.
func TestDamagedStream(t *testing.T) {
	w, err := Parse(biff5Book(t, 6), "")
	if err != nil {
		t.Fatal(err)
	}
	if w.Sheets[0].Damage != "" || len(w.Sheets[0].Cells) != 5 {
		t.Errorf("first sheet: %+v", w.Sheets[0])
	}
	if d := w.Sheets[1].Damage; !strings.Contains(d, "截断") && !strings.Contains(d, "cut off") {
		t.Errorf("cut sheet's damage %q", d)
	}
}

func TestRK(t *testing.T) {
	tests := []struct {
		rk   uint32
		want float64
	}{
		{rkOf(50, true), 0.5},
		{rkOf(12, false), 12},
		{rkOf(-3, false), -3},
		{rkOf(12345, true), 123.45},
		{uint32(math.Float64bits(0.25) >> 32), 0.25},
		{uint32(math.Float64bits(1.5)>>32) | 1, 0.015},
	}
	for _, tc := range tests {
		if got := rk(tc.rk); got != tc.want {
			t.Errorf("rk(%08X) = %v, want %v", tc.rk, got, tc.want)
		}
	}
}

func TestRefusals(t *testing.T) {
	if _, err := Parse([]byte{0x09, 0x04, 6, 0, 0, 0, 0x10, 0, 0, 0}, ""); !errors.Is(err, ErrTooOld) {
		t.Errorf("BIFF4: %v", err)
	}
	var b biff
	b.rec(recBOF, uint16(biff8Version), uint16(bofGlobals), make([]byte, 12))
	b.rec(recFilePass, uint16(0), uint16(0x1234), uint16(0x5678))
	b.rec(recEOF)
	var enc *EncryptedError
	if _, err := Parse(b.Bytes(), ""); !errors.As(err, &enc) || enc.Scheme != "XOR" {
		t.Errorf("XOR-encrypted: %v", err)
	}
}

// FuzzParse: no stream makes Parse panic or run unbounded.
func FuzzParse(f *testing.F) {
	var b biff
	b.rec(recBOF, uint16(biff8Version), uint16(bofGlobals), make([]byte, 12))
	b.rec(recEOF)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse(data, "")
	})
}

// TestSSTAcrossContinue: a shared string split between SST and CONTINUE
// changes form at the split (Latin-1 bytes before, UTF-16 after, as
// Excel writes when the rest holds a CJK character); rich-text runs and
// phonetic data after the characters are skipped, across the split too.
func TestSSTAcrossContinue(t *testing.T) {
	utf16le := func(s string) []byte { return utf16LE(s) }
	var g biff
	g.rec(recBOF, uint16(biff8Version), uint16(bofGlobals), make([]byte, 12))
	bsPos := g.Len()
	g.rec(recBoundSheet, uint32(0), uint8(0), uint8(0), uint8(2), uint8(0), "S1")
	// "abc" + "统计表": 6 characters, 3 compressed in SST, 3 in UTF-16 in
	// CONTINUE; then a rich string "x" with one run whose 4 bytes are
	// split 2 + 2.
	g.rec(recSST, uint32(2), uint32(2), uint16(6), uint8(0), "abc")
	g.rec(recContinue, uint8(1), utf16le("统计表"), uint16(1), uint8(0x08), uint16(1), "x", []byte{1, 0})
	g.rec(recContinue, []byte{0, 0})
	g.rec(recEOF)
	sheet := g.Len()
	g.rec(recBOF, uint16(biff8Version), uint16(0x0010), make([]byte, 12))
	g.rec(recLabelSST, uint16(0), uint16(0), uint16(0), uint32(0))
	g.rec(recLabelSST, uint16(0), uint16(1), uint16(0), uint32(1))
	g.rec(recEOF)
	b := g.Bytes()
	binary.LittleEndian.PutUint32(b[bsPos+4:], uint32(sheet))
	w, err := Parse(b, "")
	if err != nil {
		t.Fatal(err)
	}
	cells := w.Sheets[0].Cells
	if w.Sheets[0].Damage != "" || len(cells) != 2 || cells[0].Str != "abc统计表" || cells[1].Str != "x" {
		t.Errorf("damage %q, cells %+v", w.Sheets[0].Damage, cells)
	}
}
