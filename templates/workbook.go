package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/renameio/v2"
	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
)

// Where things are on the data sheet: the title in row 1, the header in
// row 2, one line per row from row 3. Value cells are in column D; with a
// 上期数值 column (E), 单位 and 备注 move one column right.
const (
	titleRow     = 1
	headerRow    = 2
	firstDataRow = 3
	colCode      = "A"
	colName      = "B"
	colPeriod    = "C"
	colValue     = "D"
)

// Header words of the data sheet. They are extraction's built-in column
// names for the roles (extract.builtinHeaders), so that a template is read
// back without any configuration. HeaderPrevious is no column name of any
// role: its cells are left alone by extraction.
const (
	HeaderCode     = "指标编码"
	HeaderName     = "指标名称"
	HeaderPeriod   = "年度"
	HeaderValue    = "数值"
	HeaderUnit     = "单位"
	HeaderNote     = "备注"
	HeaderPrevious = "上期数值"
)

// columns are the data sheet's header words, in order.
func (t Template) columns() []string {
	if t.WithPrevious {
		return []string{HeaderCode, HeaderName, HeaderPeriod, HeaderValue, HeaderPrevious, HeaderUnit, HeaderNote}
	}
	return []string{HeaderCode, HeaderName, HeaderPeriod, HeaderValue, HeaderUnit, HeaderNote}
}

// Column is the column letter of a header word on t's data sheet, "" for
// one it does not have.
func (t Template) Column(header string) string {
	for i, h := range t.columns() {
		if h == header {
			name, _ := excelize.ColumnNumberToName(i + 1)
			return name
		}
	}
	return ""
}

// unitText is how a unit is written in the 单位 column: as configured, but
// a ratio as 比, a unit name extraction also reads.
func unitText(unit string) string {
	if unit == config.Ratio {
		return "比"
	}
	return unit
}

// noBounds bounds a value with no range: any number a cell can hold that
// a figure could be.
const noBounds = 1e15

// styles are the cell styles of a data sheet.
type styles struct {
	title, header, locked, name, required, value, note int
	// previous holds the 上期数值 style by decimals.
	previous map[int]int
}

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}}
	locked := &excelize.Protection{Locked: true}
	unlocked := &excelize.Protection{Locked: false}
	s := &styles{previous: map[int]int{}}
	var err error
	add := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.title = add(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Protection: locked})
	s.header = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Protection: locked})
	s.locked = add(&excelize.Style{Border: border, Fill: grey, Alignment: &excelize.Alignment{Vertical: "center"}, Protection: locked})
	s.name = add(&excelize.Style{Border: border, Fill: grey, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Protection: locked})
	s.required = add(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: grey,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Protection: locked})
	s.value = add(&excelize.Style{Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}},
		Alignment: &excelize.Alignment{Vertical: "center"}, Protection: unlocked})
	s.note = add(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Protection: unlocked})
	return s, err
}

// previousStyle is the 上期数值 style showing a figure's decimals.
func (s *styles) previousStyle(f *excelize.File, decimals int) (int, error) {
	if id, ok := s.previous[decimals]; ok {
		return id, nil
	}
	format := "0"
	if decimals > 0 {
		format += "." + strings.Repeat("0", decimals)
	}
	id, err := f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Color: "7F7F7F", Italic: true},
		Border: []excelize.Border{
			{Type: "left", Color: "A6A6A6", Style: 1}, {Type: "right", Color: "A6A6A6", Style: 1},
			{Type: "top", Color: "A6A6A6", Style: 1}, {Type: "bottom", Color: "A6A6A6", Style: 1},
		},
		Fill:         excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
		Alignment:    &excelize.Alignment{Vertical: "center"},
		CustomNumFmt: &format,
		Protection:   &excelize.Protection{Locked: true},
	})
	s.previous[decimals] = id
	return id, err
}

// Workbook builds a department's template in memory.
func (w *Writer) Workbook(dept *config.Department) (*excelize.File, Template, error) {
	t, err := w.Plan(dept)
	if err != nil {
		return nil, Template{}, err
	}
	f := excelize.NewFile()
	if err := w.build(f, t); err != nil {
		f.Close()
		return nil, Template{}, fmt.Errorf("template of %s: %w", dept.ID, err)
	}
	return f, t, nil
}

// build writes t's data and instructions sheets into f.
func (w *Writer) build(f *excelize.File, t Template) error {
	if err := f.SetSheetName(f.GetSheetName(0), t.Sheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(InstructionsSheet); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	cols := t.columns()
	last, _ := excelize.ColumnNumberToName(len(cols))
	sh := t.Sheet
	set := func(cell string, v any, style int) error {
		if err := f.SetCellValue(sh, cell, v); err != nil {
			return err
		}
		return f.SetCellStyle(sh, cell, cell, style)
	}

	title := fmt.Sprintf("%s　%s填报表", w.Config.Cycle.Name, t.DepartmentName)
	if len(t.Deadlines) > 0 {
		var parts []string
		for _, d := range t.Deadlines {
			parts = append(parts, d.Name+" "+d.Shown)
		}
		title += "（报送截止：" + strings.Join(parts, "；") + "）"
	}
	if err := set("A1", title, st.title); err != nil {
		return err
	}
	if err := f.MergeCell(sh, "A1", fmt.Sprintf("%s%d", last, titleRow)); err != nil {
		return err
	}
	if err := f.SetRowHeight(sh, titleRow, 36); err != nil {
		return err
	}
	for i, h := range cols {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := set(fmt.Sprintf("%s%d", col, headerRow), h, st.header); err != nil {
			return err
		}
	}

	colPrev, colUnit, colNote := t.Column(HeaderPrevious), t.Column(HeaderUnit), t.Column(HeaderNote)
	// Value cells with the same bounds share one validation.
	type bounds struct {
		min, max float64
		ranged   bool
	}
	valid := map[bounds][]string{}
	var order []bounds
	for i, ln := range t.Lines {
		r := firstDataRow + i
		cell := func(col string) string { return col + strconv.Itoa(r) }
		nameStyle := st.name
		if ln.Required {
			nameStyle = st.required
		}
		if err := set(cell(colCode), ln.Indicator, st.locked); err != nil {
			return err
		}
		if err := set(cell(colName), ln.Name, nameStyle); err != nil {
			return err
		}
		if err := set(cell(colPeriod), periodText(ln.Period), st.locked); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, ln.Cell, ln.Cell, st.value); err != nil {
			return err
		}
		if err := set(cell(colUnit), unitText(ln.Unit), st.locked); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, cell(colNote), cell(colNote), st.note); err != nil {
			return err
		}
		if colPrev != "" {
			style, err := st.previousStyle(f, ln.decimals)
			if err != nil {
				return err
			}
			if ln.Previous != nil {
				if err := f.SetCellFloat(sh, cell(colPrev), *ln.Previous, -1, 64); err != nil {
					return err
				}
			}
			if err := f.SetCellStyle(sh, cell(colPrev), cell(colPrev), style); err != nil {
				return err
			}
		}
		if note := strings.TrimSpace(ln.ind.Note); note != "" {
			if err := f.AddComment(sh, excelize.Comment{Cell: cell(colName), Author: "口径",
				Paragraph: []excelize.RichTextRun{{Text: note}}, Width: 240, Height: 80}); err != nil {
				return err
			}
		}
		b := bounds{min: -noBounds, max: noBounds}
		if rg := ln.ind.Range; len(rg) == 2 {
			b = bounds{min: rg[0], max: rg[1], ranged: true}
		}
		if _, ok := valid[b]; !ok {
			order = append(order, b)
		}
		valid[b] = append(valid[b], ln.Cell)
	}
	for _, b := range order {
		dv := excelize.NewDataValidation(true)
		dv.Sqref = strings.Join(valid[b], " ")
		if err := dv.SetRange(b.min, b.max, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween); err != nil {
			return err
		}
		if b.ranged {
			// The range is what is plausible, not what is possible: a true
			// figure outside it may be entered after a warning (sheaf
			// flags it for a person to confirm).
			rng := formatBound(b.min) + " 至 " + formatBound(b.max)
			dv.SetError(excelize.DataValidationErrorStyleWarning, "数值超出合理范围",
				"该指标的合理范围为 "+rng+"。如数值确实如此，请选“是”，并在备注中说明；百分比请填百分数的数值（48.29% 填 48.29）。")
			dv.SetInput("请填写数字", "只填数字，不带单位；合理范围 "+rng+"。")
		} else {
			dv.SetError(excelize.DataValidationErrorStyleStop, "请填写数字",
				"此处只能填写数字，不带单位或文字；需要说明的情况请写在备注列。")
			dv.SetInput("请填写数字", "只填数字，不带单位；暂无数据请留空并在备注中说明。")
		}
		if err := f.AddDataValidation(sh, dv); err != nil {
			return err
		}
	}

	widths := map[string]float64{colCode: 24, colName: 36, colPeriod: 10, colValue: 16, colUnit: 8, colNote: 30}
	if colPrev != "" {
		widths[colPrev] = 14
	}
	for col, wd := range widths {
		if err := f.SetColWidth(sh, col, col, wd); err != nil {
			return err
		}
	}
	if err := f.SetPanes(sh, &excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", firstDataRow), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// No password: the lock keeps cells from being changed by mistake,
	// not by intent (the 说明 sheet says how to lift it).
	if err := f.ProtectSheet(sh, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true,
	}); err != nil {
		return err
	}
	return w.instructions(f, t)
}

// periodText is a period as the 年度 column writes it: "2024年".
func periodText(p string) string {
	if _, _, ok := sheaf.ParsePeriod(p); ok {
		return sheaf.PeriodWord(p)
	}
	return p
}

// formatBound writes a range bound without a needless decimal point.
func formatBound(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Write writes a department's template into dir, as FileName, and
// returns it with File set. An existing file is not overwritten unless
// overwrite is set: it may be a department's filled copy.
func (w *Writer) Write(dir string, dept *config.Department, overwrite bool) (Template, error) {
	path := filepath.Join(dir, FileName(w.Config, dept))
	if !overwrite {
		if _, err := os.Stat(path); err == nil {
			return Template{}, fmt.Errorf("%s already exists (not overwritten; it may be a filled copy)", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return Template{}, err
		}
	}
	f, t, err := w.Workbook(dept)
	if err != nil {
		return Template{}, err
	}
	defer f.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Template{}, fmt.Errorf("create %s: %w", dir, err)
	}
	// Written beside, then renamed: a folder sheaf syncs never sees half a
	// workbook.
	pf, err := renameio.NewPendingFile(path, renameio.WithPermissions(0o644))
	if err != nil {
		return Template{}, fmt.Errorf("write %s: %w", path, err)
	}
	defer pf.Cleanup() // a no-op once replaced
	if _, err := f.WriteTo(pf); err != nil {
		return Template{}, fmt.Errorf("write %s: %w", path, err)
	}
	if err := pf.CloseAtomicallyReplace(); err != nil {
		return Template{}, fmt.Errorf("write %s: %w", path, err)
	}
	t.File = path
	return t, nil
}
