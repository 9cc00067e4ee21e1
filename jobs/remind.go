package jobs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/reconcile"
	"github.com/sheaf-dev/sheaf/storage"
)

// Notice kinds.
const (
	NoticeReminder = "reminder"
	NoticeOverdue  = "overdue"
)

// Notice is one e-mail sheaf decides to send a department about a
// deadline: a reminder before it, or an overdue notice after it.
type Notice struct {
	Kind       string
	Department string
	Deadline   string
	Lead       string // the lead time of a reminder ("3d")
	To, Cc     []string
	Subject    string
	Text       string
	// DedupKey names the decision: the same key is never sent twice,
	// whatever restarts happen.
	DedupKey string
	Owed     []string // one line per item, as in the text
	// Link is the department's page (web.url/d/…, with its link token),
	// where it sees what sheaf read and answers: in the mail's text, and
	// after the text of its chat posts. Empty when links are not
	// configured.
	Link string
	// Expires is when a notice stops being worth sending: a reminder's
	// deadline, an overdue notice's next period (when the next one is due).
	Expires time.Time
	// Outbox is what became of this decision (DedupKey) in the outbox:
	// sheaf.OutboxQueued, OutboxSent, OutboxFailed, OutboxCancelled, or
	// empty when it was not taken yet. Filled in by PlanReminders.
	Outbox string
}

// Owing is what the reminders look at: the open flags and the figures of
// the latest sync, and the departments whose sources failed in it.
type Owing struct {
	Flags   []storage.StoredFlag
	Figures []sheaf.Figure
	// SourcesFailed departments get no "you owe" mail: what they owe is not
	// known (the digest says why).
	SourcesFailed map[string]bool
	// AsOf is when the data was synced, said in every mail.
	AsOf time.Time
	// Links are the departments' page links, by department; a department
	// without one gets no link line.
	Links map[string]string
}

// PlanNotices decides which notices are due at now. A reminder is due at its
// deadline less its lead time and expires at the deadline; when several are
// due at once (the daemon was down), only the latest goes. After the
// deadline, a department still owing gets an overdue notice, with the
// coordinators in Cc, at most once per the deadline's overdue period (a day by default). A department is chased only for
// what it owes: missing figures, unreadable cells and files, conflicts it
// is part of and failing checks on its figures; never accepted flags nor
// failing standards.
func PlanNotices(cfg *config.Config, now time.Time, o Owing) ([]Notice, error) {
	loc := cfg.Cycle.Location
	var out []Notice
	for _, dl := range cfg.Deadlines {
		due, err := dl.DueTime(loc)
		if err != nil {
			return nil, fmt.Errorf("deadline %q: %w", dl.Name, err)
		}
		kind, lead := "", ""
		switch {
		case !now.Before(due):
			kind = NoticeOverdue
		default:
			var latest time.Time
			for _, l := range dl.Remind {
				d, err := config.ParseLead(l)
				if err != nil {
					return nil, fmt.Errorf("deadline %q: remind %q: %w", dl.Name, l, err)
				}
				at := due.Add(-d)
				if !at.After(now) && at.After(latest) {
					latest, lead = at, l
				}
			}
			if lead == "" {
				continue // no reminder has come due yet
			}
			kind = NoticeReminder
		}
		for _, d := range cfg.Departments {
			if len(dl.Departments) > 0 && !slices.Contains(dl.Departments, d.ID) {
				continue
			}
			if o.SourcesFailed[d.ID] || len(d.Contacts) == 0 && len(d.Chat) == 0 {
				continue
			}
			owed := owedItems(cfg, dl, d.ID, o.Flags)
			if len(owed) == 0 {
				continue
			}
			n := Notice{Kind: kind, Department: d.ID, Deadline: dl.Name, Lead: lead, To: d.Contacts, Owed: owed, Link: o.Links[d.ID]}
			if kind == NoticeReminder {
				n.DedupKey = fmt.Sprintf("remind/%s/%s/%s", dl.Name, d.ID, lead)
				n.Expires = due
			} else {
				// One notice per period of overdue_every after the deadline.
				period := int(now.Sub(due) / dl.OverdueEvery())
				n.DedupKey = fmt.Sprintf("overdue/%s/%s/%d", dl.Name, d.ID, period)
				n.Expires = due.Add(time.Duration(period+1) * dl.OverdueEvery())
				n.Cc = cfg.Mail.Coordinators
			}
			n.Subject, n.Text = noticeText(cfg, d, dl, due, now, o.AsOf, kind, owed, n.Link)
			out = append(out, n)
		}
	}
	return out, nil
}

// CurrentOwing reads what the reminders look at from the database: the
// flags, the departments whose sources failed at the last sync, and when
// that sync started.
func CurrentOwing(ctx context.Context, db *storage.DB) (Owing, error) {
	flags, err := db.Flags(ctx)
	if err != nil {
		return Owing{}, err
	}
	sources, err := db.SourceStatuses(ctx)
	if err != nil {
		return Owing{}, err
	}
	o := Owing{Flags: flags, SourcesFailed: map[string]bool{}}
	for _, s := range sources {
		if s.Error != "" {
			o.SourcesFailed[s.Department] = true
		}
	}
	last, err := db.LastRun(ctx, "sync", "")
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return Owing{}, err
	}
	o.AsOf = last.StartedAt
	return o, nil
}

// PlanReminders is the decision of `sheaf remind` and of `remind
// --dry-run` alike: the notices due at now by the data in the database
// (PlanNotices over CurrentOwing, asOf, when not zero, replacing the last
// sync's time), each with what became of it in the outbox if it was
// decided before.
func PlanReminders(ctx context.Context, cfg *config.Config, db *storage.DB, now, asOf time.Time) ([]Notice, error) {
	o, err := CurrentOwing(ctx, db)
	if err != nil {
		return nil, err
	}
	if o.Links, err = NewDepartmentLinks(cfg, db).URLsAt(ctx, now); err != nil {
		return nil, err
	}
	if !asOf.IsZero() {
		o.AsOf = asOf
	}
	notices, err := PlanNotices(cfg, now, o)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(notices))
	for i, n := range notices {
		keys[i] = decisionKey(n)
	}
	states, err := db.Decisions(ctx, keys)
	if err != nil {
		return nil, err
	}
	for i := range notices {
		notices[i].Outbox = states[keys[i]]
	}
	return notices, nil
}

// owedItems lists what a department owes for a deadline, one line each.
func owedItems(cfg *config.Config, dl config.Deadline, dept string, flags []storage.StoredFlag) []string {
	inScope := func(indicator string) bool {
		return len(dl.Indicators) == 0 || indicator == "" || slices.Contains(dl.Indicators, indicator)
	}
	class := map[string]string{}
	for _, r := range cfg.Rules {
		class[r.ID] = r.Class
	}
	var missing, doubtful []string
	for _, f := range flags {
		if f.State != sheaf.FlagOpen || !inScope(f.Indicator) {
			continue
		}
		involved := f.Department == dept
		for _, e := range f.Evidence {
			involved = involved || e.Department == dept
		}
		switch f.Kind {
		case sheaf.KindMissing:
			switch {
			case f.Department != dept:
			case f.Subject == sheaf.MissingHiddenSheet || f.Subject == sheaf.MissingUnreadFile || f.Subject == sheaf.MissingUnrecognisedRow:
				// Perhaps sent, on a hidden sheet sheaf does not read or in a
				// file it cannot read: a question, not an accusation.
				doubtful = append(doubtful, f.Message)
			default:
				missing = append(missing, f.Message)
			}
		case sheaf.KindUnit, sheaf.KindRange, sheaf.KindVersion:
			if f.Department == dept {
				doubtful = append(doubtful, withCells(f, dept))
			}
		case sheaf.KindUnknown:
			// A sheet or file with no table sheaf recognises (a warning) is
			// owed an answer; rows outside the catalogue (info) are not.
			if f.Department == dept && f.Severity != sheaf.SeverityInfo {
				doubtful = append(doubtful, withCells(f, dept))
			}
		case sheaf.KindInvalid, sheaf.KindFile:
			if f.Department == dept && !strings.HasPrefix(f.Subject, sheaf.SourceSubject) {
				doubtful = append(doubtful, withCells(f, dept))
			}
		case sheaf.KindConflict:
			if involved {
				doubtful = append(doubtful, withCells(f, dept))
			}
		case sheaf.KindRule:
			if class[f.Rule] == reconcile.ClassCheck && involved {
				doubtful = append(doubtful, withCells(f, dept))
			}
		}
	}
	sort.Strings(missing)
	var out []string
	for _, m := range missing {
		out = append(out, "【未报送】"+m)
	}
	for _, d := range doubtful {
		out = append(out, "【需核实】"+d)
	}
	return out
}

// withCells adds the cells of the department's own evidence to a message.
func withCells(f storage.StoredFlag, dept string) string {
	var cells []string
	for _, e := range f.Evidence {
		if e.Department != dept || e.File == "" {
			continue
		}
		c := e.File
		if e.Cell != "" {
			c += " " + e.Sheet + "!" + e.Cell
		}
		if e.Raw != "" {
			c += "「" + strings.TrimSpace(e.Raw) + "」"
		}
		cells = append(cells, c)
	}
	if len(cells) == 0 {
		return f.Message
	}
	return f.Message + "（见 " + strings.Join(cells, "；") + "）"
}

// noticeText writes a notice's subject and body, in Chinese like the
// departments who read it.
func noticeText(cfg *config.Config, d config.Department, dl config.Deadline, due, now, asOf time.Time,
	kind string, owed []string, link string) (string, string) {
	loc := cfg.Cycle.Location
	var subject, opening string
	if kind == NoticeReminder {
		subject = fmt.Sprintf("【报送提醒】%s：%s前尚有 %d 项需处理", cfg.Cycle.Name, due.In(loc).Format("1月2日15:04"), len(owed))
		opening = fmt.Sprintf("“%s”的截止时间为 %s（还剩%s）。", dl.Name, due.In(loc).Format("2006-01-02 15:04"), span(due.Sub(now)))
	} else {
		subject = fmt.Sprintf("【逾期催报】%s：已过截止时间，尚有 %d 项需处理", cfg.Cycle.Name, len(owed))
		opening = fmt.Sprintf("“%s”的截止时间 %s 已过（逾期%s）。", dl.Name, due.In(loc).Format("2006-01-02 15:04"), span(now.Sub(due)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s：\n\n%s根据截至 %s 的数据，贵单位还有以下事项需要处理：\n\n", d.Name, opening,
		asOf.In(loc).Format("2006-01-02 15:04"))
	for i, line := range owed {
		fmt.Fprintf(&b, "%d. %s\n", i+1, line)
	}
	b.WriteString("\n请在报送文件夹中更新报表后重新保存；如数据确有特殊情况，请在报表“备注”列说明。\n")
	if link != "" {
		fmt.Fprintf(&b, "\n%s%s\n", linkLine, link)
	}
	fmt.Fprintf(&b, "\n（本邮件由 sheaf 根据截至 %s 的数据自动生成。）\n", asOf.In(loc).Format("2006-01-02 15:04"))
	return subject, b.String()
}

// span writes a duration for people: "3天4小时", "5小时", "20分钟".
func span(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days > 0 && hours > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case days > 0:
		return fmt.Sprintf("%d天", days)
	case hours > 0:
		return fmt.Sprintf("%d小时", hours)
	}
	return fmt.Sprintf("%d分钟", int(d/time.Minute))
}
