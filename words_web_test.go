package sheaf

import (
	"testing"
	"time"
)

func TestDurationWord(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "不到1秒"},
		{400 * time.Millisecond, "不到1秒"},
		{time.Second, "1秒"},
		{80 * time.Second, "1分20秒"},
		{3 * time.Minute, "3分"},
		{2*time.Hour + 5*time.Minute + 9*time.Second, "2小时5分"},
		{time.Hour, "1小时"},
	}
	for _, tt := range tests {
		if got := DurationWord(tt.d); got != tt.want {
			t.Errorf("DurationWord(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestMailErrorWord(t *testing.T) {
	tests := []struct{ text, want string }{
		{"send: dial tcp 127.0.0.1:2525: connect: connection refused", "邮件服务器拒绝连接：服务器没有运行，或地址、端口（mail.smtp）写错了。"},
		{"dial tcp: lookup smtp.nowhere.example: no such host", "找不到邮件服务器：服务器名称（mail.smtp）写错了，或本机连不上域名服务。"},
		{"535 5.7.8 Authentication failed", "邮件服务器不接受用户名或密码。"},
		{"550 5.1.1 <x@y>: Recipient address rejected", "收件地址被退回：地址有误或不存在。"},
		{"something new", "发送失败，原因见技术信息。"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MailErrorWord(tt.text); got != tt.want {
			t.Errorf("MailErrorWord(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPageWords(t *testing.T) {
	for _, w := range []struct{ got, want string }{
		{JobWord("sync"), "同步"}, {JobWord("remind"), "催报"}, {JobWord("digest"), "汇总邮件"}, {JobWord("draft"), "起草报告"},
		{TriggerWord("web"), "网页"}, {TriggerWord("cli"), "命令行"}, {TriggerWord("cron"), "定时"},
		{MailKindWord(MailOverdue), "逾期通知"}, {OutboxStateWord(OutboxFailed), "发送失败"},
	} {
		if w.got != w.want {
			t.Errorf("got %q, want %q", w.got, w.want)
		}
	}
}
