package notify

import (
	"errors"
	"fmt"

	"github.com/sheaf-dev/sheaf/config"
)

// FromConfig returns the mailer the configuration asks for: a Dir when
// mail.dir (or its old name mail.outbox) is set, else SMTP when
// mail.smtp.host is set, with the password read from the environment now,
// so that a missing secret stops the start rather than the first reminder.
func FromConfig(cfg *config.Config) (Mailer, error) {
	if cfg.Mail.From == "" {
		return nil, errors.New("mail.from is not set: the sender of every message")
	}
	if dir := cfg.MailDir(); dir != "" {
		return &Dir{Path: dir, Location: cfg.Cycle.Location}, nil
	}
	s := cfg.Mail.SMTP
	if s.Host == "" {
		return nil, errors.New("no way to send mail: set mail.smtp.host (a server), or mail.dir (a folder for .eml files)")
	}
	password := ""
	if s.Username != "" {
		var err error
		if password, err = smtpPassword(s.PasswordEnv); err != nil {
			return nil, fmt.Errorf("smtp login %s: %w", s.Username, err)
		}
	}
	return NewSMTP(s, password), nil
}
