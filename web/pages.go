package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// deadlineRow is one deadline on the status page.
type deadlineRow struct {
	Name   string
	Due    string
	Left   string
	Passed bool
	scope  []string // its departments; empty means all
}

// departmentRow is one department's standing on the status page.
type departmentRow struct {
	ID, Name   string
	Files      int
	Failed     int
	Settling   int
	Last       string
	Given      int
	Owed       int
	OpenFlags  int
	FlagsQuery string
}

// runRow is one job run.
type runRow struct {
	ID       int64
	Job      string
	Trigger  string
	Started  string
	Duration string
	Outcome  string
	// OutcomeWord is the outcome in words (成功, 部分失败).
	OutcomeWord string
	Error       string
}

// nextRow is a job's next scheduled run.
type nextRow struct {
	Job  string
	Spec string
	Next string
}

func (s *Server) show(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(s.loc()).Format("2006-01-02 15:04")
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	files, err := s.DB.Files(ctx)
	if err != nil {
		s.serverError(w, r, "读取文件", err)
		return
	}
	statuses, err := jobs.CountStatuses(ctx, s.Config, s.DB, files)
	if err != nil {
		s.serverError(w, r, "读取指标", err)
		return
	}
	runs, err := s.DB.Runs(ctx, 15)
	if err != nil {
		s.serverError(w, r, "读取运行记录", err)
		return
	}
	now := s.now()
	deadlines, depts := s.deadlines(now), s.departments(statuses)
	body := map[string]any{
		"Period":      s.Config.Cycle.Period,
		"Timezone":    s.Config.Cycle.Timezone,
		"Now":         s.show(now),
		"Deadlines":   deadlines,
		"Overdue":     s.overdue(deadlines, depts),
		"Departments": depts,
		"Runs":        s.runRows(runs),
		"Next":        s.nextRuns(now),
	}
	d := pageData{Title: "概况", Body: body}
	s.resyncFollow(r, &d, body)
	s.render(w, r, "index", d)
}

func (s *Server) deadlines(now time.Time) []deadlineRow {
	var out []deadlineRow
	type due struct {
		row deadlineRow
		at  time.Time
	}
	var ds []due
	for _, d := range s.Config.Deadlines {
		at, err := d.DueTime(s.loc())
		if err != nil {
			continue
		}
		row := deadlineRow{Name: d.Name, Due: s.show(at), Passed: !at.After(now), scope: d.Departments}
		left := at.Sub(now)
		switch {
		case row.Passed:
			row.Left = "已截止"
		case left >= 24*time.Hour:
			row.Left = "还有 " + strconv.Itoa(int(left/(24*time.Hour))) + " 天"
		default:
			row.Left = "还有 " + strconv.Itoa(int(left/time.Hour)) + " 小时"
		}
		ds = append(ds, due{row, at})
	}
	// Coming deadlines first, soonest first; then the passed ones, latest first.
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.row.Passed != b.row.Passed {
			return !a.row.Passed
		}
		if !a.row.Passed {
			return a.at.Before(b.at)
		}
		return a.at.After(b.at)
	})
	for _, d := range ds {
		out = append(out, d.row)
	}
	return out
}

// departments counts, as `sheaf status` does, each department's files,
// last submission, required figures given (with its own value) and owed,
// and open flags.
func (s *Server) departments(statuses []jobs.DepartmentStatus) []departmentRow {
	var out []departmentRow
	for _, d := range statuses {
		out = append(out, departmentRow{ID: d.ID, Name: d.Name, OpenFlags: d.OpenFlags, Given: d.Given, Owed: d.Owed,
			Files: d.Files, Failed: d.Failed, Settling: d.Settling, Last: s.show(d.Last)})
	}
	return out
}

func (s *Server) runRows(runs []storage.Run) []runRow {
	var out []runRow
	for _, r := range runs {
		row := runRow{ID: r.ID, Job: r.Job, Trigger: r.Trigger, Started: s.show(r.StartedAt), Outcome: string(r.Outcome),
			OutcomeWord: r.Outcome.Word(), Error: r.Error}
		if !r.FinishedAt.IsZero() {
			row.Duration = sheaf.DurationWord(r.FinishedAt.Sub(r.StartedAt))
		}
		out = append(out, row)
	}
	return out
}

// nextRuns is each scheduled job's next run, read in the cycle's time zone.
func (s *Server) nextRuns(now time.Time) []nextRow {
	sc := s.Config.Schedules
	var out []nextRow
	for _, j := range []struct{ job, spec string }{{"sync", sc.Sync}, {"remind", sc.Remind}, {"digest", sc.Digest}, {"draft", sc.Draft}} {
		if j.spec == "" {
			continue
		}
		sched, err := cron.ParseStandard(j.spec)
		if err != nil {
			continue
		}
		out = append(out, nextRow{Job: j.job, Spec: j.spec, Next: s.show(sched.Next(now.In(s.loc())))})
	}
	return out
}

// flagRow is one flag on /flags.
type flagRow struct {
	storage.StoredFlag
	DepartmentName string
	IndicatorName  string
	Opened         string
	// Answers are the latest answer of each department that answered the
	// flag, and Answer the first of them still waiting, whose note the
	// accept form offers.
	Answers []answerRow
	Answer  *storage.FlagAnswer
}

// answerRow is a department's answer on /flags, with its name.
type answerRow struct {
	storage.FlagAnswer
	DepartmentName string
}

func (s *Server) flags(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	dept, kind, state := q.Get("department"), sheaf.Kind(q.Get("kind")), sheaf.FlagState(q.Get("state"))
	if state == "" {
		state = sheaf.FlagOpen
	}
	all, err := s.DB.Flags(r.Context())
	if err != nil {
		s.serverError(w, r, "读取问题", err)
		return
	}
	answers, err := s.DB.FlagAnswers(r.Context())
	if err != nil {
		s.serverError(w, r, "读取答复", err)
		return
	}
	var rows []flagRow
	kinds := map[sheaf.Kind]bool{}
	pg := newPager(q, s.perPage(), "/flags")
	for _, f := range all {
		kinds[f.Kind] = true
		if (dept != "" && f.Department != dept) || (kind != "" && f.Kind != kind) || (state != "all" && f.State != state) {
			continue
		}
		if !pg.take() {
			continue
		}
		row := flagRow{StoredFlag: f, DepartmentName: s.departmentName(f.Department),
			IndicatorName: s.indicatorName(f.Indicator), Opened: s.show(f.OpenedAt)}
		for _, a := range answers[f.ID] {
			row.Answers = append(row.Answers, answerRow{FlagAnswer: a, DepartmentName: s.departmentName(a.Department)})
			if a.State == sheaf.AnswerPending && row.Answer == nil {
				row.Answer = &a
			}
		}
		rows = append(rows, row)
	}
	kindList := slices.Clone(sheaf.FlagKinds)
	for k := range kinds {
		if !slices.Contains(kindList, k) {
			kindList = append(kindList, k)
		}
	}
	s.render(w, r, "flags", pageData{Title: "问题清单", Body: map[string]any{
		"Flags": rows, "Department": dept, "Kind": kind, "State": state, "Pager": pg.done(),
		"Departments": s.Config.Departments, "Kinds": kindList, "States": []sheaf.FlagState{sheaf.FlagOpen, sheaf.FlagAccepted, sheaf.FlagResolved, "all"},
	}})
}

// figureRow is one figure on /figures.
type figureRow struct {
	sheaf.Figure
	Name           string
	Shown          string
	DepartmentName string
}

func (s *Server) figureRow(f sheaf.Figure) figureRow {
	row := figureRow{Figure: f, Name: s.indicatorName(f.Indicator), DepartmentName: s.departmentName(f.Department), Shown: "—"}
	if f.HasValue {
		// As written unless the catalogue sets decimals, as the draft does:
		// a unit's default would show 0.9675% as 0.97.
		decimals := max(f.Decimals, 0)
		if ind, ok := s.Config.Indicator(f.Indicator); ok && ind.Decimals != nil {
			decimals = *ind.Decimals
		}
		row.Shown = sheaf.FormatValue(f.Value, decimals)
		if f.Unit == "ratio" {
			row.Shown = "1:" + row.Shown
		}
	}
	return row
}

func (s *Server) figures(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	status, dept := sheaf.Status(q.Get("status")), q.Get("department")
	pg := newPager(q, s.perPage(), "/figures")
	// Every matching figure is counted, and only the page's are made rows.
	var rows []figureRow
	err := s.DB.EachFigure(r.Context(), func(f *sheaf.Figure) error {
		owner := ""
		if ind, ok := s.Config.Indicator(f.Indicator); ok {
			owner = ind.Owner
		}
		if status != "" && f.Status != status && !slices.Contains(f.Statuses, status) {
			return nil
		}
		if dept != "" && f.Department != dept && owner != dept {
			return nil
		}
		if pg.take() {
			rows = append(rows, s.figureRow(*f))
		}
		return nil
	})
	if err != nil {
		s.serverError(w, r, "读取指标", err)
		return
	}
	body := map[string]any{
		"Figures": rows, "Status": status, "Department": dept, "Departments": s.Config.Departments,
		"Statuses": sheaf.FigureStatuses, "Pager": pg.done(),
	}
	s.render(w, r, "figures", pageData{Title: "指标", Body: body})
}

// historyRow is one value ever read for a figure.
type historyRow struct {
	storage.HistoricObservation
	DepartmentName string
	Read           string
	Shown          string
}

func (s *Server) figure(w http.ResponseWriter, r *http.Request) {
	indicator, period := r.PathValue("indicator"), r.PathValue("period")
	ctx := r.Context()
	var fig *figureRow
	switch f, err := s.DB.Figure(ctx, indicator, period); {
	case err == nil:
		row := s.figureRow(f)
		fig = &row
	case !errors.Is(err, storage.ErrNotFound):
		s.serverError(w, r, "读取指标", err)
		return
	}
	hist, err := s.DB.History(ctx, indicator, period)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.serverError(w, r, "读取历史", err)
		return
	}
	if fig == nil && len(hist) == 0 {
		s.renderStatus(w, r, http.StatusNotFound, "message", pageData{Title: "未找到", Body: map[string]any{"Message": "没有指标 " + indicator + "（" + period + "）的数据。"}})
		return
	}
	var rows []historyRow
	for i := len(hist) - 1; i >= 0; i-- { // newest first
		h := hist[i]
		row := historyRow{HistoricObservation: h, DepartmentName: s.departmentName(h.Department), Read: s.show(h.ReadAt), Shown: "—"}
		if h.HasValue {
			row.Shown = sheaf.FormatValue(h.Value, h.Decimals)
		}
		rows = append(rows, row)
	}
	flags, err := s.DB.FigureFlags(ctx, indicator, period)
	if err != nil {
		s.serverError(w, r, "读取问题", err)
		return
	}
	var related []flagRow
	for _, f := range flags {
		if f.State != sheaf.FlagResolved && f.State != sheaf.FlagObsolete {
			related = append(related, flagRow{StoredFlag: f, DepartmentName: s.departmentName(f.Department), Opened: s.show(f.OpenedAt)})
		}
	}
	name := s.indicatorName(indicator)
	s.render(w, r, "figure", pageData{Title: name + " " + period, Body: map[string]any{
		"Indicator": indicator, "Name": name, "Period": period, "Figure": fig, "History": rows, "Flags": related,
	}})
}

// messageRow is one message on /outbox.
type messageRow struct {
	ID   int64
	Kind string
	// Recipient is its addresses or its chat group.
	Recipient string
	Subject   string
	State     string
	Attempts  int
	Next      string
	Sent      string
	Error     string
}

func (s *Server) outbox(w http.ResponseWriter, r *http.Request) {
	msgs, err := s.DB.Outbox(r.Context(), 200)
	if err != nil {
		s.serverError(w, r, "读取发件箱", err)
		return
	}
	var rows []messageRow
	for _, m := range msgs {
		row := messageRow{ID: m.ID, Kind: m.Kind, Recipient: m.Recipient(), Subject: m.Subject, State: m.State, Attempts: m.Attempts,
			Sent: s.show(m.SentAt), Error: m.LastError}
		if m.State == sheaf.OutboxQueued {
			row.Next = s.show(m.NextAttemptAt)
		}
		rows = append(rows, row)
	}
	s.render(w, r, "outbox", pageData{Title: "发件箱", Body: map[string]any{"Messages": rows}})
}

// RunJSON is a run as /runs.json and `sheaf runs --json` give it: one
// JSON form of a run for scripts.
type RunJSON struct {
	ID          int64           `json:"id"`
	Job         string          `json:"job"`
	Trigger     string          `json:"trigger"`
	StartedAt   time.Time       `json:"started_at"`
	FinishedAt  time.Time       `json:"finished_at"`
	Outcome     string          `json:"outcome"`
	Error       string          `json:"error,omitempty"`
	Counts      json.RawMessage `json:"counts,omitempty"`
	ScheduledAt time.Time       `json:"scheduled_at"`
}

// NewRunJSON is r in its JSON form.
func NewRunJSON(r storage.Run) RunJSON {
	j := RunJSON{ID: r.ID, Job: r.Job, Trigger: r.Trigger, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt,
		Outcome: string(r.Outcome), Error: r.Error, ScheduledAt: r.ScheduledAt}
	if len(r.Counts) > 0 {
		j.Counts = r.Counts
	}
	return j
}

func (s *Server) runsJSON(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	if n <= 0 || n > 1000 {
		n = 20
	}
	runs, err := s.DB.Runs(r.Context(), n)
	if err != nil {
		s.serverError(w, r, "读取运行记录", err)
		return
	}
	out := []RunJSON{}
	for _, run := range runs {
		out = append(out, NewRunJSON(run))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) departmentName(id string) string {
	for _, d := range s.Config.Departments {
		if d.ID == id {
			return d.Name
		}
	}
	return id
}

func (s *Server) indicatorName(id string) string {
	if ind, ok := s.Config.Indicator(id); ok {
		return ind.Name
	}
	return id
}

// perPage is how many rows a list page shows (Server.PerPage).
func (s *Server) perPage() int {
	if s.PerPage > 0 {
		return s.PerPage
	}
	return 500
}

// pager cuts a list into pages of per rows: take says whether the next
// matching row is on the page asked for (?page=, from 1), and done gives
// what the page shows of the whole, with links that keep the other
// filters of the query.
type pager struct {
	Matched, Page, Pages int
	Prev, Next           string
	query                url.Values
	path                 string
	per                  int
}

func newPager(q url.Values, per int, path string) *pager {
	page, _ := strconv.Atoi(q.Get("page"))
	return &pager{Page: max(page, 1), query: q, path: path, per: per}
}

func (p *pager) take() bool {
	on := p.Matched >= (p.Page-1)*p.per && p.Matched < p.Page*p.per
	p.Matched++
	return on
}

func (p *pager) done() *pager {
	p.Pages = max((p.Matched+p.per-1)/p.per, 1)
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range p.query {
			if k != "page" && len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return p.path
		}
		return p.path + "?" + v.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(min(p.Page-1, p.Pages))
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}
