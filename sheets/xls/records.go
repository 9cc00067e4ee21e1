package xls

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// Record ids read here ([MS-XLS] 2.3).
const (
	recFormula     = 0x0006
	recEOF         = 0x000A
	recFilePass    = 0x002F
	recDateMode    = 0x0022
	recContinue    = 0x003C
	recCodePage    = 0x0042
	recBoundSheet  = 0x0085
	recMulRK       = 0x00BD
	recMulBlank    = 0x00BE
	recRString     = 0x00D6
	recXF          = 0x00E0
	recMergedCells = 0x00E5
	recSST         = 0x00FC
	recLabelSST    = 0x00FD
	recDimensions  = 0x0200
	recBlank       = 0x0201
	recNumber      = 0x0203
	recLabel       = 0x0204
	recBoolErr     = 0x0205
	recString      = 0x0207
	recRow         = 0x0208
	recRK          = 0x027E
	recFormat      = 0x041E
	recFormatOld   = 0x001E // BIFF4 and older FORMAT, BIFF5 writes 0x041E
	recBOF         = 0x0809
	recShrFmla     = 0x04BC
	recArray       = 0x0221
	recTable       = 0x0236
	recFormula4    = 0x0406 // BIFF4 FORMULA, read like BIFF5's
	recXFOld       = 0x0243 // BIFF3 XF, BIFF4 writes 0x0443
)

// maxRecord is the longest record body BIFF8 allows; BIFF5 allows 2080,
// but writers exceed it, so the BIFF8 bound is used for both.
const maxRecord = 8224

// errTruncated: a record or a field runs past the end of its data.
var errTruncated = errors.New("truncated")

// record is one record and the CONTINUE records after it.
type record struct {
	id   uint16
	pos  int // offset in the stream
	data []byte
	cont [][]byte
}

// recordReader walks a stream's records.
type recordReader struct {
	b   []byte
	pos int
}

// next reads the record at the reader's position with its CONTINUEs.
// At the end of the stream it returns io.EOF-like ok=false with err nil;
// a record header or body past the end, or a body longer than BIFF allows,
// is an error naming its offset.
func (r *recordReader) next() (rec record, ok bool, err error) {
	rec, ok, err = r.one()
	if !ok || err != nil {
		return rec, ok, err
	}
	for r.pos+4 <= len(r.b) && binary.LittleEndian.Uint16(r.b[r.pos:]) == recContinue {
		c, _, err := r.one()
		if err != nil {
			return rec, true, err
		}
		rec.cont = append(rec.cont, c.data)
	}
	return rec, true, nil
}

func (r *recordReader) one() (record, bool, error) {
	if r.pos >= len(r.b) {
		return record{}, false, nil
	}
	if r.pos+4 > len(r.b) {
		return record{}, false, fmt.Errorf("第 %d 字节处的记录头被截断", r.pos)
	}
	id := binary.LittleEndian.Uint16(r.b[r.pos:])
	n := int(binary.LittleEndian.Uint16(r.b[r.pos+2:]))
	if n > maxRecord {
		return record{}, false, fmt.Errorf("第 %d 字节处的记录 0x%04X 长 %d 字节，超过格式上限", r.pos, id, n)
	}
	if r.pos+4+n > len(r.b) {
		return record{}, false, fmt.Errorf("第 %d 字节处的记录 0x%04X 被截断（只有 %d/%d 字节）", r.pos, id, len(r.b)-r.pos-4, n)
	}
	rec := record{id: id, pos: r.pos, data: r.b[r.pos+4 : r.pos+4+n]}
	r.pos += 4 + n
	return rec, true, nil
}

// fields reads little-endian fields of a record and its CONTINUEs, moving
// from one to the next; err records the first read past the end.
type fields struct {
	segs [][]byte
	i, p int
	err  error
}

func newFields(rec record) *fields {
	return &fields{segs: append([][]byte{rec.data}, rec.cont...)}
}

// left is the number of bytes left in the current segment.
func (f *fields) left() int {
	if f.i >= len(f.segs) {
		return 0
	}
	return len(f.segs[f.i]) - f.p
}

func (f *fields) advance() bool {
	for f.i < len(f.segs) && f.p >= len(f.segs[f.i]) {
		f.i++
		f.p = 0
	}
	return f.i < len(f.segs)
}

func (f *fields) u8() byte {
	if f.err != nil || !f.advance() {
		f.err = errTruncated
		return 0
	}
	v := f.segs[f.i][f.p]
	f.p++
	return v
}

func (f *fields) u16() uint16 { return uint16(f.u8()) | uint16(f.u8())<<8 }

func (f *fields) u32() uint32 { return uint32(f.u16()) | uint32(f.u16())<<16 }

func (f *fields) skip(n int) {
	for ; n > 0 && f.err == nil; n-- {
		f.u8()
	}
}

// chars reads n characters of a BIFF8 string: UTF-16LE when high, else one
// byte each (the "compressed" form: code points up to U+00FF). A string
// that goes on in a CONTINUE record restarts there with a flags byte
// saying which form the rest is in.
func (f *fields) chars(n int, high bool) string {
	u := make([]uint16, 0, min(n, 4096))
	for len(u) < n && f.err == nil {
		if f.left() == 0 {
			f.i++
			f.p = 0
			if f.i >= len(f.segs) {
				f.err = errTruncated
				break
			}
			high = f.u8()&1 != 0
			continue
		}
		if high {
			if f.left() < 2 {
				f.err = errTruncated
				break
			}
			s := f.segs[f.i]
			u = append(u, binary.LittleEndian.Uint16(s[f.p:]))
			f.p += 2
		} else {
			u = append(u, uint16(f.segs[f.i][f.p]))
			f.p++
		}
	}
	return string(utf16.Decode(u))
}

// unicode reads a BIFF8 XLUnicodeString (or its short form, with a one-byte
// count): count, flags, optional rich-text run count and phonetic size,
// the characters, then the runs and phonetic data, skipped.
func (f *fields) unicode(short bool) string {
	var n int
	if short {
		n = int(f.u8())
	} else {
		n = int(f.u16())
	}
	flags := f.u8()
	runs, ext := 0, 0
	if flags&0x08 != 0 {
		runs = int(f.u16())
	}
	if flags&0x04 != 0 {
		ext = int(f.u32())
	}
	s := f.chars(n, flags&1 != 0)
	f.skip(4*runs + ext)
	return s
}

// bytes reads n bytes, across segments.
func (f *fields) bytes(n int) []byte {
	out := make([]byte, 0, min(n, 4096))
	for ; n > 0 && f.err == nil; n-- {
		out = append(out, f.u8())
	}
	return out
}

// codepage decodes BIFF5's 8-bit strings.
type codepage struct{ enc encoding.Encoding }

func newCodepage(cp uint16) codepage {
	var e encoding.Encoding
	switch cp {
	case 936:
		e = simplifiedchinese.GBK
	case 950:
		e = traditionalchinese.Big5
	case 932:
		e = japanese.ShiftJIS
	case 949:
		e = korean.EUCKR
	case 1250:
		e = charmap.Windows1250
	case 1251:
		e = charmap.Windows1251
	case 1253:
		e = charmap.Windows1253
	case 1254:
		e = charmap.Windows1254
	case 1255:
		e = charmap.Windows1255
	case 1256:
		e = charmap.Windows1256
	case 1257:
		e = charmap.Windows1257
	case 1258:
		e = charmap.Windows1258
	case 437:
		e = charmap.CodePage437
	case 850:
		e = charmap.CodePage850
	case 10000, 32768:
		e = charmap.Macintosh
	default: // 1252, 367 (ASCII), 32769, none given
		e = charmap.Windows1252
	}
	return codepage{e}
}

func (c codepage) decode(b []byte) string {
	s, err := c.enc.NewDecoder().Bytes(b)
	if err != nil {
		s, _ = charmap.Windows1252.NewDecoder().Bytes(b)
	}
	return string(s)
}
