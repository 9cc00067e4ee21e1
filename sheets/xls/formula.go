package xls

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// formulaText decompiles a formula's parsed tokens (rgce, reverse Polish)
// to its text without "=", as Excel shows it: "SUM(B2:B5)", "C3/C4*100".
// It is "" when the formula uses a token not decompiled here (names,
// references to other sheets, shared formulas, arrays): the cell's cached
// result is read all the same.
func (g *globals) formulaText(rgce []byte) string {
	d := decompiler{b: rgce, biff: g.w.BIFF, cp: g.cp}
	s, ok := d.run()
	if !ok {
		return ""
	}
	return s
}

type decompiler struct {
	b     []byte
	p     int
	biff  int
	cp    codepage
	stack []string
}

// maxFormulaStack caps the operand stack: formulas nest at most 64 levels,
// but a fuzzed one may push thousands of operands.
const maxFormulaStack = 1024

// maxFormulaText caps a formula's text: Excel allows 8192 characters; a
// fuzzed one may nest parentheses until copying them costs minutes.
const maxFormulaText = 8192

func (d *decompiler) take(n int) ([]byte, bool) {
	if n < 0 || d.p+n > len(d.b) {
		return nil, false
	}
	v := d.b[d.p : d.p+n]
	d.p += n
	return v, true
}

func (d *decompiler) push(s string) bool {
	if len(d.stack) >= maxFormulaStack || len(s) > maxFormulaText {
		return false
	}
	d.stack = append(d.stack, s)
	return true
}

func (d *decompiler) pop(n int) ([]string, bool) {
	if n > len(d.stack) {
		return nil, false
	}
	args := append([]string(nil), d.stack[len(d.stack)-n:]...)
	d.stack = d.stack[:len(d.stack)-n]
	return args, true
}

var binaryOps = map[byte]string{
	0x03: "+", 0x04: "-", 0x05: "*", 0x06: "/", 0x07: "^", 0x08: "&",
	0x09: "<", 0x0A: "<=", 0x0B: "=", 0x0C: ">=", 0x0D: ">", 0x0E: "<>",
	0x0F: " ", 0x10: ",", 0x11: ":",
}

func (d *decompiler) run() (string, bool) {
	for d.p < len(d.b) {
		ptg := d.b[d.p]
		d.p++
		base := ptg
		if ptg >= 0x20 {
			base = (ptg-0x20)%0x20 + 0x20 // the reference, value and array classes alike
		}
		ok := true
		switch {
		case binaryOps[base] != "":
			var a []string
			if a, ok = d.pop(2); ok {
				ok = d.push(a[0] + binaryOps[base] + a[1])
			}
		case base == 0x12 || base == 0x13:
			var a []string
			if a, ok = d.pop(1); ok {
				ok = d.push(map[byte]string{0x12: "+", 0x13: "-"}[base] + a[0])
			}
		case base == 0x14:
			var a []string
			if a, ok = d.pop(1); ok {
				ok = d.push(a[0] + "%")
			}
		case base == 0x15:
			var a []string
			if a, ok = d.pop(1); ok {
				ok = d.push("(" + a[0] + ")")
			}
		case base == 0x16:
			ok = d.push("")
		case base == 0x17:
			ok = d.str()
		case base == 0x19:
			ok = d.attr()
		case base == 0x1C:
			var v []byte
			if v, ok = d.take(1); ok {
				ok = d.push(errorText(v[0]))
			}
		case base == 0x1D:
			var v []byte
			if v, ok = d.take(1); ok {
				ok = d.push(map[bool]string{true: "TRUE", false: "FALSE"}[v[0] != 0])
			}
		case base == 0x1E:
			var v []byte
			if v, ok = d.take(2); ok {
				ok = d.push(strconv.Itoa(int(binary.LittleEndian.Uint16(v))))
			}
		case base == 0x1F:
			var v []byte
			if v, ok = d.take(8); ok {
				ok = d.push(strconv.FormatFloat(math.Float64frombits(binary.LittleEndian.Uint64(v)), 'G', -1, 64))
			}
		case base == 0x21:
			ok = d.function(false)
		case base == 0x22:
			ok = d.function(true)
		case base == 0x24:
			ok = d.ref()
		case base == 0x25:
			ok = d.area()
		default:
			return "", false
		}
		if !ok {
			return "", false
		}
	}
	if len(d.stack) != 1 {
		return "", false
	}
	return d.stack[0], true
}

func (d *decompiler) str() bool {
	n, ok := d.take(1)
	if !ok {
		return false
	}
	var s string
	if d.biff == 8 {
		fl, ok := d.take(1)
		if !ok {
			return false
		}
		size := int(n[0])
		if fl[0]&1 != 0 {
			size *= 2
		}
		b, ok := d.take(size)
		if !ok {
			return false
		}
		f := &fields{segs: [][]byte{b}}
		s = f.chars(int(n[0]), fl[0]&1 != 0)
	} else {
		b, ok := d.take(int(n[0]))
		if !ok {
			return false
		}
		s = d.cp.decode(b)
	}
	return d.push(`"` + strings.ReplaceAll(s, `"`, `""`) + `"`)
}

// attr reads tAttr: SUM of one argument is written as tAttrSum; a CHOOSE
// jump table follows tAttrChoose; the others are spacing and jumps.
func (d *decompiler) attr() bool {
	v, ok := d.take(3)
	if !ok {
		return false
	}
	flags, n := v[0], int(binary.LittleEndian.Uint16(v[1:]))
	switch {
	case flags&0x04 != 0:
		_, ok = d.take(2 * (n + 1))
		return ok
	case flags&0x10 != 0:
		a, ok := d.pop(1)
		return ok && d.push("SUM("+a[0]+")")
	}
	return true
}

func (d *decompiler) function(variable bool) bool {
	var argc, id int
	if variable {
		v, ok := d.take(3)
		if !ok {
			return false
		}
		argc, id = int(v[0]&0x7F), int(binary.LittleEndian.Uint16(v[1:])&0x7FFF)
	} else {
		v, ok := d.take(2)
		if !ok {
			return false
		}
		id = int(binary.LittleEndian.Uint16(v))
	}
	fn, known := functions[id]
	if !known {
		return false
	}
	if !variable {
		if fn.argc < 0 {
			return false
		}
		argc = fn.argc
	}
	args, ok := d.pop(argc)
	return ok && d.push(fn.name+"("+strings.Join(args, ",")+")")
}

// ref reads tRef: a cell, "$" before an absolute row or column.
func (d *decompiler) ref() bool {
	if d.biff == 8 {
		v, ok := d.take(4)
		if !ok {
			return false
		}
		col := binary.LittleEndian.Uint16(v[2:])
		return d.push(cellText(int(binary.LittleEndian.Uint16(v)), int(col&0x3FFF), col&0x8000 == 0, col&0x4000 == 0))
	}
	v, ok := d.take(3)
	if !ok {
		return false
	}
	row := binary.LittleEndian.Uint16(v)
	return d.push(cellText(int(row&0x3FFF), int(v[2]), row&0x8000 == 0, row&0x4000 == 0))
}

// area reads tArea: a range of cells.
func (d *decompiler) area() bool {
	if d.biff == 8 {
		v, ok := d.take(8)
		if !ok {
			return false
		}
		r1, r2 := int(binary.LittleEndian.Uint16(v)), int(binary.LittleEndian.Uint16(v[2:]))
		c1, c2 := binary.LittleEndian.Uint16(v[4:]), binary.LittleEndian.Uint16(v[6:])
		return d.push(cellText(r1, int(c1&0x3FFF), c1&0x8000 == 0, c1&0x4000 == 0) + ":" + cellText(r2, int(c2&0x3FFF), c2&0x8000 == 0, c2&0x4000 == 0))
	}
	v, ok := d.take(6)
	if !ok {
		return false
	}
	r1, r2 := binary.LittleEndian.Uint16(v), binary.LittleEndian.Uint16(v[2:])
	return d.push(cellText(int(r1&0x3FFF), int(v[4]), r1&0x8000 == 0, r1&0x4000 == 0) + ":" + cellText(int(r2&0x3FFF), int(v[5]), r2&0x8000 == 0, r2&0x4000 == 0))
}

// cellText is an A1 reference to 0-based row and col.
func cellText(row, col int, absRow, absCol bool) string {
	var b strings.Builder
	if absCol {
		b.WriteByte('$')
	}
	name := ""
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		name = string(rune('A'+(c-1)%26)) + name
	}
	b.WriteString(name)
	if absRow {
		b.WriteByte('$')
	}
	b.WriteString(strconv.Itoa(row + 1))
	return b.String()
}

// function is a built-in function: its name and, for those called with a
// fixed number of arguments (tFunc), that number; -1 for the others.
type function struct {
	name string
	argc int
}

// functions are the built-in functions decompiled, by their BIFF index
// ([MS-XLS] 2.5.198.17 Ftab): the ones department workbooks use.
var functions = map[int]function{
	0: {"COUNT", -1}, 1: {"IF", -1}, 2: {"ISNA", 1}, 3: {"ISERROR", 1}, 4: {"SUM", -1},
	5: {"AVERAGE", -1}, 6: {"MIN", -1}, 7: {"MAX", -1}, 8: {"ROW", -1}, 9: {"COLUMN", -1},
	10: {"NA", 0}, 11: {"NPV", -1}, 12: {"STDEV", -1}, 13: {"DOLLAR", -1}, 14: {"FIXED", -1},
	15: {"SIN", 1}, 16: {"COS", 1}, 17: {"TAN", 1}, 18: {"ATAN", 1}, 19: {"PI", 0},
	20: {"SQRT", 1}, 21: {"EXP", 1}, 22: {"LN", 1}, 23: {"LOG10", 1}, 24: {"ABS", 1},
	25: {"INT", 1}, 26: {"SIGN", 1}, 27: {"ROUND", 2}, 28: {"LOOKUP", -1}, 29: {"INDEX", -1},
	30: {"REPT", 2}, 31: {"MID", 3}, 32: {"LEN", 1}, 33: {"VALUE", 1}, 34: {"TRUE", 0},
	35: {"FALSE", 0}, 36: {"AND", -1}, 37: {"OR", -1}, 38: {"NOT", 1}, 39: {"MOD", 2},
	48: {"TEXT", 2}, 63: {"RAND", 0}, 65: {"DATE", 3}, 66: {"TIME", 3}, 67: {"DAY", 1},
	68: {"MONTH", 1}, 69: {"YEAR", 1}, 74: {"NOW", 0}, 76: {"ROWS", 1}, 77: {"COLUMNS", 1},
	78: {"OFFSET", -1}, 97: {"ATAN2", 2}, 98: {"ASIN", 1}, 99: {"ACOS", 1}, 100: {"CHOOSE", -1},
	101: {"HLOOKUP", -1}, 102: {"VLOOKUP", -1}, 109: {"LOG", -1}, 111: {"CHAR", 1},
	112: {"LOWER", 1}, 113: {"UPPER", 1}, 114: {"PROPER", 1}, 115: {"LEFT", -1}, 116: {"RIGHT", -1},
	117: {"EXACT", 2}, 118: {"TRIM", 1}, 119: {"REPLACE", 4}, 120: {"SUBSTITUTE", -1},
	124: {"FIND", -1}, 148: {"INDIRECT", -1}, 169: {"COUNTA", -1}, 183: {"PRODUCT", -1},
	184: {"FACT", 1}, 212: {"ROUNDUP", 2}, 213: {"ROUNDDOWN", 2}, 216: {"RANK", -1},
	219: {"ADDRESS", -1}, 220: {"DAYS360", -1}, 221: {"TODAY", 0}, 227: {"MEDIAN", -1},
	228: {"SUMPRODUCT", -1}, 285: {"FLOOR", 2}, 288: {"CEILING", 2}, 336: {"CONCATENATE", -1},
	337: {"POWER", 2}, 342: {"RADIANS", 1}, 343: {"DEGREES", 1}, 344: {"SUBTOTAL", -1},
	345: {"SUMIF", -1}, 346: {"COUNTIF", 2}, 347: {"COUNTBLANK", 1},
}
