package report

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gomutex/godocx"
	"github.com/gomutex/godocx/docx"
	"github.com/gomutex/godocx/wml/ctypes"
	"github.com/gomutex/godocx/wml/stypes"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/util"
)

// The fonts GB/T 9704 names, as Word and WPS know them.
const (
	docxTitleFont = "方正小标宋简体"
	docxHeiti     = "黑体"
	docxKaiti     = "楷体_GB2312"
	docxFangsong  = "仿宋_GB2312"
)

// Page layout after GB/T 9704, in twentieths of a point (twips): A4, margins
// top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, and 22 lines to the
// 225 mm text height.
const (
	a4Width      = 11906
	a4Height     = 16838
	marginTop    = 2098
	marginBottom = 1984
	marginLeft   = 1587
	marginRight  = 1474
	textWidth    = a4Width - marginLeft - marginRight
	linePitch    = 579 // 28.95pt
)

// paraKind is how one kind of paragraph looks.
type paraKind struct {
	style  string // paragraph style id; empty for Normal
	font   string
	size   uint64 // points
	bold   bool
	jc     stypes.Justification
	indent bool // first line indented two characters
	single bool // single line spacing instead of the exact line pitch
}

var (
	// 标题: 方正小标宋简体 二号, centred.
	titleKind = paraKind{style: "Title", font: docxTitleFont, size: 22, jc: stypes.JustificationCenter}
	// 一级标题 "一、": 黑体 三号. 二级标题 "（一）": 楷体 三号. 三级标题:
	// 仿宋 三号 bold.
	headingKinds = []paraKind{
		{style: "Heading1", font: docxHeiti, size: 16, jc: stypes.JustificationBoth, indent: true},
		{style: "Heading2", font: docxKaiti, size: 16, jc: stypes.JustificationBoth, indent: true},
		{style: "Heading3", font: docxFangsong, size: 16, bold: true, jc: stypes.JustificationBoth, indent: true},
	}
	// 正文: 仿宋 三号, first line indented two characters.
	bodyKind  = paraKind{font: docxFangsong, size: 16, jc: stypes.JustificationBoth, indent: true}
	quoteKind = paraKind{font: docxKaiti, size: 16, jc: stypes.JustificationBoth, indent: true}
	codeKind  = paraKind{font: docxFangsong, size: 16, jc: stypes.JustificationLeft}
	// Tables: 仿宋 小四 (12pt), the header row in 黑体.
	cellKind       = paraKind{font: docxFangsong, size: 12, jc: stypes.JustificationLeft, single: true}
	headerCellKind = paraKind{font: docxHeiti, size: 12, jc: stypes.JustificationCenter, single: true}
)

// highlight is the highlight colour of marks.
const highlight = "yellow"

// renderDOCX writes the document as a Word document, walking the parsed
// Markdown: headings, paragraphs, lists and tables become Word paragraphs
// and tables, and marks become highlighted runs.
func renderDOCX(doc document, page Page) ([]byte, error) {
	rd, err := godocx.NewDocument()
	if err != nil {
		return nil, err
	}
	if err := layout(rd, page); err != nil {
		return nil, err
	}
	addFooters(rd)
	w := &docxWriter{rd: rd, src: doc.source}
	w.blocks(doc.root, 0)
	var b bytes.Buffer
	if err := rd.Write(&b); err != nil {
		return nil, err
	}
	return finishDOCX(b.Bytes())
}

// docxWriter adds the blocks of a parsed document to a Word document.
type docxWriter struct {
	rd  *docx.RootDoc
	src []byte
}

// newPara is where a paragraph is added: the body or a table cell.
type newPara func() *docx.Paragraph

func (w *docxWriter) blocks(parent ast.Node, depth int) {
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		if next := n.NextSibling(); w.isSignature(n) && next != nil && w.isSignature(next) {
			w.signature(w.plain(n), w.plain(next))
			n = next
			continue
		}
		w.block(n, depth, bodyKind, w.rd.AddEmptyParagraph)
	}
}

// signature writes the 发文机关署名 and the 成文日期, a blank line under the
// text, right-aligned with the indents GB/T 9704 asks for.
func (w *docxWriter) signature(name, date string) {
	nameRight, dateRight := signatureIndents(name, date)
	for i, line := range []struct {
		text  string
		right float64
	}{{name, nameRight}, {date, dateRight}} {
		p := w.rd.AddEmptyParagraph()
		k := bodyKind
		k.indent, k.jc = false, stypes.JustificationRight
		setParagraph(p, k, 0)
		pp := p.GetCT().Property
		pp.Indent = &ctypes.Indent{Right: ptr(int(line.right * 320)), RightChars: ptr(int(line.right * 100))}
		if i == 0 {
			pp.Spacing.Before = ptr(uint64(linePitch))
		}
		addRun(p, k, piece{text: line.text})
	}
}

func (w *docxWriter) block(n ast.Node, depth int, kind paraKind, add newPara) {
	switch n := n.(type) {
	case *ast.Heading:
		k := titleKind
		if n.Level > 1 {
			k = headingKinds[min(n.Level-2, len(headingKinds)-1)]
		}
		w.paragraph(add(), k, depth, "", n)
	case *ast.Paragraph, *ast.TextBlock:
		w.paragraph(add(), kind, depth, "", n)
	case *ast.List:
		w.list(n, depth, kind, add)
	case *ast.Blockquote:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			w.block(c, depth, quoteKind, add)
		}
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		lines := n.Lines()
		for i := 0; i < lines.Len(); i++ {
			line := lines.At(i)
			p := add()
			setParagraph(p, codeKind, depth)
			addRun(p, codeKind, piece{text: strings.TrimRight(string(line.Value(w.src)), "\r\n")})
		}
	case *ast.ThematicBreak:
		setParagraph(add(), kind, depth)
	case *east.Table:
		w.table(n)
	case *ast.HTMLBlock:
		// Raw HTML is left out, as in the HTML page.
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			w.block(c, depth, kind, add)
		}
	}
}

// list writes each item's paragraphs; an ordered list's items are numbered
// "1．", a bullet list's items are plain paragraphs, as a Chinese document
// writes them. A nested list is indented two more characters.
func (w *docxWriter) list(l *ast.List, depth int, kind paraKind, add newPara) {
	num := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		prefix := ""
		if l.IsOrdered() {
			prefix = strconv.Itoa(num) + "．"
			num++
		}
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			switch c.(type) {
			case *ast.Paragraph, *ast.TextBlock:
				w.paragraph(add(), kind, depth, prefix, c)
				prefix = ""
			case *ast.List:
				w.block(c, depth+1, kind, add)
			default:
				w.block(c, depth, kind, add)
			}
		}
	}
}

// paragraph writes the inline content of n into p.
func (w *docxWriter) paragraph(p *docx.Paragraph, kind paraKind, depth int, prefix string, n ast.Node) {
	setParagraph(p, kind, depth)
	var pieces []piece
	if prefix != "" {
		pieces = append(pieces, piece{text: prefix})
	}
	w.inlines(n, piece{}, &pieces)
	for _, pc := range merge(pieces) {
		addRun(p, kind, pc)
	}
}

// piece is a stretch of text with one formatting, or a line break.
type piece struct {
	text                    string
	bold, italic, mark, brk bool
}

func (a piece) sameFormat(b piece) bool {
	return !a.brk && !b.brk && a.bold == b.bold && a.italic == b.italic && a.mark == b.mark
}

// merge joins neighbouring pieces of the same formatting into one run.
func merge(pieces []piece) []piece {
	var out []piece
	for _, pc := range pieces {
		if pc.text == "" && !pc.brk {
			continue
		}
		if n := len(out); n > 0 && out[n-1].sameFormat(pc) {
			out[n-1].text += pc.text
			continue
		}
		out = append(out, pc)
	}
	return out
}

// inlines collects the text of n's inline children with its formatting.
func (w *docxWriter) inlines(n ast.Node, st piece, out *[]piece) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			value := c.Segment.Value(w.src)
			s := string(value)
			if !c.IsRaw() {
				s = plainText(value)
			}
			*out = append(*out, piece{text: s, bold: st.bold, italic: st.italic, mark: st.mark})
			switch {
			case c.HardLineBreak():
				*out = append(*out, piece{brk: true})
			case c.SoftLineBreak():
				// A line break next to a Chinese character is no space;
				// between Latin words it is one (as in the HTML).
				last, _ := utf8.DecodeLastRune(value)
				if next, ok := w.firstRune(c.NextSibling()); ok &&
					!util.IsEastAsianWideRune(last) && !util.IsEastAsianWideRune(next) {
					*out = append(*out, piece{text: " ", bold: st.bold, italic: st.italic, mark: st.mark})
				}
			}
		case *ast.String:
			*out = append(*out, piece{text: string(c.Value), bold: st.bold, italic: st.italic, mark: st.mark})
		case *markNode:
			*out = append(*out, piece{text: c.Label(w.src), bold: st.bold, italic: st.italic, mark: true})
		case *ast.Emphasis:
			inner := st
			if c.Level >= 2 {
				inner.bold = true
			} else {
				inner.italic = true
			}
			w.inlines(c, inner, out)
		case *ast.AutoLink:
			*out = append(*out, piece{text: string(c.Label(w.src)), bold: st.bold, italic: st.italic, mark: st.mark})
		case *ast.RawHTML:
			// left out, as in the HTML page
		default: // links, images (their text), code spans
			w.inlines(c, st, out)
		}
	}
}

// firstRune is the first character of the text at n; false when there is
// none.
func (w *docxWriter) firstRune(n ast.Node) (rune, bool) {
	for ; n != nil; n = n.FirstChild() {
		switch n := n.(type) {
		case *ast.Text:
			r, size := utf8.DecodeRune(n.Segment.Value(w.src))
			return r, size > 0
		case *ast.String:
			r, size := utf8.DecodeRune(n.Value)
			return r, size > 0
		case *markNode:
			return '【', true
		}
	}
	return 0, false
}

// table writes a GFM table as a Word table the width of the text, with
// lines on every cell and the header row repeated on each page.
func (w *docxWriter) table(t *east.Table) {
	tbl := w.rd.AddTable()
	tbl.Style("TableGrid")
	tbl.Width(5000, stypes.TableWidthPct)
	cols := len(t.Alignments)
	if cols == 0 {
		cols = 1
	}
	widths := make([]uint64, cols)
	for i := range widths {
		widths[i] = uint64(textWidth / cols)
	}
	tbl.Grid(widths...)
	border := func() *ctypes.Border {
		return &ctypes.Border{Val: stypes.BorderStyleSingle, Size: ptr(4), Space: ptr("0"), Color: ptr("000000")}
	}
	tbl.GetCT().TableProp.Borders = &ctypes.TableBorders{
		Top: border(), Left: border(), Bottom: border(), Right: border(), InsideH: border(), InsideV: border(),
	}
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		row := tbl.AddRow()
		_, header := r.(*east.TableHeader)
		if header {
			rows := tbl.GetCT().RowContents
			rows[len(rows)-1].Row.Property.Header = ctypes.OnOffFromBool(true)
		}
		i := 0
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			cell, ok := c.(*east.TableCell)
			if !ok {
				continue
			}
			k := cellKind
			if header {
				k = headerCellKind
			}
			switch cell.Alignment {
			case east.AlignRight:
				k.jc = stypes.JustificationRight
			case east.AlignCenter:
				k.jc = stypes.JustificationCenter
			case east.AlignLeft:
				k.jc = stypes.JustificationLeft
			}
			tc := row.AddCell()
			if i < len(widths) {
				tc.Width(int(widths[i]), stypes.TableWidthDxa)
			}
			tc.VerticalAlign("center")
			w.paragraph(tc.AddEmptyPara(), k, 0, "", cell)
			i++
		}
	}
	// Word needs a paragraph after a table; it also keeps two tables apart.
	setParagraph(w.rd.AddEmptyParagraph(), bodyKind, 0)
}

func ptr[T any](v T) *T { return &v }

// setParagraph sets a paragraph's properties: style, alignment, the first
// line indented two characters, the line pitch, and the font and size of
// the paragraph mark.
func setParagraph(p *docx.Paragraph, k paraKind, depth int) {
	pp := &ctypes.ParagraphProp{}
	if k.style != "" {
		pp.Style = ctypes.NewParagraphStyle(k.style)
	}
	if k.style == "Title" || strings.HasPrefix(k.style, "Heading") {
		pp.KeepNext = ctypes.OnOffFromBool(true)
	}
	ind := &ctypes.Indent{}
	if k.indent {
		// Two characters of the paragraph's size: Word and WPS read the
		// character units, LibreOffice the twips.
		ind.FirstLineChars = ptr(200)
		ind.FirstLine = ptr(uint64(2 * k.size * 20))
	}
	if depth > 0 {
		ind.LeftChars = ptr(200 * depth)
		ind.Left = ptr(int(2 * k.size * 20 * uint64(depth)))
	}
	if ind.FirstLine != nil || ind.Left != nil {
		pp.Indent = ind
	}
	sp := &ctypes.Spacing{Before: ptr(uint64(0)), After: ptr(uint64(0))}
	if k.single {
		sp.Line, sp.LineRule = ptr(240), ptr(stypes.LineSpacingRuleAuto)
	} else {
		sp.Line, sp.LineRule = ptr(linePitch), ptr(stypes.LineSpacingRuleExact)
	}
	if k.style == "Title" {
		sp.After = ptr(uint64(linePitch)) // a blank line under the title
	}
	pp.Spacing = sp
	pp.Justification = ctypes.NewGenSingleStrVal(k.jc)
	pp.RunProperty = runProperty(k, piece{})
	p.GetCT().Property = pp
}

// addRun adds a run of text, or a line break, to p.
func addRun(p *docx.Paragraph, k paraKind, pc piece) {
	if pc.brk {
		p.AddRun().AddBreak(nil)
		return
	}
	r := p.AddText(pc.text).Size(k.size)
	if k.bold || pc.bold {
		r.Bold(true)
	}
	if pc.italic {
		r.Italic(true)
	}
	if pc.mark {
		r.Highlight(highlight)
	}
	// godocx's Run.Font sets only the Latin fonts (w:ascii, w:hAnsi): Word
	// would show the Chinese text in the theme's East Asian font. The East
	// Asian font is set on the run's properties themselves.
	r.Font(k.font)
	children := p.GetCT().Children
	rp := children[len(children)-1].Run.Property
	setFonts(rp, k.font)
	rp.SizeCs = ctypes.NewFontSizeCS(k.size * 2)
}

// runProperty is the run formatting of a kind of paragraph.
func runProperty(k paraKind, pc piece) *ctypes.RunProperty {
	rp := &ctypes.RunProperty{}
	setFonts(rp, k.font)
	if k.bold || pc.bold {
		rp.Bold = ctypes.OnOffFromBool(true)
	}
	rp.Size = ctypes.NewFontSize(k.size * 2)
	rp.SizeCs = ctypes.NewFontSizeCS(k.size * 2)
	return rp
}

// setFonts sets one font for every script, East Asian first: w:eastAsia is
// what Word and WPS use for Chinese characters.
func setFonts(rp *ctypes.RunProperty, font string) {
	if rp.Fonts == nil {
		rp.Fonts = &ctypes.RunFonts{}
	}
	rp.Fonts.EastAsia = font
	rp.Fonts.Ascii = font
	rp.Fonts.HAnsi = font
	rp.Fonts.CS = font
	rp.Fonts.Hint = stypes.FontTypeHintEastAsia
	// Theme fonts would win over the names.
	rp.Fonts.AsciiTheme, rp.Fonts.HAnsiTheme, rp.Fonts.EastAsiaTheme, rp.Fonts.CSTheme = "", "", "", ""
}

// layout sets the page, the styles and the package's metadata.
func layout(rd *docx.RootDoc, page Page) error {
	body := rd.Document.Body
	if body.SectPr == nil {
		body.SectPr = ctypes.NewSectionProper()
	}
	sp := body.SectPr
	sp.PageSize = &ctypes.PageSize{Width: ptr(uint64(a4Width)), Height: ptr(uint64(a4Height)), Orient: stypes.PageOrientPortrait}
	sp.PageMargin = &ctypes.PageMargin{
		Top: ptr(marginTop), Bottom: ptr(marginBottom), Left: ptr(marginLeft), Right: ptr(marginRight),
		Header: ptr(851), Footer: ptr(992), Gutter: ptr(0),
	}
	// A line grid only: 28 characters a line come from the body's character
	// spacing (bodyCharSpacing), which Word, WPS and LibreOffice all lay out
	// alike; LibreOffice set 18 characters a line on a character grid.
	sp.DocGrid = &ctypes.DocGrid{Type: stypes.DocGridLines, LinePitch: ptr(linePitch)}

	if err := styles(rd.DocStyles); err != nil {
		return err
	}
	return packageParts(rd, page)
}

// styles makes the template's styles those of GB/T 9704: the defaults 仿宋
// 三号 in Chinese, and the title and headings without the template's theme
// fonts and colours, so that a paragraph Word re-styles keeps the look.
func styles(st *ctypes.Styles) error {
	if st == nil {
		return fmt.Errorf("the document template has no styles")
	}
	if st.DocDefaults == nil {
		st.DocDefaults = &ctypes.DocDefault{}
	}
	dd := st.DocDefaults
	if dd.RunProp == nil {
		dd.RunProp = &ctypes.RunPropDefault{}
	}
	rp := runProperty(bodyKind, piece{})
	rp.Spacing = &ctypes.DecimalNum{Val: bodyCharSpacing}
	rp.Lang = &ctypes.Lang{Val: ptr("en-US"), EastAsia: ptr("zh-CN")}
	dd.RunProp.RunProp = rp
	if dd.ParaProp == nil {
		dd.ParaProp = &ctypes.ParaPropDefault{}
	}
	dd.ParaProp.ParaProp = &ctypes.ParagraphProp{
		Spacing: &ctypes.Spacing{Before: ptr(uint64(0)), After: ptr(uint64(0)), Line: ptr(linePitch), LineRule: ptr(stypes.LineSpacingRuleExact)},
	}
	kinds := map[string]paraKind{"Title": titleKind}
	for _, k := range headingKinds {
		kinds[k.style] = k
	}
	for i := range st.StyleList {
		s := &st.StyleList[i]
		if s.ID == nil {
			continue
		}
		k, ok := kinds[*s.ID]
		if !ok {
			continue
		}
		rp := runProperty(k, piece{})
		rp.Bold = ctypes.OnOffFromBool(k.bold)
		rp.BoldCS = ctypes.OnOffFromBool(k.bold)
		rp.Color = ctypes.NewColor("000000")
		s.RunProp = rp
		pp := &ctypes.ParagraphProp{
			KeepNext:      ctypes.OnOffFromBool(true),
			Spacing:       &ctypes.Spacing{Before: ptr(uint64(0)), After: ptr(uint64(0)), Line: ptr(linePitch), LineRule: ptr(stypes.LineSpacingRuleExact)},
			Justification: ctypes.NewGenSingleStrVal(k.jc),
		}
		if s.ParaProp != nil {
			pp.OutlineLvl = s.ParaProp.OutlineLvl // keeps the headings in the navigation pane
		}
		s.ParaProp = pp
	}
	return nil
}
