package sheets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/sheaf-dev/sheaf/config"
)

// ExtractorVersion changes whenever extraction would read the same file
// differently; it is part of every file's cache key.
const ExtractorVersion = "1"

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
	var unknown []string
	for _, sh := range sheets {
		if !e.wantSheet(sh.Name) {
			continue
		}
		lay, ok := e.findHeader(sh)
		if !ok {
			continue
		}
		for _, row := range sh.Rows {
			if row.Num <= lay.headerRow {
				continue
			}
			o, fs, unk := e.row(sh.Name, row, lay)
			obs = append(obs, o...)
			findings = append(findings, fs...)
			if unk != "" {
				unknown = append(unknown, unk)
			}
		}
	}
	if len(unknown) > 0 {
		findings = append(findings, Finding{
			Kind:     KindUnknown,
			Severity: SeverityInfo,
			Raw:      strings.Join(unknown, "；"),
			Message:  fmt.Sprintf("%d 行不在指标目录中，未读取：%s", len(unknown), strings.Join(unknown, "；")),
		})
	}
	return obs, findings
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

// findHeader looks for the header row among the first non-empty rows: the
// first row with a value column and a name or code column.
func (e *Extractor) findHeader(sh Sheet) (layout, bool) {
	noteUnit := ""
	for i, row := range sh.Rows {
		if i >= headerScanRows {
			break
		}
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
		if hasValue && (hasName || hasCode) {
			return layout{headerRow: row.Num, cols: cols, headerUnit: valueUnit, noteUnit: noteUnit}, true
		}
		// Titles and notes above the table may say the unit of all its values.
		for _, c := range row.Cells {
			if u := UnitFromNote(c.Raw); u != "" && c.Kind == CellText {
				noteUnit = u
			}
		}
	}
	return layout{}, false
}

// ordinal matches row numbering before a name: "1.", "（一）", "一、", "(3)".
var ordinal = regexp.MustCompile(`^(?:[（(]\s*[0-9一二三四五六七八九十]+\s*[)）]|[0-9一二三四五六七八九十]+\s*[.、．)）])\s*`)

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
	nameBase, nameUnit := StripUnitSuffix(ordinal.ReplaceAllString(name, ""))
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
		if e.ignore[Fold(code)] || e.ignore[Fold(nameBase)] || e.ignore[Fold(name)] {
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
		return nil, []Finding{invalid(periodCell, periodCell.Ref, "", fmt.Sprintf("%s：年度无法识别：%v", ind.Name, err))}, ""
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
		return nil, []Finding{invalid(periodCell, ref, period, fmt.Sprintf("%s：年度 %s 不在该指标的填报年度内（%s）",
			ind.Name, period, strings.Join(declared, "、")))}, ""
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
		return nil, []Finding{invalid(c, cellRef, period, fmt.Sprintf("%s（%s）：数值无法识别：%v", ind.Name, period, err))}, ""
	}
	o := Observation{
		Indicator: ind.ID, Period: period,
		Value: rd.Value, HasValue: rd.HasValue, Decimals: rd.Decimals, Approx: rd.Approx,
		Unit: ind.Unit, Raw: valueCell.Raw, Note: note, Sheet: sheet, Cell: cellRef, Label: label,
	}
	if valueCell.Formula != "" && o.Raw == "" {
		o.Raw = "=" + valueCell.Formula
	}
	var fs []Finding
	if rd.Approx != Exact && rd.HasValue {
		fs = append(fs, Finding{Kind: KindApproximate, Severity: SeverityWarning, Indicator: ind.ID, Period: period,
			Sheet: sheet, Cell: cellRef, Raw: valueCell.Raw, Note: note,
			Message: fmt.Sprintf("%s（%s）为约数「%s」，暂按 %s%s 计，需核实准确数", ind.Name, period,
				strings.TrimSpace(valueCell.Raw), FormatValue(rd.Value, rd.Decimals), ind.Unit)})
	}
	return []Observation{o}, fs, ""
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
