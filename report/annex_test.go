package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/report"
	"github.com/sheaf-dev/sheaf/report/annex"
	"github.com/xuri/excelize/v2"
)

// TestAnnex opens the annex again and finds each figure traced to its cell
// and each open or accepted flag with its evidence and explanation.
func TestAnnex(t *testing.T) {
	data := report.Fixture(t)
	xlsx, err := annex.Write(report.BuildAnnex(data))
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatalf("the annex does not open: %v", err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "数据,问题" {
		t.Fatalf("sheets %s, want 数据,问题", got)
	}
	rows := func(sheet string) [][]string {
		t.Helper()
		rs, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	row := func(rs [][]string, key string) []string {
		t.Helper()
		for _, r := range rs {
			if len(r) > 0 && r[0] == key {
				return r
			}
		}
		t.Fatalf("no row %s", key)
		return nil
	}

	figures := rows("数据")
	t.Run("figures", func(t *testing.T) {
		if got, want := strings.Join(figures[0], ","), "指标编码,指标名称,年度,数值,单位,状态,报送单位,文件,工作表,单元格,说明"; got != want {
			t.Errorf("header %s, want %s", got, want)
		}
		if len(figures)-1 != len(data.Figures) {
			t.Errorf("%d figure rows, want %d", len(figures)-1, len(data.Figures))
		}
		tests := []struct {
			key  string
			want []string
		}{
			{"students.total", []string{"students.total", "在校生数", "2024", "36,614", "人", "数值不一致", "市教育局", "edu/2024年报.xlsx", "基本情况", "C9", "数值不一致"}},
			{"pay.teacher_avg", []string{"pay.teacher_avg", "义务教育教师平均年工资收入", "2024", "97,987.60", "元", "正常", "市教育局", "edu/2024年报.xlsx", "基本情况", "C19"}},
			{"schools.special", []string{"schools.special", "特殊教育学校数", "2024", "", "所", "缺报", "", "", "", "", "责任单位：市教育局"}},
			{"health.examined", []string{"health.examined", "健康体检学生数", "2023", "36,000", "人", "约数", "市卫健局", "health/2024年报.xlsx", "基本情况", "C3", "约数；原文“3.6万余”；体检时间2023年4月1日—5月15日"}},
			{"special.ratio", []string{"special.ratio", "特殊教育学校师生比", "2024", "4.1", "比值"}},
		}
		for _, tt := range tests {
			got := row(figures, tt.key)
			for i, w := range tt.want {
				if i >= len(got) || got[i] != w {
					t.Errorf("%s: column %s is %q, want %q (row %q)", tt.key, figures[0][i], at(got, i), w, got)
				}
			}
		}
		v, err := f.GetCellValue("数据", "D2", excelize.Options{RawCellValue: true})
		if err != nil || v != "44" {
			t.Errorf("value cell D2 = %q (%v), want the number 44", v, err)
		}
	})

	t.Run("flags", func(t *testing.T) {
		flags := rows("问题")
		if got, want := strings.Join(flags[0], ","), "编号,类型,严重程度,单位,指标,年度,状态,问题,依据单元格,说明"; got != want {
			t.Errorf("header %s, want %s", got, want)
		}
		var ids []string
		for _, r := range flags[1:] {
			ids = append(ids, r[0])
		}
		if got := strings.Join(ids, ","); got != "1,2,3,4,5,7" {
			t.Errorf("flags %s, want the open and accepted ones in order: 1,2,3,4,5,7", got)
		}
		conflict := row(flags, "1")
		want := []string{"1", "数值不一致", "错误", "市教育局", "在校生数", "2024", "待处理",
			"在校生数（2024年）各单位报送不一致：市教育局36614人，市统计局36600人",
			"市教育局 edu/2024年报.xlsx 基本情况!C9（36614）；市统计局 stats/2024年报.xlsx 基本情况!B7（36600）"}
		for i, w := range want {
			if at(conflict, i) != w {
				t.Errorf("conflict: column %s is %q, want %q", flags[0][i], at(conflict, i), w)
			}
		}
		accepted := row(flags, "5")
		if at(accepted, 6) != "已说明" || at(accepted, 4) != "规则 rotation_share" ||
			at(accepted, 9) != "3名教师因病延至2025年春季学期轮岗（市教育局 张老师）" {
			t.Errorf("accepted flag row %q", accepted)
		}
	})

	t.Run("header frozen", func(t *testing.T) {
		for _, sheet := range []string{"数据", "问题"} {
			p, err := f.GetPanes(sheet)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Freeze || p.YSplit != 1 || p.TopLeftCell != "A2" {
				t.Errorf("%s: panes %+v, want the first row frozen", sheet, p)
			}
			style, err := f.GetCellStyle(sheet, "A1")
			if err != nil {
				t.Fatal(err)
			}
			st, err := f.GetStyle(style)
			if err != nil {
				t.Fatal(err)
			}
			if st.Font == nil || !st.Font.Bold {
				t.Errorf("%s: the header is not bold", sheet)
			}
			if w, err := f.GetColWidth(sheet, "B"); err != nil || w < 10 {
				t.Errorf("%s: column B width %v (%v)", sheet, w, err)
			}
		}
	})
}

func at(r []string, i int) string {
	if i < len(r) {
		return r[i]
	}
	return ""
}
