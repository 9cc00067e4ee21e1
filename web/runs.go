package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// refreshSeconds is how often the status page reloads itself while a sync
// asked for from it runs.
const refreshSeconds = 2

// problemWords name what became of a file not read in a sync.
var problemWords = map[string]string{
	"failed":   "无法读取",
	"deferred": "待稳定（文件仍在变动，稍后再读）",
	"excluded": "已排除（旧版或作废文件夹）",
	"source":   "来源无法列出",
}

// resyncFollow is the status page's banner about the sync it asked for
// (?resync=N): while the sync is queued or running, the page reloads itself
// every refreshSeconds; once it is done, the banner says how it ended.
func (s *Server) resyncFollow(r *http.Request, d *pageData, body map[string]any) {
	id, err := strconv.ParseInt(r.URL.Query().Get("resync"), 10, 64)
	if err != nil {
		return
	}
	state, o := s.resync.state(id)
	switch {
	case state == "queued":
		d.Refresh = refreshSeconds
		d.Banner = "正在进行另一次同步；它结束后即开始您要求的同步。本页会自动刷新。"
	case state == "running":
		d.Refresh = refreshSeconds
		d.Banner = "正在同步……本页每 " + strconv.Itoa(refreshSeconds) + " 秒自动刷新，直到同步结束。"
	case o != nil && o.Err != nil:
		d.Banner = "同步失败。详情见下方运行记录。"
		if o.Report != nil && o.Report.RunID > 0 {
			body["ResyncRun"] = o.Report.RunID
		}
	case o != nil && o.Report != nil:
		rep := o.Report
		d.Banner = fmt.Sprintf("同步完成：读取 %d 个文件，%d 个未变，%d 个待稳定，%d 个无法读取；新发现问题 %d 个，已解决 %d 个。",
			rep.Read, rep.Unchanged, rep.Deferred, rep.Failed, rep.FlagChanges.Opened+rep.FlagChanges.Reopened, rep.FlagChanges.Resolved)
		body["ResyncRun"] = rep.RunID
	}
}

// overdueRow is a passed deadline and the departments still owing for it.
type overdueRow struct {
	Deadline    string
	Departments []string
}

// overdue lists, for each passed deadline, the departments in its scope
// that still owe required figures or have open flags.
func (s *Server) overdue(deadlines []deadlineRow, depts []departmentRow) []overdueRow {
	var out []overdueRow
	for _, dl := range deadlines {
		if !dl.Passed {
			continue
		}
		row := overdueRow{Deadline: dl.Name}
		for _, d := range depts {
			if len(dl.scope) > 0 && !slices.Contains(dl.scope, d.ID) {
				continue
			}
			if d.Given < d.Owed || d.OpenFlags > 0 {
				row.Departments = append(row.Departments, d.Name)
			}
		}
		out = append(out, row)
	}
	return out
}

// runPage is one run in detail: /runs/{id}.
func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.renderStatus(w, r, http.StatusNotFound, "message", pageData{Title: "未找到", Body: map[string]any{"Message": "没有这次运行。"}})
		return
	}
	runs, err := s.DB.Runs(r.Context(), 1000)
	if err != nil {
		s.serverError(w, r, "读取运行记录", err)
		return
	}
	i := slices.IndexFunc(runs, func(run storage.Run) bool { return run.ID == id })
	if i < 0 {
		s.renderStatus(w, r, http.StatusNotFound, "message", pageData{Title: "未找到", Body: map[string]any{"Message": "没有第 " + strconv.FormatInt(id, 10) + " 次运行的记录。"}})
		return
	}
	run := runs[i]
	row := s.runRows(runs[i : i+1])[0]
	body := map[string]any{"Run": row}
	if run.Job == "sync" && len(run.Counts) > 0 {
		var rep jobs.SyncReport
		if err := json.Unmarshal(run.Counts, &rep); err == nil {
			type problem struct{ Department, File, What, Reason string }
			var ps []problem
			for _, p := range rep.Problems {
				ps = append(ps, problem{Department: s.departmentName(p.Department), File: p.File, What: word(problemWords, p.Outcome), Reason: p.Reason})
			}
			body["Sync"] = rep
			body["Problems"] = ps
		}
	}
	s.render(w, r, "run", pageData{Title: "第 " + strconv.FormatInt(id, 10) + " 次运行：" + sheaf.JobWord(run.Job), Body: body})
}

// word looks k up in words, falling back to k itself.
func word(words map[string]string, k string) string {
	if w, ok := words[k]; ok {
		return w
	}
	return k
}
