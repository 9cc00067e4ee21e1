package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
	"github.com/sheaf-dev/sheaf/web"
)

func cmdSync(ctx context.Context, e *env, args []string) error {
	fs := e.flags("sync")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	s := &jobs.Syncer{Config: e.cfg, DB: db, Log: e.logger()}
	e.watch(ctx, s, db)
	rep, err := s.Sync(ctx, "cli")
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e, rep)
	}
	printSyncReport(e, rep)
	return nil
}

func printSyncReport(e *env, r *jobs.SyncReport) {
	w := e.stdout
	fmt.Fprintf(w, "同步 #%d：%d 个文件：读取 %d，未变 %d，稍后读取 %d，无法读取 %d，重复 %d，已不在 %d；略过 %d，排除 %d；读到 %d 个数值，用时%s\n",
		r.RunID, r.Files, r.Read, r.Unchanged, r.Deferred, r.Failed, r.Duplicates, r.Gone, r.Ignored, r.Excluded, r.Rows,
		sheaf.DurationWord(time.Duration(r.DurationMS)*time.Millisecond))
	if r.Fallbacks > 0 {
		fmt.Fprintf(w, "%d 个文件由完整读取器读取（快速读取器不支持其中的某些内容）\n", r.Fallbacks)
	}
	if r.SourcesFailed > 0 {
		fmt.Fprintf(w, "%d 个来源无法列出（此前读取的数据保留）\n", r.SourcesFailed)
	}
	// Every entry that was not read or unchanged, with why; a report from
	// a daemon that does not list entries gives its problems.
	t := &table{}
	for _, f := range r.Entries {
		if f.Outcome == jobs.OutcomeRead || f.Outcome == jobs.OutcomeUnchanged {
			continue
		}
		t.add(sheaf.EntryOutcomeWord(f.Outcome), f.Department, sheaf.DisplayPath(f.Source, f.Path), f.Reason)
	}
	if len(r.Entries) == 0 {
		for _, p := range r.Problems {
			t.add(sheaf.EntryOutcomeWord(p.Outcome), p.Department, p.File, p.Reason)
		}
	}
	t.write(w, "  ")
	kinds := make([]string, 0, len(r.FlagsOpen))
	for k := range r.FlagsOpen {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d", sheaf.Kind(k).Word(), r.FlagsOpen[k]))
	}
	if len(parts) == 0 {
		parts = []string{"无"}
	}
	fmt.Fprintf(w, "待处理问题：%s（新增 %d，重新打开 %d，已解决 %d）\n", strings.Join(parts, "，"),
		r.FlagChanges.Opened, r.FlagChanges.Reopened, r.FlagChanges.Resolved)
	if len(r.NewlyRequired) > 0 {
		fmt.Fprintf(w, "注意：%d 个指标有责任单位，因而默认必报（写 required: false 可取消）：%s\n",
			len(r.NewlyRequired), shortList(r.NewlyRequired, 20))
	}
	if len(r.Rules) > 0 {
		fmt.Fprintf(w, "规则：%s %d，%s %d，%s %d，%s %d\n",
			sheaf.RuleStateWord("pass"), r.Rules["pass"], sheaf.RuleStateWord("fail"), r.Rules["fail"],
			sheaf.RuleStateWord("incomplete"), r.Rules["incomplete"], sheaf.RuleStateWord("error"), r.Rules["error"])
	}
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// figureJSON is the stable JSON form of a figure, for scripts.
type figureJSON struct {
	Indicator  string         `json:"indicator"`
	Name       string         `json:"name"`
	Period     string         `json:"period"`
	Value      *float64       `json:"value"`
	Decimals   int            `json:"decimals"`
	Unit       string         `json:"unit"`
	Status     sheaf.Status   `json:"status"`
	Statuses   []sheaf.Status `json:"statuses"`
	Department string         `json:"department"`
	File       string         `json:"file"`
	Sheet      string         `json:"sheet"`
	Cell       string         `json:"cell"`
	Raw        string         `json:"raw"`
	Note       string         `json:"note"`
	Reason     string         `json:"reason,omitempty"`
}

func cmdFigures(ctx context.Context, e *env, args []string) error {
	fs := e.flags("figures")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	names := map[string]string{}
	for _, ind := range e.cfg.Indicators {
		names[ind.ID] = ind.Name
	}
	// Figures are written as they are read: a prefecture's 100,000 are not
	// held (the JSON list) or held once as rows of text only (the table).
	if *asJSON {
		w := newJSONList(e.stdout)
		err := db.EachFigure(ctx, func(f *sheaf.Figure) error {
			j := figureJSON{Indicator: f.Indicator, Name: names[f.Indicator], Period: f.Period, Decimals: f.Decimals,
				Unit: f.Unit, Status: f.Status, Statuses: f.Statuses, Department: f.Department, File: f.File,
				Sheet: f.Sheet, Cell: f.Cell, Raw: f.Raw, Note: f.Note, Reason: f.Reason}
			if j.Statuses == nil {
				j.Statuses = []sheaf.Status{}
			}
			if f.HasValue {
				v := f.Value
				j.Value = &v
			}
			return w.add(j)
		})
		if err != nil {
			return err
		}
		return w.close()
	}
	t := &table{}
	t.add("指标", "名称", "时期", "数值", "单位", "状态", "来源")
	err = db.EachFigure(ctx, func(f *sheaf.Figure) error {
		val := "—"
		if f.HasValue {
			val = formatFigure(*f, e.shownDecimals(f.Indicator, f.Decimals))
		}
		from := ""
		if f.File != "" {
			from = fmt.Sprintf("%s %s!%s", f.File, f.Sheet, f.Cell)
		}
		if f.Reason != "" {
			from = f.Reason + "：" + from
		}
		t.add(f.Indicator, names[f.Indicator], f.Period, val, f.Unit, strings.Join(statusWords(f.Statuses), "、"), from)
		return nil
	})
	if err != nil {
		return err
	}
	if len(t.rows) == 1 {
		fmt.Fprintln(e.stdout, "还没有数据：请先运行 sheaf sync")
		return nil
	}
	t.write(e.stdout, "")
	return nil
}

// jsonList writes a JSON list an element at a time, byte for byte as
// writeJSON writes the whole list.
type jsonList struct {
	w   *bufio.Writer
	buf bytes.Buffer
	enc *json.Encoder
	n   int
}

func newJSONList(w io.Writer) *jsonList {
	l := &jsonList{w: bufio.NewWriter(w)}
	l.enc = json.NewEncoder(&l.buf)
	l.enc.SetIndent("  ", "  ")
	l.enc.SetEscapeHTML(false)
	return l
}

func (l *jsonList) add(v any) error {
	l.buf.Reset()
	if err := l.enc.Encode(v); err != nil {
		return err
	}
	if l.n == 0 {
		l.w.WriteString("[\n  ")
	} else {
		l.w.WriteString(",\n  ")
	}
	l.n++
	_, err := l.w.Write(bytes.TrimSuffix(l.buf.Bytes(), []byte("\n")))
	return err
}

func (l *jsonList) close() error {
	if l.n == 0 {
		l.w.WriteString("[]\n")
	} else {
		l.w.WriteString("\n]\n")
	}
	return l.w.Flush()
}

// formatFigure writes a figure's value with the given decimals.
func formatFigure(f sheaf.Figure, decimals int) string {
	if f.Unit == "ratio" {
		return "1:" + sheaf.FormatValue(f.Value, decimals)
	}
	return sheaf.FormatValue(f.Value, decimals)
}

// shownDecimals is how many decimals a figure is shown with: the
// catalogue's decimals for its indicator, else as many as it was written
// with (never fewer than none). The unit's default would show 0.9675% as
// "0.97" and a 97 read from a 0% cell as "97.00": another number than the
// department's. The draft does the same (report.reading).
func (e *env) shownDecimals(indicator string, written int) int {
	if ind, ok := e.cfg.Indicator(indicator); ok && ind.Decimals != nil {
		return *ind.Decimals
	}
	return max(written, 0)
}

// statusNames lists a figure's statuses as words for scripts and logs:
// "ok" when it has none.
func statusNames(s []sheaf.Status) []string {
	if len(s) == 0 {
		return []string{string(sheaf.StatusOK)}
	}
	out := make([]string, len(s))
	for i, st := range s {
		out[i] = string(st)
	}
	return out
}

// statusWords names a figure's statuses for people: "正常" when it has
// none.
func statusWords(s []sheaf.Status) []string {
	if len(s) == 0 {
		return []string{sheaf.StatusOK.Word()}
	}
	out := make([]string, len(s))
	for i, st := range s {
		out[i] = st.Word()
	}
	return out
}

// flagJSON is the stable JSON form of a flag, for scripts.
type flagJSON struct {
	ID         int64            `json:"id"`
	Kind       sheaf.Kind       `json:"kind"`
	Severity   sheaf.Severity   `json:"severity"`
	Indicator  string           `json:"indicator"`
	Period     string           `json:"period"`
	Department string           `json:"department"`
	Rule       string           `json:"rule"`
	Class      string           `json:"class,omitempty"` // of a rule flag: check | standard
	Message    string           `json:"message"`
	State      sheaf.FlagState  `json:"state"`
	Evidence   []sheaf.Evidence `json:"evidence"`
	OpenedAt   time.Time        `json:"opened_at"`
	LastSeenAt time.Time        `json:"last_seen_at"`
}

func (e *env) flagJSON(f storage.StoredFlag) flagJSON {
	ev := f.Evidence
	if ev == nil {
		ev = []sheaf.Evidence{}
	}
	return flagJSON{ID: f.ID, Kind: f.Kind, Severity: f.Severity, Indicator: f.Indicator,
		Period: f.Period, Department: f.Department, Rule: f.Rule, Class: e.ruleClass(f.Rule), Message: f.Message,
		State: f.State, Evidence: ev, OpenedAt: f.OpenedAt, LastSeenAt: f.LastSeenAt}
}

func cmdFlags(ctx context.Context, e *env, args []string) error {
	// "flags accept ID …", also with flags before "accept"
	// ("flags --config X accept ID --note …").
	for i, a := range args {
		if a == "accept" {
			rest := append(append([]string{}, args[i+1:]...), args[:i]...)
			return cmdFlagsAccept(ctx, e, rest)
		}
		if !strings.HasPrefix(a, "-") && (i == 0 || !strings.HasPrefix(args[i-1], "-") || strings.Contains(args[i-1], "=") || boolFlags[strings.TrimLeft(args[i-1], "-")]) {
			break // a positional argument that is not "accept"
		}
	}
	fs := e.flags("flags")
	asJSON := fs.Bool("json", false, "print JSON")
	state := fs.String("state", string(sheaf.FlagOpen), "which flags: open | accepted | resolved | obsolete | all")
	kind := fs.String("kind", "", "only flags of this kind")
	dept := fs.String("department", "", "only flags of this department")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := e.checkFilters(*state, *kind, *dept); err != nil {
		return err
	}
	all, err := db.Flags(ctx)
	if err != nil {
		return err
	}
	var flags []storage.StoredFlag
	for _, f := range all {
		if (*state == "all" || string(f.State) == *state) && (*kind == "" || string(f.Kind) == *kind) && (*dept == "" || f.Department == *dept) {
			flags = append(flags, f)
		}
	}
	if *asJSON {
		out := make([]flagJSON, 0, len(flags))
		for _, f := range flags {
			out = append(out, e.flagJSON(f))
		}
		return writeJSON(e, out)
	}
	if len(flags) == 0 {
		fmt.Fprintf(e.stdout, "没有%s的问题\n", flagStateFilterWord(*state))
		return nil
	}
	deptNames := map[string]string{}
	for _, d := range e.cfg.Departments {
		deptNames[d.ID] = d.Name
	}
	sort.SliceStable(flags, func(i, j int) bool {
		if flags[i].Department != flags[j].Department {
			return flags[i].Department < flags[j].Department
		}
		return flags[i].Kind.Rank() < flags[j].Kind.Rank()
	})
	cur, curKind := "", sheaf.Kind("")
	for _, f := range flags {
		if f.Department != cur {
			cur, curKind = f.Department, ""
			fmt.Fprintf(e.stdout, "\n%s %s\n", cur, deptNames[cur])
		}
		if f.Kind != curKind {
			curKind = f.Kind
			fmt.Fprintf(e.stdout, "  %s\n", f.Kind.Word())
		}
		state := ""
		if f.State != sheaf.FlagOpen {
			state = " [" + f.State.Word() + "]"
		}
		class := ""
		if c := e.ruleClass(f.Rule); c != "" {
			class = " " + ruleClassWord(c)
		}
		fmt.Fprintf(e.stdout, "    #%d %s%s%s：%s\n", f.ID, f.Severity.Word(), class, state, f.Message)
		if f.Note != "" {
			by := ""
			if f.AcceptedBy != "" {
				by = "（" + f.AcceptedBy + "）"
			}
			fmt.Fprintf(e.stdout, "        说明%s：%s\n", by, f.Note)
		}
		for _, ev := range f.Evidence {
			if ev.File == "" {
				continue
			}
			loc := ev.File
			if ev.Cell != "" {
				loc += " " + ev.Sheet + "!" + ev.Cell
			}
			line := "        " + loc
			if ev.Raw != "" && ev.Cell != "" {
				line += fmt.Sprintf(" = %q", ev.Raw)
			}
			if ev.Note != "" {
				line += " 说明：" + ev.Note
			}
			fmt.Fprintln(e.stdout, line)
		}
	}
	return nil
}

func cmdStatus(ctx context.Context, e *env, args []string) error {
	fs := e.flags("status")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	files, err := db.Files(ctx)
	if err != nil {
		return err
	}
	statuses, err := jobs.CountStatuses(ctx, e.cfg, db, files)
	if err != nil {
		return err
	}
	runs, err := db.Runs(ctx, 1)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e, e.statusJSON(runs, statuses, files))
	}
	loc := e.cfg.Cycle.Location
	show := func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	fmt.Fprintf(e.stdout, "%s（%s，%s）\n", e.cfg.Cycle.Name, sheaf.PeriodWord(e.cfg.Cycle.Period), e.cfg.Cycle.Timezone)
	if len(runs) == 0 {
		fmt.Fprintln(e.stdout, "尚未同步：请运行 sheaf sync")
	} else {
		r := runs[0]
		fmt.Fprintf(e.stdout, "最近一次同步：%s，%s", show(r.StartedAt), r.Outcome.Word())
		if r.Error != "" {
			fmt.Fprintf(e.stdout, "（%s）", r.Error)
		}
		var counts jobs.SyncReport
		if json.Unmarshal(r.Counts, &counts) == nil && (counts.SourcesFailed > 0 || counts.Failed > 0) {
			fmt.Fprintf(e.stdout, "；%d 个来源无法列出，%d 个文件无法读取", counts.SourcesFailed, counts.Failed)
		}
		fmt.Fprintln(e.stdout)
	}
	t := &table{}
	t.add("部门", "", "文件", "无法读取", "首次报送", "最近报送", "必报项已报", "待处理问题")
	for _, d := range statuses {
		nfiles := fmt.Sprint(d.Files)
		if d.Settling > 0 {
			nfiles += fmt.Sprintf("（另 %d 个正在写入）", d.Settling)
		}
		t.add(d.ID, d.Name, nfiles, fmt.Sprint(d.Failed), show(d.First), show(d.Last), fmt.Sprintf("%d/%d", d.Given, d.Owed),
			fmt.Sprint(d.OpenFlags))
	}
	t.write(e.stdout, "")
	writeSkippedSheets(e.stdout, files)
	return nil
}

// statusJSON is the status for scripts.
func (e *env) statusJSON(runs []storage.Run, statuses []jobs.DepartmentStatus, files []storage.FileSummary) statusJSON {
	out := statusJSON{Cycle: e.cfg.Cycle.Name, Period: e.cfg.Cycle.Period, Timezone: e.cfg.Cycle.Timezone,
		Departments: []departmentJSON{}, SheetsNotRead: []sheetJSON{}}
	if len(runs) > 0 {
		r := web.NewRunJSON(runs[0])
		out.LastSync = &r
	}
	when := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	for _, d := range statuses {
		out.Departments = append(out.Departments, departmentJSON{ID: d.ID, Name: d.Name, Files: d.Files, Settling: d.Settling,
			Failed: d.Failed, FirstSubmission: when(d.First), LastSubmission: when(d.Last), RequiredGiven: d.Given,
			RequiredOwed: d.Owed, OpenFlags: d.OpenFlags})
	}
	for _, f := range files {
		if !f.Present {
			continue
		}
		for _, sh := range f.Sheets {
			switch sh.Outcome {
			case sheaf.SheetHidden, sheaf.SheetExcluded, sheaf.SheetNoTable:
				out.SheetsNotRead = append(out.SheetsNotRead, sheetJSON{File: sheaf.DisplayPath(f.Source, f.Path),
					Sheet: sh.Sheet, Outcome: sh.Outcome, Reason: sh.Reason})
			}
		}
	}
	return out
}

// writeSkippedSheets lists the sheets of present files that were not read
// (hidden, excluded, or with no table sheaf recognises), so that nobody
// wonders where a sheet's values went. Empty and notes-only sheets are
// left out: there was nothing to read.
func writeSkippedSheets(w io.Writer, files []storage.FileSummary) {
	t := &table{}
	for _, f := range files {
		if !f.Present {
			continue
		}
		for _, sh := range f.Sheets {
			switch sh.Outcome {
			case sheaf.SheetHidden, sheaf.SheetExcluded, sheaf.SheetNoTable:
				t.add(sheaf.DisplayPath(f.Source, f.Path), "「"+sh.Sheet+"」", sheaf.SheetOutcomeWord(sh.Outcome), sh.Reason)
			}
		}
	}
	if len(t.rows) == 0 {
		return
	}
	fmt.Fprintln(w, "sheets not read:")
	t.write(w, "  ")
}

// checkFilters refuses a filter value that can match nothing, so a typo is
// not taken for "no flags".
func (e *env) checkFilters(state, kind, dept string) error {
	oneOf := func(name, v string, allowed []string) error {
		if v == "" {
			return nil
		}
		for _, a := range allowed {
			if a == v {
				return nil
			}
		}
		return exitError{2, fmt.Errorf("--%s %q: expected one of %s", name, v, strings.Join(allowed, ", "))}
	}
	var depts []string
	for _, d := range e.cfg.Departments {
		depts = append(depts, d.ID)
	}
	var states []string
	for _, st := range sheaf.FlagStates {
		states = append(states, string(st))
	}
	if err := oneOf("state", state, append(states, "all")); err != nil {
		return err
	}
	kinds := make([]string, len(sheaf.FlagKinds))
	for i, k := range sheaf.FlagKinds {
		kinds[i] = string(k)
	}
	if err := oneOf("kind", kind, kinds); err != nil {
		return err
	}
	return oneOf("department", dept, depts)
}

// ruleClass is the class of a configured rule ("" for none).
func (e *env) ruleClass(rule string) string {
	for _, r := range e.cfg.Rules {
		if r.ID == rule {
			return r.Class
		}
	}
	return ""
}

func cmdFlagsAccept(ctx context.Context, e *env, args []string) error {
	fs := e.flags("flags accept")
	note := fs.String("note", "", "the explanation (说明) the flag is accepted with (required)")
	by := fs.String("by", "", "who accepts it (a name people know)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || strings.TrimSpace(*note) == "" {
		return exitError{2, fmt.Errorf("usage: sheaf flags accept ID --note TEXT [--by NAME]")}
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(pos[0], "#"), 10, 64)
	if err != nil {
		return exitError{2, fmt.Errorf("flag id %q is not a number", pos[0])}
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.AcceptFlag(ctx, id, *note, *by); err != nil {
		return err
	}
	// The figure the flag is about says 已说明 now, not at the next sync.
	if _, err := (&jobs.Syncer{Config: e.cfg, DB: db, Log: e.logger()}).Reconcile(ctx); err != nil {
		return fmt.Errorf("flag #%d accepted; figures not brought up to date: %w", id, err)
	}
	if *asJSON {
		return writeJSON(e, acceptJSON{ID: id, State: string(sheaf.FlagAccepted), Note: *note, By: *by})
	}
	fmt.Fprintf(e.stdout, "问题 #%d 已认可：%s\n", id, *note)
	return nil
}

// flagStateFilterWord names a --state filter in a sentence: 待处理, 已认可,
// or 任何状态 for all.
func flagStateFilterWord(state string) string {
	if state == "all" {
		return "任何状态"
	}
	return sheaf.FlagState(state).Word()
}
