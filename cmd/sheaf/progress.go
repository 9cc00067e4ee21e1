package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// watch makes s say on stderr when it waits for the lock, and for whom, and
// show its progress when stderr is a terminal (nothing otherwise: a log or
// a pipe gets no redrawn lines).
func (e *env) watch(ctx context.Context, s *jobs.Syncer, db *storage.DB) {
	s.Waiting = func() { fmt.Fprintln(e.stderr, lockHolder(ctx, db, e.cfg.Cycle.Location)) }
	if e.isTerminal() {
		s.Progress = progressPrinter(e.stderr)
	}
}

// isTerminal reports whether the command's stderr is a terminal.
func (e *env) isTerminal() bool {
	f, ok := e.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// lockHolder says what the sync waits for: the runs recorded as running
// (a sync or a mail job, of the daemon or another command), else the
// mail delivery, which records no run.
func lockHolder(ctx context.Context, db *storage.DB, loc *time.Location) string {
	runs, err := db.Runs(ctx, 20)
	if err == nil {
		for _, r := range runs {
			if r.Outcome != sheaf.RunRunning {
				continue
			}
			return fmt.Sprintf("等待另一项任务结束：%s（运行 #%d，%s触发，%s 开始）正在进行，结束后开始本次同步…",
				sheaf.JobWord(r.Job), r.ID, sheaf.TriggerWord(r.Trigger), r.StartedAt.In(loc).Format("15:04:05"))
		}
	}
	return "等待另一项任务结束：正在发送邮件或另一项同步刚刚开始，结束后开始本次同步…"
}

// progressPrinter redraws one status line on a terminal at most ten times a
// second: files done of the total, the department being read, values read
// and time; it clears the line at the end.
func progressPrinter(w io.Writer) func(jobs.Progress) {
	var last time.Time
	return func(p jobs.Progress) {
		done := p.FilesDone == p.FilesTotal
		if !done && time.Since(last) < 100*time.Millisecond {
			return
		}
		last = time.Now()
		line := fmt.Sprintf("读取文件 %d/%d", p.FilesDone, p.FilesTotal)
		if p.Department != "" {
			line += " · " + p.Department
		}
		fmt.Fprintf(w, "\r\033[K%s · %d 个数值 · %.1fs", line, p.Rows, p.Elapsed.Seconds())
		if done {
			fmt.Fprint(w, "\r\033[K")
		}
	}
}
