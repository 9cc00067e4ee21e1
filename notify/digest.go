package notify

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	"strconv"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"
)

// Digest is the coordinators' digest as it reads: the caller decides what it
// says, Text and HTML lay the same words out from one pair of templates
// (templates/digest.txt.tmpl and templates/digest.html.tmpl).
type Digest struct {
	// Subject is the mail's subject, also the HTML page's title.
	Subject string
	// Title is the first line: the cycle and when the data is as of.
	Title string
	// Sections are numbered as they come (一、二、…); a section with
	// nothing to say is left out by the caller.
	Sections []DigestSection
}

// DigestSection is one numbered part of a digest. Its Lines come first,
// then its Items, then its Groups; a section usually has one of the three.
type DigestSection struct {
	Title  string
	Lines  []string
	Items  []DigestItem
	Groups []DigestGroup
}

// DigestItem is one numbered entry (a flag) with the cells it points to.
type DigestItem struct {
	Text  string
	Cells []string
}

// DigestGroup is a labelled list: "新问题：" and the new problems.
type DigestGroup struct {
	Word  string
	Items []string
}

//go:embed templates/digest.txt.tmpl templates/digest.html.tmpl templates/digest.md.tmpl
var templates embed.FS

// sectionNumerals number a digest's sections.
var sectionNumerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// numeral is the i-th (from 0) section's number.
func numeral(i int) string {
	if i < len(sectionNumerals) {
		return sectionNumerals[i]
	}
	return strconv.Itoa(i + 1)
}

var templateFuncs = map[string]any{
	"numeral": numeral,
	"inc":     func(i int) int { return i + 1 },
	"md":      markdownText,
}

// maxChatLine is how many characters one line of the digest's chat post
// quotes: a department's answer of pages would otherwise leave no room for
// the sections after it.
const maxChatLine = 300

// markdownPlain are markdown's marks a chat client would act on, and the
// full-width characters that look alike and mean nothing to it.
var markdownPlain = strings.NewReplacer("[", "［", "]", "］", "*", "＊", "#", "＃", ">", "＞", "`", "｀", "<", "＜",
	"\r\n", " ", "\n", " ", "\r", " ")

// markdownText is text that came from a department or a file (an answer, a
// cell, a file name) as one line of a chat post's markdown: its marks made
// harmless (a department's answer must not put a heading or a link into
// the coordinators' group), its line breaks spaces, at most maxChatLine
// characters.
func markdownText(s string) string {
	s = markdownPlain.Replace(s)
	if utf8.RuneCountInString(s) > maxChatLine {
		r := []rune(s)
		s = string(r[:maxChatLine]) + "……"
	}
	return s
}

var (
	digestText = texttemplate.Must(texttemplate.New("digest.txt.tmpl").Funcs(templateFuncs).
			ParseFS(templates, "templates/digest.txt.tmpl"))
	digestMarkdown = texttemplate.Must(texttemplate.New("digest.md.tmpl").Funcs(templateFuncs).
			ParseFS(templates, "templates/digest.md.tmpl"))
	digestHTML = htmltemplate.Must(htmltemplate.New("digest.html.tmpl").Funcs(templateFuncs).
			ParseFS(templates, "templates/digest.html.tmpl"))
)

// Text is the digest as plain text, the mail's text part.
func (d Digest) Text() (string, error) {
	var b bytes.Buffer
	if err := digestText.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// HTML is the digest as an HTML page, the mail's HTML part: the same
// words, with headings and lists.
func (d Digest) HTML() (string, error) {
	var b bytes.Buffer
	if err := digestHTML.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Markdown is the digest as the text of a chat post: the same words, with
// bold headings and lists, and no indentation (which markdown would read
// as code).
func (d Digest) Markdown() (string, error) {
	var b bytes.Buffer
	if err := digestMarkdown.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}
