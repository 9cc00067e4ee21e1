package sheets

// Merged ranges before rows. A sheet lists its merged ranges after
// <sheetData>, but a handler needs them with SheetInfo, before the rows,
// and the rows' covered cells are yielded empty. So each sheet part is
// read twice: a pre-scan decompresses it and searches the bytes of
// sheetData for its end without parsing them, then reads what follows
// (<mergeCells>) as the full reader does; the second pass reads the rows.
//
// Cost, measured with BenchmarkReadWorkbook (-benchtime 3x, a shared
// 2-core machine): corpus B (200,000 rows, 44 MB of sheet XML) went from
// 715 ms to MEASURE_B ms, corpus A (200 rows) from 0.80 ms to MEASURE_A ms:
// inflating the part is most of the pre-scan.

import "bytes"

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

func mergeRef(m Merge) string { return cellName(m.Left, m.Top) + ":" + cellName(m.Right, m.Bottom) }

var (
	endSheetData   = []byte("</sheetData")
	startSheetData = []byte("<sheetData")
	markupDecl     = []byte("<!")
	markupProcInst = []byte("<?")
)

// skipSheetData moves the pre-scan from buf[q], inside sheetData, to its
// end tag. Neither '<' nor "</sheetData" can occur in an attribute value
// or character data, so the first "</sheetData" is the end; comments,
// CDATA sections and processing instructions could hide one, and a nested
// <sheetData> would be a wrong end: those the full reader refuses anyway,
// and so does the pre-scan.
func (r *sheetReader) skipSheetData(q int) error {
	sc := &r.sc
	b := sc.buf[:sc.w]
	end := len(b)
	i := bytes.Index(b[q:], endSheetData)
	if i >= 0 {
		end = q + i
	}
	skipped := b[q:end]
	if bytes.Contains(skipped, markupDecl) || bytes.Contains(skipped, markupProcInst) || bytes.Contains(skipped, startSheetData) {
		return fallbackf("comment, declaration or nested sheetData inside sheetData")
	}
	if i < 0 {
		// Keep what may be the start of "</sheetData" or of "<!".
		sc.r = max(q, len(b)-len(endSheetData)+1)
		return errNeedMore
	}
	return r.sheetDataStep(end)
}
