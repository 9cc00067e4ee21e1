package reconcile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/sheaf-dev/sheaf/config"
)

// versions flags a department whose present files give different values
// for one indicator and period: the newest value counts (see current), and
// the department is asked to remove the outdated file or move it into a
// folder of old versions, which sync leaves out. The flag's identity is the
// department, indicator and period, never the files: it resolves when the
// files agree or the outdated one leaves the folder, and the same
// disagreement under new file names is the same flag.
func (ru *run) versions(ind *config.Indicator, period string, obs []Observation, cur map[string][]Observation) {
	if len(obs) < 2 {
		return // one row: no other file to disagree with
	}
	depts := make([]string, 0, len(cur))
	for d := range cur {
		depts = append(depts, d)
	}
	sort.Strings(depts)
	for _, dept := range depts {
		chosen, ok := given(cur[dept])
		if !ok {
			continue // the newest file withdraws the value: no value counts
		}
		var old []Observation
		seen := map[string]bool{}
		for _, o := range obs {
			if o.Department != dept || o.FileID == chosen.FileID || !o.HasValue {
				continue
			}
			if sheaf.Agree(o.Observation, chosen.Observation, ind.Tolerance) {
				continue
			}
			at := cellSubject(o.File, o.Sheet, o.Cell)
			if seen[at] {
				continue
			}
			seen[at] = true
			old = append(old, o)
		}
		if len(old) == 0 {
			continue
		}
		sort.Slice(old, func(i, j int) bool { return newer(old[i], old[j]) })
		ru.add(ru.versionFlag(ind, period, chosen, old))
	}
}

// maxVersionsListed is how many outdated cells a version flag names; the
// rest are counted, so fifty old copies make a readable flag, not a page.
const maxVersionsListed = 5

// versionFlag words the version flag: the value that counts first, then
// the outdated ones, newest first.
func (ru *run) versionFlag(ind *config.Indicator, period string, chosen Observation, old []Observation) sheaf.Flag {
	show := func(o Observation) string {
		return fmt.Sprintf("%s 为 %s", cellSubject(o.File, o.Sheet, o.Cell),
			showValue(&sheaf.Figure{Value: o.Value, HasValue: true, Decimals: o.Decimals, Unit: ind.Unit}))
	}
	files := map[int64]bool{chosen.FileID: true}
	parts := []string{show(chosen) + "（较新，已采用）"}
	ev := []sheaf.Evidence{evidenceOf(chosen)}
	for i, o := range old {
		files[o.FileID] = true
		if i < maxVersionsListed {
			parts = append(parts, show(o))
			ev = append(ev, evidenceOf(o))
		}
	}
	if len(old) > maxVersionsListed {
		parts = append(parts, fmt.Sprintf("……等共 %d 处较旧的不同数值", len(old)))
	}
	count := "两个"
	if len(files) > 2 {
		count = fmt.Sprintf(" %d 个", len(files))
	}
	return sheaf.Flag{
		Kind: sheaf.KindVersion, Severity: sheaf.SeverityWarning, Department: chosen.Department, Indicator: ind.ID, Period: period,
		Message: fmt.Sprintf("%s的%s文件中「%s（%s）」不一致：%s；请删除过时的文件，或将其移入“旧版”文件夹",
			ru.name(chosen.Department), count, ind.Name, sheaf.PeriodWord(period), strings.Join(parts, "，")),
		Evidence: ev,
	}
}
