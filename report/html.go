package report

import (
	"bytes"
	_ "embed"
	"html/template"
)

// Font stacks after GB/T 9704 (党政机关公文格式): the fonts Chinese government
// documents name first, then what Windows, macOS and Linux (Noto CJK) have.
const (
	fontTitle    = `"方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", STZhongsong, SimSun, "宋体", "Noto Serif CJK SC", "Source Han Serif SC", serif`
	fontHeiti    = `"黑体", SimHei, "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif`
	fontKaiti    = `"楷体_GB2312", "楷体", KaiTi, STKaiti, "Noto Serif CJK SC", "Source Han Serif SC", serif`
	fontFangsong = `"仿宋_GB2312", "仿宋", FangSong, STFangsong, "Noto Serif CJK SC", "Source Han Serif SC", serif`
)

// pageCSS lays the page out like the printed document: A4 text width (210 mm
// less the 28 mm and 26 mm margins), body text in 仿宋 三号 (16pt) indented
// two characters, the title in 小标宋 二号 (22pt), first-level headings in
// 黑体 and second-level ones in 楷体, both 三号.
var pageCSS = template.CSS(`
body { margin: 0; padding: 2em 1em; background: #f4f4f4; color: #000; }
.draft-note { max-width: 156mm; margin: 0 auto 1.5em; padding: .8em 1.2em; background: #fffbe6; border: 1px solid #e6d98c; font-family: ` + fontHeiti + `; font-size: 11pt; line-height: 1.6; }
.draft-note p { margin: .2em 0; }
.draft-note ul { margin: .4em 0; padding-left: 1.5em; }
.report { max-width: 156mm; margin: 0 auto; padding: 37mm 26mm 35mm 28mm; background: #fff; box-shadow: 0 0 4px rgba(0,0,0,.15); font-family: ` + fontFangsong + `; font-size: 16pt; line-height: 28.95pt; text-align: justify; }
.report h1 { font-family: ` + fontTitle + `; font-size: 22pt; font-weight: normal; line-height: 1.5; text-align: center; margin: 0 0 28.95pt; }
.report h2 { font-family: ` + fontHeiti + `; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0; }
.report h3 { font-family: ` + fontKaiti + `; font-size: 16pt; font-weight: normal; text-indent: 2em; margin: 0; }
.report h4, .report h5, .report h6 { font-family: ` + fontFangsong + `; font-size: 16pt; font-weight: bold; text-indent: 2em; margin: 0; }
.report p { text-indent: 2em; margin: 0; }
.report ul, .report ol { margin: 0; padding-left: 2em; }
.report blockquote { font-family: ` + fontKaiti + `; margin: 0 2em; }
.report table { border-collapse: collapse; margin: .5em auto; font-size: 12pt; line-height: 1.5; }
.report th, .report td { border: 1px solid #000; padding: 2pt 6pt; }
.report th { font-family: ` + fontHeiti + `; font-weight: normal; }
.report td p, .report th p { text-indent: 0; }
.report p.signature { text-indent: 0; text-align: right; padding-right: 2em; }
.report p.signature + p.signature { padding-right: 0; }
mark { background: #ffeb3b; color: inherit; }
@media screen and (max-width: 220mm) {
  body { padding: 0; }
  .draft-note, .report { max-width: none; margin: 0; }
  .report { padding: 1.5em; box-shadow: none; }
}
@media print {
  body { background: none; padding: 0; }
  .draft-note { display: none; }
  .report { max-width: none; padding: 0; box-shadow: none; }
  @page { size: A4; margin: 37mm 26mm 35mm 28mm; }
}
`)

// pageTemplate is the draft's HTML page, also the draft mail's HTML part:
// the note above the report (what changed since the previous draft), then
// the report.
//
//go:embed page.html.tmpl
var pageSource string

var pageTemplate = template.Must(template.New("page").Parse(pageSource))

// renderHTML writes the document as a complete HTML page.
func renderHTML(doc document, page Page) (string, error) {
	body, err := htmlBody(doc)
	if err != nil {
		return "", err
	}
	// The signature function's paragraphs, after GB/T 9704: right-aligned.
	body = bytes.ReplaceAll(body, []byte("<p>\u2063"), []byte(`<p class="signature">`))
	var b bytes.Buffer
	err = pageTemplate.Execute(&b, struct {
		Page Page
		CSS  template.CSS
		Body template.HTML
	}{page, pageCSS, template.HTML(body)}) // goldmark escapes text and omits raw HTML
	if err != nil {
		return "", err
	}
	return b.String(), nil
}
