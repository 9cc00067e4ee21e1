package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// wordRun is a run of a Word document as a reader of the XML sees it.
type wordRun struct {
	text, eastAsia, ascii, highlight, size string
	bold                                   bool
}

// wordParagraph is a paragraph of a Word document.
type wordParagraph struct {
	style, jc, firstLineChars string
	inTable                   bool
	runs                      []wordRun
}

func (p wordParagraph) text() string {
	var b strings.Builder
	for _, r := range p.runs {
		b.WriteString(r.text)
	}
	return b.String()
}

// readPart reads one part of a zip package.
func readPart(t *testing.T, pkg []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatalf("the .docx is not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("the package has no %s", name)
	return nil
}

// wordParagraphs reads the paragraphs of word/document.xml.
func wordParagraphs(t *testing.T, doc []byte) []wordParagraph {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var (
		out    []wordParagraph
		p      *wordParagraph
		r      *wordRun
		tables int
		inText bool
	)
	attr := func(e xml.StartElement, name string) string {
		for _, a := range e.Attr {
			if a.Name.Local == name {
				return a.Value
			}
		}
		return ""
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("word/document.xml is not XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "tbl":
				tables++
			case "p":
				out = append(out, wordParagraph{inTable: tables > 0})
				p = &out[len(out)-1]
			case "pStyle":
				p.style = attr(e, "val")
			case "jc":
				if r == nil && p != nil {
					p.jc = attr(e, "val")
				}
			case "ind":
				p.firstLineChars = attr(e, "firstLineChars")
			case "r":
				p.runs = append(p.runs, wordRun{})
				r = &p.runs[len(p.runs)-1]
			case "rFonts":
				if r != nil {
					r.eastAsia, r.ascii = attr(e, "eastAsia"), attr(e, "ascii")
				}
			case "highlight":
				if r != nil {
					r.highlight = attr(e, "val")
				}
			case "sz":
				if r != nil {
					r.size = attr(e, "val")
				}
			case "b":
				if r != nil {
					r.bold = attr(e, "val") != "false" && attr(e, "val") != "0"
				}
			case "t":
				inText = true
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "tbl":
				tables--
			case "r":
				r = nil
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText && r != nil {
				r.text += string(e)
			}
		}
	}
	return out
}

// TestDOCX opens the Word document again and finds what GB/T 9704 asks
// for: the fonts (East Asian ones in w:eastAsia), sizes, the first-line
// indent, the A4 page and its margins, the table, and the marks highlighted.
func TestDOCX(t *testing.T) {
	d, err := Build("testdata/report.md.tmpl", inlineGrouped(fixture(t)))
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	doc := readPart(t, d.DOCX, "word/document.xml")
	paras := wordParagraphs(t, doc)
	find := func(text string) wordParagraph {
		t.Helper()
		for _, p := range paras {
			if strings.Contains(p.text(), text) {
				return p
			}
		}
		t.Fatalf("no paragraph has %q", text)
		return wordParagraph{}
	}

	tests := []struct {
		name, text            string
		style, font, size, jc string
		indented              bool
	}{
		{"title", "尚志市2024年度履行教育职责自评报告", "Title", "方正小标宋简体", "44", "center", false},
		{"first-level heading", "一、基本情况", "Heading1", "黑体", "32", "both", true},
		{"second-level heading", "（一）教育投入", "Heading2", "楷体_GB2312", "32", "both", true},
		{"body", "我市现有各级各类学校44所", "", "仿宋_GB2312", "32", "both", true},
		{"list item", "特殊教育学校师生比未达到1:3.1的省定标准", "", "仿宋_GB2312", "32", "both", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := find(tt.text)
			if p.style != tt.style {
				t.Errorf("style %q, want %q", p.style, tt.style)
			}
			if p.jc != tt.jc {
				t.Errorf("alignment %q, want %q", p.jc, tt.jc)
			}
			if got := p.firstLineChars == "200"; got != tt.indented {
				t.Errorf("first line indented two characters: %v, want %v", got, tt.indented)
			}
			for _, r := range p.runs {
				if r.eastAsia != tt.font || r.ascii != tt.font {
					t.Errorf("run %q: fonts eastAsia=%q ascii=%q, want %q", r.text, r.eastAsia, r.ascii, tt.font)
				}
				if r.size != tt.size {
					t.Errorf("run %q: size %s half-points, want %s", r.text, r.size, tt.size)
				}
			}
		})
	}

	t.Run("marks highlighted", func(t *testing.T) {
		marks := 0
		for _, p := range paras {
			for _, r := range p.runs {
				isMark := strings.HasPrefix(r.text, "【") && strings.HasSuffix(r.text, "】")
				if strings.Contains(r.text, "【") && !isMark {
					t.Errorf("run %q mixes a mark with other text", r.text)
				}
				if isMark != (r.highlight == "yellow") {
					t.Errorf("run %q: highlight %q", r.text, r.highlight)
				}
				if isMark {
					marks++
				}
			}
		}
		if strings.Count(d.Markdown, "【") != marks {
			t.Errorf("%d highlighted marks, want the %d of the Markdown", marks, strings.Count(d.Markdown, "【"))
		}
		p := find("在校生36,614人")
		want := []string{"全市教职工4,141人，在校生36,614人", "【待核实：数值不一致】"}
		var texts []string
		for _, r := range p.runs {
			texts = append(texts, r.text)
		}
		if !strings.Contains(strings.Join(texts, "|"), strings.Join(want, "|")) {
			t.Errorf("runs %q, want %q in a row", texts, want)
		}
	})

	t.Run("table", func(t *testing.T) {
		p := find("1:8.84")
		if !p.inTable {
			t.Fatalf("%q is not in a table", p.text())
		}
		if p.jc != "right" {
			t.Errorf("a right-aligned column's cell is aligned %q", p.jc)
		}
		if got := p.text(); got != "1:8.84【待核实：在校生数，数值不一致】" {
			t.Errorf("cell %q", got)
		}
		h := find("项目")
		if !h.inTable || h.runs[0].eastAsia != "黑体" {
			t.Errorf("header cell %+v, want 黑体 in a table", h)
		}
	})

	t.Run("page", func(t *testing.T) {
		s := string(doc)
		for _, want := range []string{
			`<w:pgSz w:w="11906" w:h="16838"`,
			`w:left="1587"`, `w:right="1474"`, `w:top="2098"`, `w:bottom="1984"`,
		} {
			if !strings.Contains(s, want) {
				t.Errorf("word/document.xml has no %s", want)
			}
		}
	})

	t.Run("styles", func(t *testing.T) {
		s := string(readPart(t, d.DOCX, "word/styles.xml"))
		defaults := s[strings.Index(s, "<w:docDefaults>"):strings.Index(s, "</w:docDefaults>")]
		for _, want := range []string{`w:eastAsia="仿宋_GB2312"`, `w:eastAsia="zh-CN"`, `<w:sz w:val="32">`} {
			if !strings.Contains(defaults, want) {
				t.Errorf("the default run properties have no %s: %s", want, defaults)
			}
		}
		if strings.Contains(defaults, "eastAsiaTheme") {
			t.Errorf("the default East Asian font is still the theme's: %s", defaults)
		}
	})

	t.Run("font table", func(t *testing.T) {
		s := string(readPart(t, d.DOCX, "word/fontTable.xml"))
		for _, want := range []string{`w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>`, `w:name="黑体"><w:altName w:val="SimHei"/>`} {
			if !strings.Contains(s, want) {
				t.Errorf("the font table has no %s", want)
			}
		}
	})

	t.Run("core properties", func(t *testing.T) {
		s := string(readPart(t, d.DOCX, "docProps/core.xml"))
		if !strings.Contains(s, "<dc:title>尚志市2024年度履行教育职责自评报告</dc:title>") {
			t.Errorf("core properties: %s", s)
		}
	})
}

// TestDOCXInlines checks how Markdown's inline elements and lists come
// out in the Word document.
func TestDOCXInlines(t *testing.T) {
	tmpl := "正文有**加粗**和*强调*，\n换行不加空格；Latin\nwords 之间加空格。\n\n" +
		"1. 第一项\n2. 第二项{{fig \"schools.special\"}}\n\n" +
		"- 无序项\n\n" +
		"硬换行  \n下一行\n"
	d, err := buildFrom("inline.md.tmpl", tmpl, inlineGrouped(fixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	paras := wordParagraphs(t, readPart(t, d.DOCX, "word/document.xml"))
	var texts []string
	for _, p := range paras {
		if p.text() != "" {
			texts = append(texts, p.text())
		}
	}
	want := []string{
		"正文有加粗和强调，换行不加空格；Latin words 之间加空格。",
		"1．第一项",
		"2．第二项【缺：特殊教育学校数，市教育局】",
		"无序项",
		"硬换行下一行",
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("paragraphs:\n%s\nwant:\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	var bold []string
	for _, r := range paras[0].runs {
		if r.bold {
			bold = append(bold, r.text)
		}
	}
	if strings.Join(bold, ",") != "加粗" {
		t.Errorf("bold runs %q, want only 加粗", bold)
	}
	if doc := string(readPart(t, d.DOCX, "word/document.xml")); !strings.Contains(doc, "<w:br") {
		t.Error("the hard line break is not a w:br")
	}
}

// TestDOCXPage: page numbers "— N —" in 宋体 四号 at the foot, odd pages
// right and even pages left; a grid of 22 lines of 28 characters; the
// signature and date placed as GB/T 9704-2012 §7.3.5.2 says.
func TestDOCXPage(t *testing.T) {
	d, err := Build("testdata/report.md.tmpl", fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(readPart(t, d.DOCX, "word/document.xml"))
	for _, want := range []string{
		`<w:footerReference w:type="default" r:id="rIdSheafFooterOdd"/><w:footerReference w:type="even" r:id="rIdSheafFooterEven"/>`,
		`w:type="lines" w:linePitch="579"`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %s", want)
		}
	}
	// 28 characters a line: 16pt drawn 0.2pt closer in a 8845-twip text.
	if st := string(readPart(t, d.DOCX, "word/styles.xml")); !strings.Contains(st, `<w:spacing w:val="-4"></w:spacing>`) && !strings.Contains(st, `<w:spacing w:val="-4"/>`) {
		t.Errorf("styles.xml lacks the body's character spacing of -0.2pt:\n%.2000s", st)
	}
	odd, even := string(readPart(t, d.DOCX, "word/footer1.xml")), string(readPart(t, d.DOCX, "word/footer2.xml"))
	for name, part := range map[string]string{"odd": odd, "even": even} {
		for _, want := range []string{`— </w:t>`, ` PAGE </w:instrText>`, ` —</w:t>`, `w:eastAsia="宋体"`, `<w:sz w:val="28"/>`} {
			if !strings.Contains(part, want) {
				t.Errorf("%s footer lacks %s", name, want)
			}
		}
	}
	if !strings.Contains(odd, `<w:jc w:val="right"/>`) || !strings.Contains(even, `<w:jc w:val="left"/>`) {
		t.Errorf("footers not outer side:\n%s\n%s", odd, even)
	}
	if s := string(readPart(t, d.DOCX, "word/settings.xml")); !strings.Contains(s, "<w:evenAndOddHeaders/>") {
		t.Error("settings lack evenAndOddHeaders")
	}
	if s := string(readPart(t, d.DOCX, "word/_rels/document.xml.rels")); !strings.Contains(s, `Target="footer2.xml"`) {
		t.Error("no relationship to the even footer")
	}
	if s := string(readPart(t, d.DOCX, "[Content_Types].xml")); !strings.Contains(s, `/word/footer1.xml`) {
		t.Error("no content type for the footer")
	}
	// 尚志市人民政府 is 7 characters, 2025年3月20日 is 3+3+2 = 6.5 wide: the
	// 署名 右空二字, the date 0.5 characters in, its first character two to
	// the right of the 署名's.
	var sig, date wordParagraph
	for _, p := range wordParagraphs(t, readPart(t, d.DOCX, "word/document.xml")) {
		switch p.text() {
		case "尚志市人民政府":
			sig = p
		case "2025年3月20日":
			date = p
		}
	}
	if sig.jc != "right" || date.jc != "right" {
		t.Errorf("signature %+v, date %+v", sig, date)
	}
	for _, want := range []string{`w:right="640" w:rightChars="200"`, `w:right="160" w:rightChars="50"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks the indent %s", want)
		}
	}
	if n, dr := signatureIndents("尚志市人民政府", "2025年10月20日"); n != 2 || dr != 0 {
		t.Errorf("a date as long as the name: %v %v", n, dr)
	}
	if n, dr := signatureIndents("某局", "2025年10月20日"); n != 9 || dr != 2 {
		t.Errorf("a date longer than the name: %v %v", n, dr)
	}
}
