package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

func cmdExplain(ctx context.Context, e *env, args []string) error {
	fs := e.flags("explain")
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
	figs, err := db.Figures(ctx)
	if err != nil {
		return err
	}
	flags, err := db.Flags(ctx)
	if err != nil {
		return err
	}
	depts := map[string]string{}
	for _, d := range e.cfg.Departments {
		depts[d.ID] = d.Name
	}
	loc := e.cfg.Cycle.Location
	w := e.stdout
	for _, p := range periods {
		fmt.Fprintf(w, "%s %s (%s, %s), owner %s %s\n", ind.ID, ind.Name, p, ind.Unit, ind.Owner, depts[ind.Owner])
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
				fmt.Fprintf(w, "  figure: none (%s)\n", strings.Join(statusNames(f.Statuses), ", "))
				break
			}
			fmt.Fprintf(w, "  figure: %s %s [%s]\n", formatFigure(f, e.shownDecimals(f.Indicator, f.Decimals)), f.Unit,
				strings.Join(statusNames(f.Statuses), ", "))
			fmt.Fprintf(w, "  from:   %s %s %s!%s%s %q\n", depts[f.Department], f.File, f.Sheet, f.Cell,
				hiddenMark(hiddenRow[f.ObservationID]), f.Raw)
			reason := f.Reason
			if reason == "" {
				reason = "责任单位最新报送的数值"
			}
			fmt.Fprintf(w, "  why:    %s\n", reason)
		}
		if !found {
			fmt.Fprintln(w, "  figure: not computed yet: run `sheaf sync`")
		}
		counts := map[int64]bool{}
		for _, f := range figs {
			if f.Indicator == ind.ID && f.Period == p && f.ObservationID != 0 {
				counts[f.ObservationID] = true
			}
		}
		if len(hist) > 0 {
			fmt.Fprintln(w, "  every value read, oldest first:")
			t := &table{}
			for _, h := range hist {
				val := "(no value)"
				if h.HasValue {
					val = sheaf.FormatValue(h.Value, h.Decimals)
				}
				state := "superseded"
				switch {
				case counts[h.ID]:
					state = "← counts"
				case !h.Present:
					state = "file gone"
				case h.Current:
					state = "in a current file, not counted"
				}
				row := []string{h.ReadAt.In(loc).Format("2006-01-02 15:04"), depts[h.Department],
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
				fmt.Fprintf(w, "  flag #%d %s [%s]: %s\n", f.ID, f.Kind, f.State, f.Message)
			}
		}
		fmt.Fprintln(w)
	}
	return nil
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
	_, db, err := e.parseOpen(ctx, fs, args)
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
		out := make([]ruleJSON, 0, len(results))
		for _, r := range results {
			out = append(out, ruleJSON{RuleResult: r, Message: msgs[r.Rule]})
		}
		return writeJSON(e, out)
	}
	if len(results) == 0 {
		fmt.Fprintln(e.stdout, "no rule outcomes yet: run `sheaf sync`")
		return nil
	}
	names := map[string]string{}
	for _, ind := range e.cfg.Indicators {
		names[ind.ID] = ind.Name
	}
	t := &table{}
	t.add("RULE", "CLASS", "STATE", "MESSAGE / WAITING FOR")
	for _, r := range results {
		detail := msgs[r.Rule]
		switch r.State {
		case "incomplete":
			var w []string
			for _, in := range r.Waiting {
				w = append(w, fmt.Sprintf("%s（%s）", names[in.Indicator], in.Period))
			}
			detail = "waiting for " + strings.Join(w, "、")
		case "error":
			detail += " (" + r.Detail + ")"
		}
		t.add(r.Rule, r.Class, r.State, detail)
	}
	t.write(e.stdout, "")
	return nil
}
