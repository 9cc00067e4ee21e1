package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
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
func (s *SMTP) Send(ctx context.Context, m sheaf.OutboxMessage) error {
	msg, err := buildMessage(m)
	if err != nil {
		return fmt.Errorf("build message %s: %w", m.MessageID, err)
	}
	client, err := s.client()
	if err != nil {
		return err
	}
	err = client.DialAndSendWithContext(ctx, msg)
	// go-mail reports an error from QUIT (or RSET) after the server has
	// accepted the message; the message is delivered all the same, and
	// sending it again would deliver it twice.
	if err != nil && !msg.IsDelivered() {
		return fmt.Errorf("send message %s to %s:%d: %w", m.MessageID, s.Host, s.Port, err)
	}
	return nil
}

// client makes a go-mail client for one delivery: it holds no connection
// until DialAndSend.
func (s *SMTP) client() (*mail.Client, error) {
	timeout := s.Timeout
	if timeout == 0 {
		timeout = DefaultSMTPTimeout
	}
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(timeout)}
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
