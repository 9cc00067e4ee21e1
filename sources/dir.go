package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
)

// Dir is a folder of spreadsheets: a local folder or a mounted network share.
type Dir struct {
	// Root is the folder's path.
	Root string
	// Label names the folder in messages and the database, as the
	// configuration writes it ("inbox/教育局"); Root when empty.
	Label string
	// Glob selects files under Root ("**/*.xlsx"); Exclude leaves some out.
	Glob    string
	Exclude []string
	// ExcludedFolders names folders of old versions (作废, 旧版, …): the
	// files under them are listed as excluded, not read.
	ExcludedFolders []string

	known func(path string) (sheaf.FileRef, bool)

	// raw maps the readable path of a file whose name is not UTF-8 to its
	// path on disk, as the last listing found it.
	mu  sync.Mutex
	raw map[string]string
}

// KnownKeys is implemented by sources whose change keys are costly to
// compute (a folder hashes every file): told what was known, they reuse
// the key of a file whose size and modification time have not changed.
type KnownKeys interface {
	SetKnown(known func(path string) (sheaf.FileRef, bool))
}

var _ KnownKeys = (*Dir)(nil)

// SetKnown gives the folder what was known of its files at the last sync.
// A file with the same size and modification time (to the nanosecond the
// file system keeps) is taken as unchanged and not read to be hashed.
func (d *Dir) SetKnown(known func(path string) (sheaf.FileRef, bool)) { d.known = known }

var _ Source = (*Dir)(nil)

// Name identifies the folder source.
func (d *Dir) Name() string {
	if d.Label != "" {
		return "dir:" + filepath.ToSlash(d.Label)
	}
	return "dir:" + filepath.ToSlash(d.Root)
}

// shown is the folder as people know it: its label, else its path.
func (d *Dir) shown() string {
	if d.Label != "" {
		return d.Label
	}
	return d.Root
}

// List walks the folder and returns every spreadsheet matching the glob,
// with the SHA-256 of its content as change key, and what became of every
// other entry: ignored by rule (Office lock files, hidden and temporary
// files, files that are not spreadsheets), excluded, or a problem of its
// own (see dirWalk). A file whose size or modification time changes while
// it is hashed is marked Unstable. Only a folder that cannot be opened at
// all is an error.
func (d *Dir) List(ctx context.Context) (Listing, error) {
	info, err := os.Stat(d.Root)
	if err != nil {
		return Listing{}, folderError(d.shown(), err)
	}
	if !info.IsDir() {
		return Listing{}, fmt.Errorf("%s 不是文件夹", d.shown())
	}
	entries, err := os.ReadDir(d.Root)
	if err != nil {
		return Listing{}, folderError(d.shown(), err)
	}
	w := &dirWalk{ctx: ctx, d: d, visited: map[dirID]string{}, raw: map[string]string{}}
	var ancestors []dirID
	if id, ok := fileIdentity(info); ok {
		w.visited[id] = "."
		ancestors = append(ancestors, id)
	}
	if err := w.folder("", "", entries, ancestors); err != nil {
		return Listing{}, err
	}
	l := w.l
	sort.Slice(l.Files, func(i, j int) bool { return l.Files[i].Path < l.Files[j].Path })
	sort.Slice(l.Excluded, func(i, j int) bool { return l.Excluded[i].Path < l.Excluded[j].Path })
	sort.Slice(l.Ignored, func(i, j int) bool { return l.Ignored[i].Path < l.Ignored[j].Path })
	sort.Slice(l.Problems, func(i, j int) bool { return l.Problems[i].Path < l.Problems[j].Path })
	l.Complete = true
	d.mu.Lock()
	d.raw = w.raw
	d.mu.Unlock()
	return l, nil
}

// inExcludedFolder reports whether a file's path (with forward slashes)
// lies under a folder whose name is one of names, and which folder: the
// path of the outermost such folder. Names match whole folder names, with
// ASCII letters in any case ("Old", "ARCHIVE").
func inExcludedFolder(p string, names []string) (string, bool) {
	if len(names) == 0 {
		return "", false
	}
	parts := strings.Split(p, "/")
	for i, part := range parts[:len(parts)-1] {
		for _, n := range names {
			if strings.EqualFold(part, n) {
				return strings.Join(parts[:i+1], "/"), true
			}
		}
	}
	return "", false
}

// Open opens a listed file by its name on disk, whatever its encoding.
func (d *Dir) Open(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error) {
	p := ref.Path
	d.mu.Lock()
	if raw, ok := d.raw[p]; ok {
		p = raw
	}
	d.mu.Unlock()
	if !validRel(p) {
		return nil, &sheets.UnreadableError{File: ref.Path, Reason: "文件路径无效（不在数据来源的文件夹内），无法读取"}
	}
	f, err := os.Open(filepath.Join(d.Root, filepath.FromSlash(p)))
	if err != nil {
		return nil, &sheets.UnreadableError{File: ref.Path, Reason: entryReason(err)}
	}
	return f, nil
}

// folderError says in words a department's IT contact understands why a
// folder cannot be listed, naming it as the configuration does; the
// system's error (with the server's absolute path) is only unwrapped, for
// the log.
func folderError(root string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &FolderError{fmt.Sprintf("文件夹 %s 不存在或共享盘未挂载", root), err}
	case errors.Is(err, fs.ErrPermission):
		return &FolderError{fmt.Sprintf("没有读取文件夹 %s 的权限", root), err}
	}
	return &FolderError{fmt.Sprintf("无法读取文件夹 %s", root), err}
}

// FolderError is a folder that cannot be listed: Error is for people,
// Unwrap the system's error.
type FolderError struct {
	Msg string
	Err error
}

func (e *FolderError) Error() string { return e.Msg }
func (e *FolderError) Unwrap() error { return e.Err }

func hashFile(name string) (sheaf.FileRef, error) {
	f, err := os.Open(name)
	if err != nil {
		return sheaf.FileRef{}, err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return sheaf.FileRef{}, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sheaf.FileRef{}, fmt.Errorf("read %s: %w", name, err)
	}
	after, err := os.Stat(name)
	if err != nil {
		return sheaf.FileRef{}, err
	}
	return sheaf.FileRef{
		Size:      before.Size(),
		ModTime:   before.ModTime(),
		ChangeKey: "sha256:" + hex.EncodeToString(h.Sum(nil)),
		Unstable:  after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()),
	}, nil
}

// Ignored reports whether a path names a file no department means to
// submit: Office and LibreOffice lock files, hidden files, temporary and
// partial downloads, anything inside a hidden folder.
func Ignored(p string) bool { return IgnoreReason(p) != "" }

// IgnoreReason says why a path names a file no department means to submit
// (see Ignored), in words a department understands; "" when it may be one.
func IgnoreReason(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		switch {
		case strings.HasPrefix(part, ".~lock."):
			return "LibreOffice 或 WPS 的锁定文件（表格正被打开编辑时生成），不读取"
		case strings.HasPrefix(part, ".") && i < len(parts)-1:
			return "位于隐藏文件夹「" + strings.Join(parts[:i+1], "/") + "」中，不读取"
		case strings.HasPrefix(part, "."):
			return "隐藏文件，不读取"
		}
	}
	base := parts[len(parts)-1]
	lower := strings.ToLower(base)
	switch {
	case strings.HasPrefix(base, "~$"):
		return "Office 锁定文件（表格正被打开编辑时生成），不读取"
	case strings.HasPrefix(base, "~"):
		return "临时文件，不读取"
	case lower == "thumbs.db", lower == "desktop.ini":
		return "系统文件，不读取"
	}
	for _, suffix := range []string{".tmp", ".temp", ".part", ".crdownload", ".download", ".partial", "~", ".swp"} {
		if strings.HasSuffix(lower, suffix) {
			return "临时文件或未下载完的文件，不读取"
		}
	}
	if strings.HasSuffix(lower, ".bak") {
		return "备份文件，不读取"
	}
	return ""
}

// isSpreadsheet reports whether a path has the extension of a spreadsheet
// sheaf reads or explains it cannot read (.xls, .xlsb, .et, .ods,
// .numbers). An Excel 2003 XML workbook (.xml) is told by its content
// (SpreadsheetML).
func isSpreadsheet(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".xlsx", ".xlsm", ".csv", ".xls", ".xlsb", ".et", ".ods", ".numbers", ".xltx", ".xltm":
		return true
	}
	return false
}
