package report

import (
	"strings"

	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/sheets"
)

// statusWords names a figure's statuses for people, in the annex.
var statusWords = map[string]string{
	reconcile.StatusOK:          "正常",
	reconcile.StatusMissing:     "缺报",
	reconcile.StatusConflict:    "数值不一致",
	reconcile.StatusApproximate: "约数",
	reconcile.StatusInvalid:     "无法识别",
	reconcile.StatusFailing:     "校验不通过",
	reconcile.StatusUnverified:  "未经责任单位核实",
	reconcile.StatusAccepted:    "已说明",
	reconcile.StatusDoubtful:    "存疑",
}

// kindWords names a flag's kind for people.
var kindWords = map[string]string{
	reconcile.KindMissing:  "缺报",
	reconcile.KindConflict: "数值不一致",
	reconcile.KindRule:     "校验",
	sheets.KindInvalid:     "无法识别",
	sheets.KindUnknown:     "未知指标",
	sheets.KindApproximate: "约数",
	sheets.KindFile:        "文件",
	sheets.KindUnit:        "单位",
	sheets.KindRange:       "数值范围",
	reconcile.KindVersion:  "多个版本",
}

// severityWords names a flag's severity for people.
var severityWords = map[string]string{
	"error":   "错误",
	"warning": "警告",
	"info":    "提示",
}

// stateWords names a flag's state for people.
var stateWords = map[string]string{
	"open":     "待处理",
	"accepted": "已说明",
	"resolved": "已解决",
	"obsolete": "已失效",
}

// word looks s up in words, falling back to s itself.
func word(words map[string]string, s string) string {
	if w, ok := words[s]; ok {
		return w
	}
	return s
}

// statusText names every status of a figure: "约数、未经责任单位核实".
func statusText(f reconcile.Figure) string {
	if len(f.Statuses) == 0 {
		return word(statusWords, f.Status)
	}
	ws := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		ws[i] = word(statusWords, s)
	}
	return strings.Join(ws, "、")
}

// periodWord names a period in a sentence: "2024年", "2024年第2季度".
func periodWord(p string) string {
	if p == "" {
		return ""
	}
	return sheets.PeriodWord(p)
}
