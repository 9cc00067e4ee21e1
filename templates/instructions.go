package templates

import (
	"fmt"
	"slices"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf/config"
)

// instructions writes the 说明 sheet: one line per row, all in column A,
// so that extraction takes the sheet for notes (never two filled cells in
// one row) and lists it without a flag.
func (w *Writer) instructions(f *excelize.File, t Template) error {
	hasUnit := func(u string) bool {
		return slices.ContainsFunc(t.Lines, func(l Line) bool { return l.Unit == u })
	}
	lines := []string{
		"填表说明",
		fmt.Sprintf("本表是%s中%s的填报表，共 %d 项数据。", w.Config.Cycle.Name, t.DepartmentName, len(t.Lines)),
	}
	for _, d := range t.Deadlines {
		lines = append(lines, fmt.Sprintf("报送截止：%s，%s。", d.Name, d.Shown))
	}
	n := 0
	item := func(s string) {
		n++
		lines = append(lines, fmt.Sprintf("%d. %s", n, s))
	}
	lines = append(lines, "")
	item("请在“" + t.Sheet + "”工作表的“数值”列（浅黄色单元格）填写数字，需要说明的情况写在“备注”列。")
	item("指标编码、指标名称、年度、单位已锁定，请勿修改；也不要增删行、改动表头或工作表名，以免数据无法读取。")
	item("数值按“单位”列的单位填写，只填数字，不带单位或其他文字。")
	if hasUnit("%") {
		item("百分比填写百分数的数值：48.29% 填 48.29，不要填 0.4829。")
	}
	if hasUnit(config.Ratio) {
		item("比值（单位为“比”）填写“1:x”中的 x：1:3.1 填 3.1。")
	}
	item("暂无数据的项目请留空，并在备注中说明原因；不要用 0 代替。")
	item("加粗的指标为必填项。")
	item("指标名称单元格右上角有红色标记的，将鼠标移到该单元格上可查看该指标的统计口径。")
	if t.WithPrevious {
		item("“上期数值”列是上一期报送的数值，仅供对照，不会作为本期数值读取；本期数值请填在“数值”列。")
	}
	item("超出合理范围的数值会弹出提示；如数值确实如此，请确认后在备注中说明。")
	item("表格已设保护（无密码），只防误改；如确需修改其他单元格，可在“审阅”菜单中撤销工作表保护。")
	item("填好后保存为 .xlsx 文件，按原方式报送（放入本单位的报送文件夹）。")

	style, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	sh := InstructionsSheet
	if err := f.SetColWidth(sh, "A", "A", 100); err != nil {
		return err
	}
	for i, s := range lines {
		cell := fmt.Sprintf("A%d", i+1)
		if s == "" {
			continue
		}
		if err := f.SetCellStr(sh, cell, s); err != nil {
			return err
		}
		st := style
		if i == 0 {
			st = bold
		}
		if err := f.SetCellStyle(sh, cell, cell, st); err != nil {
			return err
		}
	}
	return nil
}
