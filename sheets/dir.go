package sheets

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

	"github.com/bmatcuk/doublestar/v4"
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

	known func(path string) (FileRef, bool)
}

// KnownKeys is implemented by sources whose change keys are costly to
// compute (a folder hashes every file): told what was known, they reuse
// the key of a file whose size and modification time have not changed.
type KnownKeys interface {
	SetKnown(known func(path string) (FileRef, bool))
}

var _ KnownKeys = (*Dir)(nil)

// SetKnown gives the folder what was known of its files at the last sync.
// A file with the same size and modification time (to the nanosecond the
// file system keeps) is taken as unchanged and not read to be hashed.
func (d *Dir) SetKnown(known func(path string) (FileRef, bool)) { d.known = known }

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

// DisplayPath writes a file of a source the way a person finds it: a
// folder source's folder joined with the file's path.
func DisplayPath(source, file string) string {
	if dir, ok := strings.CutPrefix(source, "dir:"); ok {
		return path.Join(dir, file)
	}
	return source + ":" + file
}

// List walks the folder and returns every spreadsheet matching the glob,
// with the SHA-256 of its content as change key. Office lock files, hidden
// and temporary files are left out. A file whose size or modification time
// changes while it is hashed is marked Unstable.
func (d *Dir) List(ctx context.Context) (Listing, error) {
	info, err := os.Stat(d.Root)
	if err != nil {
		return Listing{}, folderError(d.shown(), err)
	}
	if !info.IsDir() {
		return Listing{}, fmt.Errorf("%s 不是文件夹", d.shown())
	}
	glob := d.Glob
	if glob == "" {
		glob = "**/*"
	}
	fsys := os.DirFS(d.Root)
	var files []FileRef
	var excluded []ExcludedFile
	walkErr := doublestar.GlobWalk(fsys, glob, func(p string, de fs.DirEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if de.IsDir() || Ignored(p) || !Spreadsheet(p) {
			return nil
		}
		for _, ex := range d.Exclude {
			if ok, _ := doublestar.Match(ex, p); ok {
				return nil
			}
		}
		if folder, ok := InExcludedFolder(p, d.ExcludedFolders); ok {
			excluded = append(excluded, ExcludedFile{Path: p, Folder: folder})
			return nil
		}
		full := filepath.Join(d.Root, filepath.FromSlash(p))
		if d.known != nil {
			if k, ok := d.known(p); ok && k.ChangeKey != "" {
				if info, err := de.Info(); err == nil && info.Size() == k.Size && info.ModTime().Equal(k.ModTime) {
					files = append(files, FileRef{Path: p, Size: k.Size, ModTime: info.ModTime(), ChangeKey: k.ChangeKey})
					return nil
				}
			}
		}
		ref, err := hashFile(full)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed while listing: it is simply not there
			}
			return err
		}
		ref.Path = p
		files = append(files, ref)
		return nil
	}, doublestar.WithFilesOnly(), doublestar.WithFailOnIOErrors())
	if walkErr != nil {
		return Listing{}, folderError(d.shown(), walkErr)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	sort.Slice(excluded, func(i, j int) bool { return excluded[i].Path < excluded[j].Path })
	return Listing{Files: files, Complete: true, Excluded: excluded}, nil
}

// InExcludedFolder reports whether a file's path (with forward slashes)
// lies under a folder whose name is one of names, and which folder: the
// path of the outermost such folder. Names match whole folder names, with
// ASCII letters in any case ("Old", "ARCHIVE").
func InExcludedFolder(p string, names []string) (string, bool) {
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

// Open opens a listed file.
func (d *Dir) Open(ctx context.Context, ref FileRef) (io.ReadCloser, error) {
	if !fs.ValidPath(ref.Path) {
		return nil, fmt.Errorf("open %s: invalid path", ref.Path)
	}
	f, err := os.Open(filepath.Join(d.Root, filepath.FromSlash(ref.Path)))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", ref.Path, err)
	}
	return f, nil
}

// folderError says in words a department's IT contact understands why a
// folder cannot be listed; the system's error stays in parentheses.
func folderError(root string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("文件夹 %s 不存在或共享盘未挂载（%w）", root, err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("没有读取文件夹 %s 的权限（%w）", root, err)
	}
	return fmt.Errorf("无法读取文件夹 %s（%w）", root, err)
}

func hashFile(name string) (FileRef, error) {
	f, err := os.Open(name)
	if err != nil {
		return FileRef{}, err
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return FileRef{}, err
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return FileRef{}, fmt.Errorf("read %s: %w", name, err)
	}
	after, err := os.Stat(name)
	if err != nil {
		return FileRef{}, err
	}
	return FileRef{
		Size:      before.Size(),
		ModTime:   before.ModTime(),
		ChangeKey: "sha256:" + hex.EncodeToString(h.Sum(nil)),
		Unstable:  after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()),
	}, nil
}

// Ignored reports whether a path names a file no department means to
// submit: Office and LibreOffice lock files, hidden files, temporary and
// partial downloads, anything inside a hidden folder.
func Ignored(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if strings.HasPrefix(part, ".") {
			return true // hidden file or folder; also LibreOffice's .~lock.name#
		}
	}
	base := path.Base(p)
	lower := strings.ToLower(base)
	switch {
	case strings.HasPrefix(base, "~$"), strings.HasPrefix(base, "~"): // Office owner files and temporaries
		return true
	case lower == "thumbs.db", lower == "desktop.ini":
		return true
	}
	for _, suffix := range []string{".tmp", ".temp", ".part", ".crdownload", ".download", ".partial", "~", ".bak", ".swp"} {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return false
}

// Spreadsheet reports whether a path has the extension of a spreadsheet
// sheaf reads or explains it cannot read (.xls, .et, .ods, .numbers).
func Spreadsheet(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".xlsx", ".xlsm", ".csv", ".xls", ".et", ".ods", ".numbers", ".xltx", ".xltm":
		return true
	}
	return false
}
