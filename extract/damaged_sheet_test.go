package extract

import "testing"

// A sheet read only in part (a legacy .xls broken off inside it) gives its
// rows before the damage, and a warning names the sheet, where it broke
// off and the last row read: the figures after it are not silently
// missing, and those before are not silently trusted as the whole sheet.
func TestDamagedSheetIsReadAndFlagged(t *testing.T) {
	cfg, dept := layoutCatalogue(t)
	sh := sheet("基本情况", r(1, "指标名称", "年度", "数值"), r(2, "学校总数", "2024", "#44"))
	sh.Damage = "第 2048 字节处的工作表记录被截断"
	obs, fs, out := run(t, cfg, dept, sh)
	assertObs(t, obs, "基本情况!C2 schools.total@2024 = 44/0 raw 44")
	assertFindings(t, fs, "file warning 基本情况! @|只读取了一部分|第 2048 字节处的工作表记录被截断|已读取到第 2 行")
	if len(out) != 1 || out[0].Outcome != "read" || out[0].Reason == "" {
		t.Errorf("outcome %+v, want read, with the damage said", out)
	}
}
