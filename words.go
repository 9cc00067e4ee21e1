package sheaf

import (
	"fmt"
	"strings"
	"time"
)

// The Chinese words people read for the vocabulary: the one table that the
// digest, the draft and its annex, and every other place that names a
// kind, a status, a severity or a state for people, look words up in.
var (
	kindWords = map[Kind]string{
		KindMissing:     "未报送",
		KindConflict:    "数值不一致",
		KindRule:        "规则不符",
		KindInvalid:     "无法识别",
		KindUnknown:     "未识别的行",
		KindApproximate: "约数待核实",
		KindFile:        "文件无法读取",
		KindUnit:        "单位换算存疑",
		KindRange:       "超出合理范围",
		KindVersion:     "版本不一致",
		KindLayout:      "表格位置变动",
	}
	statusWords = map[Status]string{
		StatusOK:          "正常",
		StatusMissing:     "缺报",
		StatusConflict:    "数值不一致",
		StatusApproximate: "约数",
		StatusInvalid:     "无法识别",
		StatusFailing:     "校验不通过",
		StatusUnverified:  "未经责任单位核实",
		StatusAccepted:    "已说明",
		StatusDoubtful:    "存疑",
	}
	severityWords = map[Severity]string{
		SeverityError:   "错误",
		SeverityWarning: "警告",
		SeverityInfo:    "提示",
	}
	stateWords = map[FlagState]string{
		FlagOpen:     "待处理",
		FlagAccepted: "已说明",
		FlagResolved: "已解决",
		FlagObsolete: "已失效",
	}
	runWords = map[RunOutcome]string{
		RunRunning:     "运行中",
		RunOK:          "成功",
		RunFailed:      "失败",
		RunInterrupted: "中断",
		RunPartial:     "部分失败",
	}
)

// Word names a flag's kind for people: "未报送", "规则不符"; an unknown
// kind is written as it is.
func (k Kind) Word() string { return word(kindWords, k) }

// Word names a figure's status for people: "正常", "缺报".
func (s Status) Word() string { return word(statusWords, s) }

// Word names a flag's severity for people: "错误", "警告", "提示".
func (s Severity) Word() string { return word(severityWords, s) }

// Word names a flag's state for people: "待处理", "已说明".
func (s FlagState) Word() string { return word(stateWords, s) }

// Word names how a run ended for people: "成功", "部分失败", "中断".
func (o RunOutcome) Word() string { return word(runWords, o) }

// word looks k up in words, falling back to k itself.
func word[K ~string](words map[K]string, k K) string {
	if w, ok := words[k]; ok {
		return w
	}
	return string(k)
}

// The words for jobs, their runs and triggers, mail and the files a sync
// lists, for the command line as for the pages and the mails.
var (
	jobWords = map[string]string{
		"sync":   "同步",
		"remind": "催报",
		"digest": "汇总邮件",
		"draft":  "起草报告",
	}
	triggerWords = map[string]string{
		"web":      "网页",
		"cli":      "命令行",
		"cron":     "定时",
		"catch-up": "补跑",
		"test":     "测试",
	}
	mailKindWords = map[string]string{
		MailReminder: "催报提醒",
		MailOverdue:  "逾期通知",
		MailDigest:   "汇总邮件",
		MailDraft:    "报告初稿",
		MailTest:     "测试邮件",
	}
	outboxStateWords = map[string]string{
		OutboxQueued:    "排队中",
		OutboxSent:      "已发送",
		OutboxFailed:    "发送失败",
		OutboxCancelled: "已取消",
	}
	entryOutcomeWords = map[string]string{
		"read":      "已读取",
		"unchanged": "未变化",
		"deferred":  "稍后读取",
		"duplicate": "重复文件",
		"failed":    "无法读取",
		"ignored":   "略过",
		"excluded":  "已排除",
		"source":    "来源无法列出",
	}
	sheetOutcomeWords = map[string]string{
		SheetRead:         "已读取",
		SheetHidden:       "隐藏",
		SheetExcluded:     "排除",
		SheetEmpty:        "空白",
		SheetNotes:        "只有说明文字",
		SheetNoTable:      "无表格",
		SheetNotWorksheet: "非工作表",
		SheetUnreadable:   "无法读取",
	}
	// mailErrorWords explain, in order, what a mail error's text means;
	// the first whose any fragment the text contains (lower-cased) wins.
	mailErrorWords = []struct {
		fragments []string
		words     string
	}{
		{[]string{"connection refused"}, "邮件服务器拒绝连接：服务器没有运行，或地址、端口（mail.smtp）写错了。"},
		{[]string{"no such host", "server misbehaving"}, "找不到邮件服务器：服务器名称（mail.smtp）写错了，或本机连不上域名服务。"},
		{[]string{"timeout", "deadline exceeded"}, "连接邮件服务器超时：网络不通或被防火墙拦截。"},
		{[]string{"network is unreachable", "no route to host"}, "网络不通，连不上邮件服务器。"},
		{[]string{"x509", "certificate", "tls"}, "与邮件服务器建立加密连接失败（证书或加密设置有误）。"},
		{[]string{"535", "auth", "password", "credentials"}, "邮件服务器不接受用户名或密码。"},
		{[]string{"550", "551", "553", "mailbox", "recipient", "user unknown"}, "收件地址被退回：地址有误或不存在。"},
		{[]string{"552", "too large", "size"}, "邮件过大，邮件服务器拒收。"},
		{[]string{"421", "450", "451", "452", "try again"}, "邮件服务器暂时无法接收，稍后会自动重试。"},
		{[]string{"expired", "expires"}, "已过期：截止时间已过，不再发送。"},
	}
)

// JobWord names a job for people: "同步", "催报", "摘要", "报告初稿".
func JobWord(job string) string { return word(jobWords, job) }

// TriggerWord names what started a run: "定时", "命令行", "网页".
func TriggerWord(trigger string) string { return word(triggerWords, trigger) }

// MailKindWord names a kind of mail (MailReminder…): "催报提醒", "逾期通知".
func MailKindWord(kind string) string { return word(mailKindWords, kind) }

// OutboxStateWord names a message's state in the outbox: "排队中", "已发送".
func OutboxStateWord(state string) string { return word(outboxStateWords, state) }

// EntryOutcomeWord names what a sync did with an entry of a source:
// "已读取", "无法读取", "不读取".
func EntryOutcomeWord(outcome string) string { return word(entryOutcomeWords, outcome) }

// SheetOutcomeWord names why a sheet was not read: "隐藏工作表".
func SheetOutcomeWord(outcome string) string { return word(sheetOutcomeWords, outcome) }

// ruleStateWords are the words for a rule's outcome (reconcile's RulePass…).
var ruleStateWords = map[string]string{
	"pass":       "通过",
	"fail":       "不通过",
	"incomplete": "数据不全",
	"error":      "无法计算",
}

// RuleStateWord names a rule's outcome: "通过", "不通过", "数据不全".
func RuleStateWord(state string) string { return word(ruleStateWords, state) }

// MailErrorWord explains a mail error's technical text in a sentence;
// text it does not recognise gets a general one. The technical text itself
// is for whoever runs the server, shown beside it.
func MailErrorWord(text string) string {
	if text == "" {
		return ""
	}
	low := strings.ToLower(text)
	for _, e := range mailErrorWords {
		for _, f := range e.fragments {
			if strings.Contains(low, f) {
				return e.words
			}
		}
	}
	return "发送失败，原因见技术信息。"
}

// DurationWord writes a duration for people: "1分20秒", "2小时5分",
// "不到1秒"; seconds are dropped beyond an hour.
func DurationWord(d time.Duration) string {
	if d < time.Second {
		return "不到1秒"
	}
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%d小时", h)
		if m > 0 {
			fmt.Fprintf(&b, "%d分", m)
		}
		return b.String()
	}
	if m > 0 {
		fmt.Fprintf(&b, "%d分", m)
	}
	if s > 0 || m == 0 {
		fmt.Fprintf(&b, "%d秒", s)
	}
	return b.String()
}

// The words of the departments' pages and their answers to flags.
var (
	answerStateWords = map[AnswerState]string{
		AnswerPending:   "待确认",
		AnswerAccepted:  "已接受",
		AnswerRejected:  "已退回",
		AnswerWithdrawn: "已撤回",
	}
)

// AnswerCorrected is the answer of a department that has corrected its
// file: the coordinator should sync again.
const AnswerCorrected = "已更正，请重新同步"

// FileStateWord names a file's state (files.state) for people.
func FileStateWord(state string) string {
	switch state {
	case "new":
		return "待读取"
	case "read":
		return "已读取"
	case "failed":
		return "无法读取"
	case "duplicate":
		return "与其他文件重复"
	case "deferred":
		return "暂缓读取"
	}
	return state
}
