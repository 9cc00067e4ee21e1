package extract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/sheaf-dev/sheaf"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// ExtractorVersion changes whenever extraction would read the same file
// differently; it is part of every file's cache key.
const ExtractorVersion = "5"

// Column roles of the long layout.
const (
	RoleCode   = "code"
	RoleName   = "name"
	RolePeriod = "period"
	RoleValue  = "value"
	RoleUnit   = "unit"
	RoleNote   = "note"
)

// roles lists the column roles in a fixed order, so that building the
// header table does not depend on map order.
var roles = []string{RoleCode, RoleName, RolePeriod, RoleValue, RoleUnit, RoleNote}

// builtinHeaders are the column titles departments use for each role.
var builtinHeaders = map[string][]string{
	RoleCode:   {"指标编码", "编码", "指标代码", "代码", "code", "id"},
	RoleName:   {"指标名称", "指标", "项目", "项目名称", "指标项目", "名称", "name", "indicator"},
	RolePeriod: {"年度", "年份", "时期", "统计年度", "报告期", "period", "year"},
	RoleValue:  {"数值", "数据", "值", "数量", "指标值", "填报数值", "填报数据", "金额", "value"},
	RoleUnit:   {"单位", "计量单位", "unit"},
	RoleNote:   {"备注", "说明", "备注说明", "note", "notes", "remark", "remarks"},
}

// builtinRank is the rank every built-in header has: the built-in names of
// a role are synonyms, not an order, so two columns both matching built-in
// names of one role are ambiguous (a "数量" and a "金额" column: which one
// holds the figure is the department's to say, through configuration).
const builtinRank = 1 << 20

// headerWord is what a folded column title means: its role, and its rank
// among the titles of that role (lower wins).
type headerWord struct {
	role string
	rank int
}

// Catalogue is what extraction derives from a configuration as a whole:
// the catalogue's indicators by folded code and by folded name or alias,
// the global header words, and the digest of everything that decides how
// any file is read. It is built once per configuration (once per sync, or
// once per config load in the daemon) and shared by every department's
// Extractor, which adds only the department's own settings: with 500
// departments and 20,000 indicators, folding the catalogue per department
// cost 10 million folds a sync.
type Catalogue struct {
	cfg    *config.Config
	byCode map[string]*config.Indicator
	byName map[string]*config.Indicator
	// headers are the global and built-in column titles; a department
	// without headers of its own uses them as they are.
	headers map[string]headerWord
	ignore  map[string]bool
	// units is the configuration's catalogue of units: the built-in list
	// with its units section applied.
	units *config.Units
	// digest covers the extractor's version, the cycle's period, the
	// catalogue and the global extraction settings.
	digest []byte
	// byRune indexes the indicators by the characters of their labels,
	// for guessing what an unrecognised row is (guessIndex).
	guessOnce sync.Once
	byRune    map[rune][]int32
}

// NewCatalogue folds and indexes cfg's catalogue for extraction.
func NewCatalogue(cfg *config.Config) *Catalogue {
	c := &Catalogue{
		cfg:    cfg,
		byCode: make(map[string]*config.Indicator, len(cfg.Indicators)),
		byName: make(map[string]*config.Indicator, len(cfg.Indicators)),
		units:  cfg.UnitCatalogue(),
	}
	for i := range cfg.Indicators {
		ind := &cfg.Indicators[i]
		c.byCode[Fold(ind.ID)] = ind
		for _, code := range ind.Codes {
			// Validate keeps a code from naming two indicators; an id
			// wins over a code in a configuration not validated.
			if f := Fold(code); c.byCode[f] == nil {
				c.byCode[f] = ind
			}
		}
		c.byName[Fold(ind.Name)] = ind
		for _, a := range ind.Aliases {
			c.byName[Fold(a)] = ind
		}
	}
	c.headers, c.ignore = headerWords(cfg, nil)
	sum, _ := config.DigestJSON(ExtractorVersion, cfg.Cycle.Period, cfg.Indicators, cfg.Extraction, cfg.Units)
	c.digest = sum[:]
	return c
}

// Fingerprint is a digest of everything that decides how a department's
// files are read: the catalogue, the cycle's period, the global extraction
// settings and the department's own. A file is read again when its
// fingerprint changes.
func (c *Catalogue) Fingerprint(dept *config.Department) string {
	h := sha256.New()
	h.Write(c.digest)
	if dept != nil {
		b, _ := json.Marshal(dept.Extraction)
		h.Write(b)
		if len(dept.Forms)+len(dept.Lists) > 0 {
			b, _ = json.Marshal([]any{dept.Forms, dept.Lists})
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Extractor finds the long-layout tables in each sheet of a department's
// workbook and turns their rows into observations.
type Extractor struct {
	*Catalogue
	headers map[string]headerWord
	ignore  map[string]bool
	sheets  []string
	// readHidden is extraction.hidden_sheets == read.
	readHidden bool
	// forms and lists are the department's (layout_forms.go,
	// layout_lists.go).
	forms []formSpec
	lists []listSpec
}

// NewExtractor prepares extraction for one department's files, folding
// the catalogue anew; a sync with several departments uses one Catalogue's
// Extractor instead.
func NewExtractor(cfg *config.Config, dept *config.Department) *Extractor {
	return NewCatalogue(cfg).Extractor(dept)
}

// Fingerprint is Catalogue.Fingerprint for a catalogue built for one call.
func Fingerprint(cfg *config.Config, dept *config.Department) string {
	return NewCatalogue(cfg).Fingerprint(dept)
}

// Extractor prepares extraction for one department's files (nil: settings
// of no department).
//
// Column titles are ranked per role: the department's own
// extraction.headers list first, then the global list, in the order
// written, then the built-in names (one rank for all). When several columns
// of a header row match one role, the best-ranked wins; two with the same
// rank make the table ambiguous. A title claimed by two roles belongs to
// the first list naming it.
func (c *Catalogue) Extractor(dept *config.Department) *Extractor {
	e := &Extractor{Catalogue: c, headers: c.headers, ignore: c.ignore}
	if dept != nil && (len(dept.Extraction.Headers) > 0 || len(dept.Extraction.Ignore) > 0) {
		e.headers, e.ignore = headerWords(c.cfg, dept)
	}
	if dept != nil {
		e.sheets = append(e.sheets, dept.Extraction.Sheets...)
	}
	e.sheets = append(e.sheets, c.cfg.Extraction.Sheets...)
	hidden := c.cfg.Extraction.HiddenSheets
	if dept != nil && dept.Extraction.HiddenSheets != "" {
		hidden = dept.Extraction.HiddenSheets
	}
	e.readHidden = hidden == config.HiddenSheetsRead
	e.forms, e.lists = formSpecs(c, dept), listSpecs(c, dept)
	return e
}

// headerWords ranks the column titles and folds the ignored labels of a
// department's settings (nil: none) and the global ones.
func headerWords(cfg *config.Config, dept *config.Department) (map[string]headerWord, map[string]bool) {
	headers, ignore := map[string]headerWord{}, map[string]bool{}
	exts := []config.Extraction{}
	if dept != nil {
		exts = append(exts, dept.Extraction)
	}
	exts = append(exts, cfg.Extraction)
	rank := map[string]int{}
	for _, x := range exts {
		for _, role := range roles {
			for _, n := range x.Headers[role] {
				f := Fold(n)
				if _, seen := headers[f]; !seen {
					headers[f] = headerWord{role, rank[role]}
				}
				rank[role]++
			}
		}
	}
	for _, role := range roles {
		for _, n := range builtinHeaders[role] {
			f := Fold(n)
			if _, seen := headers[f]; !seen {
				headers[f] = headerWord{role, builtinRank}
			}
		}
	}
	for _, x := range exts {
		for _, n := range x.Ignore {
			ignore[Fold(n)] = true
		}
	}
	return headers, ignore
}

// Extract reads observations from every table of every sheet. Sheets
// without a table are described in findings when they hold figures.
func (e *Extractor) Extract(book []sheets.Sheet) ([]sheaf.Observation, []sheaf.Finding) {
	obs, fs, _ := e.ExtractOutcomes(book)
	return obs, fs
}

// ExtractOutcomes is Extract that also says what became of each sheet.
func (e *Extractor) ExtractOutcomes(book []sheets.Sheet) ([]sheaf.Observation, []sheaf.Finding, []sheaf.SheetOutcome) {
	var obs []sheaf.Observation
	var findings []sheaf.Finding
	x := e.Start(func(o sheaf.Observation) { obs = append(obs, o) }, func(f sheaf.Finding) { findings = append(findings, f) })
	x.ReadBook(book)
	return obs, findings, x.Outcomes()
}

// ReadBook reads a workbook held whole, sheet by sheet and row by row, and
// finishes the file.
func (x *FileExtraction) ReadBook(book []sheets.Sheet) {
	for _, sh := range book {
		if !x.Sheet(sh.SheetInfo) {
			continue
		}
		for _, r := range sh.Rows {
			x.Row(r)
		}
	}
	x.Finish()
}

func (e *Extractor) wantSheet(name string) bool {
	if len(e.sheets) == 0 {
		return true
	}
	for _, g := range e.sheets {
		if ok, _ := doublestar.Match(g, name); ok {
			return true
		}
	}
	return false
}

// indicator finds the row's indicator by code, then by name: the name as
// written first, so that a catalogue name that starts with a number or a
// mark is never cut, then without its unit suffix and its numbering.
func (e *Extractor) indicator(c folds, code, name string) *config.Indicator {
	if code != "" {
		if ind := e.byCode[c.fold(code)]; ind != nil {
			return ind
		}
	}
	if name == "" {
		return nil
	}
	if ind := e.byName[c.fold(name)]; ind != nil {
		return ind
	}
	for _, cand := range labelForms(e.units, name) {
		if ind := e.byName[Fold(cand)]; ind != nil {
			return ind
		}
	}
	return nil
}

// ignored reports whether a label is on the ignore list, also when a value
// follows it in the same cell ("填表人：王五" for 填表人).
func (e *Extractor) ignored(label string) bool {
	if label == "" {
		return false
	}
	if e.ignore[Fold(label)] {
		return true
	}
	if head, _, ok := strings.Cut(strings.ReplaceAll(label, "：", ":"), ":"); ok {
		return e.ignore[Fold(head)]
	}
	return false
}

// periodOf decides a row's period: the period cell; when it is blank or
// there is no period column (periodCol false), the year the table's sheet
// name or title gives (year, written in from); else the indicator's only
// period or the cycle's. It returns a
// message when the period is not one the indicator is reported for.
func (e *Extractor) periodOf(ind *config.Indicator, periodCell sheets.Cell, periodCol bool, year, from string) (string, string, error) {
	period, err := normalizePeriod(periodCell)
	if err != nil {
		return "", "", err
	}
	switch {
	case period != "":
	case year != "":
		period = year
	default:
		period = e.cfg.DefaultPeriod(ind)
	}
	declared := e.cfg.Periods(ind)
	if slices.Contains(declared, period) {
		return period, "", nil
	}
	words := make([]string, len(declared))
	for i, d := range declared {
		words[i] = sheaf.PeriodWord(d)
	}
	msg := fmt.Sprintf("%s：年度 %s 不在该指标的填报年度内（%s）", ind.Name, sheaf.PeriodWord(period), strings.Join(words, "、"))
	switch {
	case strings.TrimSpace(periodCell.Raw) != "":
	case year != "" && periodCol:
		msg += "；年度列为空，年度取自" + from
	case year != "":
		msg += "；表中没有年度列，年度取自" + from
	default:
		msg = fmt.Sprintf("%s：未填写年度，该指标须分年度填报（%s），请在年度列注明", ind.Name, strings.Join(words, "、"))
	}
	return period, msg, nil
}
