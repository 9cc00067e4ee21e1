package jobs

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/notify"
	"github.com/sheaf-dev/sheaf/storage"
)

// NoticeRecheck looks again at each reminder and overdue notice just
// before it is delivered, by the data of the latest sync: one queued while
// the mail server was down may have stopped being true. A notice whose
// department no longer owes anything it could list is cancelled, with the
// reason; one whose department owes something else (less, most often) is
// written again with what it owes now. Other mail is sent as it is.
func NoticeRecheck(cfg *config.Config, db *storage.DB) notify.Recheck {
	return func(ctx context.Context, now time.Time) (func(sheaf.OutboxMessage) (notify.Revision, error), error) {
		o, err := CurrentOwing(ctx, db)
		if err != nil {
			return nil, err
		}
		if o.Links, err = NewDepartmentLinks(cfg, db).URLsAt(ctx, now); err != nil {
			return nil, err
		}
		return func(m sheaf.OutboxMessage) (notify.Revision, error) {
			return recheckNotice(cfg, now, o, m)
		}, nil
	}
}

func recheckNotice(cfg *config.Config, now time.Time, o Owing, m sheaf.OutboxMessage) (notify.Revision, error) {
	if m.Kind != sheaf.MailReminder && m.Kind != sheaf.MailOverdue {
		return notify.Revision{}, nil
	}
	kind, deadline, dept, ok := parseNoticeKey(m.DedupKey)
	if !ok {
		return notify.Revision{}, nil // not a notice PlanNotices decided
	}
	i := slices.IndexFunc(cfg.Deadlines, func(d config.Deadline) bool { return d.Name == deadline })
	d, known := cfg.Department(dept)
	if i < 0 || !known {
		return notify.Revision{Cancel: "已取消：配置中已没有这个截止时间或单位"}, nil
	}
	dl := cfg.Deadlines[i]
	due, err := dl.DueTime(cfg.Cycle.Location)
	if err != nil {
		return notify.Revision{}, fmt.Errorf("deadline %q: %w", dl.Name, err)
	}
	owed := owedItems(cfg, dl, dept, o.Flags)
	asOf := o.AsOf.In(cfg.Cycle.Location).Format("2006-01-02 15:04")
	if len(owed) == 0 {
		return notify.Revision{Cancel: fmt.Sprintf("已取消：截至 %s 的数据，%s已没有需要处理的事项", asOf, d.Name)}, nil
	}
	if slices.Equal(owed, listedItems(m.BodyText)) {
		return notify.Revision{}, nil
	}
	subject, text := noticeText(cfg, *d, dl, due, now, o.AsOf, kind, owed, o.Links[dept])
	if m.Channel != "" {
		text = chatText(text)
	}
	return notify.Revision{Subject: subject, Text: text}, nil
}

// parseNoticeKey reads a notice's dedup key, "remind/<deadline>/<department>/<lead>"
// or "overdue/<deadline>/<department>/<period>" (a deadline's name may hold a "/").
func parseNoticeKey(key string) (kind, deadline, dept string, ok bool) {
	parts := strings.Split(key, "/")
	if len(parts) < 4 {
		return "", "", "", false
	}
	switch parts[0] {
	case "remind":
		kind = NoticeReminder
	case "overdue":
		kind = NoticeOverdue
	default:
		return "", "", "", false
	}
	n := len(parts)
	return kind, strings.Join(parts[1:n-2], "/"), parts[n-2], true
}

// listedItem is an item line of a notice's text, as noticeText writes it.
var listedItem = regexp.MustCompile(`^\d+\. (【(?:未报送|需核实)】.*)$`)

// listedItems reads back the items a notice's text lists.
func listedItems(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if m := listedItem.FindStringSubmatch(line); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}
