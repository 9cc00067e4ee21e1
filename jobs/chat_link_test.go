package jobs

import (
	"strings"
	"testing"
)

// A chat post gives the department page's link once: the notice's own link
// line is left out of its text, as the post ends with the link.
func TestChatTextLeavesOutTheLinkLine(t *testing.T) {
	text := "请补报：\n1. 学校总数\n\n" + linkLine + "https://sheaf.example.org/d/edu?t=x\n\n（本邮件由 sheaf 自动生成。）\n"
	got := chatText(text)
	if strings.Contains(got, "https://") || strings.Contains(got, "\n\n\n") || !strings.Contains(got, "本消息") {
		t.Errorf("chat text:\n%q", got)
	}
}
