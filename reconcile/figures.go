package reconcile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

// Reconciler decides figures and flags for one configuration.
type Reconciler struct {
	cfg   *config.Config
	rules *ruleSet
	names map[string]string // department id → name
	// at is where each indicator's figures start in catalogue order, and
	// which entry of the catalogue it is; twice lists the ids a catalogue
	// built in code lists more than once (a loaded one cannot).
	at    map[string]catalogueEntry
	twice map[string]bool
	// slots counts the catalogue's indicators and periods: its figures.
	slots int
}

type catalogueEntry struct{ ord, index int }

// New prepares reconciliation for cfg, compiling its rules. A rule that
// does not compile is an error naming the rule and where.
func New(cfg *config.Config) (*Reconciler, error) {
	rs, err := compileRules(cfg)
	if err != nil {
		return nil, err
	}
	r := &Reconciler{cfg: cfg, rules: rs, names: map[string]string{}, at: make(map[string]catalogueEntry, len(cfg.Indicators)),
		twice: map[string]bool{}}
	for _, d := range cfg.Departments {
		r.names[d.ID] = d.Name
	}
	n := 0
	for i := range cfg.Indicators {
		ind := &cfg.Indicators[i]
		if _, ok := r.at[ind.ID]; ok {
			r.twice[ind.ID] = true
		}
		r.at[ind.ID] = catalogueEntry{n, i}
		n += len(r.periods(ind))
	}
	r.slots = n
	return r, nil
}

// Slots is how many figures the catalogue asks for: one per indicator
// and period.
func (r *Reconciler) Slots() int { return r.slots }

// slot is one indicator and period.
type slot struct{ indicator, period string }

// run is the state of one reconciliation.
type run struct {
	*Reconciler
	in  Input
	res Result
	// byFlag links a figure's doubtful statuses to the flags behind them,
	// so that accepting every one of them makes the status "accepted".
	// A slice, not a map per slot: most figures have none or one, and an
	// empty cycle has 100,000 missing ones.
	doubts map[slot][]doubt
	// ownerInvalid: the owner sent a value for the slot that cannot be read.
	ownerInvalid map[slot]bool
	// decided holds, per slot with observations, where its figure is in
	// figs and what else decide found; figs are the figures in the order
	// decided, then in catalogue order as res.Figures. Holding each figure
	// once (not in a map and again in the result) keeps a cycle of 100,000
	// figures in about 25 MB.
	decided map[slot]decision
	figs    []sheaf.Figure
	// ds holds what findings and doubtful values need from every slot.
	ds *doubtState
}

// Slots yields observations one indicator and period at a time, each slot
// once, in any order; it stops when yield returns an error. Reconciling a
// slot at a time keeps memory flat however many values a cycle holds.
type Slots func(yield func(indicator, period string, obs []Observation) error) error

// Reconcile decides one figure per indicator and declared period, the flags
// that apply and every rule's outcome, from in.Observations.
func (r *Reconciler) Reconcile(in Input) Result {
	bySlot := map[slot][]Observation{}
	var order []slot
	for _, o := range in.Observations {
		k := slot{o.Indicator, o.Period}
		if _, ok := bySlot[k]; !ok {
			order = append(order, k)
		}
		bySlot[k] = append(bySlot[k], o)
	}
	res, _ := r.ReconcileSlots(in, func(yield func(string, string, []Observation) error) error {
		for _, k := range order {
			if err := yield(k.indicator, k.period, bySlot[k]); err != nil {
				return err
			}
		}
		return nil
	})
	return res
}

// ReconcileSlots is Reconcile with observations read slot by slot (in's
// Observations are not used). Its error is the one slots returns.
func (r *Reconciler) ReconcileSlots(in Input, slots Slots) (Result, error) {
	// One figure per indicator and period of the catalogue: sized once,
	// not grown by copying 100,000 figures over and over.
	n := r.slots
	ru := &run{Reconciler: r, in: in, doubts: map[slot][]doubt{},
		ownerInvalid: map[slot]bool{}, decided: make(map[slot]decision, n), figs: make([]sheaf.Figure, 0, n),
		ds: newDoubtState(in.Findings)}
	ru.res.Closed = map[string]string{}
	ru.sources()

	// One map for every slot's current rows: decide and the checks after it
	// read it and keep none of it.
	curMap := map[string][]Observation{}
	err := slots(func(indicator, period string, obs []Observation) error {
		ind, ok := r.cfg.Indicator(indicator)
		if !ok || !slices.Contains(r.periods(ind), period) {
			return nil // not in the catalogue: extraction flagged it already
		}
		cur := current(obs, curMap)
		ru.record(slot{indicator, period}, ru.decide(ind, period, obs, cur))
		ru.counting(ind, period, cur)
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	// Findings come after every slot is decided: a finding a newer file
	// supersedes is no flag, and a doubtful value needs its figure.
	ru.findings()
	ru.fractions()

	owes := map[string][]string{} // department → what it owes, for the no-file flag
	order := make([]int32, 0, len(ru.figs))
	for i := range r.cfg.Indicators {
		ind := &r.cfg.Indicators[i]
		for _, p := range r.periods(ind) {
			k := slot{ind.ID, p}
			d, ok := ru.decided[k]
			if !ok {
				d = ru.record(k, ru.decide(ind, p, nil, nil))
			}
			order = append(order, d.fig)
			if !d.owned && ind.Required {
				owes[ind.Owner] = append(owes[ind.Owner], fmt.Sprintf("%s（%s，%s）", ind.Name, sheaf.PeriodWord(p), unitWord(ind.Unit)))
			}
		}
	}
	ru.res.Figures = ru.inCatalogueOrder(order)
	ru.missingFlags(owes)
	ru.decided = nil // what is left needs only the figures
	ru.evaluateRules()
	ru.settle()
	return ru.res, nil
}

// decision is what one slot's observations decide, kept until the whole
// catalogue is reconciled: the figure, and for the missing flag the owner's
// blank row or the stand-in value.
type decision struct {
	fig     int32        // the figure's index in figs
	owned   bool         // the owner gave the value
	blank   *Observation // the owner's newest row for it is blank
	standIn *Observation // another department's value used instead
}

// decided is what decide found for one slot: its figure, and the rest.
type decided struct {
	fig sheaf.Figure
	decision
}

// record keeps what decide found for slot k.
func (ru *run) record(k slot, d decided) decision {
	d.decision.fig = int32(len(ru.figs))
	ru.figs = append(ru.figs, d.fig)
	ru.decided[k] = d.decision
	return d.decision
}

// decidedFigure is slot k's figure once decided, nil before.
func (ru *run) decidedFigure(k slot) *sheaf.Figure {
	if ru.figs == nil {
		// In catalogue order now: res.Figures has them all.
		return ru.figure(k)
	}
	if d, ok := ru.decided[k]; ok {
		return &ru.figs[d.fig]
	}
	return nil
}

// figure is slot k's figure in res.Figures (catalogue order), found by
// its place, not through a map of 100,000 slots; nil for a slot not in the
// catalogue.
func (ru *run) figure(k slot) *sheaf.Figure {
	if ru.twice[k.indicator] {
		// Listed more than once, with periods that may differ: the slot's
		// last figure, as a map filled in catalogue order would hold.
		for i := len(ru.res.Figures) - 1; i >= 0; i-- {
			if f := &ru.res.Figures[i]; f.Indicator == k.indicator && f.Period == k.period {
				return f
			}
		}
		return nil
	}
	e, ok := ru.at[k.indicator]
	if !ok {
		return nil
	}
	p := slices.Index(ru.periods(&ru.cfg.Indicators[e.index]), k.period)
	if p < 0 || e.ord+p >= len(ru.res.Figures) {
		return nil
	}
	if f := &ru.res.Figures[e.ord+p]; f.Indicator == k.indicator && f.Period == k.period {
		return f
	}
	return nil
}

// inCatalogueOrder puts figs in the order order gives (figs[order[i]]
// becomes the i-th figure), moving each figure once instead of copying
// them all, and returns them.
func (ru *run) inCatalogueOrder(order []int32) []sheaf.Figure {
	figs := ru.figs
	if len(order) != len(figs) {
		// Not a permutation (a catalogue naming one slot twice): copy.
		out := make([]sheaf.Figure, len(order))
		for i, j := range order {
			out[i] = figs[j]
		}
		return out
	}
	for i := range order {
		if order[i] < 0 {
			continue
		}
		tmp := figs[i]
		j := i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				figs[j] = tmp
				break
			}
			figs[j] = figs[k]
			j = k
		}
	}
	ru.figs = nil
	return figs
}

// periods are the periods an indicator is collected for.
func (r *Reconciler) periods(ind *config.Indicator) []string {
	return r.cfg.Periods(ind)
}

// current returns each department's current rows for one slot: the rows of
// the file holding the department's newest row (see newer), oldest first.
// The department's other files are not a conflict: where they give another
// value, that is a version flag (see versions). They are put into out,
// emptied first, and out is returned.
func current(obs []Observation, out map[string][]Observation) map[string][]Observation {
	clear(out)
	if len(obs) == 1 {
		// Most slots: one department gave one row.
		out[obs[0].Department] = obs
		return out
	}
	latest := map[string]Observation{}
	for _, o := range obs {
		if cur, ok := latest[o.Department]; !ok || newer(o, cur) {
			latest[o.Department] = o
		}
	}
	for _, o := range obs {
		if o.FileID == latest[o.Department].FileID {
			out[o.Department] = append(out[o.Department], o)
		}
	}
	for _, rows := range out {
		sort.Slice(rows, func(i, j int) bool { return newer(rows[j], rows[i]) })
	}
	return out
}

// given is the value a department's current rows give: the newest row with
// a value. A file whose row is blank, "—" or "无" gives nothing: it
// withdraws the older value.
func given(rows []Observation) (Observation, bool) {
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].HasValue {
			return rows[i], true
		}
	}
	return Observation{}, false
}

// decide decides one indicator and period from its observations.
func (ru *run) decide(ind *config.Indicator, period string, obs []Observation, cur map[string][]Observation) decided {
	k := slot{ind.ID, period}
	fig := sheaf.Figure{Indicator: ind.ID, Name: ind.Name, Period: period, Unit: ind.Unit}
	var d decided
	if rows := cur[ind.Owner]; len(rows) > 0 {
		last := rows[len(rows)-1]
		d.blank = &last
	}

	// The owner's value is the figure; another department's stands in,
	// unverified, when the owner gave nothing.
	chosen, ok := given(cur[ind.Owner])
	owned := ok
	if !ok {
		var others []Observation
		for dept, rows := range cur {
			if o, has := given(rows); has && dept != ind.Owner {
				others = append(others, o)
			}
		}
		sort.Slice(others, func(i, j int) bool { return newer(others[i], others[j]) })
		if len(others) > 0 {
			chosen, ok = others[0], true
			fig.Reason = fmt.Sprintf("责任单位%s未报送，取自%s", ru.name(ind.Owner), ru.name(chosen.Department))
			ru.doubt(k, sheaf.StatusUnverified, "")
			d.standIn = &others[0]
		}
	} else {
		d.blank = nil
	}
	if ok {
		fig.Value, fig.HasValue, fig.Decimals = chosen.Value, true, chosen.Decimals
		fig.Department, fig.File, fig.Sheet, fig.Cell = chosen.Department, chosen.File, chosen.Sheet, chosen.Cell
		fig.Raw, fig.Note, fig.ObservationID = chosen.Raw, chosen.Note, chosen.ID
		if chosen.Approx != sheaf.Exact {
			ru.doubt(k, sheaf.StatusApproximate, sheaf.Flag{Kind: sheaf.KindApproximate, Department: chosen.Department,
				Indicator: ind.ID, Period: period, Subject: cellSubject(chosen.File, chosen.Sheet, chosen.Cell)}.Key())
		}
	} else {
		ru.doubt(k, sheaf.StatusMissing, "")
	}
	ru.conflict(ind, period, cur)
	ru.versions(ind, period, obs, cur)
	d.fig, d.owned = fig, owned
	return d
}

// conflict flags one indicator and period when any two current values
// disagree: between departments, or two rows of one submission.
func (ru *run) conflict(ind *config.Indicator, period string, cur map[string][]Observation) {
	if len(cur) == 1 {
		for _, rows := range cur {
			if len(rows) < 2 {
				return // one value agrees with itself
			}
		}
	}
	var vals []Observation
	depts := make([]string, 0, len(cur))
	for d := range cur {
		depts = append(depts, d)
	}
	sort.Strings(depts)
	for _, d := range depts {
		for _, o := range cur[d] {
			if o.HasValue {
				vals = append(vals, o)
			}
		}
	}
	// Agreement depends on a value, its written precision and whether it is
	// approximate only: compare each distinct one once, so that a figure
	// given a thousand times is not a million comparisons.
	type written struct {
		value    float64
		decimals int
		approx   sheaf.Approximation
	}
	distinct := make([]sheaf.Observation, 0, 2)
	seen := make(map[written]bool, 2)
	for _, o := range vals {
		w := written{o.Value, o.Decimals, o.Approx}
		if !seen[w] {
			seen[w] = true
			distinct = append(distinct, o.Observation)
		}
	}
	disagree := false
	for i := 0; i < len(distinct) && !disagree; i++ {
		for j := i + 1; j < len(distinct); j++ {
			if !sheaf.Agree(distinct[i], distinct[j], ind.Tolerance) {
				disagree = true
				break
			}
		}
	}
	if !disagree {
		return
	}
	var parts []string
	var ev []sheaf.Evidence
	for _, o := range vals {
		parts = append(parts, fmt.Sprintf("%s %s（%s %s!%s 填写「%s」）", ru.name(o.Department),
			showValue(&sheaf.Figure{Value: o.Value, HasValue: true, Decimals: o.Decimals, Unit: ind.Unit}), o.File, o.Sheet, o.Cell,
			strings.TrimSpace(o.Raw)))
		ev = append(ev, evidenceOf(o))
	}
	f := sheaf.Flag{
		Kind: sheaf.KindConflict, Severity: sheaf.SeverityError, Department: ind.Owner, Indicator: ind.ID, Period: period,
		Message:  fmt.Sprintf("%s（%s）数值不一致：%s", ind.Name, sheaf.PeriodWord(period), strings.Join(parts, "；")),
		Evidence: ev,
	}
	ru.add(f)
	ru.doubt(slot{ind.ID, period}, sheaf.StatusConflict, f.Key())
}

// missingFlags flags every required figure whose owner gave no usable
// value; a department with no file at all gets one flag listing it all.
func (ru *run) missingFlags(owes map[string][]string) {
	unread := ru.unreadFiles()
	// Each department's required indicators, found in one pass over the
	// catalogue rather than one pass per department.
	required := map[string][]*config.Indicator{}
	for i := range ru.cfg.Indicators {
		if ind := &ru.cfg.Indicators[i]; ind.Required {
			required[ind.Owner] = append(required[ind.Owner], ind)
		}
	}
	for _, d := range ru.cfg.Departments {
		list := owes[d.ID]
		if len(list) == 0 {
			continue
		}
		if ru.in.Files != nil && ru.in.Files[d.ID] == 0 {
			ru.add(sheaf.Flag{Kind: sheaf.KindMissing, Severity: sheaf.SeverityError, Department: d.ID, Subject: "department",
				Message: fmt.Sprintf("%s目前没有可读取的报送文件，应报送 %d 项：%s", d.Name, len(list), strings.Join(list, "、"))})
			continue
		}
		for _, ind := range required[d.ID] {
			for _, p := range ru.periods(ind) {
				k := slot{ind.ID, p}
				fig := ru.figure(k)
				if fig != nil && fig.HasValue && fig.Department == ind.Owner {
					continue
				}
				// A value the owner sent but that cannot be read is already
				// an invalid flag telling them what to fix.
				if ru.ownerInvalid[k] {
					continue
				}
				f := sheaf.Flag{Kind: sheaf.KindMissing, Severity: sheaf.SeverityError, Department: ind.Owner, Indicator: ind.ID, Period: p,
					Message: fmt.Sprintf("%s未报送%s（%s，%s）", d.Name, ind.Name, sheaf.PeriodWord(p), unitWord(ind.Unit))}
				dec := ru.decided[k]
				switch {
				case dec.blank != nil:
					// The owner's newest file has the row but leaves it blank:
					// say so, or the department will not know why.
					blank := dec.blank
					f.Message = fmt.Sprintf("%s最新报送的 %s 中%s（%s）为空（%s!%s），此前报送的数值已撤回，请补报",
						d.Name, blank.File, ind.Name, sheaf.PeriodWord(p), blank.Sheet, blank.Cell)
					f.Evidence = []sheaf.Evidence{evidenceOf(*blank)}
				case ru.hiddenSheet(d.ID, k) != nil:
					// The department did send it, on a sheet sheaf does not
					// read: 未报送 would blame it wrongly.
					h := ru.hiddenSheet(d.ID, k)
					f.Subject = sheaf.MissingHiddenSheet
					f.Message = hiddenSheetMessage(d.Name, ind, p, h)
					f.Evidence = []sheaf.Evidence{{Department: h.Department, File: h.File, Sheet: h.Sheet, Cell: h.Cell, Raw: h.Raw}}
					if dec.standIn != nil {
						f.Message += fmt.Sprintf("；暂取自%s：%s", ru.name(fig.Department), strings.TrimSpace(fig.Raw))
						f.Evidence = append(f.Evidence, evidenceOf(*dec.standIn))
					}
				case ru.unrecognisedRow(d.ID, k) != nil:
					// A row sheaf did not recognise probably is the figure:
					// a question, not "未报送".
					u := ru.unrecognisedRow(d.ID, k)
					f.Subject = sheaf.MissingUnrecognisedRow
					f.Message = unrecognisedRowMessage(d.Name, ind, p, u)
					f.Evidence = []sheaf.Evidence{{Department: u.Department, File: u.File, Sheet: u.Sheet, Cell: u.Cell, Raw: u.Raw}}
					if dec.standIn != nil {
						f.Message += fmt.Sprintf("；暂取自%s：%s", ru.name(fig.Department), strings.TrimSpace(fig.Raw))
						f.Evidence = append(f.Evidence, evidenceOf(*dec.standIn))
					}
				case len(unread[d.ID]) > 0:
					// A file of the department cannot be read: the figure may
					// well be in it, so it is not said to be unsent.
					f.Subject = sheaf.MissingUnreadFile
					f.Message = fmt.Sprintf("尚未读到%s的%s（%s，%s）：%s无法读取，该项可能在其中；请按文件问题的提示重新保存后报送",
						d.Name, ind.Name, sheaf.PeriodWord(p), unitWord(ind.Unit), strings.Join(unread[d.ID], "、"))
					if dec.standIn != nil {
						f.Message += fmt.Sprintf("；暂取自%s：%s", ru.name(fig.Department), strings.TrimSpace(fig.Raw))
						f.Evidence = []sheaf.Evidence{evidenceOf(*dec.standIn)}
					}
				case dec.standIn != nil:
					f.Message += fmt.Sprintf("；暂取自%s：%s", ru.name(fig.Department), strings.TrimSpace(fig.Raw))
					f.Evidence = []sheaf.Evidence{evidenceOf(*dec.standIn)}
				}
				ru.add(f)
				ru.attach(k, sheaf.StatusMissing, f.Key())
				ru.attach(k, sheaf.StatusUnverified, f.Key())
			}
		}
	}
}

// unreadFiles lists, per department, the present files (or tables) that
// could not be read, from their file findings.
func (ru *run) unreadFiles() map[string][]string {
	out := map[string][]string{}
	for _, f := range ru.in.Findings {
		if f.Kind != sheaf.KindFile || f.Indicator != "" || f.File == "" {
			continue
		}
		name := "「" + f.File + "」"
		if f.Sheet != "" {
			name = "「" + f.File + "」的工作表「" + f.Sheet + "」"
		}
		if !slices.Contains(out[f.Department], name) {
			out[f.Department] = append(out[f.Department], name)
		}
	}
	return out
}

// sources flags every source that could not be listed.
func (ru *run) sources() {
	for _, s := range ru.in.Sources {
		if s.Error == "" {
			continue
		}
		msg := fmt.Sprintf("无法读取数据来源 %s（自 %s 起）：%s", sheaf.DisplayPath(s.Source, ""),
			ru.inZone(s.Since).Format("2006-01-02 15:04"), s.Error)
		if !s.LastOK.IsZero() {
			msg += fmt.Sprintf("；该来源的文件保留 %s 最后一次读取的数据", ru.inZone(s.LastOK).Format("2006-01-02 15:04"))
		}
		ru.add(sheaf.Flag{
			Kind: sheaf.KindFile, Severity: sheaf.SeverityError, Department: s.Department, Subject: sheaf.SourceSubject + s.Source,
			Message:  msg,
			Evidence: []sheaf.Evidence{{Department: s.Department, File: sheaf.DisplayPath(s.Source, "")}},
		})
	}
}

// add records a flag with its digest.
func (ru *run) add(f sheaf.Flag) {
	f.Digest = Digest(f)
	ru.res.Flags = append(ru.res.Flags, f)
}

// doubt is one doubtful status of a figure and the flags behind it.
type doubt struct {
	status sheaf.Status
	flags  []string
}

// doubt records that a figure has a doubtful status, and the flag behind it
// ("" when no flag can be accepted for it).
func (ru *run) doubt(k slot, status sheaf.Status, flagKey string) {
	ds := ru.doubts[k]
	i := slices.IndexFunc(ds, func(d doubt) bool { return d.status == status })
	if i < 0 {
		ds = append(ds, doubt{status: status})
		i = len(ds) - 1
	}
	if flagKey != "" {
		ds[i].flags = append(ds[i].flags, flagKey)
	}
	ru.doubts[k] = ds
}

// attach links a flag to a status the figure already has.
func (ru *run) attach(k slot, status sheaf.Status, flagKey string) {
	ds := ru.doubts[k]
	if i := slices.IndexFunc(ds, func(d doubt) bool { return d.status == status }); i >= 0 {
		ds[i].flags = append(ds[i].flags, flagKey)
	}
}

// settle writes each figure's statuses: a doubt whose flags are all
// accepted (for the same values) becomes "accepted".
func (ru *run) settle() {
	digests := map[string]string{}
	for _, f := range ru.res.Flags {
		digests[f.Key()] = f.Digest
	}
	for i := range ru.res.Figures {
		f := &ru.res.Figures[i]
		doubts := ru.doubts[slot{f.Indicator, f.Period}]
		accepted := false
		for _, st := range statusOrder {
			i := slices.IndexFunc(doubts, func(d doubt) bool { return d.status == st })
			if i < 0 {
				continue
			}
			keys := doubts[i].flags
			if len(keys) > 0 && ru.allAccepted(keys, digests) {
				accepted = true
				continue
			}
			f.Statuses = append(f.Statuses, st)
		}
		if accepted && len(f.Statuses) == 0 {
			f.Statuses = append(f.Statuses, sheaf.StatusAccepted)
		}
		f.Status = worst(f.Statuses)
	}
}

func (ru *run) allAccepted(keys []string, digests map[string]string) bool {
	for _, k := range keys {
		d, ok := ru.in.Accepted[k]
		if !ok || d != digests[k] {
			return false
		}
	}
	return true
}

// newer reports whether row a counts over row b of one department: the
// value that first appeared later counts, so re-saving an old file without
// changing a value does not make it new again. Values first seen in one
// sync go by the modification time their file had then (copies keep old
// times, so that time alone is not enough; a later re-save does not
// count), then by path and row order, so that the choice is stable.
func newer(a, b Observation) bool {
	if !a.FirstSeen.Equal(b.FirstSeen) {
		return a.FirstSeen.After(b.FirstSeen)
	}
	if !a.FirstModTime.Equal(b.FirstModTime) {
		return a.FirstModTime.After(b.FirstModTime)
	}
	if a.FileID != b.FileID {
		if a.File != b.File {
			return a.File > b.File
		}
		return a.FileID > b.FileID
	}
	return a.Seq > b.Seq
}

// statusOrder ranks statuses from most to least serious.
var statusOrder = sheaf.FigureStatuses[1:]

func worst(statuses []sheaf.Status) sheaf.Status {
	for _, s := range statusOrder {
		for _, t := range statuses {
			if s == t {
				return s
			}
		}
	}
	return sheaf.StatusOK
}

func (ru *run) name(dept string) string {
	if n := ru.names[dept]; n != "" {
		return n
	}
	return dept
}

// inZone shows a time in the cycle's time zone.
func (ru *run) inZone(t time.Time) time.Time {
	if ru.cfg.Cycle.Location != nil {
		return t.In(ru.cfg.Cycle.Location)
	}
	return t
}

func cellSubject(file, sheet, cell string) string {
	return strings.Join([]string{file, sheet, cell}, "!")
}

func evidenceOf(o Observation) sheaf.Evidence {
	ev := sheaf.Evidence{Department: o.Department, File: o.File, Sheet: o.Sheet, Cell: o.Cell, Raw: o.Raw, Note: o.Note,
		HiddenRow: o.HiddenRow}
	if o.HasValue {
		v := o.Value
		ev.Value = &v
	}
	return ev
}

// unitWord writes a unit for people: "单位：万元", or "比值" for a ratio.
func unitWord(unit string) string {
	if unit == config.Ratio {
		return "比值，如 1:4.1"
	}
	return "单位：" + unit
}

// Digest identifies the values a flag is about: its key and its evidence's
// departments, raw texts and values, in any order. Neither a message that
// only words them differently nor the file, sheet or cell they are in
// changes it: the same value arriving under a new file name, or a row
// moved down, keeps an explanation accepted for it.
func Digest(f sheaf.Flag) string {
	h := sha256.New()
	h.Write([]byte(f.Key()))
	parts := make([]string, 0, len(f.Evidence))
	for _, e := range f.Evidence {
		val := ""
		if e.Value != nil {
			val = strconv.FormatFloat(*e.Value, 'g', -1, 64)
		}
		parts = append(parts, e.Department+"\x1f"+strings.TrimSpace(e.Raw)+"\x1f"+val)
	}
	sort.Strings(parts)
	for _, p := range parts {
		h.Write([]byte("\x1e" + p))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}
