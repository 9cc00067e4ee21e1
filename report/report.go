// Package report drafts the report (初稿) from the figures: a Markdown
// template with text/template actions is rendered once, and that rendering
// is written as Markdown, as an HTML page and as a Word document laid out
// as GB/T 9704 asks; an Excel annex (附表) traces every figure to its cell
// and lists every open or accepted flag.
//
// Nothing doubtful passes silently: a figure with no value is written as
// 【缺：指标名称，责任单位】 and a doubtful one is followed by
// 【待核实：reason】, marks that the HTML and the Word document highlight.
package report

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// Data is what a draft is built from.
type Data struct {
	// Config is the configuration: the catalogue, departments and rules.
	Config *config.Config
	// Figures are the figures of the latest sync, one per indicator and
	// period.
	Figures []sheaf.Figure
	// Flags are the stored flags; the open and accepted ones matter.
	Flags []storage.StoredFlag
	// Rules are the rules' outcomes; a rule's class is taken from
	// Config.Rules.
	Rules []storage.RuleResult
	// AsOf is when the figures were synced: the data is as of then.
	AsOf time.Time
	// Changes are lines saying what changed since the previous draft; the
	// HTML shows them above the report. May be empty.
	Changes []string
}

// Draft is one rendering of the template in every format.
type Draft struct {
	// Markdown is the template's output as rendered.
	Markdown string
	// HTML is a complete page: the changes since the previous draft, then
	// the report.
	HTML string
	// DOCX is the Word document (.docx) of the report.
	DOCX []byte
}

// Page is the value of dot in a template: what the draft is about, beside
// the figures that the template functions read.
type Page struct {
	// Title is report.title, else cycle.name.
	Title string
	// Cycle is cycle.name; Period is cycle.period ("2024") and PeriodWord
	// the same in a sentence ("2024年").
	Cycle      string
	Period     string
	PeriodWord string
	// AsOf is when the data is as of, in the cycle's time zone; Date is its
	// day written as in a document: "2025年3月20日".
	AsOf time.Time
	Date string
	// Changes are the lines saying what changed since the previous draft.
	Changes []string
}

// Build renders the template file at path with d, in every format. A
// template that cannot be parsed or run is an error naming the file, the
// line and the action (text/template's message, prefixed with the path).
func Build(path string, d Data) (*Draft, error) {
	text, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read report template: %w", err)
	}
	return build(path, filepath.Base(path), string(text), d)
}

// buildFrom is Build with the template given as text; name stands for its
// file in errors.
func buildFrom(name, text string, d Data) (*Draft, error) {
	return build(name, filepath.Base(name), text, d)
}

func build(path, name, text string, d Data) (*Draft, error) {
	if d.Config == nil {
		return nil, errors.New("build draft: no configuration")
	}
	md, err := render(path, name, text, d)
	if err != nil {
		return nil, err
	}
	page := newPage(d)
	doc := parseMarkdown([]byte(md))
	html, err := renderHTML(doc, page)
	if err != nil {
		return nil, fmt.Errorf("build draft as HTML: %w", err)
	}
	docx, err := renderDOCX(doc, page)
	if err != nil {
		return nil, fmt.Errorf("build draft as Word document: %w", err)
	}
	// The signature's marker (U+2063, invisible) has told the HTML and
	// the Word draft how to lay it out; the Markdown draft is plain text.
	return &Draft{Markdown: strings.ReplaceAll(md, "\u2063", ""), HTML: html, DOCX: docx}, nil
}

// render runs the template into Markdown.
func render(path, name, text string, d Data) (string, error) {
	c := newCatalogue(d)
	t, err := template.New(name).Option("missingkey=error").Funcs(c.funcs()).Parse(text)
	if err != nil {
		return "", fmt.Errorf("report template %s: %w", path, err)
	}
	if err := checkConditions(path, text, t); err != nil {
		return "", fmt.Errorf("report template %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, newPage(d)); err != nil {
		return "", fmt.Errorf("report template %s: %w", path, err)
	}
	md := b.String()
	if c.marks != nil {
		md = dedupeMarks(md)
		if list := c.doubtList(); list != "" {
			md = strings.TrimRight(md, "\n") + list
		}
	}
	return md, nil
}

func newPage(d Data) Page {
	cfg := d.Config
	asOf := d.AsOf
	if loc := cfg.Cycle.Location; loc != nil && !asOf.IsZero() {
		asOf = asOf.In(loc)
	}
	p := Page{
		Title:      cfg.ReportTitle(),
		Cycle:      cfg.Cycle.Name,
		Period:     cfg.Cycle.Period,
		PeriodWord: periodWord(cfg.Cycle.Period),
		AsOf:       asOf,
		Changes:    d.Changes,
	}
	if !asOf.IsZero() {
		p.Date = asOf.Format("2006年1月2日")
	}
	return p
}
