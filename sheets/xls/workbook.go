package xls

import (
	"encoding/binary"
	"fmt"
	"math"
)

// BOF versions and substream types.
const (
	biff8Version = 0x0600
	biff5Version = 0x0500
	bofGlobals   = 0x0005
)

// maxSheets caps BOUNDSHEET records: Excel allows 255 sheets in BIFF8 but
// writers exceed it; a fuzzed file must not make thousands of passes.
const maxSheets = 4096

// Parse reads a workbook stream. password is tried on an encrypted one
// after Excel's built-in "VelvetSweatshop"; "" for none.
func Parse(stream []byte, password string) (*Workbook, error) {
	if len(stream) < 4 {
		return nil, fmt.Errorf("工作簿数据流只有 %d 字节", len(stream))
	}
	switch id := binary.LittleEndian.Uint16(stream); id {
	case 0x0009, 0x0209, 0x0409:
		return nil, ErrTooOld
	case recBOF:
	default:
		return nil, fmt.Errorf("工作簿数据流不以 BOF 记录开始（0x%04X）", id)
	}
	rr := &recordReader{b: stream}
	bof, _, err := rr.next()
	if err != nil {
		return nil, err
	}
	if len(bof.data) < 4 {
		return nil, fmt.Errorf("BOF 记录只有 %d 字节", len(bof.data))
	}
	w := &Workbook{BIFF: 8, formats: map[uint16]string{}}
	switch v := binary.LittleEndian.Uint16(bof.data); {
	case v == biff8Version:
	case v == biff5Version:
		w.BIFF = 5 // BIFF5 and BIFF7 both say 0x0500
	case len(bof.data) < 16:
		// Writers that leave the version out: BIFF8's BOF is 16 bytes
		// long, BIFF5's 8.
		w.BIFF = 5
	}
	if dt := binary.LittleEndian.Uint16(bof.data[2:]); dt != bofGlobals {
		if dt == 0x0100 {
			return nil, ErrTooOld // an Excel 4.0 workbook of sheets
		}
		return nil, fmt.Errorf("工作簿数据流开头不是工作簿全局记录（类型 0x%04X）", dt)
	}
	// Sheets may share or overlap substreams in a damaged file: the
	// records walked for all sheets together are capped at a few times
	// the stream.
	g := &globals{w: w, cp: newCodepage(1252), budget: 4*len(stream) + 1<<20}
	if err := g.read(rr, password); err != nil {
		return nil, err
	}
	for i := range g.sheets {
		sh := &w.Sheets[i]
		if sh.Type != Worksheet && sh.Type != MacroSheet {
			continue
		}
		pos := g.sheets[i]
		if pos < 0 || pos >= len(g.stream) {
			sh.Damage = fmt.Sprintf("工作表的记录位于数据流末尾之后（第 %d 字节），文件不完整", pos)
			continue
		}
		g.sheet(sh, pos)
	}
	return w, nil
}

// globals reads the workbook globals substream.
type globals struct {
	w      *Workbook
	cp     codepage
	sst    []string
	sheets []int // substream offset per sheet
	stream []byte
	// decrypted: the stream was encrypted (FILEPASS) and is decrypted.
	decrypted bool
	// budget is the bytes of records the sheets may still walk.
	budget int
}

func (g *globals) read(rr *recordReader, password string) error {
	g.stream = rr.b
	for {
		rec, ok, err := rr.next()
		if err != nil {
			g.w.Damage = err.Error()
			return nil
		}
		if !ok {
			g.w.Damage = "工作簿全局记录没有正常结束（缺少 EOF 记录）"
			return nil
		}
		f := newFields(rec)
		switch rec.id {
		case recEOF:
			return nil
		case recFilePass:
			if g.decrypted {
				continue
			}
			dec, err := newDecryptor(rec, g.w.BIFF, password)
			if err != nil {
				return err
			}
			// Every record body after FILEPASS is decrypted, in a copy
			// of the stream, the sheets' substreams included.
			g.stream = append([]byte(nil), rr.b...)
			dec.decryptStream(g.stream, rr.pos)
			rr.b = g.stream
			g.decrypted = true
		case recCodePage:
			if g.w.BIFF < 8 {
				g.cp = newCodepage(f.u16())
			}
		case recDateMode:
			g.w.Date1904 = f.u16() == 1
		case recBoundSheet:
			if len(g.sheets) >= maxSheets {
				continue
			}
			pos := int(f.u32())
			state := f.u8()
			dt := f.u8()
			name := g.shortString(f)
			if f.err != nil {
				g.w.Damage = fmt.Sprintf("第 %d 字节处的工作表记录被截断", rec.pos)
				return nil
			}
			g.sheets = append(g.sheets, pos)
			g.w.Sheets = append(g.w.Sheets, Sheet{Name: name, Visibility: int(state & 3), Type: int(dt)})
		case recFormat, recFormatOld:
			id := f.u16()
			var code string
			if g.w.BIFF == 8 {
				code = f.unicode(false)
			} else {
				code = g.cp.decode(f.bytes(int(f.u8())))
			}
			if f.err == nil {
				g.w.formats[id] = code
			}
		case recXF:
			f.u16() // font
			g.w.xfs = append(g.w.xfs, f.u16())
		case recSST:
			if g.w.BIFF == 8 {
				g.readSST(f)
			}
		}
	}
}

// shortString reads a sheet name: BIFF8's ShortXLUnicodeString or BIFF5's
// byte string.
func (g *globals) shortString(f *fields) string {
	if g.w.BIFF == 8 {
		return f.unicode(true)
	}
	return g.cp.decode(f.bytes(int(f.u8())))
}

// readSST reads the shared string table; strings after a fault stay
// missing (a LABELSST naming one reads as damage).
func (g *globals) readSST(f *fields) {
	f.u32() // total references
	n := int(f.u32())
	for i := 0; i < n && f.err == nil; i++ {
		s := f.unicode(false)
		if f.err != nil {
			break
		}
		g.sst = append(g.sst, s)
	}
}

// str reads a cell's text: BIFF8's XLUnicodeString or BIFF5's byte string
// with a two-byte count.
func (g *globals) str(f *fields) string {
	if g.w.BIFF == 8 {
		return f.unicode(false)
	}
	return g.cp.decode(f.bytes(int(f.u16())))
}

// maxCol is the last column BIFF5 and BIFF8 address (IV).
const maxCol = 255

// sheet reads a sheet's substream from pos: its cells, merged ranges and
// hidden rows, up to its EOF or the damage.
func (g *globals) sheet(sh *Sheet, pos int) {
	rr := &recordReader{b: g.stream, pos: pos}
	depth := 0
	var pending *Cell // a formula whose string result follows
	add := func(c Cell) {
		if c.Col > maxCol {
			return
		}
		sh.Cells = append(sh.Cells, c)
	}
	for {
		rec, ok, err := rr.next()
		if err != nil {
			sh.Damage = err.Error()
			return
		}
		if !ok {
			sh.Damage = "工作表的记录没有正常结束（缺少 EOF 记录），文件可能不完整"
			return
		}
		g.budget -= 4 + len(rec.data)
		for _, c := range rec.cont {
			g.budget -= 4 + len(c)
		}
		if g.budget < 0 {
			sh.Damage = "工作表的记录相互重叠，读取量超过上限"
			return
		}
		if depth == 0 && rec.id != recBOF {
			sh.Damage = fmt.Sprintf("第 %d 字节处不是工作表的开始（缺少 BOF 记录）", rec.pos)
			return
		}
		f := newFields(rec)
		if pending != nil && rec.id != recString && rec.id != recShrFmla && rec.id != recArray && rec.id != recTable {
			// A string result whose STRING record is missing: no value.
			pending = nil
		}
		switch rec.id {
		case recBOF, 0x0009, 0x0209, 0x0409:
			depth++
			continue
		case recEOF:
			depth--
			if depth == 0 {
				return
			}
			continue
		}
		if depth != 1 {
			continue // an embedded chart's records
		}
		switch rec.id {
		case recRow:
			row := int(f.u16())
			f.skip(10)
			if flags := f.u32(); f.err == nil && flags&0x20 != 0 {
				if sh.HiddenRows == nil {
					sh.HiddenRows = map[int]bool{}
				}
				sh.HiddenRows[row] = true
			}
		case recNumber:
			c := cellHead(f)
			c.Kind, c.Num = Number, math.Float64frombits(uint64(f.u32())|uint64(f.u32())<<32)
			if f.err == nil {
				add(c)
			}
		case recRK:
			c := cellHead(f)
			c.Kind, c.Num = Number, rk(f.u32())
			if f.err == nil {
				add(c)
			}
		case recMulRK:
			row, col := int(f.u16()), int(f.u16())
			for n := (len(rec.data) - 6) / 6; n > 0 && f.err == nil; n-- {
				c := Cell{Row: row, Col: col, XF: f.u16(), Kind: Number}
				c.Num = rk(f.u32())
				if f.err == nil {
					add(c)
				}
				col++
			}
		case recLabelSST:
			c := cellHead(f)
			i := int(f.u32())
			if f.err != nil {
				break
			}
			if i >= len(g.sst) {
				sh.Damage = fmt.Sprintf("单元格 %s 引用的共享字符串 %d 不存在（共 %d 个）", cellText(c.Row, c.Col, false, false), i, len(g.sst))
				return
			}
			c.Kind, c.Str = Text, g.sst[i]
			add(c)
		case recLabel, recRString:
			c := cellHead(f)
			c.Kind, c.Str = Text, g.str(f)
			if f.err == nil {
				add(c)
			}
		case recBoolErr:
			c := cellHead(f)
			v, isErr := f.u8(), f.u8()
			if f.err != nil {
				break
			}
			if isErr != 0 {
				c.Kind, c.Str = Error, errorText(v)
			} else {
				c.Kind, c.Num = Bool, float64(v&1)
			}
			add(c)
		case recFormula, recFormula4:
			c := cellHead(f)
			val := f.bytes(8)
			f.skip(6) // grbit, chn
			cce := int(f.u16())
			rgce := f.bytes(cce)
			if f.err != nil {
				break
			}
			c.Formula = true
			c.FormulaText = g.formulaText(rgce)
			if val[6] == 0xFF && val[7] == 0xFF {
				switch val[0] {
				case 0: // a string, in the STRING record after
					c.Kind = Text
					sh.Cells = append(sh.Cells, c)
					if c.Col <= maxCol {
						pending = &sh.Cells[len(sh.Cells)-1]
					} else {
						sh.Cells = sh.Cells[:len(sh.Cells)-1]
					}
				case 1:
					c.Kind, c.Num = Bool, float64(val[2]&1)
					add(c)
				case 2:
					c.Kind, c.Str = Error, errorText(val[2])
					add(c)
				case 3: // an empty string
					c.Kind = Text
					add(c)
				}
				break
			}
			c.Kind, c.Num = Number, math.Float64frombits(binary.LittleEndian.Uint64(val))
			add(c)
		case recString:
			if pending != nil {
				if s := g.str(f); f.err == nil {
					pending.Str = s
				}
				pending = nil
			}
		case recMergedCells:
			n := int(f.u16())
			for i := 0; i < n && f.err == nil; i++ {
				r := Range{FirstRow: int(f.u16()), LastRow: int(f.u16()), FirstCol: int(f.u16()), LastCol: int(f.u16())}
				if f.err == nil && r.FirstRow <= r.LastRow && r.FirstCol <= r.LastCol {
					sh.Merges = append(sh.Merges, r)
				}
			}
		}
	}
}

// cellHead reads the row, column and XF every cell record starts with.
func cellHead(f *fields) Cell {
	return Cell{Row: int(f.u16()), Col: int(f.u16()), XF: f.u16()}
}

// rk decodes an RK number: a 30-bit integer or the high 30 bits of a
// double, divided by 100 when its low bit says so.
func rk(v uint32) float64 {
	var n float64
	if v&2 != 0 {
		n = float64(int32(v) >> 2)
	} else {
		n = math.Float64frombits(uint64(v&^3) << 32)
	}
	if v&1 != 0 {
		n /= 100
	}
	return n
}

// errorText is a BErr code as Excel shows it.
func errorText(code byte) string {
	switch code {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	}
	return "#N/A"
}
