package sheets

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf/sheets/xls"
)

// readXLSBook reads every sheet of a legacy Excel workbook (readXLSSheets)
// into memory.
func readXLSBook(name string, data []byte, lim Limits) ([]Sheet, error) {
	var out []Sheet
	err := readXLSSheets(name, data, lim,
		func(info SheetInfo) bool { out = append(out, Sheet{SheetInfo: info}); return true },
		func(r Row) error { out[len(out)-1].Rows = append(out[len(out)-1].Rows, r); return nil })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readXLSSheets reads a legacy Excel workbook (.xls, BIFF5 or BIFF8; a WPS
// .et holding BIFF8) with package xls, giving the same sheets, rows and
// cells the careful reader gives for the workbook saved as .xlsx: cells as
// stored, their number formats classified as for .xlsx, merged ranges,
// hidden sheets and rows, the 1904 date system.
//
// A sheet whose records are damaged is given with its Problem and no rows,
// as the xlsx readers give a damaged worksheet part, and the file's other
// sheets are read; a file in which no worksheet can be read is an error.
func readXLSSheets(name string, data []byte, lim Limits, visit func(SheetInfo) bool, emit func(Row) error) error {
	var (
		stream []byte
		cut    bool
		err    error
	)
	if plain, ok := bytes.CutPrefix(data, decryptedXLS); ok {
		stream = plain // Decrypt's work
	} else {
		stream, cut, err = xls.Stream(data, lim.part())
	}
	switch {
	case errors.Is(err, xls.ErrNotWorkbook) && strings.EqualFold(path.Ext(name), ".et"):
		return errOtherFormat(name, ".et") // a WPS format other than BIFF8
	case errors.Is(err, xls.ErrNotWorkbook):
		return unreadable(name, "文件是 Office 复合文档，但其中没有 Excel 工作簿（可能是 Word 文档或其他程序的文件），请将数据填入 Excel 工作簿后再报送")
	case errors.Is(err, xls.ErrTooLarge):
		return unreadable(name, "文件过大（工作簿数据超过上限 %s，见 sync.max_part_mb），可能已损坏或不是正常的报表，请检查后重新保存", sizeWords(uint64(lim.part())))
	case err != nil:
		return unreadableBy(err, name, "文件已损坏或不完整（不是完整的 Excel 97-2003 文件），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送")
	}
	wb, err := xls.Parse(stream, "")
	var enc *xls.EncryptedError
	switch {
	case errors.As(err, &enc):
		return errXLSPassword(name, enc)
	case errors.Is(err, xls.ErrTooOld):
		return unreadable(name, "文件为 Excel 4.0 或更早版本的格式，sheaf 无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送")
	case err != nil:
		return unreadableBy(err, name, "文件已损坏，无法作为 Excel 97-2003 工作簿读取，请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送")
	}
	infos := make([]SheetInfo, len(wb.Sheets))
	for i, sh := range wb.Sheets {
		infos[i] = SheetInfo{Name: sh.Name, Hidden: xlsVisibility(sh.Visibility), Kind: xlsKind(sh.Type)}
		if infos[i].Kind == Worksheet && sh.Damage != "" {
			// The cells before the damage are read, and the sheet says
			// where it broke off.
			infos[i].Damage = sh.Damage
		}
	}
	if wb.Damage != "" && len(infos) > 0 {
		// Damaged globals lose what the sheets need (shared strings,
		// formats), as a damaged workbook.xml or styles.xml does in an
		// .xlsx: the file is refused, as the xlsx reader refuses that.
		return unreadable(name, "工作簿结构已损坏（%s），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送", wb.Damage)
	}
	if len(infos) == 0 {
		why := wb.Damage
		if why == "" {
			why = "工作簿中没有工作表"
		}
		if cut {
			why += "；文件不完整"
		}
		return unreadable(name, "文件已损坏，无法作为 Excel 97-2003 工作簿读取（%s），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送", why)
	}
	if err := noReadableSheet(name, infos); err != nil {
		return err
	}
	conv := &xlsCells{wb: wb, styles: map[uint16]numFormat{}}
	for i, info := range infos {
		sh := &wb.Sheets[i]
		if info.Kind != Worksheet || info.Problem != "" {
			visit(info)
			continue
		}
		for _, m := range sh.Merges {
			info.Merges = append(info.Merges, Merge{Top: m.FirstRow + 1, Left: m.FirstCol, Bottom: m.LastRow + 1, Right: m.LastCol})
		}
		if !visit(info) {
			continue
		}
		if err := conv.sheet(sh, info.Merges, emit); err != nil {
			return err
		}
	}
	return nil
}

func xlsVisibility(v int) string {
	switch v {
	case xls.Hidden:
		return Hidden
	case xls.VeryHidden:
		return VeryHidden
	}
	return Visible
}

func xlsKind(t int) string {
	switch t {
	case xls.Worksheet:
		return Worksheet
	case xls.ChartSheet:
		return ChartSheet
	}
	return MacroSheet // Excel 4.0 macro sheets and VBA modules
}

// xlsCells turns a workbook's stored cells into rows.
type xlsCells struct {
	wb     *xls.Workbook
	styles map[uint16]numFormat // per XF
}

// sheet gives the sheet's non-empty rows in order, as the careful reader
// does: each row's cells up to its last stored value, covered cells of
// merged ranges empty.
func (x *xlsCells) sheet(sh *xls.Sheet, merges []Merge, emit func(Row) error) error {
	cells := sh.Cells
	// Records are in row order in files Excel writes; others may not be.
	slices.SortStableFunc(cells, func(a, b xls.Cell) int {
		if a.Row != b.Row {
			return a.Row - b.Row
		}
		return a.Col - b.Col
	})
	cover := newMergeCover(merges)
	for i := 0; i < len(cells); {
		j := i
		for j < len(cells) && cells[j].Row == cells[i].Row {
			j++
		}
		if err := x.row(cells[i:j], sh.HiddenRows, cover, emit); err != nil {
			return err
		}
		i = j
	}
	return nil
}

func (x *xlsCells) row(cells []xls.Cell, hidden map[int]bool, cover *mergeCover, emit func(Row) error) error {
	num := cells[0].Row + 1
	last := -1
	for _, c := range cells {
		if !xlsEmpty(c) || c.Formula {
			last = c.Col
		}
	}
	if last < 0 {
		return nil
	}
	row := Row{Num: num, Hidden: hidden[cells[0].Row], Cells: make([]Cell, last+1)}
	for col := range row.Cells {
		row.Cells[col].Ref, _ = excelize.CoordinatesToCellName(col+1, num)
	}
	active := cover.row(num)
	empty := true
	for _, c := range cells {
		if c.Col > last || coveredBy(active, num, c.Col) {
			continue
		}
		cell := x.cell(c)
		cell.Ref = row.Cells[c.Col].Ref
		row.Cells[c.Col] = cell
		if cell.Kind != CellEmpty {
			empty = false
		}
	}
	if empty {
		return nil
	}
	return emit(row)
}

func xlsEmpty(c xls.Cell) bool { return c.Kind == xls.Text && c.Str == "" }

// cell is one stored cell as the careful reader gives its .xlsx twin.
func (x *xlsCells) cell(c xls.Cell) Cell {
	var out Cell
	if c.Formula {
		out.Formula = c.FormulaText
	}
	switch c.Kind {
	case xls.Number:
		out.Kind, out.Raw = CellNumber, xlsNumber(c.Num)
		nf, ok := x.styles[c.XF]
		if !ok {
			if code, id := x.wb.Format(c.XF); code != "" {
				nf = classifyFormat(code)
			} else {
				nf = builtInNumFormat(id)
			}
			x.styles[c.XF] = nf
		}
		nf.apply(&out)
		out.Date1904 = out.Date && x.wb.Date1904
	case xls.Text:
		if c.Str != "" {
			out.Kind, out.Raw = CellText, c.Str
		}
	case xls.Bool:
		out.Kind, out.Raw = CellBool, strconv.Itoa(int(c.Num))
	case xls.Error:
		out.Kind, out.Raw = CellError, c.Str
	}
	return out
}

// xlsNumber writes a stored double as .xlsx stores it: the shortest text
// that reads back as the same number.
func xlsNumber(f float64) string {
	if a := abs(f); a != 0 && (a < 1e-5 || a >= 1e21) {
		return string(bytes.ToUpper(strconv.AppendFloat(nil, f, 'e', -1, 64)))
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// decryptedXLS starts what Decrypt returns for a legacy workbook it
// decrypted with the department's password: the workbook stream itself,
// which the xls reader reads without its container.
var decryptedXLS = []byte("sheaf decrypted BIFF stream\n")

// decryptXLS decrypts a legacy workbook encrypted with RC4 with password:
// the workbook stream, behind decryptedXLS. A workbook that is not
// encrypted, or that opens with Excel's built-in password, is returned
// as it is.
func decryptXLS(name string, data []byte, password string) ([]byte, error) {
	stream, _, err := xls.Stream(data, MaxPartSize)
	if err != nil {
		return data, nil // not a readable workbook: the reader says why
	}
	plain, err := xls.Decrypt(stream, password)
	var enc *xls.EncryptedError
	switch {
	case errors.As(err, &enc):
		return nil, errXLSPassword(name, enc)
	case err != nil:
		return data, nil
	case len(plain) > 0 && &plain[0] == &stream[0]:
		return data, nil
	}
	return append(append([]byte(nil), decryptedXLS...), plain...), nil
}

func errXLSPassword(name string, enc *xls.EncryptedError) error {
	reason := fmt.Sprintf("工作簿设置了打开密码（%s 加密），请取消密码（文件→信息→保护工作簿）后再报送", enc.Scheme)
	if enc.Tried {
		reason = fmt.Sprintf("工作簿设置了打开密码（%s 加密），用配置的密码无法打开；请确认密码，或取消密码后再报送", enc.Scheme)
	}
	return &UnreadableError{File: name, Reason: reason, password: true}
}
