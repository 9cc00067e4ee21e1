package report

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gomutex/godocx/docx"
	"github.com/yuin/goldmark/ast"
)

// Page numbers after GB/T 9704 §7.5: "— 1 —" in 宋体 四号 (14pt, w:sz 28)
// under the text, on odd pages at the right, on even pages at the left,
// each one character in from the edge of the text.
const (
	footerOdd  = "word/footer1.xml"
	footerEven = "word/footer2.xml"
	relFooter  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
	typeFooter = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
	// bodyCharSpacing makes 28 characters of 三号 (16pt) a line: the text
	// is 8845 twips wide, 315.9 twips (15.79pt) a character, so each is
	// drawn 0.2pt closer, in twentieths of a point.
	bodyCharSpacing = -4
)

// footerXML is a footer holding the page number, aligned jc.
func footerXML(jc, ind string) []byte {
	run := func(inner string) string {
		return `<w:r><w:rPr><w:rFonts w:ascii="宋体" w:eastAsia="宋体" w:hAnsi="宋体" w:hint="eastAsia"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr>` + inner + `</w:r>`
	}
	return []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<w:p><w:pPr><w:jc w:val="` + jc + `"/><w:ind ` + ind + `/></w:pPr>` +
		run(`<w:t xml:space="preserve">— </w:t>`) +
		run(`<w:fldChar w:fldCharType="begin"/>`) + run(`<w:instrText xml:space="preserve"> PAGE </w:instrText>`) +
		run(`<w:fldChar w:fldCharType="separate"/>`) + run(`<w:t>1</w:t>`) + run(`<w:fldChar w:fldCharType="end"/>`) +
		run(`<w:t xml:space="preserve"> —</w:t>`) +
		`</w:p></w:ftr>`)
}

// addFooters adds the two footers to the package; the section refers to
// them once the document is written (see finishDOCX).
func addFooters(rd *docx.RootDoc) {
	rd.FileMap.Store(footerOdd, footerXML("right", `w:right="280" w:rightChars="100"`))
	rd.FileMap.Store(footerEven, footerXML("left", `w:left="280" w:leftChars="100"`))
	rd.Document.DocRels.Relationships = append(rd.Document.DocRels.Relationships,
		&docx.Relationship{ID: "rIdSheafFooterOdd", Type: relFooter, Target: "footer1.xml"},
		&docx.Relationship{ID: "rIdSheafFooterEven", Type: relFooter, Target: "footer2.xml"})
	rd.ContentType.Override = append(rd.ContentType.Override,
		docx.Override{PartName: "/" + footerOdd, ContentType: typeFooter},
		docx.Override{PartName: "/" + footerEven, ContentType: typeFooter})
	if v, ok := rd.FileMap.Load("word/settings.xml"); ok {
		s := string(v.([]byte))
		// w:evenAndOddHeaders stands before w:characterSpacingControl in
		// CT_Settings; Word rejects settings out of order.
		if i := strings.Index(s, "<w:characterSpacingControl"); i >= 0 && !strings.Contains(s, "evenAndOddHeaders") {
			s = s[:i] + "<w:evenAndOddHeaders/>" + s[i:]
			rd.FileMap.Store("word/settings.xml", []byte(s))
		}
	}
}

// finishDOCX puts the footer references first in the section properties
// (godocx holds one footer reference; the document needs two).
func finishDOCX(b []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if f.Name == "word/document.xml" {
			s := string(data)
			i := strings.LastIndex(s, "<w:sectPr")
			if i < 0 {
				return nil, fmt.Errorf("the document has no section properties")
			}
			j := i + strings.Index(s[i:], ">") + 1
			s = s[:j] + `<w:footerReference w:type="default" r:id="rIdSheafFooterOdd"/><w:footerReference w:type="even" r:id="rIdSheafFooterEven"/>` + s[j:]
			data = []byte(s)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// signatureMark opens the two paragraphs the signature function writes,
// the 发文机关署名 and the 成文日期, so that the Word document places them as
// GB/T 9704-2012 §7.3.5.2 says. It is invisible (U+2063).
const signatureMark = '\u2063'

// signature writes the 发文机关署名 and the 成文日期 as two paragraphs.
func signature(name, date string) string {
	return "\n\n" + string(signatureMark) + escapeMarkdown(oneLine(name)) + "\n\n" + string(signatureMark) + escapeMarkdown(oneLine(date)) + "\n\n"
}

// signatureIndents are the right indents, in characters, of the 署名 and
// the date (GB/T 9704-2012 §7.3.5.2, unsealed): the 署名 右空二字, the date
// on the next line, its first character two to the right of the 署名's; a
// date longer than the 署名 右空二字, and the 署名 moves left to keep the
// two characters.
func signatureIndents(name, date string) (nameRight, dateRight float64) {
	s, d := setWidth(name), setWidth(date)
	if d > s {
		return 4 + d - s, 2
	}
	return 2, s - d
}

// setWidth is how many characters wide a text is set: a digit or Latin
// letter is half a Chinese character.
func setWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r == signatureMark {
			continue
		}
		if r < 0x80 {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}

// isSignature reports whether n is a paragraph the signature function
// wrote.
func (w *docxWriter) isSignature(n ast.Node) bool {
	if _, ok := n.(*ast.Paragraph); !ok {
		return false
	}
	r, ok := w.firstRune(n)
	return ok && r == signatureMark
}

// plain is the text of a paragraph without its signature mark.
func (w *docxWriter) plain(n ast.Node) string {
	var pieces []piece
	w.inlines(n, piece{}, &pieces)
	var b strings.Builder
	for _, p := range pieces {
		b.WriteString(p.text)
	}
	return strings.TrimLeft(b.String(), string(signatureMark))
}
