package jobs

import (
	"fmt"
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
		if st.Files > 0 {
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
		for _, f := range fs {
			it := notify.DigestItem{Text: f.Message}
			for _, e := range f.Evidence {
				if e.File != "" && e.Cell != "" {
					it.Cells = append(it.Cells, fmt.Sprintf("%s %s %s!%s「%s」", name(cfg, e.Department), e.File, e.Sheet, e.Cell, strings.TrimSpace(e.Raw)))
				}
			}
			s.Items = append(s.Items, it)
		}
		d.Sections = append(d.Sections, s)
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

func name(cfg *config.Config, dept string) string {
	if d, ok := cfg.Department(dept); ok {
		return d.Name
	}
	return dept
}
