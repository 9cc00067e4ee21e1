package jobs

import (
	"fmt"
	"html"
	"sort"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/storage"
)

// DigestInput is what the coordinators' digest reports on.
type DigestInput struct {
	Files   []storage.FileSummary
	Flags   []storage.StoredFlag
	Sources []reconcile.SourceStatus
	// Since is the previous digest (zero for the first): what changed after
	// it is listed.
	Since time.Time
	// AsOf is when the data was synced.
	AsOf time.Time
}

// ComposeDigest writes the coordinators' digest, in Chinese: who has
// submitted and when, sources failing, open flags by kind, every conflict
// and failing check with its cells, failing standards, what changed since
// the last digest, and the next deadlines.
func ComposeDigest(cfg *config.Config, now time.Time, in DigestInput) (subject, text string) {
	loc := cfg.Cycle.Location
	at := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	class := map[string]string{}
	for _, r := range cfg.Rules {
		class[r.ID] = r.Class
	}
	open := map[string]int{}
	var conflicts, checks, standards []storage.StoredFlag
	var opened, resolved, accepted []storage.StoredFlag
	for _, f := range in.Flags {
		if f.State == "open" {
			open[f.Kind]++
			switch {
			case f.Kind == reconcile.KindConflict:
				conflicts = append(conflicts, f)
			case f.Kind == reconcile.KindRule && class[f.Rule] == reconcile.ClassStandard:
				standards = append(standards, f)
			case f.Kind == reconcile.KindRule:
				checks = append(checks, f)
			}
		}
		if f.OpenedAt.After(in.Since) && f.State == "open" {
			opened = append(opened, f)
		}
		if f.State == "resolved" && f.ResolvedAt.After(in.Since) {
			resolved = append(resolved, f)
		}
		if f.State == "accepted" && f.AcceptedAt.After(in.Since) {
			accepted = append(accepted, f)
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "%s 汇总（数据截至 %s）\n\n", cfg.Cycle.Name, at(in.AsOf))

	// Sections are numbered as they appear: an empty one is left out.
	numerals := []string{"一", "二", "三", "四", "五", "六", "七", "八"}
	n := 0
	heading := func(title string) {
		if n > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s、%s\n", numerals[n], title)
		n++
	}
	heading("各单位报送情况")
	for _, d := range DepartmentStatuses(cfg, in.Files, nil, nil) {
		state := "未报送"
		if d.Files > 0 {
			state = fmt.Sprintf("已报送 %d 个文件，最近一次 %s", d.Files, at(d.Last))
		}
		fmt.Fprintf(&b, "  %s：%s\n", d.Name, state)
	}
	for _, s := range in.Sources {
		if s.Error != "" {
			fmt.Fprintf(&b, "  ！%s 的数据来源 %s 自 %s 起无法读取：%s\n", name(cfg, s.Department), s.Source, at(s.Since), s.Error)
		}
	}

	heading("待处理问题")
	kinds := []struct{ kind, word string }{{"missing", "未报送"}, {"conflict", "数值不一致"}, {"rule", "规则不符"},
		{"invalid", "无法识别"}, {"version", "版本不一致"}, {"unit", "单位换算存疑"}, {"range", "超出合理范围"},
		{"approximate", "约数待核实"}, {"file", "文件无法读取"}, {"unknown", "未识别的行"}}
	var counts []string
	for _, k := range kinds {
		if open[k.kind] > 0 {
			counts = append(counts, fmt.Sprintf("%s %d 项", k.word, open[k.kind]))
		}
	}
	if len(counts) == 0 {
		counts = []string{"无"}
	}
	fmt.Fprintf(&b, "  %s\n", strings.Join(counts, "，"))
	section := func(title string, fs []storage.StoredFlag) {
		if len(fs) == 0 {
			return
		}
		heading(title)
		for i, f := range fs {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, f.Message)
			for _, e := range f.Evidence {
				if e.File != "" && e.Cell != "" {
					fmt.Fprintf(&b, "     %s %s %s!%s「%s」\n", name(cfg, e.Department), e.File, e.Sheet, e.Cell, strings.TrimSpace(e.Raw))
				}
			}
		}
	}
	section("数值不一致", conflicts)
	section("校验不通过（数据可能有误）", checks)
	section("未达标准（供报告“存在问题”部分参考）", standards)

	heading("自上次汇总以来的变化")
	var news []string
	for _, f := range in.Files {
		if f.Present && f.Outcome != "" && f.Received.After(in.Since) {
			news = append(news, fmt.Sprintf("%s 报送 %s（%s）", name(cfg, f.Department), f.Path, at(f.Received)))
		}
	}
	sort.Strings(news)
	line := func(word string, items []string) {
		if len(items) > 0 {
			fmt.Fprintf(&b, "  %s：\n", word)
			for _, it := range items {
				fmt.Fprintf(&b, "    - %s\n", it)
			}
		}
	}
	msgs := func(fs []storage.StoredFlag) []string {
		var out []string
		for _, f := range fs {
			m := f.Message
			if f.Note != "" {
				m += "（说明：" + f.Note + "）"
			}
			out = append(out, m)
		}
		return out
	}
	line("新报送", news)
	line("新问题", msgs(opened))
	line("已解决", msgs(resolved))
	line("已接受说明", msgs(accepted))
	if len(news)+len(opened)+len(resolved)+len(accepted) == 0 {
		b.WriteString("  无\n")
	}

	heading("后续截止时间")
	upcoming := 0
	for _, dl := range cfg.Deadlines {
		due, err := dl.DueTime(loc)
		if err != nil || due.Before(now) {
			continue
		}
		upcoming++
		fmt.Fprintf(&b, "  %s：%s（还剩%s）\n", dl.Name, at(due), span(due.Sub(now)))
	}
	if upcoming == 0 {
		b.WriteString("  无\n")
	}
	b.WriteString("\n（本汇总由 sheaf 自动生成。）\n")
	total := 0
	for _, n := range open {
		total += n
	}
	subject = fmt.Sprintf("【数据汇总】%s：%d 项待处理（截至 %s）", cfg.Cycle.Name, total, in.AsOf.In(loc).Format("1月2日15:04"))
	return subject, b.String()
}

func name(cfg *config.Config, dept string) string {
	if d, ok := cfg.Department(dept); ok {
		return d.Name
	}
	return dept
}

// DigestHTML renders a digest's text as HTML for mail programs that show
// it: section titles as headings, the rest as it is written, escaped.
func DigestHTML(subject, text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(subject))
	b.WriteString("</title></head><body style=\"font-family: 'FangSong', 'STFangsong', 'Noto Serif CJK SC', serif; line-height: 1.6\">\n")
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			continue
		case isSectionTitle(t):
			fmt.Fprintf(&b, "<h3 style=\"font-family: 'SimHei', 'Noto Sans CJK SC', sans-serif\">%s</h3>\n", html.EscapeString(t))
		default:
			indent := len(line) - len(strings.TrimLeft(line, " "))
			fmt.Fprintf(&b, "<div style=\"margin-left: %dem\">%s</div>\n", indent/2, html.EscapeString(t))
		}
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// isSectionTitle reports whether a line opens a section: "一、…".
func isSectionTitle(line string) bool {
	for _, n := range []string{"一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"} {
		if strings.HasPrefix(line, n) {
			return true
		}
	}
	return false
}
