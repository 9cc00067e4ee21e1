// Package sources lists and opens the places department spreadsheets live:
// a folder on disk (Dir), a Google Drive folder (GoogleDrive) and a Google
// Sheet (GoogleSheet), with the Google auth and retry transports. Every
// source passes the same test suite (sourcetest). Reading a workbook's
// bytes is package sheets' concern.
package sources

import (
	"context"
	"io"

	"github.com/sheaf-dev/sheaf"
)

// Source is one place a department's spreadsheets live: a folder, a Google
// Drive folder or a Google Sheet. Every kind passes the same test suite
// (see sourcetest).
type Source interface {
	// Name identifies the source in messages and in the database,
	// e.g. "dir:inbox/教育局".
	Name() string
	// List returns the files the source holds now.
	List(ctx context.Context) (Listing, error)
	// Open returns the content of a listed file.
	Open(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error)
}

// Listing is what a source holds at one moment.
type Listing struct {
	Files []sheaf.FileRef
	// Complete is false when the source could not be listed to the end; a
	// partial listing must never be taken as files having disappeared.
	Complete bool
	// Excluded are spreadsheets left out because they lie in a folder of
	// old versions (sync.exclude_default): reported, never read.
	Excluded []ExcludedFile
	// Ignored are the entries left out by rule, each with why: lock,
	// hidden and temporary files, files that are not spreadsheets or that
	// the source's glob does not select.
	Ignored []IgnoredEntry
	// Problems are the entries that could not be read (no permission, a
	// broken link, a link loop, not a regular file): each becomes that
	// entry's file flag, and the rest of the source is listed. With Files,
	// Excluded and Ignored, every entry of the source has an outcome.
	Problems []EntryProblem
}

// ExcludedFile is a spreadsheet a source leaves out, and why: the folder
// of old versions it lies in, or the source's exclude pattern it matches.
type ExcludedFile struct {
	Path    string
	Folder  string
	Pattern string
}

// IgnoredEntry is an entry of a source left out by rule, with the reason
// in words a department understands.
type IgnoredEntry struct {
	Path   string
	Reason string
}

// EntryProblem is an entry of a source that could not be read, and why.
type EntryProblem struct {
	Path   string
	Reason string
	// Folder is set for a folder that could not be opened: the files
	// known under it are not taken as gone.
	Folder bool
}
