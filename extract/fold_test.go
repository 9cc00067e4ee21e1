package extract

import (
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"spaces around and inside", "  学校 总数　", "学校总数"},
		{"full-width letters and digits", "ＡＢＣ１２", "abc12"},
		{"ascii lower-cased", "Total ABC", "totalabc"},
		{"no-break space", "学校\u00a0总数", "学校总数"},
		{"ideographic space", "学校\u3000总数", "学校总数"},
		{"tabs and newlines", "学校\t总数\r\n", "学校总数"},
		{"zero-width space and BOM", "\ufeff学\u200b校", "学校"},
		{"full-width brackets and percent", "比例（％）", "比例(%)"},
		{"full-width colon", "单位：万元", "单位:万元"},
		{"non-ASCII letters keep their case", "Ä", "Ä"},
		{"Chinese unchanged", "在校生人数", "在校生人数"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripUnitSuffix(t *testing.T) {
	tests := []struct {
		name, header, wantBase, wantUnit string
	}{
		{"full-width brackets", "数值（万元）", "数值", "万元"},
		{"ASCII brackets", "数值(万元)", "数值", "万元"},
		{"square brackets", "数值【万元】", "数值", "万元"},
		{"slash", "金额/万元", "金额", "万元"},
		{"full-width slash", "金额／万元", "金额", "万元"},
		{"unit label after a space", "数值 单位：万元", "数值", "万元"},
		{"unit label ASCII colon", "数值单位:万元", "数值", "万元"},
		{"unit label in brackets", "数值（单位：万元）", "数值", "万元"},
		{"alias percent", "比例（％）", "比例", "%"},
		{"spaces inside the unit", "数值（万 元）", "数值", "万元"},
		{"trailing space", "数值 （万元） ", "数值", "万元"},
		{"alias area", "面积(m2)", "面积", "平方米"},
		{"persons", "在校生(人)", "在校生", "人"},
		{"bracket not a unit", "人数（含兼职）", "人数（含兼职）", ""},
		{"slash not a unit", "男/女", "男/女", ""},
		{"no unit", "数值", "数值", ""},
		{"unit label not a unit", "数值 单位：教育局", "数值 单位：教育局", ""},
		{"empty", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, unit := stripUnitSuffix(nil, tt.header)
			if base != tt.wantBase || unit != tt.wantUnit {
				t.Errorf("StripUnitSuffix(%q) = %q, %q; want %q, %q", tt.header, base, unit, tt.wantBase, tt.wantUnit)
			}
		})
	}
}

func TestUnitFromNote(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"full-width colon", "单位：万元", "万元"},
		{"ASCII colon", "单位:万元", "万元"},
		{"in brackets", "（单位：万元）", "万元"},
		{"金额单位", "金额单位：万元", "万元"},
		{"in a title", "表1 2024年教育经费情况（单位：万元）", "万元"},
		{"spaces around the colon", "单位 ： 万元", "万元"},
		{"first of a list", "单位：万元，人", "万元"},
		{"bracket after the unit", "单位：万元(含专项资金)", "万元"},
		{"reporting body before the unit", "填报单位：教育局  单位：万元", "万元"},
		{"reporting body only", "填报单位：教育局", ""},
		{"percent alias", "单位：％", "%"},
		{"no unit", "说明：数据截至年底", ""},
		{"unknown unit", "单位：担", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unitFromNote(nil, tt.text); got != tt.want {
				t.Errorf("UnitFromNote(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}
