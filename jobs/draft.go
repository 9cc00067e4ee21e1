package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/renameio/v2"
	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/report"
	"github.com/sheaf-dev/sheaf/report/annex"
	"github.com/sheaf-dev/sheaf/storage"
)

// draftSnapshot is the meta key holding the figures of the previous draft,
// to say what changed since.
const draftSnapshot = "draft_figures"

// DraftReport says what a draft run wrote.
type DraftReport struct {
	Files   []string `json:"files"`
	Changes int      `json:"changes"`
	First   bool     `json:"first"` // no draft before this one
	Queued  int      `json:"queued"`
	Sent    int      `json:"sent"`
}

// Draft syncs first, renders the report template into every format in
// outDir (formats: md, html, docx, xlsx), and, when mail is configured,
// mails the coordinators the HTML in the body with the .docx and .xlsx
// attached. The top of the draft lists what changed since the previous one.
func (m *Mailing) Draft(ctx context.Context, trigger string, scheduled time.Time, outDir string, formats []string) (*DraftReport, error) {
	if m.Syncer != nil {
		if _, err := m.Syncer.Sync(ctx, trigger); err != nil {
			return nil, fmt.Errorf("sync before drafting: %w", err)
		}
	}
	rep := &DraftReport{}
	err := m.runner().run(ctx, "draft", trigger, scheduled, func(ctx context.Context, _ int64) (any, error) {
		return rep, m.draft(ctx, scheduled, outDir, formats, rep)
	})
	return rep, err
}

func (m *Mailing) draft(ctx context.Context, scheduled time.Time, outDir string, formats []string, rep *DraftReport) error {
	cfg := m.Config
	figs, err := m.DB.Figures(ctx)
	if err != nil {
		return err
	}
	flags, err := m.DB.Flags(ctx)
	if err != nil {
		return err
	}
	rules, err := m.DB.RuleResults(ctx)
	if err != nil {
		return err
	}
	since, asOf, err := m.sinceAndAsOf(ctx, "draft")
	if err != nil {
		return err
	}
	prev := map[string]string{}
	if s, err := m.DB.Meta(ctx, draftSnapshot); err == nil {
		_ = json.Unmarshal([]byte(s), &prev)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	changes, snapshot := draftChanges(cfg, figs, flags, prev, since, !since.IsZero())
	rep.Changes = len(changes)
	rep.First = since.IsZero()

	data := report.Data{Config: cfg, Figures: figs, Flags: flags, Rules: rules, AsOf: asOf, Changes: changes}
	d, err := report.Build(cfg.ReportTemplate(), data)
	if err != nil {
		return err
	}
	xlsx, err := annex.Write(report.BuildAnnex(data))
	if err != nil {
		return fmt.Errorf("build annex: %w", err)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", outDir, err)
	}
	title := cfg.ReportTitle()
	contents := map[string][]byte{"md": []byte(d.Markdown), "html": []byte(d.HTML), "docx": d.DOCX, "xlsx": xlsx}
	stamp := draftName(title, m.now().In(cfg.Cycle.Location))
	var names map[string]string
	// Two drafts made within one second (one by hand beside the scheduled
	// one) get names of their own: neither overwrites the other.
	for n := 1; ; n++ {
		base := stamp
		if n > 1 {
			base = fmt.Sprintf("%s-%d", stamp, n)
		}
		names = map[string]string{"md": base + ".md", "html": base + ".html", "docx": base + ".docx", "xlsx": base + "-附表.xlsx"}
		taken := false
		for _, name := range names {
			if _, err := os.Lstat(filepath.Join(outDir, name)); err == nil {
				taken = true
			}
		}
		if !taken {
			break
		}
	}
	for _, f := range formats {
		data, ok := contents[f]
		if !ok {
			return fmt.Errorf("format %q: want md, html, docx or xlsx", f)
		}
		p := filepath.Join(outDir, names[f])
		if err := writeFileAtomic(p, data); err != nil {
			return err
		}
		rep.Files = append(rep.Files, p)
	}
	if err := m.DB.SetMeta(ctx, draftSnapshot, snapshot); err != nil {
		return err
	}
	if m.Sender == nil || len(cfg.Mail.Coordinators) == 0 {
		return nil
	}
	msg := sheaf.OutboxMessage{Kind: sheaf.MailDraft, Sender: cfg.Mail.From, To: cfg.Mail.Coordinators,
		Subject:  fmt.Sprintf("【报告初稿】%s（数据截至 %s）", title, asOf.In(cfg.Cycle.Location).Format("1月2日15:04")),
		BodyText: draftText(d.Markdown, changes, rep.First), BodyHTML: d.HTML,
		DedupKey: draftKey(scheduled, cfg.Cycle.Location, d.Markdown),
		Attachments: []sheaf.Attachment{
			{Name: names["docx"], Data: d.DOCX},
			{Name: names["xlsx"], Data: xlsx},
		}}
	if rep.Queued, err = m.DB.Enqueue(ctx, msg); err != nil {
		return err
	}
	rep.Sent, _, err = m.flush(ctx)
	return err
}

// draftKey names the decision to mail a draft, never the clock: the draft
// the schedule asked for at scheduled, or, asked for by hand, this very
// draft (its text, which says as of when). Two processes deciding the same
// draft queue one message.
func draftKey(scheduled time.Time, loc *time.Location, markdown string) string {
	if !scheduled.IsZero() {
		return "draft/" + scheduled.In(loc).Format("2006-01-02T15:04")
	}
	sum := sha256.Sum256([]byte(markdown))
	return "draft/" + hex.EncodeToString(sum[:12])
}

// draftName is a draft's file name without extension: the title, with 初稿
// once, and when it was made, to the second so that two drafts never share
// a name: "2024年度履行教育职责自评初稿-20250320-170000".
func draftName(title string, now time.Time) string {
	if !strings.Contains(title, "初稿") {
		title += "初稿"
	}
	return title + "-" + now.Format("20060102-150405")
}

// draftText is the plain-text part of the draft mail: what changed since
// the previous draft, as the HTML part shows it above the report, then the
// report's Markdown.
func draftText(md string, changes []string, first bool) string {
	var b strings.Builder
	switch {
	case first:
		b.WriteString("这是本周期的第一份初稿。\n")
	case len(changes) == 0:
		b.WriteString("自上次初稿以来，数据没有变化。\n")
	default:
		b.WriteString("自上次初稿以来的变化：\n")
		for _, c := range changes {
			b.WriteString("- " + c + "\n")
		}
	}
	b.WriteString("\n")
	b.WriteString(md)
	return b.String()
}

// draftChanges lists what changed since the previous draft: figures whose
// values changed, flags opened and resolved. It returns the lines and the
// snapshot of this draft's figures for the next one.
func draftChanges(cfg *config.Config, figs []sheaf.Figure, flags []storage.StoredFlag, prev map[string]string, since time.Time, hadDraft bool) ([]string, string) {
	now := map[string]string{}
	var lines []string
	for _, f := range figs {
		key := f.Indicator + "@" + f.Period
		v := "缺"
		if f.HasValue {
			v = sheaf.FormatValue(f.Value, max(f.Decimals, 0)) + f.Unit
		}
		now[key] = v
		if old, ok := prev[key]; hadDraft && ok && old != v {
			name := f.Indicator
			if ind, ok := cfg.Indicator(f.Indicator); ok {
				name = ind.Name
			}
			lines = append(lines, fmt.Sprintf("%s（%s）：%s → %s", name, sheaf.PeriodWord(f.Period), old, v))
		}
	}
	sort.Strings(lines)
	if hadDraft {
		for _, f := range flags {
			switch {
			case f.State == sheaf.FlagOpen && f.OpenedAt.After(since):
				lines = append(lines, "新问题："+f.Message)
			case f.State == sheaf.FlagResolved && f.ResolvedAt.After(since):
				lines = append(lines, "已解决："+f.Message)
			case f.State == sheaf.FlagAccepted && f.AcceptedAt.After(since):
				// Its mark is gone from the draft: say why.
				line := "已说明：" + f.Message
				if f.Note != "" {
					line += "（说明：" + f.Note + "）"
				}
				lines = append(lines, line)
			}
		}
	}
	b, _ := json.Marshal(now)
	return lines, string(b)
}

// writeFileAtomic writes a file whole or not at all: a reader never sees a
// half-written draft.
func writeFileAtomic(path string, data []byte) error {
	// Drafts are for colleagues to open: 0644, not a temporary file's 0600.
	if err := renameio.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// DraftFormats parses "docx,html,md,xlsx".
func DraftFormats(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(strings.ToLower(f)); f != "" {
			out = append(out, f)
		}
	}
	return out
}
