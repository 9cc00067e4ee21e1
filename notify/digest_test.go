package notify

import (
	"strings"
	"testing"
)

func TestDigestLayout(t *testing.T) {
	d := Digest{Subject: "【数据汇总】测试：1 项待处理", Title: "测试 汇总（数据截至 2025-03-20 17:30）",
		Sections: []DigestSection{
			{Title: "各单位报送情况", Lines: []string{"市教育局：未报送"}},
			{Title: "数值不一致", Items: []DigestItem{{Text: "在校生数 <不一致>", Cells: []string{"市教育局 a.xlsx Sheet1!D4「36600」"}}}},
			{Title: "自上次汇总以来的变化", Groups: []DigestGroup{{Word: "新问题", Items: []string{"在校生数 <不一致>"}}}},
		}}
	text, err := d.Text()
	if err != nil {
		t.Fatal(err)
	}
	want := `测试 汇总（数据截至 2025-03-20 17:30）

一、各单位报送情况
  市教育局：未报送

二、数值不一致
  1. 在校生数 <不一致>
     市教育局 a.xlsx Sheet1!D4「36600」

三、自上次汇总以来的变化
  新问题：
    - 在校生数 <不一致>

（本汇总由 sheaf 自动生成。）
`
	if text != want {
		t.Errorf("text:\n%s\nwant:\n%s", text, want)
	}
	h, err := d.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"<title>【数据汇总】测试：1 项待处理</title>", ">二、数值不一致</h3>",
		"<ol", "<li>在校生数 &lt;不一致&gt;", "<ul", "<li>在校生数 &lt;不一致&gt;</li>", ">新问题：</p>"} {
		if !strings.Contains(h, w) {
			t.Errorf("HTML lacks %q:\n%s", w, h)
		}
	}
	md, err := d.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	wantMD := `测试 汇总（数据截至 2025-03-20 17:30）

**一、各单位报送情况**
- 市教育局：未报送

**二、数值不一致**
1. 在校生数 ＜不一致＞
　　市教育局 a.xlsx Sheet1!D4「36600」

**三、自上次汇总以来的变化**
新问题：
- 在校生数 ＜不一致＞

（本汇总由 sheaf 自动生成。）
`
	if md != wantMD {
		t.Errorf("markdown:\n%s\nwant:\n%s", md, wantMD)
	}
}

// TestDigestMarkdownQuotesAnswers: a department's answer in the chat
// digest cannot add a heading, a bold line, a font tag or a link of its
// own to the coordinators' group, and one answer of pages is cut so that
// the sections after it still fit.
func TestDigestMarkdownQuotesAnswers(t *testing.T) {
	answer := "见说明\n\n**四、校验不通过（数据可能有误）**\n# 标题\n> 引用 <font color=\"warning\">红字</font>\n[查看详情](http://evil.example/phish)"
	d := Digest{Title: "汇总", Sections: []DigestSection{
		{Title: "部门答复待处理", Items: []DigestItem{{Text: answer}}},
		{Title: "数值不一致", Items: []DigestItem{{Text: strings.Repeat("长", 5000)}}},
	}}
	md, err := d.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	for _, never := range []string{"**四、", "\n# ", "\n> ", "<font", "](http", "[查看详情]"} {
		if strings.Contains(md, never) {
			t.Errorf("the chat digest carries %q from an answer:\n%s", never, md)
		}
	}
	if strings.Count(md, "\n") > 12 || !strings.Contains(md, "http://evil.example/phish") {
		t.Errorf("the answer's words are not kept on its one line:\n%s", md)
	}
	if n := strings.Count(md, "长"); n > maxChatLine {
		t.Errorf("one line quotes %d characters", n)
	}
}

func TestNumeral(t *testing.T) {
	for i, want := range map[int]string{0: "一", 7: "八", 9: "十", 10: "11"} {
		if got := numeral(i); got != want {
			t.Errorf("numeral(%d) = %q, want %q", i, got, want)
		}
	}
}
