package xmlscan

import (
	"encoding/xml"
	"testing"
)

// TestAppendTextMatchesEncodingXML: the scanner decodes character data and
// refuses what encoding/xml refuses.
func TestAppendTextMatchesEncodingXML(t *testing.T) {
	for _, s := range []string{
		"plain", "a&amp;b", "&lt;&gt;&quot;&apos;", "&#20013;&#x6587;&#X41;", "&#x1F600;", "&#xD800;", "&#0;", "&#1;",
		"&#x110000;", "&#;", "&#x;", "&#65", "&lt", "&", "& ", "&nbsp;", "&é;", "a\r\nb\rc\n", "\t tab", "\x01", "\x7f", "\u0085",
		"\xff", "\xed\xa0\x80", "\uFFFE", "\uFFFF", "]]>", "]]", "] ]>", "中文&amp;", "&#13;&#10;", "&#9;", "&#x20;&#32;",
		"&#00000065;", "&#x0041;", "&#99999999999999999999;", "&amp;amp;", "&AMP;",
	} {
		doc := "<a>" + s + "</a>"
		var v struct {
			Text string `xml:",chardata"`
		}
		xerr := xml.Unmarshal([]byte(doc), &v)
		got, msg := appendText(nil, []byte(s), false)
		if (xerr != nil) != (msg != "") {
			t.Errorf("%q: encoding/xml says %v, the scanner %q", s, xerr, msg)
			continue
		}
		if xerr == nil && string(got) != v.Text {
			t.Errorf("%q: decoded %q, encoding/xml %q", s, got, v.Text)
		}
	}
}
