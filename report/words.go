package report

import (
	"strings"

	"github.com/sheaf-dev/sheaf"
)

// statusWords names a figure's statuses for people, in the annex.
var statusWords = map[string]string{
	sheaf.StatusOK:          "正常",
	sheaf.StatusMissing:     "缺报",
	sheaf.StatusConflict:    "数值不一致",
	sheaf.StatusApproximate: "约数",
	sheaf.StatusInvalid:     "无法识别",
	sheaf.StatusFailing:     "校验不通过",
	sheaf.StatusUnverified:  "未经责任单位核实",
	sheaf.StatusAccepted:    "已说明",
	sheaf.StatusDoubtful:    "存疑",
}

// kindWords names a flag's kind for people.
var kindWords = map[string]string{
	sheaf.KindMissing:     "缺报",
	sheaf.KindConflict:    "数值不一致",
	sheaf.KindRule:        "校验",
	sheaf.KindInvalid:     "无法识别",
	sheaf.KindUnknown:     "未知指标",
	sheaf.KindApproximate: "约数",
	sheaf.KindFile:        "文件",
	sheaf.KindUnit:        "单位",
	sheaf.KindRange:       "数值范围",
	sheaf.KindVersion:     "多个版本",
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
func statusText(f sheaf.Figure) string {
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
	return sheaf.PeriodWord(p)
}
