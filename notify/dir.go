package notify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/renameio/v2"
	"github.com/sheaf-dev/sheaf"
)

// Dir writes each message as a .eml file into a folder instead of sending
// it: the bytes a server would receive, which any mail program opens.
type Dir struct {
	// Path is the folder; it is created when missing.
	Path string
	// Location is the time zone of the time in file names; UTC when nil.
	Location *time.Location
}

// FileName is the name m is written under: its creation time, kind and id,
// "20250110-090000-reminder-12.eml", so that the folder lists messages in
// the order they were decided, and a retry overwrites the same file.
func (d *Dir) FileName(m sheaf.OutboxMessage) string {
	loc := d.Location
	if loc == nil {
		loc = time.UTC
	}
	return fmt.Sprintf("%s-%s-%d.eml", m.CreatedAt.In(loc).Format("20060102-150405"), m.Kind, m.ID)
}

// Send writes m into the folder, atomically: a reader sees either no file
// or the whole message.
func (d *Dir) Send(ctx context.Context, m sheaf.OutboxMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg, err := buildMessage(m)
	if err != nil {
		return fmt.Errorf("build message %s: %w", m.MessageID, err)
	}
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return fmt.Errorf("create mail folder: %w", err)
	}
	path := filepath.Join(d.Path, d.FileName(m))
	// Written whole, synced and renamed into place: a crash never leaves
	// half a message in the folder.
	f, err := renameio.NewPendingFile(path, renameio.WithPermissions(0o644), renameio.WithTempDir(d.Path))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer f.Cleanup() // a no-op once replaced
	if _, err := msg.WriteTo(f); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.CloseAtomicallyReplace(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
