package sheets

// A generated corpus of workbooks for the differential test of the fast
// reader against the careful one: minimal packages whose sheet XML is
// written here by hand (to hold exactly the constructs to compare), and
// workbooks written by excelize's own API. Everything is deterministic.

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// genSheet is one sheet of a crafted package: its name and the whole part.
type genSheet struct {
	name  string
	xml   string
	state string // the <sheet state> attribute, if any
	// kind is "" for a worksheet, or "chart", "macro" or "dialog": the
	// relationship type and folder of the part.
	kind string
	// noPart: the workbook and its relationships name the part, but the
	// package lacks it.
	noPart bool
}

// genKinds are the relationship type and folder of each genSheet.kind.
var genKinds = map[string][2]string{
	"":       {"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", "worksheets"},
	"chart":  {"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet", "chartsheets"},
	"dialog": {"http://schemas.openxmlformats.org/officeDocument/2006/relationships/dialogsheet", "dialogsheets"},
	"macro":  {"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet", "macrosheets"},
}

// genBook is a crafted package.
type genBook struct {
	sheets []genSheet
	sst    []string // inner XML of each <si>; nil for no shared-string part
	styles string   // the whole styles part; "" for genStyles
}

// The cell styles of genStyles, by index into cellXfs.
const (
	gsGeneral      = 0
	gsPercent9     = 1  // built-in 9, 0%
	gsPercent10    = 2  // built-in 10, 0.00%
	gsCustomPct    = 3  // 164 "0.0%"
	gsDate14       = 4  // built-in 14
	gsCustomDate   = 5  // 165 yyyy"年"m"月"
	gsThousands    = 6  // 166 #,##0.00
	gsBuiltin4     = 7  // built-in 4, #,##0.00
	gsDate22       = 8  // built-in 22
	gsNoNumFmt     = 9  // xf without numFmtId
	gsMissing      = 10 // 167, defined nowhere
	gsText49       = 11 // built-in 49, @
	gsLangDate31   = 12 // 31, a CJK date
	gsCustomId5    = 13 // 5 is not built in for excelize: its custom code "0%" counts
	gsRedefined14  = 14 // 14 redefined as "0.00%": excelize keeps the built-in
	gsEscapedYear  = 15 // 168 yyyy\年, LibreOffice's date
	gsTimeOnly     = 16 // 169 h:mm
	gsQuotedPct    = 17 // 170 0"%": the % is quoted text
	gsSectionsDate = 18 // 171 General;yyyy: only the first section counts
	// Decimals: what a format fixes, and what it does not.
	gsBuiltin1   = 19 // 0
	gsBuiltin2   = 20 // 0.00
	gsBuiltin3   = 21 // #,##0
	gsBuiltin11  = 22 // 0.00E+00: not fixed
	gsBuiltin37  = 23 // accounting, no decimals
	gsBuiltin43  = 24 // accounting, two
	gsScaled     = 25 // 172 #,##0,: shows thousands, not fixed
	gsCondition  = 26 // 173 [>=100]0;0.0: not fixed
	gsHashDec    = 27 // 174 0.0#: two at most
	gsRedNeg     = 28 // 175 #,##0.00_);[Red](#,##0.00)
	gsWanText    = 29 // 176 0.00"万元"
	gsScientific = 30 // 177 0.0E+0
	gsFraction   = 31 // 178 # ?/?
)

const genStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="16"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>` +
	`<numFmt numFmtId="166" formatCode="#,##0.00"/><numFmt numFmtId="5" formatCode="0%"/><numFmt numFmtId="14" formatCode="0.00%"/>` +
	`<numFmt numFmtId="168" formatCode="yyyy\年"/><numFmt numFmtId="169" formatCode="h:mm"/><numFmt numFmtId="170" formatCode="0&quot;%&quot;"/>` +
	`<numFmt numFmtId="171" formatCode="General;yyyy"/><numFmt numFmtId="172" formatCode="#,##0,"/><numFmt numFmtId="173" formatCode="[&gt;=100]0;0.0"/>` +
	`<numFmt numFmtId="174" formatCode="0.0#"/><numFmt numFmtId="175" formatCode="#,##0.00_);[Red](#,##0.00)"/><numFmt numFmtId="176" formatCode="0.00&quot;万元&quot;"/>` +
	`<numFmt numFmtId="177" formatCode="0.0E+0"/><numFmt numFmtId="178" formatCode="# ?/?"/></numFmts>` +
	`<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>` +
	`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="32">` +
	`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="31" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="5" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="169" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="170" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="171" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="11" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="37" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="43" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="172" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="173" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="174" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="175" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="177" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="178" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`</cellXfs></styleSheet>`

// worksheetXML wraps sheetData rows in a worksheet part: pre goes before
// sheetData (<cols>), post after it (<mergeCells>).
func worksheetXML(pre, rows, post string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ` +
		`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
		`xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" mc:Ignorable="x14ac">` +
		`<dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>` +
		`<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>` + pre +
		`<sheetData>` + rows + `</sheetData>` + post +
		`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`
}

// bytes writes the package.
func (g genBook) bytes(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			tb.Fatal(err)
		}
	}
	const ct = "application/vnd.openxmlformats-officedocument.spreadsheetml."
	var types, sheets, rels strings.Builder
	types.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + ct + `sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="` + ct + `styles+xml"/>`)
	rels.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i, sh := range g.sheets {
		kind := genKinds[sh.kind]
		fmt.Fprintf(&types, `<Override PartName="/xl/%s/sheet%d.xml" ContentType="%sworksheet+xml"/>`, kind[1], i+1, ct)
		state := ""
		if sh.state != "" {
			state = ` state="` + sh.state + `"`
		}
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"%s/>`, sh.name, i+1, i+1, state)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="%s" Target="%s/sheet%d.xml"/>`, i+1, kind[0], kind[1], i+1)
	}
	rels.WriteString(`<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`)
	if g.sst != nil {
		types.WriteString(`<Override PartName="/xl/sharedStrings.xml" ContentType="` + ct + `sharedStrings+xml"/>`)
		rels.WriteString(`<Relationship Id="rIdStrings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`)
	}
	types.WriteString(`</Types>`)
	rels.WriteString(`</Relationships>`)
	add("[Content_Types].xml", types.String())
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" `+
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`+sheets.String()+`</sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", rels.String())
	styles := g.styles
	if styles == "" {
		styles = genStyles
	}
	add("xl/styles.xml", styles)
	if g.sst != nil {
		var s strings.Builder
		fmt.Fprintf(&s, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(g.sst), len(g.sst))
		for _, si := range g.sst {
			s.WriteString("<si>" + si + "</si>")
		}
		s.WriteString("</sst>")
		add("xl/sharedStrings.xml", s.String())
	}
	for i, sh := range g.sheets {
		if !sh.noPart {
			add(fmt.Sprintf("xl/%s/sheet%d.xml", genKinds[sh.kind][1], i+1), sh.xml)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

var (
	genCorpusOnce sync.Once
	genCorpusData map[string][]byte
)

// genCorpus is the generated corpus: file name → content, made once. Names
// beginning "fallback_" hold something the fast reader leaves to the
// careful one.
func genCorpus(tb testing.TB) map[string][]byte {
	tb.Helper()
	genCorpusOnce.Do(func() { genCorpusData = makeGenCorpus(tb) })
	if genCorpusData == nil {
		tb.Fatal("the generated corpus could not be made")
	}
	return genCorpusData
}

func makeGenCorpus(tb testing.TB) map[string][]byte {
	tb.Helper()
	c := map[string][]byte{}
	book := func(name string, g genBook) { c[name] = g.bytes(tb) }

	// Shared strings: plain, rich text (runs with properties), phonetic runs
	// left out, own text before runs, whitespace, entities, line ends,
	// _xHHHH_ escapes, CJK, an empty item, a very long string.
	long := strings.Repeat("很长的文本ABC", 30000)
	sst := []string{
		`<t>指标编码</t>`,
		`<t xml:space="preserve">  两端有空格  </t>`,
		`<r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr><t>加粗</t></r><r><t xml:space="preserve"> 普通</t></r>`,
		`<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1" type="noConversion"/>`,
		`<r><t>甲</t></r><t>乙</t>`, // own text first, whatever the order
		`<t>a&amp;b&lt;c&gt;d&quot;e&apos;f&#x4E2D;&#25991;</t>`,
		"<t>第一行\r\n第二行\r第三行\n第四行&#13;末</t>",
		`<t>_x000D_回车_x005F_x0041_与_xD800_代理_x4e2D_</t>`,
		`<t></t>`,
		`<t>` + long + `</t>`,
		`<t>123</t>`,
		`<t>68,211</t>`,
		`<t>	制表符	</t>`,
		`<r><t/></r><r><rPr><i val="1"/><u val="single"/><vertAlign val="superscript"/><color theme="1" tint="-0.5"/></rPr><t>②</t></r>`,
		`<t>数据</t><extLst><ext uri="x"><t>不算</t></ext></extLst>`,
	}
	strRow := func(r int, cols ...int) string {
		var b strings.Builder
		fmt.Fprintf(&b, `<row r="%d">`, r)
		for j, idx := range cols {
			fmt.Fprintf(&b, `<c r="%s" t="s"><v>%d</v></c>`, CellName(j, r), idx)
		}
		b.WriteString(`</row>`)
		return b.String()
	}
	var rows strings.Builder
	rows.WriteString(strRow(1, 0, 1, 2, 3, 4))
	rows.WriteString(strRow(2, 5, 6, 7, 8, 9))
	rows.WriteString(strRow(3, 10, 11, 12, 13, 14))
	// Inline strings, plain and rich, with phonetic runs, and one whose
	// <is> is missing (its <v> counts).
	rows.WriteString(`<row r="4"><c r="A4" t="inlineStr"><is><t>内联文本</t></is></c>` +
		`<c r="B4" t="inlineStr"><is><r><rPr><b/></rPr><t>富</t></r><r><t xml:space="preserve">文本 </t></r></is></c>` +
		`<c r="C4" t="inlineStr"><is><t>漢字</t><rPh sb="0" eb="1"><t>かんじ</t></rPh></is></c>` +
		`<c r="D4" t="inlineStr"><v>没有 is 的内联</v></c>` +
		`<c r="E4" t="inlineStr"><is><t>a&amp;b &#x41;_x0042_</t></is></c>` +
		`<c r="F4" t="inlineStr"><is/></c><c r="G4" t="inlineStr"><is><t>` + long + `</t></is></c>` +
		`<c r="H4" t="str"><is><t>is 被忽略</t></is><v>用 v</v></c></row>`)
	// Dangling and spaced shared-string indexes.
	rows.WriteString(`<row r="5"><c r="A5" t="s"><v> 1 </v></c><c r="B5" t="s"><v>999</v></c><c r="C5" t="s"><v>8</v></c><c r="D5" t="s"><v/></c><c r="E5" t="s"><v>0</v></c></row>`)
	book("strings.xlsx", genBook{sst: sst, sheets: []genSheet{{name: "文本", xml: worksheetXML("", rows.String(), "")}}})

	// Number formats: built-in percent and dates, custom codes, styles from
	// the row and from the column, styles that are not numbers' business.
	rows.Reset()
	for i, st := range []int{gsGeneral, gsPercent9, gsPercent10, gsCustomPct, gsDate14, gsCustomDate, gsThousands, gsBuiltin4, gsDate22,
		gsNoNumFmt, gsMissing, gsText49, gsLangDate31, gsCustomId5, gsRedefined14, gsEscapedYear, gsTimeOnly, gsQuotedPct, gsSectionsDate, 99} {
		r := i + 1
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" s="%d"><v>0.4829</v></c><c r="B%d" s="%d" t="s"><v>0</v></c><c r="C%d" s="%d" t="b"><v>1</v></c><c r="D%d" s="%d" t="n"><v>45292</v></c><c r="E%d" s="%d"><v>文本</v></c></row>`,
			r, r, st, r, st, r, st, r, st, r, st)
	}
	// Row styles (with and without customFormat), a row style lost on a row
	// without r, column styles.
	rows.WriteString(`<row r="21" s="3" customFormat="1"><c r="A21"><v>0.5</v></c><c r="B21" s="4"><v>45000</v></c><c r="G21"><v>0.1</v></c></row>`)
	rows.WriteString(`<row r="22" s="5"><c r="A22"><v>45000</v></c></row>`)
	rows.WriteString(`<row s="3" customFormat="1"><c r="A23"><v>0.5</v></c><c r="G23"><v>0.2</v></c><c r="H23" s="6"><v>0.3</v></c></row>`)
	for i, st := range []int{gsBuiltin1, gsBuiltin2, gsBuiltin3, gsBuiltin11, gsBuiltin37, gsBuiltin43, gsScaled, gsCondition, gsHashDec, gsRedNeg, gsWanText, gsScientific, gsFraction} {
		r := 30 + i
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" s="%d"><v>48.2858460774226</v></c><c r="B%d" s="%d"><f>A%d</f><v>48.2858460774226</v></c></row>`, r, r, st, r, st, r)
	}
	cols := `<cols><col min="1" max="1" width="12" customWidth="1"/><col min="7" max="8" width="10" style="2" customWidth="1"/></cols>`
	book("styles.xlsx", genBook{sst: []string{`<t>文本</t>`}, sheets: []genSheet{{name: "格式", xml: worksheetXML(cols, rows.String(), "")}}})

	// Formulas with cached values: numbers, text (t="str"), booleans,
	// errors, shared formulas (relative, absolute, mixed, across columns),
	// an array formula, an empty formula.
	rows.Reset()
	rows.WriteString(`<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c><c r="C1"><f>A1+B1</f><v>3</v></c><c r="D1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>` +
		`<c r="E1" t="b"><f>A1&lt;B1</f><v>1</v></c><c r="F1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="G1" s="2"><f aca="false">A1/B1</f><v>0.5</v></c></row>`)
	for r := 2; r <= 6; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>%d</v></c>`, r, r, r, r, r*10)
		if r == 2 {
			fmt.Fprintf(&rows, `<c r="C2"><f t="shared" ref="C2:C6" si="0">A2+B2</f><v>22</v></c>`)
			fmt.Fprintf(&rows, `<c r="D2"><f t="shared" ref="D2:E4" si="1">$A$1+A$2+$B2+SUM(A2:B2)+Sheet2!A2</f><v>1</v></c><c r="E2"><f t="shared" si="1"/><v>2</v></c>`)
			fmt.Fprintf(&rows, `<c r="F2"><f t="array" ref="F2">SUM(A2:A6*B2:B6)</f><v>900</v></c>`)
		} else {
			fmt.Fprintf(&rows, `<c r="C%d"><f t="shared" si="0"/><v>%d</v></c>`, r, r*11)
			if r <= 4 {
				fmt.Fprintf(&rows, `<c r="D%d"><f t="shared" si="1"/><v>3</v></c><c r="E%d"><f t="shared" si="1"/><v>4</v></c>`, r, r)
			}
		}
		rows.WriteString(`</row>`)
	}
	rows.WriteString(`<row r="7"><c r="A7"><f></f></c><c r="B7"><v>9</v></c><c r="C7"><f/></c></row>`)
	rows.WriteString(`<row r="8"><c r="A8" t="str"><f>IF(1,"","x")</f><v>非空</v></c><c r="B8"><f ca="1">NOW()</f><v>45000.5</v></c></row>`)
	book("formulas.xlsx", genBook{sheets: []genSheet{{name: "公式", xml: worksheetXML("", rows.String(), "")}}})

	// Merged cells: a title over A1:F1 (fillers exist, trailing), a header
	// over B2:C2 whose filler is inside the row, a label over A3:A5 (one
	// filler exists, one does not), a 1×1 range.
	rows.Reset()
	rows.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"/><c r="C1" s="1"/><c r="D1" s="1"/><c r="E1" s="1"/><c r="F1" s="1"/></row>`)
	rows.WriteString(`<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="s"><v>2</v></c><c r="C2" s="1"/><c r="D2" t="s"><v>3</v></c></row>`)
	rows.WriteString(`<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3"><v>1</v></c><c r="C3"><v>2</v></c><c r="D3"><v>3</v></c></row>`)
	rows.WriteString(`<row r="4"><c r="A4" s="1"/><c r="B4"><v>4</v></c><c r="C4"><v>5</v></c></row>`)
	rows.WriteString(`<row r="5"><c r="B5"><v>6</v></c><c r="C5" t="s"><v>5</v></c><c r="D5" t="s"><v>6</v></c></row>`)
	rows.WriteString(`<row r="6"><c r="A6" t="s"><v>5</v></c><c r="B6" t="s"><v>6</v></c></row>`)
	merges := `<mergeCells count="5"><mergeCell ref="A1:F1"/><mergeCell ref="B2:C2"/><mergeCell ref="A3:A5"/><mergeCell ref="E3"/><mergeCell ref="C5:D5"/></mergeCells>`
	mergeSST := []string{`<t>2024年统计表</t>`, `<t>指标</t>`, `<t>数值</t>`, `<t>备注</t>`, `<t>学校</t>`, `<t>甲</t>`, `<t>乙</t>`}
	book("merges.xlsx", genBook{sst: mergeSST, sheets: []genSheet{{name: "合并", xml: worksheetXML("", rows.String(), merges)}}})
	// A value inside a merged range of another type, a formula heading a
	// merged range (excelize reads a covered cell's formula and type
	// through the range's first cell): covered cells are empty in both
	// readers.
	book("merge_value.xlsx", genBook{sst: mergeSST, sheets: []genSheet{{name: "合并", xml: worksheetXML("",
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c><c r="C1"><v>1</v></c></row>`, `<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`)}}})
	book("merge_formula.xlsx", genBook{sst: mergeSST, sheets: []genSheet{{name: "合并", xml: worksheetXML("",
		`<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" s="1"/><c r="C1"><v>1</v></c></row>`, `<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`)}}})

	// Covered cells holding what Excel does not show: text, a number, a
	// formula with and without a cached value, a shared formula's text
	// (used by a later cell); a row with nothing but covered content; a
	// covered cell last in its row.
	book("covered.xlsx", genBook{sst: mergeSST, sheets: []genSheet{{name: "合并", xml: worksheetXML("",
		`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1"><v>7</v></c><c r="D1" t="s"><v>2</v></c></row>`+
			`<row r="2"><c r="A2"><f>1/0</f></c><c r="B2"><f t="shared" ref="B2:B3" si="0">C2*2</f><v>4</v></c><c r="C2"><v>2</v></c><c r="D2"><f>C2+1</f><v>3</v></c></row>`+
			`<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3"><f t="shared" si="0"/><v>10</v></c><c r="C3"><v>5</v></c><c r="D3" t="s"><v>5</v></c></row>`+
			`<row r="4"><c r="B4" t="s"><v>6</v></c></row>`+
			`<row r="5"><c r="A5"><v>1</v></c><c r="B5"><v>2</v></c></row>`,
		`<mergeCells count="4"><mergeCell ref="A1:A2"/><mergeCell ref="C1:D2"/><mergeCell ref="A3:B4"/><mergeCell ref="B5:C5"/></mergeCells>`)}}})
	// Hidden and very hidden sheets; hidden rows written every way a
	// boolean can be, and a row without r, whose hidden state excelize
	// drops.
	book("hidden.xlsx", genBook{sst: mergeSST, sheets: []genSheet{
		{name: "可见", state: "visible", xml: worksheetXML("",
			`<row r="1" hidden="1"><c r="A1"><v>1</v></c></row><row r="2" hidden="true"><c r="A2"><v>2</v></c></row>`+
				`<row r="3" hidden=" 1 "><c r="A3"><v>3</v></c></row><row r="4" hidden="0"><c r="A4"><v>4</v></c></row>`+
				`<row r="5" hidden="false"><c r="A5"><v>5</v></c></row><row r="6" hidden="1"/><row hidden="1"><c r="A7"><v>7</v></c></row>`+
				`<row r="8" hidden="T"><c r="A8"><v>8</v></c></row>`, "")},
		{name: "隐藏", state: "hidden", xml: worksheetXML("", `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, `<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`)},
		{name: "深度隐藏", state: "veryHidden", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row>`, "")},
		{name: "无状态", xml: worksheetXML("", "", `<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>`)},
	}})
	book("fallback_merge_overlap.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row>`,
		`<mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="B2:C3"/></mergeCells>`)}}})

	// Gaps: missing rows and columns, rows and cells without r, empty
	// cells that exist, rows with nothing in them, trailing empties.
	rows.Reset()
	rows.WriteString(`<row r="2" spans="1:4" ht="20" customHeight="1" x14ac:dyDescent="0.25"><c r="B2" t="s"><v>0</v></c><c r="D2"><v>5</v></c></row>`)
	rows.WriteString(`<row><c><v>1</v></c><c><v>2</v></c><c t="s"><v>1</v></c></row>`)
	rows.WriteString(`<row><c r="A4"><v>1</v></c><c r="C4"><v>3</v></c></row>`)
	rows.WriteString(`<row r="6"><c r="A6" s="1"/><c r="B6" s="1"/></row>`)
	rows.WriteString(`<row r="7"/>`)
	rows.WriteString(`<row r="8"><c r="C8"><v>1</v></c><c><v>2</v></c><c r="F8"><v>3</v></c><c><v>4</v></c></row>`)
	rows.WriteString(`<row r="9"><c r="A9"><v></v></c><c r="B9"><v>7</v></c><c r="C9" t="s"><v></v></c><c r="D9" s="1"/><c r="E9" t="s"><v>2</v></c></row>`)
	rows.WriteString(`<row r="10"><c r="F10"><f></f></c></row>`)
	rows.WriteString(`<row r="11"><c r="A11"><v>1</v></c><c r="E11"><f></f></c></row>`)
	rows.WriteString(`<row r="13" hidden="1" outlineLevel="1"><c r="AA13"><v>27</v></c><c r="ZZ13"><v>702</v></c><c r="AAA13"><v>703</v></c></row>`)
	rows.WriteString(`<row r="1048576"><c r="XFD1048576"><v>末</v></c></row>`)
	book("gaps.xlsx", genBook{sst: []string{`<t>有值</t>`, `<t>文本</t>`, `<t></t>`}, sheets: []genSheet{{name: "空隙", xml: worksheetXML("", rows.String(), "")}}})

	// Types: booleans, errors, ISO dates, explicit numbers, number-like and
	// number-unlike raw values, unknown types.
	rows.Reset()
	rows.WriteString(`<row r="1"><c r="A1" t="b"><v>1</v></c><c r="B1" t="b"><v>0</v></c><c r="C1" t="e"><v>#DIV/0!</v></c><c r="D1" t="e"><v>#N/A</v></c>` +
		`<c r="E1" t="d"><v>2024-01-02T00:00:00Z</v></c><c r="F1" t="n"><v>42</v></c><c r="G1"><v> 12 </v></c><c r="H1"><v>1e5</v></c><c r="I1"><v>-0.5</v></c>` +
		`<c r="J1"><v>.5</v></c><c r="K1"><v>1,234</v></c><c r="L1"><v>1e400</v></c><c r="M1"><v>NaN</v></c><c r="N1"><v>Inf</v></c><c r="O1" t="str"><v>abc</v></c>` +
		`<c r="P1" t="x"><v>5</v></c><c r="Q1"><v>0x1p-2</v></c><c r="R1" t="b" s="2"><v>1</v></c><c r="S1" t="d" s="4"><v>2024-03-01</v></c><c r="T1" t="S"><v>0</v></c>` +
		`<c r="U1" s="2"><v>-1.5E-3</v></c><c r="V1"><v>0012</v></c><c r="W1"><v>1.</v></c><c r="X1"><v>-</v></c><c r="Y1"><v>+3</v></c><c r="Z1"><v>1_000</v></c>` +
		`<c r="AA1"><v>12345678901234567890</v></c><c r="AB1"><v>&#49;&#50;</v></c></row>`)
	book("types.xlsx", genBook{sheets: []genSheet{{name: "类型", xml: worksheetXML("", rows.String(), "")}}})

	// XML forms: single quotes, spaces in tags, comments and processing
	// instructions outside sheetData, CDATA outside, a BOM.
	forms := "\ufeff" + strings.Replace(worksheetXML(`<!-- 注释 --><?sheaf test?>`,
		`<row r = '1' ><c r='A1'   t = "inlineStr" ><is ><t >单引号</t ></is ></c ><c r="B1"><v >3</v ></c></row>`,
		`<extLst><ext uri="{x}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:foo><![CDATA[<row>]]></x14:foo></ext></extLst>`),
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`, `<?xml version='1.0' encoding='utf-8'?>`, 1)
	book("xmlforms.xlsx", genBook{sheets: []genSheet{{name: "形式", xml: forms}}})

	// Several sheets, one of them empty, names with CJK and spaces.
	book("sheets.xlsx", genBook{sst: []string{`<t>a</t>`}, sheets: []genSheet{
		{name: "第一 页", xml: worksheetXML("", `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`, "")},
		{name: "空", xml: worksheetXML("", "", "")},
		{name: "Sheet3", xml: strings.Replace(worksheetXML("", "", ""), "<sheetData></sheetData>", "<sheetData/>", 1)},
		{name: "四", xml: worksheetXML("", `<row r="3"><c r="B3"><v>3</v></c></row>`, "")},
	}})

	// A large sheet: many rows through the sliding buffer, merged labels
	// every few rows, long and short texts.
	rows.Reset()
	var bigSST []string
	var mergeRefs []string
	for i := 0; i < 200; i++ {
		bigSST = append(bigSST, fmt.Sprintf("<t>指标%03d号：%s</t>", i, strings.Repeat("长", i%40)))
	}
	for r := 1; r <= 6000; r++ {
		fmt.Fprintf(&rows, `<row r="%d">`, r)
		if r%7 == 0 {
			fmt.Fprintf(&rows, `<c r="A%d" s="1"/>`, r)
		} else {
			fmt.Fprintf(&rows, `<c r="A%d" t="s"><v>%d</v></c>`, r, (r*31)%200)
		}
		fmt.Fprintf(&rows, `<c r="B%d"><v>%d</v></c><c r="C%d" s="2"><v>0.%04d</v></c>`, r, 2000+r%5, r, (r*7919)%10000)
		if r%5 != 0 {
			fmt.Fprintf(&rows, `<c r="D%d" t="inlineStr"><is><t>%s</t></is></c>`, r, strings.Repeat("备注", r%13))
		}
		fmt.Fprintf(&rows, `<c r="F%d"><v>%d.%d</v></c></row>`, r, r*104729%1000000, r%10)
		if r%7 == 6 {
			mergeRefs = append(mergeRefs, fmt.Sprintf(`<mergeCell ref="A%d:A%d"/>`, r, r+1))
		}
	}
	book("big.xlsx", genBook{sst: bigSST, sheets: []genSheet{{name: "大表", xml: worksheetXML("", rows.String(),
		`<mergeCells count="`+fmt.Sprint(len(mergeRefs))+`">`+strings.Join(mergeRefs, "")+`</mergeCells>`)}}})

	// Text cells with no shared-string part: the indexes read as written.
	book("sst_missing.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>7</v></c><c r="C1"><v>1</v></c></row>`, "")}}})
	// A part that is not a worksheet (as a chart sheet is): no rows.
	chart := `<?xml version="1.0"?><chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews><drawing r:id="rId1"/></chartsheet>`
	book("chartsheet.xlsx", genBook{sheets: []genSheet{
		{name: "数据", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row>`, "")},
		{name: "图表", xml: chart, kind: "chart"},
	}})
	// A chart sheet's part where a worksheet should be: read as empty.
	book("chartsheet_as_worksheet.xlsx", genBook{sheets: []genSheet{
		{name: "数据", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row>`, "")},
		{name: "图表", xml: chart},
	}})
	// Sheets that are not worksheets, and a worksheet whose part is
	// missing: given without rows, the others read.
	book("sheet_kinds.xlsx", genBook{sheets: []genSheet{
		{name: "宏", kind: "macro", xml: `<?xml version="1.0"?><xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData><row r="1"><c r="A1"><v>7</v></c></row></sheetData></xm:macrosheet>`},
		{name: "数据", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row>`, "")},
		{name: "对话框", kind: "dialog", xml: `<?xml version="1.0"?><dialogsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr/></dialogsheet>`},
		{name: "缺失", noPart: true},
		{name: "损坏", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></row>`, "")},
	}})

	// What the fast reader leaves to the careful one.
	book("fallback_bad_merge_ref.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c></row>`, `<mergeCells><mergeCell ref="A1:B"/></mergeCells>`)}}})
	book("fallback_not_worksheet.xlsx", genBook{sheets: []genSheet{{name: "S", xml: `<?xml version="1.0"?><sheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></sheet>`}}})
	book("uncached.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1*2</f></c></row>`, "")}}})
	book("cached_empty.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row r="1"><c r="A1" t="str"><f>""&amp;""</f><v></v></c><c r="B1"><v>1</v></c></row>`, "")}}})
	book("fallback_prefixed.xlsx", genBook{sheets: []genSheet{{name: "S", xml: `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`}}})
	book("fallback_strict.xlsx", genBook{sheets: []genSheet{{name: "S", xml: `<?xml version="1.0"?><worksheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main">` +
		`<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`}}})
	book("fallback_unordered.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row r="2"><c r="A2"><v>1</v></c></row><row r="1"><c r="A1"><v>2</v></c></row>`, "")}}})
	book("fallback_r0_gap.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row><c r="B1"><v>1</v></c><c><v>2</v></c></row>`, "")}}})
	book("fallback_comment_in_row.xlsx", genBook{sheets: []genSheet{{name: "S", xml: worksheetXML("", `<row r="1"><c r="A1"><v>1</v></c><!-- x --></row>`, "")}}})

	// Workbooks written by excelize's API.
	c["excelize_api.xlsx"] = excelizeAPIBook(tb, false)
	c["excelize_formulas.xlsx"] = excelizeAPIBook(tb, true)
	c["excelize_stream.xlsx"] = excelizeStreamBook(tb)
	return c
}

// excelizeAPIBook writes a workbook with excelize's ordinary API: shared
// strings, a merged title, percent and date styles, rich text, booleans,
// and, with formulas, formulas excelize writes without a cached value.
func excelizeAPIBook(tb testing.TB, formulas bool) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	const sh = "Sheet1"
	must(f.SetCellValue(sh, "A1", "2024年 教育统计表"))
	must(f.MergeCell(sh, "A1", "E1"))
	header := []any{"指标编码", "指标名称", "年度", "数值", "单位"}
	must(f.SetSheetRow(sh, "A3", &header))
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	must(err)
	custom := "0.0%"
	pct2, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	must(err)
	ym := `yyyy"年"m"月"`
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &ym})
	must(err)
	for r := 4; r < 40; r++ {
		row := []any{fmt.Sprintf("edu.i%03d", r), fmt.Sprintf("指标%d", r), 2024, float64(r*1234) / 10, "人"}
		must(f.SetSheetRow(sh, fmt.Sprintf("A%d", r), &row))
	}
	must(f.SetCellValue(sh, "D10", 0.4829))
	must(f.SetCellStyle(sh, "D10", "D10", pct))
	must(f.SetCellValue(sh, "D11", 0.108))
	must(f.SetCellStyle(sh, "D11", "D11", pct2))
	must(f.SetCellValue(sh, "D12", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)))
	must(f.SetCellStyle(sh, "D12", "D12", date))
	must(f.SetCellValue(sh, "F4", true))
	must(f.SetCellValue(sh, "F5", false))
	must(f.SetCellValue(sh, "G6", "  前后空格 "))
	must(f.SetCellRichText(sh, "F7", []excelize.RichTextRun{{Text: "红色", Font: &excelize.Font{Color: "FF0000", Bold: true}}, {Text: "普通"}}))
	must(f.MergeCell(sh, "A20", "A22"))
	_, err = f.NewSheet("第二页")
	must(err)
	must(f.SetCellValue("第二页", "B2", 3.5))
	must(f.SetCellValue("第二页", "C4", "文本"))
	if formulas {
		must(f.SetCellFormula(sh, "D41", "SUM(D4:D39)"))
	}
	buf, err := f.WriteToBuffer()
	must(err)
	return buf.Bytes()
}

// excelizeStreamBook writes a workbook with excelize's stream writer, which
// writes text as inline strings.
func excelizeStreamBook(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 9})
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"标题行"}); err != nil {
		tb.Fatal(err)
	}
	for r := 3; r < 300; r++ {
		row := []any{fmt.Sprintf("code.%d", r), "名称&<>\"'", r, float64(r) / 7, excelize.Cell{Value: 0.25, StyleID: pct}, true}
		if err := sw.SetRow(fmt.Sprintf("A%d", r), row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// writeGenCorpus writes the generated corpus into dir (for looking at it).
func writeGenCorpus(tb testing.TB, dir string) {
	for name, data := range genCorpus(tb) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}
