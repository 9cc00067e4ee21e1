package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/wneessen/go-mail"

	"github.com/sheaf-dev/sheaf/config"
)

// DefaultSMTPTimeout bounds each step of a conversation with the server
// (connecting, each command, the message's data).
const DefaultSMTPTimeout = 30 * time.Second

// SMTP sends messages to a submission server, one connection per message.
type SMTP struct {
	// Host and Port are the server's.
	Host string
	Port int
	// TLS is "none", "starttls" (upgrade after connecting; refused if the
	// server cannot) or "tls" (TLS from the first byte).
	TLS string
	// Username is the login name; no login when empty.
	Username string
	// Timeout bounds each step; DefaultSMTPTimeout when zero.
	Timeout time.Duration
	// TLSConfig, when set, replaces the default (the system's roots,
	// checking Host).
	TLSConfig *tls.Config

	// password is not exported, and String leaves it out, so that neither
	// %v nor a log prints it.
	password string
}

// NewSMTP returns a mailer for the server s, logging in with password
// when s.Username is set.
func NewSMTP(s config.SMTP, password string) *SMTP {
	return &SMTP{Host: s.Host, Port: s.Port, TLS: s.TLS, Username: s.Username, password: password}
}

// String describes the server, without the password. (A value receiver,
// so that printing an SMTP value, not only a pointer, hides it too.)
func (s SMTP) String() string {
	user := ""
	if s.Username != "" {
		user = s.Username + "@"
	}
	return fmt.Sprintf("smtp://%s%s:%d (tls %s)", user, s.Host, s.Port, s.TLS)
}

// GoString is String, so that %#v hides the password too.
func (s SMTP) GoString() string { return s.String() }

// Send delivers m and returns once the server has accepted it.
//
// Each recipient is offered on its own (RCPT TO): one the server refuses
// does not keep the message from the others. When some were refused and
// some accepted, the message is delivered to those accepted and Send
// returns a *PartialDelivery naming the refused; when the server refuses
// for good (a 5xx reply to the sender, to every recipient, or to the
// message itself), Send returns a *PermanentError saying why in Chinese.
// go-mail's own Send gives up on the whole message at the first refused
// recipient, so the conversation after the greeting is held here through
// its smtp package.
func (s *SMTP) Send(ctx context.Context, m sheaf.OutboxMessage) error {
	msg, err := buildMessage(m)
	if err != nil {
		return fmt.Errorf("build message %s: %w", m.MessageID, err)
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	from, err := msg.GetSender(false)
	if err != nil {
		return fmt.Errorf("build message %s: %w", m.MessageID, err)
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return fmt.Errorf("build message %s: %w", m.MessageID, err)
	}
	where := fmt.Sprintf("send message %s to %s:%d", m.MessageID, s.Host, s.Port)
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", where, refusal("服务器拒绝连接或登录", err))
	}
	// Closing the connection is what interrupts a command waiting on the
	// server when ctx ends.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	step := func() { conn.UpdateDeadline(s.timeout()) }

	step()
	if err := conn.Mail(from); err != nil {
		return fmt.Errorf("%s: %w", where, refusal("发件地址被拒绝", err))
	}
	var refused []sheaf.RefusedRecipient
	var lastTemp error
	accepted := 0
	for _, r := range uniq(rcpts) {
		step()
		err := conn.Rcpt(r)
		switch {
		case err == nil:
			accepted++
			continue
		case replyCode(err) == 0:
			return fmt.Errorf("%s: RCPT TO %s: %w", where, r, err) // the connection broke
		case replyCode(err) < 500:
			lastTemp = err
		}
		var te *textproto.Error
		errors.As(err, &te)
		what := "收件地址被拒收"
		if te.Code < 500 {
			what = "收件地址暂时被拒收"
		}
		refused = append(refused, sheaf.RefusedRecipient{Address: strings.Trim(r, "<>"),
			Reason: fmt.Sprintf("%s（%d %s）", what, te.Code, strings.TrimSpace(te.Msg))})
	}
	if accepted == 0 {
		if lastTemp != nil {
			return fmt.Errorf("%s: %w", where, refusal("收件地址暂时被拒收", lastTemp))
		}
		p := &PartialDelivery{Refused: refused}
		return fmt.Errorf("%s: %w", where, &PermanentError{Reason: "所有收件人均被拒收：" +
			strings.TrimPrefix(p.Error(), "部分收件人被拒收：")})
	}
	step()
	w, err := conn.Data()
	if err != nil {
		return fmt.Errorf("%s: %w", where, refusal("服务器拒绝接收邮件内容", err))
	}
	if _, err := msg.WriteTo(w); err != nil {
		return fmt.Errorf("%s: write the message: %w", where, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", where, refusal("邮件被服务器拒收", err))
	}
	// Accepted. An error from QUIT does not undo that, and sending the
	// message again would deliver it twice.
	step()
	conn.Quit()
	if len(refused) > 0 {
		return &PartialDelivery{Refused: refused}
	}
	return nil
}

// uniq drops repeated addresses, keeping the first: an address in both To
// and Cc is offered once.
func uniq(addrs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range addrs {
		if k := strings.ToLower(a); !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	return out
}

func (s *SMTP) timeout() time.Duration {
	if s.Timeout == 0 {
		return DefaultSMTPTimeout
	}
	return s.Timeout
}

// client makes a go-mail client for one delivery: it holds no connection
// until DialAndSend.
func (s *SMTP) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(s.timeout())}
	switch s.TLS {
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	case "starttls", "":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "tls":
		opts = append(opts, mail.WithSSL())
	default:
		return nil, fmt.Errorf("smtp tls mode %q is not one of none, starttls, tls", s.TLS)
	}
	if s.TLSConfig != nil {
		opts = append(opts, mail.WithTLSConfig(s.TLSConfig))
	}
	if s.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if s.TLS == "none" {
			// Auto-discovery offers only challenge mechanisms without TLS;
			// PLAIN is sent in clear only to localhost (go-mail refuses
			// other hosts, and config.Validate says so beforehand).
			auth = mail.SMTPAuthPlain
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(s.Username), mail.WithPassword(s.password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client for %s:%d: %w", s.Host, s.Port, err)
	}
	return c, nil
}

// smtpPassword reads the password named by mail.smtp.password_env: the
// variable itself, or the file named by the variable <NAME>_FILE (or by
// NAME, when NAME ends in _FILE). A trailing line end in the file is not
// part of the password.
func smtpPassword(name string) (string, error) {
	if name == "" {
		return "", errors.New("mail.smtp.password_env is not set: name the environment variable holding the password")
	}
	return config.Secret(name, "mail.smtp.password_env", "SMTP password")
}
