package report

import (
	"strings"

	"github.com/sheaf-dev/sheaf"
)

// statusText names every status of a figure: "约数、未经责任单位核实".
func statusText(f sheaf.Figure) string {
	if len(f.Statuses) == 0 {
		return f.Status.Word()
	}
	ws := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		ws[i] = s.Word()
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
