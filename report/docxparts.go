package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gomutex/godocx/docx"
)

// fallbackFonts are the fonts GB/T 9704 names, each with the font a machine
// without it most likely has (w:altName), and the GB2312 character set, so
// that Word, WPS and LibreOffice substitute a Chinese font of the same kind
// instead of a Latin one.
var fallbackFonts = []struct{ name, alt, family string }{
	{docxTitleFont, "宋体", "roman"},
	{docxHeiti, "SimHei", "modern"},
	{docxKaiti, "楷体", "modern"},
	{docxFangsong, "仿宋", "modern"},
}

// packageParts replaces the parts of godocx's template package that do not
// fit a draft: its core properties (title, author), its thumbnail (a
// picture of another document), its Word 2010 copy of the styles (which
// Word 2010 would read instead of the GB/T 9704 styles), and a font table
// without the Chinese fonts.
func packageParts(rd *docx.RootDoc, page Page) error {
	rd.FileMap.Store("docProps/core.xml", coreProperties(page))

	rd.FileMap.Delete("docProps/thumbnail.jpeg")
	rd.RootRels.Relationships = slices.DeleteFunc(rd.RootRels.Relationships, func(r *docx.Relationship) bool {
		return strings.HasSuffix(r.Type, "/metadata/thumbnail")
	})

	rd.FileMap.Delete("word/stylesWithEffects.xml")
	rd.Document.DocRels.Relationships = slices.DeleteFunc(rd.Document.DocRels.Relationships, func(r *docx.Relationship) bool {
		return strings.HasSuffix(r.Type, "/stylesWithEffects")
	})
	rd.ContentType.Override = slices.DeleteFunc(rd.ContentType.Override, func(o docx.Override) bool {
		return o.PartName == "/word/stylesWithEffects.xml"
	})

	v, ok := rd.FileMap.Load("word/fontTable.xml")
	if !ok {
		return fmt.Errorf("the document template has no font table")
	}
	table := v.([]byte)
	i := bytes.LastIndex(table, []byte("</w:fonts>"))
	if i < 0 {
		return fmt.Errorf("the document template's font table is not a w:fonts element")
	}
	var b bytes.Buffer
	b.Write(table[:i])
	for _, f := range fallbackFonts {
		fmt.Fprintf(&b, `<w:font w:name="%s"><w:altName w:val="%s"/><w:charset w:val="86"/><w:family w:val="%s"/><w:pitch w:val="variable"/></w:font>`,
			xmlText(f.name), xmlText(f.alt), f.family)
	}
	b.Write(table[i:])
	rd.FileMap.Store("word/fontTable.xml", b.Bytes())
	return nil
}

// coreProperties is docProps/core.xml: the draft's title, written by sheaf
// at the time the data is as of (so that one sync's drafts are the same
// bytes).
func coreProperties(page Page) []byte {
	at := page.AsOf
	if at.IsZero() {
		at = time.Unix(0, 0)
	}
	stamp := at.UTC().Format("2006-01-02T15:04:05Z")
	return []byte(xml.Header + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + xmlText(page.Title) + `</dc:title>` +
		`<dc:subject>初稿</dc:subject>` +
		`<dc:creator>sheaf</dc:creator>` +
		`<cp:lastModifiedBy>sheaf</cp:lastModifiedBy>` +
		`<cp:revision>1</cp:revision>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">` + stamp + `</dcterms:modified>` +
		`</cp:coreProperties>`)
}

// xmlText escapes s for XML text and attribute values.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
