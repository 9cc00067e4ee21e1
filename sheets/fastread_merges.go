package sheets

// Merged ranges before rows. A sheet lists its merged ranges after
// <sheetData>, but a handler needs them with SheetInfo, before the rows,
// and the rows' covered cells are yielded empty. So each sheet part is
// read twice: a pre-scan decompresses it and searches the bytes of
// sheetData for its end without parsing them, then reads what follows
// (<mergeCells>) as the full reader does; the second pass reads the rows.
//
// Cost, measured with BenchmarkReadWorkbook/*/stream (-benchtime 3x, four
// runs each, old and new interleaved, on a shared and busy 2-core machine,
// so the spread is wide): corpus B (one sheet of 200,000 rows, 44 MB of
// sheet XML) went from 499–723 ms to 618–804 ms a read (about +20 %),
// corpus A (200 rows) from 0.72–1.7 ms to 1.1–1.5 ms (about +50 %: a
// small part pays the second inflater's set-up). Memory did not grow
// (129 MB allocated in all for B, as before; the rows' cells are most of
// it). Profiled alone, the pre-scan costs what inflating the part costs:
// searching for "</sheetData" with bytes.Index, whose first byte '<' sheet
// XML holds every few bytes, cost as much again, hence indexEndSheetData.

import (
	"bytes"

	"github.com/sheaf-dev/sheaf/sheets/xmlscan"
)

// prescanSheet returns a sheet's merged ranges, in the order the sheet
// lists them.
func (wb *streamWorkbook) prescanSheet(sh streamSheet) ([]Merge, error) {
	r := &sheetReader{wb: wb, sheet: sh, prescan: true}
	if err := r.read(); err != nil {
		if !isFallback(err) {
			// The pre-scan does not look inside rows: read the sheet
			// through, yielding nothing, to report the first fault.
			full := &sheetReader{wb: wb, sheet: sh, cover: newMergeCover(nil),
				emit: func(string, Row) error { return nil }}
			if ferr := full.read(); ferr != nil {
				err = ferr
			}
		}
		return nil, wb.sheetDamaged(sh, err)
	}
	if len(r.merges) > 0 && !r.rootMain {
		return nil, fallbackf("merged ranges in a part whose root is not a Transitional worksheet")
	}
	// excelize joins overlapping ranges into one; Excel does not write
	// them.
	c := newMergeCover(r.merges)
	for i, rg := range c.byTop {
		for _, o := range c.byTop[:i] {
			if o.Bottom >= rg.Top && o.Left <= rg.Right && rg.Left <= o.Right {
				return nil, fallbackf("overlapping merged ranges %s and %s", mergeRef(o), mergeRef(rg))
			}
		}
	}
	return r.merges, nil
}

func mergeRef(m Merge) string { return CellName(m.Left, m.Top) + ":" + CellName(m.Right, m.Bottom) }

var endSheetData = []byte("</sheetData")

// indexEndSheetData finds "</sheetData" in b. bytes.Index looks for the
// pattern's first byte, '<', which sheet XML holds every few bytes; 'D'
// is rare (column D's references, Excel's dyDescent), so look for it.
func indexEndSheetData(b []byte) int {
	const before = len("</sheet")
	from := before
	for from < len(b) {
		i := bytes.IndexByte(b[from:], 'D')
		if i < 0 {
			return -1
		}
		at := from + i - before
		if bytes.HasPrefix(b[at:], endSheetData) {
			return at
		}
		from += i + 1
	}
	return -1
}

// skipSheetData moves the pre-scan from buf[q], inside sheetData, to its
// end tag. Neither '<' nor "</sheetData" can occur in an attribute value
// or character data, so the first "</sheetData" is the end. A comment or
// CDATA section could hide one, and a nested <sheetData> would end early:
// the full reader refuses both when it meets them (the caller then drops
// what it was given, merges included), and a pre-scan led astray fails on
// the tags that follow and is then diagnosed by a full read.
func (r *sheetReader) skipSheetData(q int) error {
	sc := &r.sc
	b := sc.Bytes()
	i := indexEndSheetData(b[q:])
	if i < 0 {
		// Keep what may be the start of "</sheetData".
		sc.SetPos(max(q, len(b)-len(endSheetData)+1))
		return xmlscan.ErrNeedMore
	}
	return r.sheetDataStep(q + i)
}
