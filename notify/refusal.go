package notify

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"

	"github.com/sheaf-dev/sheaf"

	"github.com/wneessen/go-mail"
)

// PermanentError is a delivery the server refused for good, with a 5xx
// reply: sending again cannot help, so the message fails at once.
type PermanentError struct {
	// Reason says in Chinese what was refused, with the server's reply.
	Reason string
	Err    error
}

// Error is the reason, in Chinese.
func (e *PermanentError) Error() string { return e.Reason }

// Unwrap is the server's reply.
func (e *PermanentError) Unwrap() error { return e.Err }

// PartialDelivery is what Send returns when the server accepted the
// message for some of its recipients and refused it for the others: the
// message is delivered (to those accepted), and Refused says who did not
// get it and why.
type PartialDelivery struct {
	Refused []sheaf.RefusedRecipient
}

// Error lists the refused addresses.
func (e *PartialDelivery) Error() string {
	parts := make([]string, len(e.Refused))
	for i, r := range e.Refused {
		parts[i] = r.Address + "（" + r.Reason + "）"
	}
	return "部分收件人被拒收：" + strings.Join(parts, "；")
}

// IsPermanent reports whether err is a refusal that retrying cannot
// change: a PermanentError, a 5xx reply, or a go-mail SendError that is
// not temporary.
func IsPermanent(err error) bool {
	var pe *PermanentError
	if errors.As(err, &pe) {
		return true
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		return !se.IsTemp() && se.ErrorCode() >= 500
	}
	return replyCode(err) >= 500
}

// replyCode is the SMTP reply code in err, 0 when err is not a reply
// (a broken connection, a timeout).
func replyCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// refusal describes a server's refusal in Chinese: what was refused, then
// the reply ("收件地址被拒收（550 5.1.1 no such user）"). A permanent (5xx)
// refusal is a PermanentError; an error that is no reply is returned as it is.
func refusal(what string, err error) error {
	code := replyCode(err)
	if code == 0 {
		return err // no reply: the connection failed, which what does not describe
	}
	var te *textproto.Error
	errors.As(err, &te)
	reason := fmt.Sprintf("%s（%d %s）", what, te.Code, strings.TrimSpace(te.Msg))
	if code >= 500 {
		return &PermanentError{Reason: reason, Err: err}
	}
	return fmt.Errorf("%s（%d %s，稍后重试）: %w", what, te.Code, strings.TrimSpace(te.Msg), err)
}
