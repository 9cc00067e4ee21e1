package jobs

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/notify"
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
	// Refused are the messages sent since the previous digest that the
	// server refused for some recipients.
	Refused []storage.RefusedDelivery
	// Answers are the departments' latest answers to their flags, by flag,
	// one per department that answered: those waiting for the coordinator
	// are listed as 待确认, each with the department that gave it.
	Answers map[int64][]storage.FlagAnswer
}

// composeDigest writes the coordinators' digest, in Chinese: who has
// submitted and when, sources failing, open flags by kind, every conflict
// and failing check with its cells, failing standards, what changed since
// the last digest, and the next deadlines. Its Text and HTML are the mail's
// two parts.
func composeDigest(cfg *config.Config, now time.Time, in DigestInput) notify.Digest {
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
		if f.State == sheaf.FlagOpen {
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
		if f.OpenedAt.After(in.Since) && f.State == sheaf.FlagOpen {
			opened = append(opened, f)
		}
		if f.State == sheaf.FlagResolved && f.ResolvedAt.After(in.Since) {
			resolved = append(resolved, f)
		}
		if f.State == sheaf.FlagAccepted && f.AcceptedAt.After(in.Since) {
			accepted = append(accepted, f)
		}
	}
	total := 0
	for _, n := range open {
		total += n
	}
	d := notify.Digest{
		Subject: fmt.Sprintf("【数据汇总】%s：%d 项待处理（截至 %s）", cfg.Cycle.Name, total, in.AsOf.In(loc).Format("1月2日15:04")),
		Title:   fmt.Sprintf("%s 汇总（数据截至 %s）", cfg.Cycle.Name, at(in.AsOf)),
	}

	submitted := notify.DigestSection{Title: "各单位报送情况"}
	for _, st := range DepartmentStatuses(cfg, in.Files, nil, nil) {
		state := "未报送"
		switch {
		case st.Files > 0 && st.Failed == st.Files:
			// Nothing sheaf could read is not a submission.
			state = fmt.Sprintf("未报送（%d 个文件均无法读取）", st.Files)
		case st.Failed > 0:
			state = fmt.Sprintf("已报送 %d 个文件（其中 %d 个无法读取），最近一次 %s", st.Files, st.Failed, at(st.Last))
		case st.Files > 0:
			state = fmt.Sprintf("已报送 %d 个文件，最近一次 %s", st.Files, at(st.Last))
		}
		submitted.Lines = append(submitted.Lines, st.Name+"："+state)
	}
	for _, s := range in.Sources {
		if s.Error != "" {
			submitted.Lines = append(submitted.Lines, fmt.Sprintf("！%s 的数据来源 %s 自 %s 起无法读取：%s", name(cfg, s.Department), s.Source, at(s.Since), s.Error))
		}
	}
	d.Sections = append(d.Sections, submitted)

	var counts []string
	for _, k := range sheaf.FlagKinds {
		if open[k] > 0 {
			counts = append(counts, fmt.Sprintf("%s %d 项", k.Word(), open[k]))
		}
	}
	if len(counts) == 0 {
		counts = []string{"无"}
	}
	d.Sections = append(d.Sections, notify.DigestSection{Title: "待处理问题", Lines: []string{strings.Join(counts, "，")}})

	// A section with no flag is left out.
	flagSection := func(title string, fs []storage.StoredFlag) {
		if len(fs) == 0 {
			return
		}
		s := notify.DigestSection{Title: title}
		seen := map[string]bool{}
		for _, f := range fs {
			it := notify.DigestItem{Text: f.Message}
			for _, e := range f.Evidence {
				if e.File != "" && e.Cell != "" {
					it.Cells = append(it.Cells, fmt.Sprintf("%s %s %s!%s「%s」", name(cfg, e.Department), e.File, e.Sheet, e.Cell, strings.TrimSpace(e.Raw)))
				}
			}
			if len(it.Cells) == 0 {
				it.Text = where(cfg, f) + "：" + f.Message
			}
			if k := it.Text + "\x00" + strings.Join(it.Cells, "\x00"); !seen[k] {
				seen[k] = true
				s.Items = append(s.Items, it)
			}
		}
		d.Sections = append(d.Sections, s)
	}
	var waiting []notify.DigestItem
	for _, f := range in.Flags {
		for _, a := range in.Answers[f.ID] {
			if a.State != sheaf.AnswerPending || f.State != sheaf.FlagOpen {
				continue
			}
			text := fmt.Sprintf("%s（问题 %d）%s的答复%s：%s", where(cfg, f), f.ID, name(cfg, a.Department), sheaf.AnswerPending.Word(), a.Note)
			if a.By != "" {
				text += "（" + a.By + "，" + at(a.At) + "）"
			}
			waiting = append(waiting, notify.DigestItem{Text: text + "；原问题：" + f.Message})
		}
	}
	if len(waiting) > 0 {
		d.Sections = append(d.Sections, notify.DigestSection{Title: "部门答复" + sheaf.AnswerPending.Word() + "（在 /flags 接受或退回）", Items: waiting})
	}
	flagSection("数值不一致", conflicts)
	flagSection("校验不通过（数据可能有误）", checks)
	flagSection("未达标准（供报告“存在问题”部分参考）", standards)

	var news []string
	for _, f := range in.Files {
		if f.Present && f.Outcome != "" && f.Received.After(in.Since) {
			news = append(news, fmt.Sprintf("%s 报送 %s（%s）", name(cfg, f.Department), f.Path, at(f.Received)))
		}
	}
	sort.Strings(news)
	news = collapse(news)
	// Each line names the department and the file it is about; the same
	// line (a flag kept for several periods or sheets) is given once.
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
	changes := notify.DigestSection{Title: "自上次汇总以来的变化"}
	for _, g := range []notify.DigestGroup{{Word: "新报送", Items: news}, {Word: "新问题", Items: msgs(opened)},
		{Word: "已解决", Items: msgs(resolved)}, {Word: "已接受说明", Items: msgs(accepted)}} {
		if len(g.Items) > 0 {
			changes.Groups = append(changes.Groups, g)
		}
	}
	if len(changes.Groups) == 0 {
		changes.Lines = []string{"无"}
	}
	d.Sections = append(d.Sections, changes)

	if len(in.Refused) > 0 {
		bounced := notify.DigestSection{Title: "邮件未送达的收件人"}
		for _, r := range in.Refused {
			for _, x := range r.Refused {
				bounced.Lines = append(bounced.Lines, fmt.Sprintf("%s（%s）未送达 %s：%s", r.Subject, at(r.SentAt), x.Address, x.Reason))
			}
		}
		bounced.Lines = collapse(bounced.Lines)
		d.Sections = append(d.Sections, bounced)
	}

	deadlines := notify.DigestSection{Title: "后续截止时间"}
	for _, dl := range cfg.Deadlines {
		due, err := dl.DueTime(loc)
		if err != nil || due.Before(now) {
			continue
		}
		deadlines.Lines = append(deadlines.Lines, fmt.Sprintf("%s：%s（还剩%s）", dl.Name, at(due), span(due.Sub(now))))
	}
	if len(deadlines.Lines) == 0 {
		deadlines.Lines = []string{"无"}
	}
	d.Sections = append(d.Sections, deadlines)
	return d
}

// where names what a flag is about for a digest line: the departments
// and files of its evidence ("市教育局 教育.xlsx、市统计局 报表.xlsx"), or
// its department when no file holds it (a figure not submitted).
func where(cfg *config.Config, f storage.StoredFlag) string {
	var parts []string
	for _, e := range f.Evidence {
		if e.File == "" {
			continue
		}
		p := name(cfg, e.Department) + " " + e.File
		if !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return name(cfg, f.Department)
	}
	return strings.Join(parts, "、")
}

// collapse gives each line once, in the order first seen, saying how many
// times a repeated one came.
func collapse(lines []string) []string {
	count := map[string]int{}
	var order []string
	for _, l := range lines {
		if count[l] == 0 {
			order = append(order, l)
		}
		count[l]++
	}
	out := make([]string, len(order))
	for i, l := range order {
		out[i] = l
		if n := count[l]; n > 1 {
			out[i] += fmt.Sprintf("（共 %d 处）", n)
		}
	}
	return out
}

func name(cfg *config.Config, dept string) string {
	if d, ok := cfg.Department(dept); ok {
		return d.Name
	}
	return dept
}
