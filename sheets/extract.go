package sheets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/sheaf-dev/sheaf/config"
)

// ExtractorVersion changes whenever extraction would read the same file
// differently; it is part of every file's cache key.
const ExtractorVersion = "2"

// Column roles of the long layout.
const (
	RoleCode   = "code"
	RoleName   = "name"
	RolePeriod = "period"
	RoleValue  = "value"
	RoleUnit   = "unit"
	RoleNote   = "note"
)

// builtinHeaders are the column titles departments use for each role.
var builtinHeaders = map[string][]string{
	RoleCode:   {"指标编码", "编码", "指标代码", "代码", "code", "id"},
	RoleName:   {"指标名称", "指标", "项目", "项目名称", "指标项目", "名称", "name", "indicator"},
	RolePeriod: {"年度", "年份", "时期", "统计年度", "报告期", "period", "year"},
	RoleValue:  {"数值", "数据", "值", "数量", "指标值", "填报数值", "填报数据", "金额", "value"},
	RoleUnit:   {"单位", "计量单位", "unit"},
	RoleNote:   {"备注", "说明", "备注说明", "note", "notes", "remark", "remarks"},
}

// headerScanRows is how many non-empty rows from the top of a sheet may hold
// the header row (titles, "填报单位" lines and notes come first).
const headerScanRows = 20

// Extractor finds the long-layout table in each sheet of a department's
// workbook and turns its rows into observations.
type Extractor struct {
	cycle  string
	byCode map[string]*config.Indicator
	byName map[string]*config.Indicator
	roles  map[string]string
	ignore map[string]bool
	sheets []string
}

// NewExtractor prepares extraction for one department's files.
func NewExtractor(cfg *config.Config, dept *config.Department) *Extractor {
	e := &Extractor{
		cycle:  cfg.Cycle.Period,
		byCode: map[string]*config.Indicator{},
		byName: map[string]*config.Indicator{},
		roles:  map[string]string{},
		ignore: map[string]bool{},
	}
	for i := range cfg.Indicators {
		ind := &cfg.Indicators[i]
		e.byCode[Fold(ind.ID)] = ind
		e.byName[Fold(ind.Name)] = ind
		for _, a := range ind.Aliases {
			e.byName[Fold(a)] = ind
		}
	}
	exts := []config.Extraction{cfg.Extraction}
	if dept != nil {
		exts = append(exts, dept.Extraction)
	}
	for role, names := range builtinHeaders {
		for _, n := range names {
			e.roles[Fold(n)] = role
		}
	}
	for _, x := range exts {
		for role, names := range x.Headers {
			for _, n := range names {
				e.roles[Fold(n)] = role
			}
		}
		for _, n := range x.Ignore {
			e.ignore[Fold(n)] = true
		}
		e.sheets = append(e.sheets, x.Sheets...)
	}
	return e
}

// Fingerprint is a digest of everything that decides how a department's
// files are read: the catalogue, the cycle's period and the extraction
// settings. A file is read again when its fingerprint changes.
func Fingerprint(cfg *config.Config, dept *config.Department) string {
	parts := []any{ExtractorVersion, cfg.Cycle.Period, cfg.Indicators, cfg.Extraction}
	if dept != nil {
		parts = append(parts, dept.Extraction)
	}
	b, _ := json.Marshal(parts)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// layout is where the long-layout columns are in one sheet.
type layout struct {
	headerRow  int
	cols       map[string]int
	headerUnit string // from the value column's header, "数值（万元）"
	// noteUnit is from a "单位：万元" note above the table. It is weaker than
	// a header: a table of mixed figures notes the unit of its money rows,
	// so it applies only to indicators it converts to.
	noteUnit string
}

// Extract reads observations from every sheet that holds a long-layout
// table. Sheets without a header row (prose, instructions) are skipped.
func (e *Extractor) Extract(sheets []Sheet) ([]Observation, []Finding) {
	var obs []Observation
	var findings []Finding
	x := e.Start(func(o Observation) { obs = append(obs, o) }, func(f Finding) { findings = append(findings, f) })
	for _, sh := range sheets {
		if !x.Sheet(sh.SheetInfo) {
			continue
		}
		for _, r := range sh.Rows {
			x.Row(r)
		}
	}
	x.Finish()
	return obs, findings
}

// maxUnknownListed is how many unmatched rows the unknown flag names; the
// rest are counted. A sheet of 100,000 unknown rows must not make a
// flag of megabytes.
const maxUnknownListed = 30

// FileExtraction extracts one file row by row, so that a sheet of any size
// is read in constant memory: observations and findings go out through
// callbacks as soon as their row is read.
type FileExtraction struct {
	e           *Extractor
	observation func(Observation)
	finding     func(Finding)

	sheet   string
	want    bool
	lay     *layout
	scanned int    // non-empty rows looked at for the header
	unit    string // the latest "单位：万元" note above the header

	unknown  []string
	nUnknown int
	// sheets wanted, and whether any had a header row
	sheets, headers int
}

// Start begins the extraction of one file.
func (e *Extractor) Start(observation func(Observation), finding func(Finding)) *FileExtraction {
	return &FileExtraction{e: e, observation: observation, finding: finding}
}

// Sheet begins a sheet and reports whether its rows are wanted.
func (x *FileExtraction) Sheet(info SheetInfo) bool {
	name := info.Name
	x.sheet, x.lay, x.scanned, x.unit = name, nil, 0, ""
	x.want = x.e.wantSheet(name)
	if x.want {
		x.sheets++
	}
	return x.want
}

// Row reads one non-empty row of the current sheet, in sheet order. Until
// the header row is found, rows are looked at for it (and for a unit note);
// a sheet without a header in its first rows is prose and is skipped.
func (x *FileExtraction) Row(r Row) {
	if !x.want {
		return
	}
	if x.lay == nil {
		if x.scanned >= headerScanRows {
			return
		}
		x.scanned++
		if lay, ok := x.e.header(r, x.unit); ok {
			x.lay = &lay
			x.headers++
			return
		}
		for _, c := range r.Cells {
			if u := UnitFromNote(c.Raw); u != "" && c.Kind == CellText {
				x.unit = u
			}
		}
		return
	}
	obs, fs, unk := x.e.row(x.sheet, r, *x.lay)
	for _, o := range obs {
		x.observation(o)
	}
	for _, f := range fs {
		x.finding(f)
	}
	if unk != "" {
		x.nUnknown++
		if len(x.unknown) < maxUnknownListed {
			x.unknown = append(x.unknown, unk)
		}
	}
}

// Finish ends the file: rows that matched no indicator become one finding,
// and a file in which no sheet has a header row says so: otherwise its
// department would only hear that it sent nothing.
func (x *FileExtraction) Finish() {
	if x.headers == 0 {
		x.finding(Finding{Kind: KindFile, Severity: SeverityError,
			Message: fmt.Sprintf("文件的%d个工作表中都没有找到表头行，未读取任何数据：表头须在前 %d 行内，包含“指标名称”（或“指标编码”）和“数值”列", x.sheets, headerScanRows)})
	}
	if x.nUnknown == 0 {
		return
	}
	list := strings.Join(x.unknown, "；")
	if x.nUnknown > len(x.unknown) {
		list += fmt.Sprintf("……等共 %d 行", x.nUnknown)
	}
	x.finding(Finding{
		Kind:     KindUnknown,
		Severity: SeverityInfo,
		Raw:      list,
		Message:  fmt.Sprintf("%d 行不在指标目录中，未读取：%s", x.nUnknown, list),
	})
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

// header reports whether a row is the header row: one with a value column
// and a name or code column. noteUnit is the unit a note above it gave.
func (e *Extractor) header(row Row, noteUnit string) (layout, bool) {
	cols := map[string]int{}
	valueUnit := ""
	for j, c := range row.Cells {
		if c.Kind != CellText {
			continue
		}
		base, unit := StripUnitSuffix(strings.TrimSpace(c.Raw))
		role, ok := e.roles[Fold(base)]
		if !ok {
			continue
		}
		if _, dup := cols[role]; dup {
			continue // the first column with a role wins
		}
		cols[role] = j
		if role == RoleValue {
			valueUnit = unit
		}
	}
	_, hasValue := cols[RoleValue]
	_, hasName := cols[RoleName]
	_, hasCode := cols[RoleCode]
	if !hasValue || (!hasName && !hasCode) {
		return layout{}, false
	}
	return layout{headerRow: row.Num, cols: cols, headerUnit: valueUnit, noteUnit: noteUnit}, true
}

// ordinal matches row numbering before a name: "1.", "（一）", "一、", "(3)".
var ordinal = regexp.MustCompile(`^(?:[（(]\s*[0-9一二三四五六七八九十]+\s*[)）]|[0-9一二三四五六七八九十]+\s*[.、．)）])\s*`)

// stripOrdinal removes row numbering before a name. Most names have none:
// the regular expression runs only when the first character could start it.
func stripOrdinal(name string) string {
	if name == "" {
		return name
	}
	r, _ := utf8.DecodeRuneInString(name)
	if (r >= '0' && r <= '9') || r == '(' || r == '（' || strings.ContainsRune("一二三四五六七八九十", r) {
		return ordinal.ReplaceAllString(name, "")
	}
	return name
}

func (e *Extractor) col(row Row, lay layout, role string) Cell {
	j, ok := lay.cols[role]
	if !ok {
		return Cell{}
	}
	return row.Col(j)
}

// row reads one data row: its observation and findings, or the label of a
// row that matches no indicator.
func (e *Extractor) row(sheet string, row Row, lay layout) ([]Observation, []Finding, string) {
	codeCell, nameCell := e.col(row, lay, RoleCode), e.col(row, lay, RoleName)
	code := strings.TrimSpace(codeCell.Raw)
	name := strings.TrimSpace(nameCell.Raw)
	if code == "" && name == "" {
		return nil, nil, ""
	}
	valueCell := e.col(row, lay, RoleValue)
	nameBase, nameUnit := StripUnitSuffix(stripOrdinal(name))
	var ind *config.Indicator
	if code != "" {
		ind = e.byCode[Fold(code)]
	}
	if ind == nil && name != "" {
		ind = e.byName[Fold(nameBase)]
		if ind == nil {
			ind = e.byName[Fold(name)]
		}
	}
	label := name
	if label == "" {
		label = code
	}
	if ind == nil {
		if e.ignored(code) || e.ignored(nameBase) || e.ignored(name) {
			return nil, nil, ""
		}
		// A label with no value and no code is a section title or a footer
		// ("一、基本情况", "填表人：…"), not a figure.
		if code == "" && strings.TrimSpace(valueCell.Raw) == "" {
			return nil, nil, ""
		}
		ref := nameCell.Ref
		if ref == "" {
			ref = codeCell.Ref
		}
		if ref == "" {
			ref = fmt.Sprintf("row %d", row.Num)
		}
		return nil, nil, fmt.Sprintf("%s!%s %s", sheet, ref, label)
	}

	note := strings.TrimSpace(e.col(row, lay, RoleNote).Raw)
	periodCell := e.col(row, lay, RolePeriod)
	cellRef := valueCell.Ref
	if cellRef == "" {
		cellRef = cellName(lay.cols[RoleValue], row.Num)
	}
	invalid := func(c Cell, ref, period, msg string) Finding {
		return Finding{Kind: KindInvalid, Severity: SeverityError, Indicator: ind.ID, Period: period,
			Sheet: sheet, Cell: ref, Raw: c.Raw, Note: note, Message: msg}
	}

	period, err := NormalizePeriod(periodCell)
	if err != nil {
		return nil, []Finding{invalid(periodCell, periodCell.Ref, "", fmt.Sprintf("%s：%v", ind.Name, err))}, ""
	}
	if period == "" {
		period = e.cycle
		if len(ind.Periods) == 1 {
			period = ind.Periods[0]
		}
	}
	declared := ind.Periods
	if len(declared) == 0 {
		declared = []string{e.cycle}
	}
	if !slices.Contains(declared, period) {
		ref := periodCell.Ref
		if ref == "" {
			ref = cellRef
		}
		words := make([]string, len(declared))
		for i, d := range declared {
			words[i] = PeriodWord(d)
		}
		msg := fmt.Sprintf("%s：年度 %s 不在该指标的填报年度内（%s）", ind.Name, PeriodWord(period), strings.Join(words, "、"))
		if strings.TrimSpace(periodCell.Raw) == "" {
			msg = fmt.Sprintf("%s：未填写年度，该指标须分年度填报（%s），请在年度列注明", ind.Name, strings.Join(words, "、"))
		}
		return nil, []Finding{invalid(periodCell, ref, period, msg)}, ""
	}

	unit, _ := config.LookupUnit(ind.Unit)
	hints := UnitHints{Column: strings.TrimSpace(e.col(row, lay, RoleUnit).Raw), Header: lay.headerUnit}
	if hints.Header == "" && lay.noteUnit != "" {
		if nu, ok := config.LookupUnit(lay.noteUnit); ok && nu.Dimension == unit.Dimension {
			hints.Header = lay.noteUnit
		}
	}
	if nameUnit != "" {
		hints.Header = nameUnit // "教育支出（万元）" names the unit of this row only
	}
	rd, err := Normalize(valueCell, hints, unit)
	if err != nil {
		c := valueCell
		return nil, []Finding{invalid(c, cellRef, period, fmt.Sprintf("%s（%s）：%v", ind.Name, PeriodWord(period), err))}, ""
	}
	raw := valueCell.Raw
	if valueCell.Kind == CellNumber && valueCell.Percent && rd.HasValue {
		// What the department sees in the cell, not the fraction stored.
		raw = FormatValue(rd.Value, rd.Decimals) + "%"
	}
	o := Observation{
		Indicator: ind.ID, Period: period,
		Value: rd.Value, HasValue: rd.HasValue, Decimals: rd.Decimals, Approx: rd.Approx,
		Unit: ind.Unit, Raw: raw, Note: note, Sheet: sheet, Cell: cellRef, Label: label,
	}
	if valueCell.Formula != "" && o.Raw == "" {
		o.Raw = "=" + valueCell.Formula
	}
	var fs []Finding
	if rd.Approx != Exact && rd.HasValue {
		fs = append(fs, Finding{Kind: KindApproximate, Severity: SeverityWarning, Indicator: ind.ID, Period: period,
			Sheet: sheet, Cell: cellRef, Raw: valueCell.Raw, Note: note,
			Message: fmt.Sprintf("%s（%s）为约数「%s」，暂按 %s%s 计，需核实准确数", ind.Name, PeriodWord(period),
				strings.TrimSpace(valueCell.Raw), FormatValue(rd.Value, rd.Decimals), unit.Word())})
	}
	return []Observation{o}, fs, ""
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

func cellName(col, row int) string {
	name := ""
	for c := col + 1; c > 0; c = (c - 1) / 26 {
		name = string(rune('A'+(c-1)%26)) + name
	}
	return fmt.Sprintf("%s%d", name, row)
}

// FormatValue writes a value with its decimals (negative decimals write it
// as an integer).
func FormatValue(v float64, decimals int) string {
	if decimals < 0 {
		decimals = 0
	}
	return fmt.Sprintf("%.*f", decimals, v)
}
