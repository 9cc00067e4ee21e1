package report

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// doubt is one thing a person must look at before the draft goes out: a
// missing figure, a doubtful value, a failing check. However many figures
// share it (the ten inputs of one failing sum), it is one doubt, with one
// number in the text and one entry in the list at the end.
type doubt struct {
	// key identifies the doubt: the rule for a failing check, else the
	// figure and what is wrong with it.
	key string
	// kind is the mark's word: 缺 or 待核实.
	kind string
	// what says what is doubtful, as the inline mark says it; title says
	// it in the list, naming the figure (empty: what).
	what, title string
	// figures are the figures concerned, each with its value and cell.
	figures []string
	// departments are those who can settle it.
	departments []string
	// ask is what to ask them, a sentence: "请核实…".
	ask string
	n   int
}

// markList numbers doubts in the order the text first shows them.
type markList struct {
	byKey map[string]*doubt
	list  []*doubt
}

// number returns d's number, giving it the next one on first sight.
func (m *markList) number(d doubt) int {
	if m.byKey == nil {
		m.byKey = map[string]*doubt{}
	}
	if old, ok := m.byKey[d.key]; ok {
		return old.n
	}
	d.n = len(m.list) + 1
	m.byKey[d.key] = &d
	m.list = append(m.list, &d)
	return d.n
}

// circled writes n as a circled number, ①…㊿, else "（n）".
func circled(n int) string {
	switch {
	case n >= 1 && n <= 20:
		return string(rune(0x2460 + n - 1))
	case n >= 21 && n <= 35:
		return string(rune(0x3251 + n - 21))
	case n >= 36 && n <= 50:
		return string(rune(0x32B1 + n - 36))
	}
	return "（" + strconv.Itoa(n) + "）"
}

// markOf writes the mark of a doubt: numbered, 【待核实①】, when the list
// is kept, else the whole doubt, 【待核实：…】.
func (c *catalogue) markOf(d doubt) string {
	if c.marks == nil {
		return mark(d.kind + "：" + d.what)
	}
	return mark(d.kind + circled(c.marks.number(d)))
}

// doubtList writes the 待核实事项 list that ends a draft with numbered
// marks: one paragraph per doubt, opening with its mark. Empty when there
// is no doubt or marks are inline.
func (c *catalogue) doubtList() string {
	if c.marks == nil || len(c.marks.list) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n\n## 待核实事项\n\n")
	b.WriteString("以下事项在正文中以编号标出，核实后请修改正文并删除标记。\n")
	for _, d := range c.marks.list {
		b.WriteString("\n")
		b.WriteString(mark(d.kind + circled(d.n)))
		title := d.title
		if title == "" {
			title = d.what
		}
		b.WriteString(escapeMarkdown(oneLine(strings.TrimSuffix(title, "。"))))
		b.WriteString("。")
		if len(d.figures) > 0 {
			b.WriteString("涉及数据：" + escapeMarkdown(oneLine(strings.Join(d.figures, "；"))) + "。")
		}
		if len(d.departments) > 0 {
			b.WriteString("相关单位：" + escapeMarkdown(strings.Join(d.departments, "、")) + "。")
		}
		if d.ask != "" {
			b.WriteString(escapeMarkdown(oneLine(d.ask)) + "。")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// dedupeMarks keeps the last of the same numbered mark in a paragraph:
// the figures of one failing check share one mark, at the end of what the
// paragraph says with them ("幼儿园58所，其中公办园26所、民办园33所【待核实③】").
// A table's cells and a list's items are paragraphs of their own (in the
// Word draft they are): each keeps its mark.
func dedupeMarks(md string) string {
	paras := strings.Split(md, "\n\n")
	for i, p := range paras {
		lines := strings.Split(p, "\n")
		switch {
		case strings.HasPrefix(strings.TrimSpace(lines[0]), "|"):
			for j, l := range lines {
				cells := strings.Split(l, "|")
				for k := range cells {
					cells[k] = dedupeUnit(cells[k])
				}
				lines[j] = strings.Join(cells, "|")
			}
			paras[i] = strings.Join(lines, "\n")
		case listItemRE.MatchString(lines[0]):
			var items []string
			for _, l := range lines {
				if listItemRE.MatchString(l) || len(items) == 0 {
					items = append(items, l)
				} else {
					items[len(items)-1] += "\n" + l
				}
			}
			for j := range items {
				items[j] = dedupeUnit(items[j])
			}
			paras[i] = strings.Join(items, "\n")
		default:
			paras[i] = dedupeUnit(p)
		}
	}
	return strings.Join(paras, "\n\n")
}

// listItemRE is a line that starts a list item: "- ", "* ", "+ ", "1. ",
// "1) ", indented or not.
var listItemRE = regexp.MustCompile(`^\s*(?:[-*+]|\d{1,9}[.)])\s`)

// dedupeUnit keeps the last of the same numbered mark in p.
func dedupeUnit(p string) string {
	type found struct{ start, end int }
	var marks []found
	count := map[string]int{}
	for pos := 0; ; {
		j := strings.Index(p[pos:], "【")
		if j < 0 {
			break
		}
		j += pos
		k := strings.Index(p[j:], "】")
		if k < 0 {
			break
		}
		end := j + k + len("】")
		if numberedMark(p[j:end]) {
			marks = append(marks, found{j, end})
			count[p[j:end]]++
		}
		pos = end
	}
	var b strings.Builder
	last := 0
	for _, m := range marks {
		text := p[m.start:m.end]
		b.WriteString(p[last:m.start])
		if count[text]--; count[text] == 0 {
			b.WriteString(text)
		}
		last = m.end
	}
	b.WriteString(p[last:])
	return b.String()
}

// numberedMark reports whether m is a numbered mark, 【待核实①】.
func numberedMark(m string) bool {
	return !strings.Contains(m, "：") && (strings.HasPrefix(m, "【待核实") || strings.HasPrefix(m, "【缺"))
}

// figureLine names one figure for the list: its value and where it was
// read, "幼儿园数（2024年）58所，市教育局「2024年报.xlsx」基本情况!C10".
func (c *catalogue) figureLine(r reading) string {
	s := r.ind.Name + "（" + periodWord(r.period) + "）"
	if !r.has {
		return s + "未报送"
	}
	s += withUnit(c.digits(r), r.ind.Unit)
	if f := r.fig; f != nil && f.Cell != "" {
		s += fmt.Sprintf("，%s「%s」%s!%s", c.departmentName(f.Department), baseName(f.File), f.Sheet, f.Cell)
	}
	return s
}

// baseName is a file's name without its folders: the list says which
// workbook, not where it is stored.
func baseName(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}
