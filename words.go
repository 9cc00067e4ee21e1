package sheaf

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
		"digest": "摘要",
		"draft":  "报告初稿",
	}
	triggerWords = map[string]string{
		"cron": "定时",
		"cli":  "命令行",
		"web":  "网页",
	}
	mailKindWords = map[string]string{
		MailReminder: "催报提醒",
		MailOverdue:  "逾期通知",
		MailDigest:   "摘要",
		MailDraft:    "报告初稿",
		MailTest:     "测试邮件",
	}
	outboxStateWords = map[string]string{
		OutboxQueued: "排队中",
		OutboxSent:   "已发送",
		OutboxFailed: "发送失败",
		"cancelled":  "已取消",
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
		SheetHidden:   "隐藏",
		SheetExcluded: "排除",
		SheetNoTable:  "无表格",
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
