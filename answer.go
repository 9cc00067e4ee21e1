package sheaf

// AnswerState is where a department's answer to one of its flags stands.
type AnswerState string

// Answer states: the coordinator has yet to look (pending, shown as
// 待确认), accepted it (the flag is accepted with its note), or rejected it
// with a note the department reads on its page. A withdrawn answer was
// replaced by the department's newer one.
const (
	AnswerPending   AnswerState = "pending"
	AnswerAccepted  AnswerState = "accepted"
	AnswerRejected  AnswerState = "rejected"
	AnswerWithdrawn AnswerState = "withdrawn"
)

// Word names an answer's state for people.
func (s AnswerState) Word() string {
	if w, ok := answerStateWords[s]; ok {
		return w
	}
	return string(s)
}
