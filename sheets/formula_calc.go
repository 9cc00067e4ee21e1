package sheets

import (
	"archive/zip"
	"bytes"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Formulas a file holds without a cached value (written by a program that
// does not calculate, such as excelize itself) are computed with
// excelize's CalcCellValue, by both readers alike, within bounds: computing
// one loads the sheets it refers to whole into excelize's cell structures,
// which take about twenty times the sheet XML in memory, and each formula
// may take long. So a file is computed only while its worksheets together
// unpack to at most maxCalcSheetBytes, and at most maxCalcFormulas formulas
// a file; a formula beyond is left uncomputed, as when its computation
// fails: the cell reads as the error "=formula", flagged where extraction
// needs its value.
const (
	maxCalcFormulas   = 200
	maxCalcSheetBytes = 16 << 20
)

// formulaCalc computes one file's formulas lacking a cached value. The
// zero value is not usable: see newFormulaCalc.
type formulaCalc struct {
	in  input
	lim Limits
	// small: the worksheets are small enough to be loaded for computing.
	small bool
	most  int // formulas computed at most
	done  int
	f     *excelize.File // opened on first use
	err   error          // opening failed
}

func newFormulaCalc(zr *zip.Reader, data []byte, lim Limits) *formulaCalc {
	return newInputCalc(zr, memInput(data), lim)
}

// newInputCalc is newFormulaCalc for a file in memory or read where it
// lies: such a file is read whole only when a formula is computed.
func newInputCalc(zr *zip.Reader, in input, lim Limits) *formulaCalc {
	var sheets uint64
	for _, f := range zr.File {
		if name := strings.ToLower(f.Name); strings.HasPrefix(name, "xl/worksheets/") && strings.HasSuffix(name, ".xml") {
			sheets += f.UncompressedSize64
		}
	}
	limit, n := uint64(maxCalcSheetBytes), maxCalcFormulas
	if lim.calcSheetBytes > 0 {
		limit = lim.calcSheetBytes
	}
	if lim.calcFormulas > 0 {
		n = lim.calcFormulas
	}
	return &formulaCalc{in: in, lim: lim, small: sheets <= limit, most: n}
}

// value computes the cell's formula; ok is false when it is not computed
// (out of bounds, or excelize cannot compute it).
func (fc *formulaCalc) value(sheet, ref string) (v string, ok bool) {
	if !fc.small || fc.done >= fc.most || fc.err != nil {
		return "", false
	}
	fc.done++
	if fc.f == nil {
		var data []byte
		if data, fc.err = fc.in.bytes(); fc.err == nil {
			fc.f, fc.err = openExcelize(data, fc.lim)
		}
		if fc.err != nil {
			return "", false
		}
	}
	v, err := fc.f.CalcCellValue(sheet, ref, excelize.Options{RawCellValue: true})
	return v, err == nil
}

// close releases the excelize file, if one was opened.
func (fc *formulaCalc) close() {
	if fc != nil && fc.f != nil {
		fc.f.Close()
		fc.f = nil
	}
}

// openExcelize opens the package with excelize under the limits.
// excelize's own unzip limit is about 16 GB; keep it to ours. Its XML limit
// is not a limit: a worksheet or shared-string part over it is kept in a
// temporary file rather than in memory, as excelize does by default (and
// as the fast reader's sstTemp assumes).
func openExcelize(data []byte, lim Limits) (*excelize.File, error) {
	return excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.pkg(), UnzipXMLSizeLimit: min(excelizeXMLTempSize, lim.pkg())})
}
