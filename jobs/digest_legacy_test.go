package jobs

// The digest as it was written before it had templates, kept to show that
// the templates write the same text and an equivalent HTML.

import (
	"fmt"
	"html"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/storage"
)

// composeDigest writes the coordinators' digest, in Chinese: who has
// submitted and when, sources failing, open flags by kind, every conflict
// and failing check with its cells, failing standards, what changed since
// the last digest, and the next deadlines.
func legacyComposeDigest(cfg *config.Config, now time.Time, in DigestInput) (subject, text string) {
	loc := cfg.Cycle.Location
	at := func(t time.Time) string { return t.In(loc).Format("2006-01-02 15:04") }
	class := map[string]string{}
	for _, r := range cfg.Rules {
		class[r.ID] = r.Class
	}
	open := map[sheaf.Kind]int{}
	var conflicts, checks, standards []storage.StoredFlag
	var opened, resolved, accepted []storage.StoredFlag
	for _, f := range in.Flags {
		if f.State == "open" {
			open[f.Kind]++
			switch {
			case f.Kind == sheaf.KindConflict:
				conflicts = append(conflicts, f)
			case f.Kind == sheaf.KindRule && class[f.Rule] == reconcile.ClassStandard:
				standards = append(standards, f)
			case f.Kind == sheaf.KindRule:
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
			fmt.Fprintf(&b, "  ！%s 的数据来源 %s 自 %s 起无法读取：%s\n", legacyName(cfg, s.Department), s.Source, at(s.Since), s.Error)
		}
	}

	heading("待处理问题")
	kinds := []struct {
		kind sheaf.Kind
		word string
	}{{"file", "文件无法读取"}, {"missing", "未报送"}, {"conflict", "数值不一致"}, {"version", "版本不一致"}, {"rule", "规则不符"},
		{"invalid", "无法识别"}, {"unit", "单位换算存疑"}, {"range", "超出合理范围"},
		{"approximate", "约数待核实"}, {"unknown", "未识别的行"}}
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
			var cells []string
			for _, e := range f.Evidence {
				if e.File != "" && e.Cell != "" {
					cells = append(cells, fmt.Sprintf("     %s %s %s!%s「%s」\n", legacyName(cfg, e.Department), e.File, e.Sheet, e.Cell, strings.TrimSpace(e.Raw)))
				}
			}
			// Since the digest names every line's department and file: a
			// flag without cells says where it is.
			text := f.Message
			if len(cells) == 0 {
				text = where(cfg, f) + "：" + text
			}
			fmt.Fprintf(&b, "  %d. %s\n%s", i+1, text, strings.Join(cells, ""))
		}
	}
	section("数值不一致", conflicts)
	section("校验不通过（数据可能有误）", checks)
	section("未达标准（供报告“存在问题”部分参考）", standards)

	heading("自上次汇总以来的变化")
	var news []string
	for _, f := range in.Files {
		if f.Present && f.Outcome != "" && f.Received.After(in.Since) {
			news = append(news, fmt.Sprintf("%s 报送 %s（%s）", legacyName(cfg, f.Department), f.Path, at(f.Received)))
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
			m := where(cfg, f) + "：" + f.Message
			if f.Note != "" {
				m += "（说明：" + f.Note + "）"
			}
			out = append(out, m)
		}
		return collapse(out)
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

func legacyName(cfg *config.Config, dept string) string {
	if d, ok := cfg.Department(dept); ok {
		return d.Name
	}
	return dept
}

// DigestHTML renders a digest's text as HTML for mail programs that show
// it: section titles as headings, the rest as it is written, escaped.
func legacyDigestHTML(subject, text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(subject))
	b.WriteString("</title></head><body style=\"font-family: 'FangSong', 'STFangsong', 'Noto Serif CJK SC', serif; line-height: 1.6\">\n")
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			continue
		case legacyIsSectionTitle(t):
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
func legacyIsSectionTitle(line string) bool {
	for _, n := range []string{"一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"} {
		if strings.HasPrefix(line, n) {
			return true
		}
	}
	return false
}

// TestDigestTemplatesWriteTheSameDigest renders digests of several states
// both ways: the text part is byte for byte the same, and the HTML part has
// the same headings and the same words in the same order, its numbered and
// dashed lines now lists.
func TestDigestTemplatesWriteTheSameDigest(t *testing.T) {
	cfg := loadRemindConfig(t)
	loc := cfg.Cycle.Location
	since := time.Date(2025, 3, 20, 17, 30, 0, 0, loc)
	conflict := flag("conflict", "edu", "students.total", "", "open", "在校生数（2024年）数值不一致", "edu", "stats")
	conflict.OpenedAt = since.Add(time.Hour)
	check := flag("rule", "finance", "", "spend_sum", "open", "教育支出应大于零 <b>&amp; \"引号\"", "finance")
	check.OpenedAt = since.Add(-time.Hour)
	standard := flag("rule", "edu", "", "special_std", "open", "特教生师比高于标准", "edu")
	standard.OpenedAt = since.Add(-48 * time.Hour)
	missing := flag("missing", "stats", "special.ratio", "", "open", "市统计局未报送特教生师比")
	missing.OpenedAt = since.Add(3 * time.Hour)
	fixed := flag("missing", "finance", "fund.edu_spend", "", "resolved", "市财政局未报送一般公共预算教育支出（2024年，单位：万元）")
	fixed.ResolvedAt = since.Add(2 * time.Hour)
	accepted := flag("range", "edu", "students.total", "", "accepted", "在校生数超出合理范围")
	accepted.AcceptedAt, accepted.Note = since.Add(4*time.Hour), "学校合并"
	files := []storage.FileSummary{
		{Department: "finance", Path: "经费.xlsx", Present: true, Outcome: "ok", Received: since.Add(2 * time.Hour)},
		{Department: "edu", Path: "教育.xlsx", Present: true, Outcome: "ok", Received: since.Add(-96 * time.Hour)},
		{Department: "edu", Path: "新表.xlsx", Present: true, Outcome: "ok", Received: since.Add(5 * time.Hour)},
		{Department: "stats", Path: "复制中.xlsx", Present: true},
	}
	sources := []reconcile.SourceStatus{{Department: "stats", Source: "inbox/stats", Since: since, Error: "权限不足 <403>"}}
	tests := []struct {
		name string
		now  time.Time
		in   DigestInput
	}{
		{"everything", since.Add(24 * time.Hour), DigestInput{Files: files, Sources: sources, Since: since, AsOf: since.Add(23 * time.Hour),
			Flags: []storage.StoredFlag{conflict, check, standard, missing, fixed, accepted}}},
		{"first digest", since, DigestInput{Files: files, Flags: []storage.StoredFlag{conflict, missing}, AsOf: since}},
		{"nothing, after the deadlines", time.Date(2025, 4, 2, 9, 0, 0, 0, loc), DigestInput{Since: since}},
		{"nothing new", since.Add(time.Hour), DigestInput{Files: files[1:2], Flags: []storage.StoredFlag{standard}, Since: since, AsOf: since}},
	}
	tag := regexp.MustCompile(`<[^>]*>`)
	heading := regexp.MustCompile(`<h3[^>]*>([^<]*)</h3>`)
	marker := regexp.MustCompile(`^(\d+\. |- )`)
	words := func(h string, stripMarkers bool) (out []string, marked int) {
		for _, s := range tag.Split(h, -1) {
			if s = strings.TrimSpace(html.UnescapeString(s)); s == "" {
				continue
			}
			if stripMarkers && marker.MatchString(s) {
				s = marker.ReplaceAllString(s, "")
				marked++
			}
			out = append(out, s)
		}
		return out, marked
	}
	headings := func(h string) (out []string) {
		for _, m := range heading.FindAllStringSubmatch(h, -1) {
			out = append(out, html.UnescapeString(m[1]))
		}
		return out
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantSubject, wantText := legacyComposeDigest(cfg, tc.now, tc.in)
			d := composeDigest(cfg, tc.now, tc.in)
			text, err := d.Text()
			if err != nil {
				t.Fatal(err)
			}
			if d.Subject != wantSubject {
				t.Errorf("subject %q, was %q", d.Subject, wantSubject)
			}
			if text != wantText {
				t.Errorf("text part differs.\nnow:\n%s\nwas:\n%s", text, wantText)
			}
			got, err := d.HTML()
			if err != nil {
				t.Fatal(err)
			}
			was := legacyDigestHTML(wantSubject, wantText)
			if g, w := headings(got), headings(was); !slices.Equal(g, w) || len(g) < 4 {
				t.Errorf("headings %q, were %q", g, w)
			}
			gotWords, _ := words(got, false)
			wasWords, listed := words(was, true)
			if !slices.Equal(gotWords, wasWords) {
				t.Errorf("HTML words differ.\nnow: %q\nwas: %q", gotWords, wasWords)
			}
			if li := strings.Count(got, "<li>"); li != listed {
				t.Errorf("%d list items, want %d (the numbered and dashed lines)", li, listed)
			}
			if strings.Contains(got, "<b>") {
				t.Errorf("a flag's message is not escaped:\n%s", got)
			}
		})
	}
}
