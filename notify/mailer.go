// Package notify delivers the messages of the outbox: a Mailer hands one
// message to an SMTP server (SMTP) or writes it into a folder (Dir), and a
// Sender delivers every due message with retries, marking each sent only
// once it has been accepted.
package notify

import (
	"context"

	"github.com/sheaf-dev/sheaf"
)

// Mailer delivers one message. Send returns nil only once the message has
// been accepted (by the server, or written to disk); a message may be
// delivered again after an error, with the same Message-ID.
type Mailer interface {
	Send(ctx context.Context, m sheaf.OutboxMessage) error
}

var (
	_ Mailer = (*SMTP)(nil)
	_ Mailer = (*Dir)(nil)
)
