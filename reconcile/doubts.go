package reconcile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

// deptSlot is one department's part of one indicator and period.
type deptSlot struct {
	dept string
	slot
}

// doubtState is what findings and doubtful values need from every slot,
// gathered while slots are decided: small, one entry per department and
// figure, never per row.
type doubtState struct {
	// gives is the value each department's counting rows give for a slot
	// (as decide counts them): a finding of an older file is superseded
	// by it. Only the slots some finding is about are kept (wanted): a
	// cycle of 100,000 figures has a few hundred findings.
	gives  map[deptSlot]Observation
	wanted map[deptSlot]bool
	// over1 lists, per % indicator, the departments and periods whose value
	// is above 1: beside them, a value such as 0.9675 is likely a fraction
	// typed for a percentage.
	over1 map[string][]deptSlot
	// fractions are counting values that may be fractions (Fraction set).
	fractions []Observation
	// hidden is, per department and figure, a row for it on a hidden sheet
	// that was not read.
	hidden map[deptSlot]*Finding
	// unrecognised is, per department and figure, a row outside the
	// catalogue that probably is it.
	unrecognised map[deptSlot]*Finding
}

func newDoubtState(findings []Finding) *doubtState {
	ds := &doubtState{gives: map[deptSlot]Observation{}, wanted: map[deptSlot]bool{}, over1: map[string][]deptSlot{},
		hidden: map[deptSlot]*Finding{}, unrecognised: map[deptSlot]*Finding{}}
	for _, f := range findings {
		if f.Indicator != "" {
			ds.wanted[deptSlot{f.Department, slot{f.Indicator, f.Period}}] = true
		}
	}
	return ds
}

// counting records what each department's counting rows give for one slot.
func (ru *run) counting(ind *config.Indicator, period string, cur map[string][]Observation) {
	percent := ind.UnitInfo().Name == "%"
	k := slot{ind.ID, period}
	depts := make([]string, 0, 4)
	for d := range cur {
		depts = append(depts, d)
	}
	sort.Strings(depts)
	for _, d := range depts {
		o, ok := given(cur[d])
		if !ok {
			continue
		}
		if ru.ds.wanted[deptSlot{d, k}] {
			ru.ds.gives[deptSlot{d, k}] = o
		}
		if !percent {
			continue
		}
		if o.Value > 1 {
			ru.ds.over1[ind.ID] = append(ru.ds.over1[ind.ID], deptSlot{d, k})
		}
		if o.Fraction && o.Value > 0 && o.Value < 1 {
			ru.ds.fractions = append(ru.ds.fractions, o)
		}
	}
}

// superseded reports whether a newer file of the finding's department gives
// a readable value for the finding's figure: the finding is then history,
// as the value it was about is.
func (ru *run) superseded(f Finding) bool {
	if f.Indicator == "" {
		return false
	}
	o, ok := ru.ds.gives[deptSlot{f.Department, slot{f.Indicator, f.Period}}]
	if !ok || o.FileID == f.FileID {
		return false
	}
	return newer(o, Observation{FileID: f.FileID, File: f.File, FirstSeen: f.Received, FirstModTime: f.ModTime})
}

// findings turns extraction findings of current files into flags: one flag
// per kind, department and figure (or per kind and file for findings about
// no figure), holding every cell it is about. A finding a newer file of its
// department supersedes is no flag; a flag left with none closes with
// Superseded in its history.
func (ru *run) findings() {
	type group struct {
		flag  sheaf.Flag
		msgs  []string
		kept  bool
		index int
	}
	groups := map[string]*group{}
	var order []string
	for i := range ru.in.Findings {
		f := ru.in.Findings[i]
		if f.Kind == sheaf.KindHiddenSheet {
			k := deptSlot{f.Department, slot{f.Indicator, f.Period}}
			if ru.ds.hidden[k] == nil {
				ru.ds.hidden[k] = &ru.in.Findings[i]
			}
			continue
		}
		if f.Kind == sheaf.KindUnrecognisedRow {
			k := deptSlot{f.Department, slot{f.Indicator, f.Period}}
			if ru.ds.unrecognised[k] == nil {
				ru.ds.unrecognised[k] = &ru.in.Findings[i]
			}
			continue
		}
		fl := sheaf.Flag{Kind: f.Kind, Severity: f.Severity, Department: f.Department, Indicator: f.Indicator, Period: f.Period}
		if f.Indicator == "" {
			content := f.Content
			if content == "" {
				content = f.File // only when the file's content is not known
			}
			fl.Subject = sheaf.FileSubject(content, f.Sheet)
		}
		key := fl.Key()
		g := groups[key]
		if g == nil {
			g = &group{flag: fl}
			groups[key] = g
			order = append(order, key)
		}
		if ru.superseded(f) {
			continue
		}
		g.kept = true
		if severityRank(f.Severity) < severityRank(g.flag.Severity) {
			g.flag.Severity = f.Severity
		}
		if msg := strings.TrimSpace(f.Message); msg != "" && !containsString(g.msgs, msg) {
			g.msgs = append(g.msgs, msg)
		}
		g.flag.Evidence = append(g.flag.Evidence,
			sheaf.Evidence{Department: f.Department, File: f.File, Sheet: f.Sheet, Cell: f.Cell, Raw: f.Raw, Note: f.Note})
		k := slot{f.Indicator, f.Period}
		switch {
		case f.Indicator == "":
		case f.Kind == sheaf.KindInvalid:
			ru.doubt(k, sheaf.StatusInvalid, key)
			if ind, ok := ru.cfg.Indicator(f.Indicator); ok && ind.Owner == f.Department {
				ru.ownerInvalid[k] = true
			}
		case f.Kind == sheaf.KindVersion:
			// A hidden sheet disagreeing with the value read: which one is
			// current nobody can tell from the file, so the value is
			// doubtful until the department says.
			if fig := ru.decidedFigure(k); fig != nil && fig.HasValue && fig.Department == f.Department && fig.File == f.File {
				ru.doubt(k, sheaf.StatusDoubtful, key)
			}
		case f.Kind == sheaf.KindUnit || f.Kind == sheaf.KindRange || f.Kind == sheaf.KindLayout || f.Kind == sheaf.KindConflict:
			// Doubtful when the finding is about the value that counts: a
			// form's value read where its label moved, a list's sum that
			// its 合计 row or another cell of the file contradicts.
			if fig := ru.decidedFigure(k); fig != nil && fig.HasValue && fig.Department == f.Department &&
				fig.File == f.File && fig.Sheet == f.Sheet && fig.Cell == f.Cell {
				ru.doubt(k, sheaf.StatusDoubtful, key)
			}
		}
	}
	// A flag of the same identity already raised while the slots were
	// decided (a version flag between two files, beside a hidden sheet's
	// differing value) takes the findings in: one flag per identity.
	raised := map[string]int{}
	for i, f := range ru.res.Flags {
		raised[f.Key()] = i
	}
	for _, key := range order {
		g := groups[key]
		if !g.kept {
			if _, ok := raised[key]; !ok {
				ru.res.Closed[key] = Superseded
			}
			continue
		}
		g.flag.Message = strings.Join(g.msgs, "；")
		if i, ok := raised[key]; ok {
			f := &ru.res.Flags[i]
			f.Message += "；" + g.flag.Message
			f.Evidence = append(f.Evidence, g.flag.Evidence...)
			f.Digest = Digest(*f)
			continue
		}
		ru.add(g.flag)
	}
}

// fractions flags a % indicator's value between 0 and 1 typed without a %
// sign when the same indicator's other periods or other departments' values
// are above 1: 0.9675 beside 95.1 is likely 96.75% typed as a fraction,
// while 0.07 beside 0.05 is a real small rate.
func (ru *run) fractions() {
	have := map[string]bool{}
	for _, f := range ru.res.Flags {
		have[f.Key()] = true
	}
	for _, o := range ru.ds.fractions {
		neighbour := false
		for _, n := range ru.ds.over1[o.Indicator] {
			if n.dept != o.Department || n.period != o.Period {
				neighbour = true
				break
			}
		}
		if !neighbour {
			continue
		}
		ind, ok := ru.cfg.Indicator(o.Indicator)
		if !ok {
			continue
		}
		k := slot{o.Indicator, o.Period}
		fl := sheaf.Flag{Kind: sheaf.KindRange, Severity: sheaf.SeverityWarning, Department: o.Department,
			Indicator: o.Indicator, Period: o.Period, Evidence: []sheaf.Evidence{evidenceOf(o)}}
		fl.Message = fractionMessage(ind, o)
		key := fl.Key()
		if !have[key] {
			// Extraction flags a fraction below the indicator's range
			// itself: one flag is enough.
			ru.add(fl)
			have[key] = true
		}
		if fig := ru.decidedFigure(k); fig != nil && fig.HasValue && fig.ObservationID == o.ID && fig.Department == o.Department &&
			fig.File == o.File && fig.Cell == o.Cell {
			ru.doubt(k, sheaf.StatusDoubtful, key)
		}
	}
}

// fractionMessage asks whether 0.9675 was meant as 96.75%.
func fractionMessage(ind *config.Indicator, o Observation) string {
	raw := strings.TrimSpace(o.Raw)
	if raw == "" {
		raw = sheaf.FormatValue(o.Value, o.Decimals)
	}
	return fmt.Sprintf("疑似小数形式：%s（%s）在 %s %s!%s 填写 %s，如为 %s%% 请改为百分数", ind.Name,
		sheaf.PeriodWord(o.Period), o.File, o.Sheet, o.Cell, raw, sheaf.FormatValue(o.Value*100, max(o.Decimals-2, 0)))
}

// hiddenSheet returns a row for the figure on a hidden sheet of dept that
// was not read, or nil.
func (ru *run) hiddenSheet(dept string, k slot) *Finding {
	if f := ru.ds.hidden[deptSlot{dept, k}]; f != nil {
		return f
	}
	return ru.ds.hidden[deptSlot{dept, slot{k.indicator, ""}}]
}

// hiddenSheetMessage says where a required figure is instead of 未报送.
func hiddenSheetMessage(deptName string, ind *config.Indicator, period string, h *Finding) string {
	where := h.File
	if h.Cell != "" {
		where += "!" + h.Cell
	}
	return fmt.Sprintf("%s的%s（%s，%s）在隐藏工作表「%s」中有此项（%s），未读取；如该表数据有效，请移到可见工作表或取消隐藏",
		deptName, ind.Name, sheaf.PeriodWord(period), unitWord(ind.Unit), h.Sheet, where)
}

func severityRank(s sheaf.Severity) int {
	switch s {
	case sheaf.SeverityError:
		return 0
	case sheaf.SeverityWarning:
		return 1
	case sheaf.SeverityInfo:
		return 2
	}
	return 3
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// unrecognisedRow returns a row of dept that matched no indicator but
// probably is the figure, or nil.
func (ru *run) unrecognisedRow(dept string, k slot) *Finding {
	if f := ru.ds.unrecognised[deptSlot{dept, k}]; f != nil {
		return f
	}
	return ru.ds.unrecognised[deptSlot{dept, slot{k.indicator, ""}}]
}

// unrecognisedRowMessage asks whether a row outside the catalogue is the
// figure, instead of saying it was not sent.
func unrecognisedRowMessage(deptName string, ind *config.Indicator, period string, u *Finding) string {
	return fmt.Sprintf("尚未读到%s的%s（%s，%s）：可能是「%s」行（%s %s!%s），请确认", deptName, ind.Name, sheaf.PeriodWord(period),
		unitWord(ind.Unit), u.Raw, u.File, u.Sheet, u.Cell)
}
