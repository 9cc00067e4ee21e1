package report

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// document is a parsed rendering: the Markdown and its tree, which both the
// HTML and the Word document are written from.
type document struct {
	source []byte
	root   ast.Node
}

// markdown is the Markdown dialect of drafts: CommonMark with GFM tables,
// marks, and soft line breaks dropped next to a Chinese character (a line
// break in a Chinese sentence is no space, even before a number: "。\n2024年"
// is "。2024年").
func markdown() goldmark.Markdown {
	cjk := extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft), extension.WithEscapedSpace())
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, cjk, marks{}),
	)
}

func parseMarkdown(src []byte) document {
	return document{source: src, root: markdown().Parser().Parse(text.NewReader(src))}
}

// kindMark is the kind of a markNode.
var kindMark = ast.NewNodeKind("Mark")

// markNode is a mark in the text, 【缺：…】 or 【待核实：…】, brackets
// included: what a person must look at before the draft goes out.
type markNode struct {
	ast.BaseInline
	Segment text.Segment
}

// Kind is kindMark.
func (m *markNode) Kind() ast.NodeKind { return kindMark }

// Dump writes the node for debugging.
func (m *markNode) Dump(source []byte, level int) {
	ast.DumpHelper(m, source, level, map[string]string{"Text": string(m.Segment.Value(source))}, nil)
}

// Label is the mark as the reader sees it, backslash escapes and character
// references resolved.
func (m *markNode) Label(source []byte) string {
	return plainText(m.Segment.Value(source))
}

// plainText resolves a text segment's escapes and character references.
func plainText(b []byte) string {
	b = util.UnescapePunctuations(b)
	b = util.ResolveNumericReferences(b)
	b = util.ResolveEntityNames(b)
	return string(b)
}

// marks is the goldmark extension for marks: a transformer that cuts them
// out of the text, and their HTML, <mark>【…】</mark>.
type marks struct{}

// Extend adds marks to a goldmark instance.
func (marks) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(markTransformer{}, 100)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(markRenderer{}, 100)))
}

var (
	markOpen  = []byte("【")
	markClose = []byte("】")
)

// markTransformer splits text nodes around marks. goldmark's inline parsers
// are triggered by ASCII punctuation only, so a mark, which opens with a
// full-width bracket, is found in the parsed text instead. The template
// functions keep a mark inside one text node (see mark); a 【…】 that the
// template's own prose writes across other inline elements stays text.
type markTransformer struct{}

// Transform splits every text node that holds a whole mark.
func (markTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering && !t.IsRaw() && bytes.Contains(t.Segment.Value(source), markOpen) {
			texts = append(texts, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		splitMarks(t, source)
	}
}

// splitMarks replaces t by text and mark nodes.
func splitMarks(t *ast.Text, source []byte) {
	seg := t.Segment
	value := seg.Value(source)
	var nodes []ast.Node
	start := 0 // of the text not yet placed, in value
	for pos := 0; ; {
		i := bytes.Index(value[pos:], markOpen)
		if i < 0 {
			break
		}
		i += pos
		j := bytes.Index(value[i+len(markOpen):], markClose)
		if j < 0 {
			break
		}
		end := i + len(markOpen) + j + len(markClose)
		if i > start {
			nodes = append(nodes, ast.NewTextSegment(text.NewSegment(seg.Start+start, seg.Start+i)))
		}
		nodes = append(nodes, &markNode{Segment: text.NewSegment(seg.Start+i, seg.Start+end)})
		start, pos = end, end
	}
	if len(nodes) == 0 {
		return
	}
	// The rest keeps the line break that ended the original text, even
	// when it is empty.
	if start < len(value) || t.SoftLineBreak() || t.HardLineBreak() {
		rest := ast.NewTextSegment(text.NewSegment(seg.Start+start, seg.Stop))
		rest.SetSoftLineBreak(t.SoftLineBreak())
		rest.SetHardLineBreak(t.HardLineBreak())
		nodes = append(nodes, rest)
	}
	parent := t.Parent()
	for _, n := range nodes {
		parent.InsertBefore(parent, t, n)
	}
	parent.RemoveChild(parent, t)
}

// markRenderer writes a mark as HTML.
type markRenderer struct{}

// RegisterFuncs registers the renderer of kindMark.
func (markRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMark, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.WriteString("<mark>")
			_, _ = w.Write(util.EscapeHTML([]byte(n.(*markNode).Label(source))))
			_, _ = w.WriteString("</mark>")
		}
		return ast.WalkSkipChildren, nil
	})
}

// htmlBody renders the document's tree as HTML.
func htmlBody(doc document) ([]byte, error) {
	var b bytes.Buffer
	if err := markdown().Renderer().Render(&b, doc.source, doc.root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
