package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/web"
)

func cmdRuns(ctx context.Context, e *env, args []string) error {
	fs := e.flags("runs")
	limit := fs.Int("n", 20, "how many runs, newest first")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if *limit < 1 {
		return exitError{2, fmt.Errorf("-n %d: give how many runs to list, 1 or more", *limit)}
	}
	runs, err := db.Runs(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]web.RunJSON, 0, len(runs))
		for _, r := range runs {
			out = append(out, web.NewRunJSON(r))
		}
		return writeJSON(e, out)
	}
	if len(runs) == 0 {
		fmt.Fprintln(e.stdout, "还没有运行记录")
		return nil
	}
	loc := e.cfg.Cycle.Location
	t := &table{}
	t.add("编号", "任务", "触发", "开始", "用时", "结果", "详情")
	for _, r := range runs {
		dur := "—"
		if !r.FinishedAt.IsZero() {
			dur = r.FinishedAt.Sub(r.StartedAt).Round(time.Millisecond).String()
		}
		detail := r.Error
		if detail == "" && r.Job == "sync" {
			var rep jobs.SyncReport
			if json.Unmarshal(r.Counts, &rep) == nil {
				detail = fmt.Sprintf("%d 个文件：读取 %d，未变 %d，稍后读取 %d，无法读取 %d", rep.Files, rep.Read,
					rep.Unchanged, rep.Deferred, rep.Failed)
			}
		}
		t.add(fmt.Sprint(r.ID), sheaf.JobWord(r.Job), sheaf.TriggerWord(r.Trigger), r.StartedAt.In(loc).Format("2006-01-02 15:04:05"),
			dur, r.Outcome.Word(), detail)
	}
	t.write(e.stdout, "")
	return nil
}

func cmdRemind(ctx context.Context, e *env, args []string) error {
	fs := e.flags("remind")
	dry := fs.Bool("dry-run", false, "show who would get what and why; send nothing (without it: sync, queue and send)")
	at := fs.String("at", "", "with --dry-run: decide as if it were this `time`: \"2026-12-03 09:00\" or \"2026-12-03\" in the cycle's time zone, or RFC 3339")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if !*dry {
		if *at != "" {
			return exitError{2, fmt.Errorf("--at is for --dry-run: reminders are sent for now")}
		}
		p, err := e.wire(db, e.logger())
		if err != nil {
			return err
		}
		if p.mailing == nil {
			return exitError{1, fmt.Errorf("no mail configured: set mail.dir or mail.smtp.host")}
		}
		e.watch(ctx, p.syncer, db)
		rep, err := p.mailing.Remind(ctx, "cli", time.Time{})
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e, rep)
		}
		fmt.Fprintf(e.stdout, "催报：应发 %d 份，新排队 %d 份", rep.Planned, rep.Queued)
		if rep.Planned > rep.Queued {
			fmt.Fprintf(e.stdout, "（%d 份此前已发）", rep.Planned-rep.Queued)
		}
		fmt.Fprintf(e.stdout, "，已发送 %d，发送失败 %d\n", rep.Sent, rep.Failed)
		return nil
	}
	now := time.Now()
	if *at != "" {
		if now, err = parseAt(*at, e.cfg.Cycle.Location); err != nil {
			return exitError{2, err}
		}
	}
	// The decision `remind` takes, by the last sync's data.
	notices, err := jobs.PlanReminders(ctx, e.cfg, db, now, time.Time{})
	if err != nil {
		return err
	}
	// Departments whose sources failed get no notice: said, not left out.
	o, err := jobs.CurrentOwing(ctx, db)
	if err != nil {
		return err
	}
	var withheld []string
	for _, d := range e.cfg.Departments {
		if o.SourcesFailed[d.ID] {
			withheld = append(withheld, d.ID)
		}
	}
	if *asJSON {
		out := dryRunJSON{At: now, Notices: []noticeJSON{}, Withheld: nonNil(withheld)}
		for _, n := range notices {
			out.Notices = append(out.Notices, noticeJSON{Kind: n.Kind, Department: n.Department, Deadline: n.Deadline,
				Owed: nonNil(n.Owed), To: nonNil(n.To), Cc: nonNil(n.Cc), DedupKey: n.DedupKey, Subject: n.Subject, Text: n.Text})
		}
		return writeJSON(e, out)
	}
	for _, id := range withheld {
		d, _ := e.cfg.Department(id)
		fmt.Fprintf(e.stdout, "── %s：上次同步时数据来源无法读取，所欠内容不明，不发催报提醒或逾期通知（见 sheaf status）\n", d.Name)
	}
	if len(notices) == 0 {
		fmt.Fprintf(e.stdout, "%s 没有应发的催报提醒或逾期通知\n", now.In(e.cfg.Cycle.Location).Format("2006-01-02 15:04"))
		return nil
	}
	for _, n := range notices {
		fmt.Fprintf(e.stdout, "── %s，收件人 %s", sheaf.MailKindWord(n.Kind), strings.Join(n.To, ", "))
		if len(n.Cc) > 0 {
			fmt.Fprintf(e.stdout, "，抄送 %s", strings.Join(n.Cc, ", "))
		}
		fmt.Fprintf(e.stdout, "（%s）", n.DedupKey)
		if n.Outbox != "" {
			fmt.Fprintf(e.stdout, " [%s]", sheaf.OutboxStateWord(n.Outbox))
		}
		fmt.Fprintf(e.stdout, "\n主题：%s\n\n%s\n", n.Subject, n.Text)
	}
	return nil
}

func cmdOutbox(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "retry" {
		fs := e.flags("outbox retry")
		asJSON := fs.Bool("json", false, "print JSON")
		pos, err := parse(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return exitError{2, fmt.Errorf("usage: sheaf outbox retry ID")}
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return exitError{2, fmt.Errorf("message id %q is not a number", pos[0])}
		}
		db, err := e.open(ctx)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.RetryMessage(ctx, id); err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e, retryJSON{ID: id, State: sheaf.OutboxQueued})
		}
		fmt.Fprintf(e.stdout, "消息 %d 已重新排队\n", id)
		return nil
	}
	fs := e.flags("outbox")
	limit := fs.Int("n", 50, "how many messages, newest first")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	msgs, err := db.Outbox(ctx, *limit)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]messageJSON, 0, len(msgs))
		for _, m := range msgs {
			out = append(out, newMessageJSON(m))
		}
		return writeJSON(e, out)
	}
	if len(msgs) == 0 {
		fmt.Fprintln(e.stdout, "发件箱为空")
		return nil
	}
	loc := e.cfg.Cycle.Location
	t := &table{}
	t.add("编号", "类型", "状态", "收件人", "主题", "入队", "发送 / 下次尝试", "尝试次数", "错误")
	for _, m := range msgs {
		when := ""
		switch {
		case !m.SentAt.IsZero():
			when = m.SentAt.In(loc).Format("01-02 15:04")
		case m.State == sheaf.OutboxQueued:
			when = "下次 " + m.NextAttemptAt.In(loc).Format("01-02 15:04")
		}
		t.add(fmt.Sprint(m.ID), sheaf.MailKindWord(m.Kind), sheaf.OutboxStateWord(m.State), m.Recipient(), m.Subject, m.CreatedAt.In(loc).Format("01-02 15:04"),
			when, fmt.Sprint(m.Attempts), m.LastError)
	}
	t.write(e.stdout, "")
	return nil
}

// nonNil is s, or an empty list for nil: JSON says [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
