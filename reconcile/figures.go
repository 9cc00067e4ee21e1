package reconcile

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// Reconcile decides one figure per indicator and period and the flags that
// apply. It reads only its input and the catalogue.
func Reconcile(cfg *config.Config, in Input) Result {
	var res Result
	deptName := map[string]string{}
	for _, d := range cfg.Departments {
		deptName[d.ID] = d.Name
	}

	// Latest observation per department, indicator and period: the file
	// sheaf saw first loses to one seen later; within a file, the later row.
	type slot struct{ indicator, period, dept string }
	latest := map[slot]Observation{}
	for _, o := range in.Observations {
		k := slot{o.Indicator, o.Period, o.Department}
		if cur, ok := latest[k]; !ok || newer(o, cur) {
			latest[k] = o
		}
	}
	invalid := map[[2]string][]Finding{}
	for _, f := range in.Findings {
		if f.Kind == sheets.KindInvalid && f.Indicator != "" {
			k := [2]string{f.Indicator, f.Period}
			invalid[k] = append(invalid[k], f)
		}
	}

	for _, ind := range cfg.Indicators {
		periods := ind.Periods
		if len(periods) == 0 {
			periods = []string{cfg.Cycle.Period}
		}
		for _, p := range periods {
			fig := Figure{Indicator: ind.ID, Name: ind.Name, Period: p, Unit: ind.Unit}
			own, hasOwn := latest[slot{ind.ID, p, ind.Owner}]
			var chosen *Observation
			if hasOwn && own.HasValue {
				chosen = &own
			} else {
				// The owner gave nothing: another department's value stands in,
				// unverified, while the owner still owes the figure.
				var others []Observation
				for k, o := range latest {
					if k.indicator == ind.ID && k.period == p && k.dept != ind.Owner && o.HasValue {
						others = append(others, o)
					}
				}
				sort.Slice(others, func(i, j int) bool { return newer(others[i], others[j]) })
				if len(others) > 0 {
					chosen = &others[0]
					fig.Statuses = append(fig.Statuses, StatusUnverified)
				}
			}
			if chosen != nil {
				fig.Value, fig.HasValue, fig.Decimals = chosen.Value, true, chosen.Decimals
				fig.Department, fig.File, fig.Sheet, fig.Cell = chosen.Department, chosen.File, chosen.Sheet, chosen.Cell
				fig.Raw, fig.Note, fig.ObservationID = chosen.Raw, chosen.Note, chosen.ID
				if chosen.Approx != sheets.Exact {
					fig.Statuses = append(fig.Statuses, StatusApproximate)
				}
			}
			if fs := invalid[[2]string{ind.ID, p}]; len(fs) > 0 {
				fig.Statuses = append(fig.Statuses, StatusInvalid)
			}
			if chosen == nil || (chosen.Department != ind.Owner) {
				if chosen == nil {
					fig.Statuses = append(fig.Statuses, StatusMissing)
				}
				if ind.Required {
					res.Flags = append(res.Flags, missingFlag(ind, p, deptName, chosen))
				}
			}
			fig.Status = worst(fig.Statuses)
			res.Figures = append(res.Figures, fig)
		}
	}

	res.Flags = append(res.Flags, findingFlags(in.Findings)...)
	for _, s := range in.Sources {
		if s.Error == "" {
			continue
		}
		res.Flags = append(res.Flags, Flag{
			Kind: sheets.KindFile, Severity: sheets.SeverityError, Department: s.Department, Subject: s.Source,
			Message: fmt.Sprintf("无法读取数据来源 %s（自 %s 起）：%s；该来源的文件保留上次读取的数据",
				s.Source, inZone(s.Since, cfg).Format("2006-01-02 15:04"), s.Error),
			Evidence: []Evidence{{Department: s.Department, File: sheets.DisplayPath(s.Source, "")}},
		})
	}
	return res
}

// newer reports whether a was received after b: by when sheaf first saw the
// file, then by the file's modification time (copies keep old times, so
// time alone is not enough), then by row order.
func newer(a, b Observation) bool {
	if a.FileID == b.FileID {
		return a.Seq > b.Seq
	}
	if !a.FirstSeen.Equal(b.FirstSeen) {
		return a.FirstSeen.After(b.FirstSeen)
	}
	if !a.ModTime.Equal(b.ModTime) {
		return a.ModTime.After(b.ModTime)
	}
	return a.FileID > b.FileID
}

// statusOrder ranks statuses from most to least serious.
var statusOrder = []string{StatusMissing, StatusInvalid, StatusConflict, StatusFailing, StatusUnverified, StatusApproximate, StatusAccepted}

func worst(statuses []string) string {
	for _, s := range statusOrder {
		for _, t := range statuses {
			if s == t {
				return s
			}
		}
	}
	return StatusOK
}

func missingFlag(ind config.Indicator, period string, deptName map[string]string, standIn *Observation) Flag {
	f := Flag{
		Kind: KindMissing, Severity: sheets.SeverityError, Department: ind.Owner, Indicator: ind.ID, Period: period,
		Message: fmt.Sprintf("%s未报送%s（%s年，单位：%s）", nameOr(deptName, ind.Owner), ind.Name, period, ind.Unit),
	}
	if standIn != nil {
		f.Message += fmt.Sprintf("；暂取自%s：%s", nameOr(deptName, standIn.Department), standIn.Raw)
		v := standIn.Value
		f.Evidence = []Evidence{{Department: standIn.Department, File: standIn.File, Sheet: standIn.Sheet,
			Cell: standIn.Cell, Raw: standIn.Raw, Value: &v, Note: standIn.Note}}
	}
	return f
}

func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// findingFlags turns extraction findings into flags, one per finding, whose
// subject is the file (and cell) they are about.
func findingFlags(findings []Finding) []Flag {
	var out []Flag
	for _, f := range findings {
		subject := f.File
		if f.Cell != "" {
			subject = strings.Join([]string{f.File, f.Sheet, f.Cell}, "!")
		}
		fl := Flag{
			Kind: f.Kind, Severity: f.Severity, Department: f.Department, Indicator: f.Indicator, Period: f.Period,
			Subject: subject, Message: f.Message,
			Evidence: []Evidence{{Department: f.Department, File: f.File, Sheet: f.Sheet, Cell: f.Cell, Raw: f.Raw, Note: f.Note}},
		}
		out = append(out, fl)
	}
	return out
}

// inZone shows a time in the cycle's time zone.
func inZone(t time.Time, cfg *config.Config) time.Time {
	if cfg.Cycle.Location != nil {
		return t.In(cfg.Cycle.Location)
	}
	return t
}
