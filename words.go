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

// word looks k up in words, falling back to k itself.
func word[K ~string](words map[K]string, k K) string {
	if w, ok := words[k]; ok {
		return w
	}
	return string(k)
}

// outboxStateWords name what became of a message in the outbox.
var outboxStateWords = map[string]string{
	OutboxQueued:    "已排队，尚未发出",
	OutboxSent:      "已发送",
	OutboxFailed:    "发送失败",
	OutboxCancelled: "已取消",
}

// OutboxStateWord names an outbox state for people: "已发送", "已取消".
func OutboxStateWord(state string) string { return word(outboxStateWords, state) }
