package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// want is one expected observation, written "sheet!cell indicator@period = value/decimals".
type wantObs struct {
	at        string // "汇总表!D5"
	indicator string
	period    string
	value     float64
	hasValue  bool
	decimals  int
	approx    sheaf.Approximation
	note      string
}

func v(at, ind, period string, value float64, dec int) wantObs {
	return wantObs{at: at, indicator: ind, period: period, value: value, hasValue: true, decimals: dec}
}

func none(at, ind, period string) wantObs {
	return wantObs{at: at, indicator: ind, period: period}
}

func (w wantObs) withNote(n string) wantObs                { w.note = n; return w }
func (w wantObs) withApprox(a sheaf.Approximation) wantObs { w.approx = a; return w }

func loadTestConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Load("../sheets/testdata/sheaf.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func extractFile(t *testing.T, cfg *config.Config, name string) ([]sheaf.Observation, []sheaf.Finding, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "sheets", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	shs, err := sheets.ReadWorkbook(name, data, sheets.Limits{})
	if err != nil {
		return nil, nil, err
	}
	dept, _ := cfg.Department("edu")
	obs, fs := NewExtractor(cfg, dept).Extract(shs)
	return obs, fs, nil
}

// TestExtractFixtures reads files saved by LibreOffice and by excelize and
// checks every observation: value, unit conversion, written precision,
// period, note and the exact cell. The fixtures are described cell by cell
// in sheets/testdata/README.md.
func TestExtractFixtures(t *testing.T) {
	cfg := loadTestConfig(t)
	csvRows := []wantObs{
		v("C2", "students.total", "2024", 36614, 0),
		v("C3", "schools.total", "2024", 44, 0).withNote("含教师进修学校"),
		v("C4", "fund.edu_spend", "2023", 68258, 0).withNote("财政决算口径"),
		v("C5", "health.myopia_rate", "2022", 50.32, 2),
		v("C6", "health.examined", "2024", 36000, -3).withApprox(sheaf.Over).withNote("2023年春季体检"),
		v("C7", "special.ratio", "2024", 4.1, 1),
	}
	tests := []struct {
		name     string
		file     string
		want     []wantObs
		findings []string // "kind sheet!cell"
	}{
		{
			name: "LibreOffice: every value and period form",
			file: "lo_cases.xlsx",
			want: []wantObs{
				v("汇总表!D5", "schools.total", "2024", 44, 0),
				v("汇总表!D6", "students.total", "2024", 36614, 0),
				v("汇总表!D7", "schools.total", "2024", 44, 0).withNote("名称含多余空格"),
				v("汇总表!D8", "pay.teacher_avg", "2024", 97987.6, 2), // shown 97,987.60: the format fixes two decimals
				v("汇总表!D9", "fund.edu_spend", "2022", 68211, 0),
				v("汇总表!D10", "fund.edu_spend", "2023", 68258, 0),
				v("汇总表!D11", "fund.edu_spend", "2022", 68211, 4).withNote("按元填报"),
				v("汇总表!D13", "fund.budget", "2024", 56366, 0).withNote("年初预算50000万元，追加6366万元"),
				v("汇总表!D14", "health.myopia_rate", "2022", 50.32, 2),
				v("汇总表!D15", "health.myopia_rate", "2023", 48.87, 2),
				v("汇总表!D16", "health.examined", "2024", 36000, -3).withApprox(sheaf.Over).withNote("2023年4月1日—5月15日组织体检"),
				v("汇总表!D17", "special.ratio", "2024", 4.1, 1),
				v("汇总表!D18", "safety.guards", "2024", 592, 0),
				v("汇总表!D20", "rotation.quarter", "2024Q1", 30, 0),
				v("汇总表!D21", "rotation.quarter", "2024Q2", 39, 0),
				none("汇总表!D22", "students.total", "2024").withNote("见第6行"),
				none("汇总表!D23", "fund.budget", "2024"),
				none("汇总表!D24", "safety.guards", "2024"),
			},
			findings: []string{"approximate 汇总表!D16", "invalid 汇总表!C12", "invalid 汇总表!D25", "unknown !"},
		},
		{
			name: "LibreOffice: unit in the header, header in row 12 under notes",
			file: "lo_header_unit.xlsx",
			want: []wantObs{
				v("经费!C3", "fund.edu_spend", "2022", 68211, 0),
				v("经费!C4", "fund.edu_spend", "2023", 68258, 0),
				v("经费!C5", "fund.budget", "2024", 56366, 0).withNote("年初预算"),
				v("经费!C6", "pay.teacher_avg", "2024", 97987.6, 1).withNote("按万元填报"),
				v("学生!C13", "students.total", "2024", 36614, 0),
				v("学生!C14", "health.examined", "2024", 36000, 0),
				v("学生!C15", "health.myopia_rate", "2022", 50.32, 2),
				v("学生!C16", "health.myopia_rate", "2023", 48.87, 2),
			},
			// 9.79876 under the header 数值（万元） for a 元 indicator: the
			// header alone converts it, which a person confirms.
			findings: []string{"unit 经费!C6"},
		},
		{
			name: "excelize: shared strings, built-in percent format, formula without cached value",
			file: "excelize_sharedstrings.xlsx",
			want: []wantObs{
				v("汇总表!D2", "schools.total", "2024", 44, 0),
				v("汇总表!D3", "students.total", "2024", 36614, 0),
				v("汇总表!D4", "fund.edu_spend", "2022", 68211, 0),
				v("汇总表!D5", "health.myopia_rate", "2022", 50.32, 2),
				v("汇总表!D6", "special.ratio", "2024", 4.1, 1),
				// No cached value: the formula 50000+6366 is evaluated.
				v("汇总表!D7", "fund.budget", "2024", 56366, 0).withNote("公式未计算"),
			},
		},
		{
			name: "LibreOffice: plain baseline",
			file: "small.xlsx",
			want: []wantObs{
				v("数据!C2", "schools.total", "2024", 44, 0),
				v("数据!C3", "students.total", "2024", 36614, 0),
				v("数据!C4", "fund.edu_spend", "2022", 68211, 0),
				v("数据!C5", "fund.edu_spend", "2023", 68258, 0),
				v("数据!C6", "fund.budget", "2024", 56366, 0),
				v("数据!C7", "pay.teacher_avg", "2024", 97987.6, 2), // shown 97,987.60
				v("数据!C8", "safety.guards", "2024", 211, 0),
				v("数据!C9", "special.ratio", "2024", 4.1, 1),
			},
		},
		{name: "GBK CSV", file: "gbk.csv", want: prefix("gbk!", csvRows), findings: []string{"approximate gbk!C6"}},
		{name: "UTF-8 CSV with BOM", file: "utf8_bom.csv", want: prefix("utf8_bom!", csvRows), findings: []string{"approximate utf8_bom!C6"}},
		{name: "UTF-8 CSV", file: "utf8.csv", want: prefix("utf8!", csvRows), findings: []string{"approximate utf8!C6"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			obs, fs, err := extractFile(t, cfg, tc.file)
			if err != nil {
				t.Fatalf("read %s: %v", tc.file, err)
			}
			got := map[string]sheaf.Observation{}
			for _, o := range obs {
				got[o.Sheet+"!"+o.Cell] = o
			}
			for _, w := range tc.want {
				o, ok := got[w.at]
				if !ok {
					t.Errorf("%s: no observation (have %v)", w.at, keys(got))
					continue
				}
				delete(got, w.at)
				if o.Indicator != w.indicator || o.Period != w.period || o.HasValue != w.hasValue ||
					o.Value != w.value || o.Decimals != w.decimals || o.Approx != w.approx || o.Note != w.note {
					t.Errorf("%s: got %s@%s = %v (has %v, dec %d, approx %q, note %q)\n\twant %s@%s = %v (has %v, dec %d, approx %q, note %q)",
						w.at, o.Indicator, o.Period, o.Value, o.HasValue, o.Decimals, o.Approx, o.Note,
						w.indicator, w.period, w.value, w.hasValue, w.decimals, w.approx, w.note)
				}
			}
			for at, o := range got {
				t.Errorf("unexpected observation %s: %s@%s = %v", at, o.Indicator, o.Period, o.Value)
			}
			var gotF []string
			for _, f := range fs {
				gotF = append(gotF, string(f.Kind)+" "+f.Sheet+"!"+f.Cell)
			}
			sort.Strings(gotF)
			want := append([]string(nil), tc.findings...)
			sort.Strings(want)
			if strings.Join(gotF, ", ") != strings.Join(want, ", ") {
				t.Errorf("findings = %v, want %v", gotF, want)
				for _, f := range fs {
					t.Logf("  %s %s!%s %q: %s", f.Kind, f.Sheet, f.Cell, f.Raw, f.Message)
				}
			}
		})
	}
}

func prefix(p string, ws []wantObs) []wantObs {
	out := make([]wantObs, len(ws))
	for i, w := range ws {
		w.at = p + w.at
		out[i] = w
	}
	return out
}

func keys(m map[string]sheaf.Observation) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestExtractFindingsSayWhat checks the words people will read.
func TestExtractFindingsSayWhat(t *testing.T) {
	cfg := loadTestConfig(t)
	_, fs, err := extractFile(t, cfg, "lo_cases.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]sheaf.Finding{}
	for _, f := range fs {
		byCell[string(f.Kind)+" "+f.Cell] = f
	}
	tests := []struct {
		key, wantRaw string
		wantIn       []string
	}{
		{"invalid C12", "2021", []string{"2021", "2022年、2023年"}},
		{"invalid D25", "待统计", []string{"体检学生数", "待统计"}},
		{"approximate D16", "3.6万余", []string{"3.6万余", "36000"}},
		{"unknown ", "", []string{"汇总表!B19 食堂数量"}},
	}
	for _, tc := range tests {
		f, ok := byCell[tc.key]
		if !ok {
			t.Errorf("no finding %q", tc.key)
			continue
		}
		if tc.wantRaw != "" && strings.TrimSpace(f.Raw) != tc.wantRaw {
			t.Errorf("%s raw = %q, want %q", tc.key, f.Raw, tc.wantRaw)
		}
		for _, s := range tc.wantIn {
			if !strings.Contains(f.Message, s) {
				t.Errorf("%s message %q lacks %q", tc.key, f.Message, s)
			}
		}
	}
}

func ExampleFormatValue() {
	fmt.Println(sheaf.FormatValue(27216.8, 1), sheaf.FormatValue(36000, -3))
	// Output: 27216.8 36000
}

func TestExtractSaysWhenNoHeaderIsFound(t *testing.T) {
	cfg := loadTestConfig(t)
	dept, _ := cfg.Department("edu")
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "Sheet1"}, Rows: []sheets.Row{
		{Num: 1, Cells: []sheets.Cell{{Ref: "A1", Raw: "项目", Kind: sheets.CellText}, {Ref: "B1", Raw: "完成情况", Kind: sheets.CellText}}},
		{Num: 2, Cells: []sheets.Cell{{Ref: "A2", Raw: "学校总数", Kind: sheets.CellText}, {Ref: "B2", Raw: "44", Kind: sheets.CellNumber}}},
	}}
	obs, fs := NewExtractor(cfg, dept).Extract([]sheets.Sheet{sh})
	// The file was read: a missing table is the department's to fix (an
	// unknown warning), not a file that could not be read.
	if len(obs) != 0 || len(fs) != 1 || fs[0].Kind != sheaf.KindUnknown || fs[0].Severity != sheaf.SeverityWarning ||
		!strings.Contains(fs[0].Message, "没有找到表头行") || !strings.Contains(fs[0].Message, "「项目」「完成情况」") {
		t.Fatalf("observations %v findings %+v, want one unknown warning saying no header was found", obs, fs)
	}
}

func TestIgnoreListMatchesLabelsWithValues(t *testing.T) {
	cfg := loadTestConfig(t)
	cfg.Extraction.Ignore = []string{"填表人"}
	sh := sheets.Sheet{SheetInfo: sheets.SheetInfo{Name: "S"}, Rows: []sheets.Row{
		{Num: 1, Cells: []sheets.Cell{{Ref: "A1", Raw: "指标名称", Kind: sheets.CellText}, {Ref: "B1", Raw: "数值", Kind: sheets.CellText}}},
		{Num: 2, Cells: []sheets.Cell{{Ref: "A2", Raw: "填表人：王五", Kind: sheets.CellText}, {Ref: "B2", Raw: "联系电话 1234", Kind: sheets.CellText}}},
	}}
	_, fs := NewExtractor(cfg, nil).Extract([]sheets.Sheet{sh})
	if len(fs) != 0 {
		t.Fatalf("findings %+v, want 填表人：王五 ignored", fs)
	}
}
