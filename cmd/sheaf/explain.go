package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

func cmdExplain(ctx context.Context, e *env, args []string) error {
	fs := e.flags("explain")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return exitError{2, fmt.Errorf("usage: sheaf explain INDICATOR [PERIOD]")}
	}
	db, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	ind, ok := e.cfg.Indicator(pos[0])
	if !ok {
		return exitError{1, fmt.Errorf("no indicator %q in the catalogue", pos[0])}
	}
	periods := e.cfg.Periods(ind)
	if len(pos) == 2 {
		if !slices.Contains(periods, pos[1]) {
			return exitError{1, fmt.Errorf("%s is collected for %s, not %s", ind.ID, strings.Join(periods, ", "), pos[1])}
		}
		periods = []string{pos[1]}
	}
	// The figures and flags of the periods explained, read by key: not a
	// prefecture's every figure and flag.
	var figs []sheaf.Figure
	var flags []storage.StoredFlag
	for _, p := range periods {
		switch f, err := db.Figure(ctx, ind.ID, p); {
		case err == nil:
			figs = append(figs, f)
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		fl, err := db.FigureFlags(ctx, ind.ID, p)
		if err != nil {
			return err
		}
		flags = append(flags, fl...)
	}
	depts := map[string]string{}
	for _, d := range e.cfg.Departments {
		depts[d.ID] = d.Name
	}
	if *asJSON {
		out := []explainJSON{}
		for _, p := range periods {
			x, err := e.explainJSON(ctx, db, ind, p, figs, flags)
			if err != nil {
				return err
			}
			out = append(out, x)
		}
		return writeJSON(e, out)
	}
	loc := e.cfg.Cycle.Location
	w := e.stdout
	for _, p := range periods {
		fmt.Fprintf(w, "%s %s（%s，%s），责任单位 %s %s\n", ind.ID, ind.Name, p, ind.Unit, ind.Owner, depts[ind.Owner])
		hist, err := db.History(ctx, ind.ID, p)
		if err != nil {
			return err
		}
		hiddenRow := map[int64]bool{}
		for _, h := range hist {
			hiddenRow[h.ID] = h.HiddenRow
		}
		found := false
		for _, f := range figs {
			if f.Indicator != ind.ID || f.Period != p {
				continue
			}
			found = true
			if !f.HasValue {
				fmt.Fprintf(w, "  数值：无（%s）\n", strings.Join(statusWords(f.Statuses), "、"))
				break
			}
			fmt.Fprintf(w, "  数值：%s %s［%s］\n", formatFigure(f, e.shownDecimals(f.Indicator, f.Decimals)), f.Unit,
				strings.Join(statusWords(f.Statuses), "、"))
			fmt.Fprintf(w, "  来源：%s %s %s!%s%s %q\n", depts[f.Department], f.File, f.Sheet, f.Cell,
				hiddenMark(hiddenRow[f.ObservationID]), f.Raw)
			fmt.Fprintf(w, "  依据：%s\n", figureReason(f))
		}
		if !found {
			fmt.Fprintln(w, "  数值：尚未计算（请先运行 sheaf sync）")
		}
		fig := figureOf(figs, ind.ID, p)
		if len(hist) > 0 {
			fmt.Fprintln(w, "  读到的每个数值（从早到晚；重读而未变的数值只列一次）：")
			t := &table{}
			for _, v := range collapseHistory(hist) {
				h := v.latest
				val := "（无数值）"
				if h.HasValue {
					val = sheaf.FormatValue(h.Value, h.Decimals)
				}
				state := observationWords[observationRole(h, ind, fig)]
				if fig != nil && (state == observationWords["newer_file"]) {
					state += "（" + fig.File + "）"
				}
				row := []string{v.first.ReadAt.In(loc).Format("2006-01-02 15:04"), depts[h.Department],
					fmt.Sprintf("%s %s!%s%s", h.File, h.Sheet, h.Cell, hiddenMark(h.HiddenRow)), fmt.Sprintf("%q", h.Raw), val, state}
				if h.Note != "" {
					row = append(row, "说明："+h.Note)
				}
				t.add(row...)
			}
			t.write(w, "    ")
		}
		for _, f := range flags {
			if f.Indicator == ind.ID && f.Period == p && f.State.Current() {
				fmt.Fprintf(w, "  问题 #%d %s［%s］：%s\n", f.ID, f.Kind.Word(), f.State.Word(), f.Message)
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}

// observationWords say what became of a value read: its role.
var observationWords = map[string]string{
	"counts":        "← 计入",
	"changed_later": "该文件后来改为其他数值",
	"file_gone":     "文件已不在",
	"newer_file":    "同一单位较新的文件已替代",
	"cross_check":   "其他单位的数值，仅作核对",
	"other_row":     "同一文件的另一行，未计入",
	"withdrawn":     "空白：撤回此前的数值",
	"not_counted":   "未计入",
}

// figureOf is the figure of one indicator and period, nil before a sync.
func figureOf(figs []sheaf.Figure, indicator, period string) *sheaf.Figure {
	for i := range figs {
		if figs[i].Indicator == indicator && figs[i].Period == period {
			return &figs[i]
		}
	}
	return nil
}

// readValue is one value as read, over every read of its file that gave it
// unchanged: the first read, and the latest, which decides its role.
type readValue struct{ first, latest storage.HistoricObservation }

// collapseHistory lists each value once however often its file was read
// again without changing it (a catalogue edit re-reads every file): the
// same department, file, sheet, cell, text and value.
func collapseHistory(hist []storage.HistoricObservation) []readValue {
	type key struct {
		dept, file, sheet, cell, raw string
		has                          bool
		value                        float64
		decimals                     int
	}
	var out []readValue
	at := map[key]int{}
	for _, h := range hist {
		k := key{h.Department, h.File, h.Sheet, h.Cell, h.Raw, h.HasValue, h.Value, h.Decimals}
		if i, ok := at[k]; ok {
			out[i].latest = h
			continue
		}
		at[k] = len(out)
		out = append(out, readValue{first: h, latest: h})
	}
	return out
}

// observationRole says what a value read is to its figure: the figure, a
// value a later read of its file changed, one from a file that is gone,
// superseded by a newer file of the same department, another department's
// cross-check, another row of the counting file, or a blank that
// withdraws the value before it.
func observationRole(h storage.HistoricObservation, ind *config.Indicator, fig *sheaf.Figure) string {
	switch {
	case fig != nil && fig.ObservationID == h.ID:
		return "counts"
	case !h.Present:
		return "file_gone"
	case !h.Current:
		return "changed_later"
	case !h.HasValue && h.Department == ind.Owner:
		return "withdrawn"
	case fig == nil || !fig.HasValue:
		return "not_counted"
	case h.Department != fig.Department:
		return "cross_check"
	case h.File != fig.File:
		return "newer_file"
	}
	return "other_row"
}

// observationState is what became of a value read: counts, superseded,
// file_gone or not_counted.

// figureReason is why a figure has its value.
func figureReason(f sheaf.Figure) string {
	if f.Reason != "" {
		return f.Reason
	}
	if !f.HasValue {
		return ""
	}
	return "责任单位最新报送的数值"
}

// explainJSON is the explanation of one figure for scripts.
func (e *env) explainJSON(ctx context.Context, db *storage.DB, ind *config.Indicator, period string,
	figs []sheaf.Figure, flags []storage.StoredFlag) (explainJSON, error) {
	x := explainJSON{Indicator: ind.ID, Name: ind.Name, Period: period, Unit: ind.Unit, Owner: ind.Owner,
		History: []observationJSON{}, Flags: []flagJSON{}}
	hist, err := db.History(ctx, ind.ID, period)
	if err != nil {
		return x, err
	}
	for _, f := range figs {
		if f.Indicator != ind.ID || f.Period != period {
			continue
		}
		j := figureJSON{Indicator: f.Indicator, Name: ind.Name, Period: f.Period, Decimals: f.Decimals, Unit: f.Unit,
			Status: f.Status, Statuses: f.Statuses, Department: f.Department, File: f.File, Sheet: f.Sheet, Cell: f.Cell,
			Raw: f.Raw, Note: f.Note, Reason: f.Reason}
		if j.Statuses == nil {
			j.Statuses = []sheaf.Status{}
		}
		if f.HasValue {
			v := f.Value
			j.Value = &v
		}
		x.Figure, x.Why = &j, figureReason(f)
	}
	fig := figureOf(figs, ind.ID, period)
	for _, v := range collapseHistory(hist) {
		h := v.latest
		o := observationJSON{ReadAt: v.first.ReadAt, Department: h.Department, File: h.File, Sheet: h.Sheet, Cell: h.Cell,
			HiddenRow: h.HiddenRow, Raw: h.Raw, State: observationRole(h, ind, fig), Note: h.Note}
		if h.HasValue {
			v := h.Value
			o.Value = &v
		}
		x.History = append(x.History, o)
	}
	for _, f := range flags {
		if f.Indicator == ind.ID && f.Period == period && f.State.Current() {
			x.Flags = append(x.Flags, e.flagJSON(f))
		}
	}
	return x, nil
}

// hiddenMark marks a value read from a hidden row: it counts, but whoever
// looks at the sheet does not see it.
func hiddenMark(hidden bool) string {
	if hidden {
		return "（隐藏行）"
	}
	return ""
}

func cmdRules(ctx context.Context, e *env, args []string) error {
	fs := e.flags("rules")
	asJSON := fs.Bool("json", false, "print JSON")
	db, err := e.openNoArgs(ctx, fs, args)
	if err != nil {
		return err
	}
	defer db.Close()
	results, err := db.RuleResults(ctx)
	if err != nil {
		return err
	}
	msgs := map[string]string{}
	for _, r := range e.cfg.Rules {
		msgs[r.ID] = r.Message
	}
	if *asJSON {
		type ruleJSON struct {
			storage.RuleResult
			Message string `json:"message"`
		}
		for i := range results {
			if results[i].Inputs == nil {
				results[i].Inputs = []storage.RuleInputValue{}
			}
			if results[i].Waiting == nil {
				results[i].Waiting = []storage.RuleInputValue{}
			}
		}
		out := make([]ruleJSON, 0, len(results))
		for _, r := range results {
			out = append(out, ruleJSON{RuleResult: r, Message: msgs[r.Rule]})
		}
		return writeJSON(e, out)
	}
	if len(results) == 0 {
		fmt.Fprintln(e.stdout, "还没有规则结果：请先运行 sheaf sync")
		return nil
	}
	names := map[string]string{}
	for _, ind := range e.cfg.Indicators {
		names[ind.ID] = ind.Name
	}
	t := &table{}
	t.add("规则", "类别", "结果", "说明 / 等待")
	for _, r := range results {
		detail := msgs[r.Rule]
		switch r.State {
		case "incomplete":
			var w []string
			for _, in := range r.Waiting {
				w = append(w, fmt.Sprintf("%s（%s）", names[in.Indicator], in.Period))
			}
			detail = "等待" + strings.Join(w, "、")
		case "error":
			detail += " (" + r.Detail + ")"
		}
		t.add(r.Rule, ruleClassWord(r.Class), sheaf.RuleStateWord(r.State), detail)
	}
	t.write(e.stdout, "")
	return nil
}

// ruleClassWord names a rule's class: 校验 (check) or 标准 (standard).
func ruleClassWord(class string) string {
	switch class {
	case "check":
		return "校验"
	case "standard":
		return "标准"
	}
	return class
}
