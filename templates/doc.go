// Package templates writes the workbooks departments fill in: one .xlsx per
// department, in the long layout extraction reads (指标编码 / 指标名称 / 年度 /
// 数值 / 单位 / 备注), one row per indicator the department owns and period it
// is collected for.
//
// A template cannot easily be filled wrong: everything but the value and
// note cells is locked (sheet protection without a password), value cells
// accept only numbers (within the indicator's plausible range, when it has
// one), each indicator's definition (口径) is a comment on its name, the
// deadlines that apply to the department are in the title, and a 说明 sheet
// says in Chinese how to fill it. Given last cycle's database, a 上期数值
// column beside the values shows the previous period's figures for
// reference; extraction never reads it as a value.
package templates
