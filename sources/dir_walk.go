package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"

	"github.com/bmatcuk/doublestar/v4"
)

// dirWalk lists a folder entry by entry, so that one entry that cannot be
// read is that entry's problem and never the whole folder's. Links are
// followed to files and folders, as a mounted share shows them; a link
// back to a folder it lies in is a loop, found by device and inode and
// reported once.
type dirWalk struct {
	ctx context.Context
	d   *Dir
	l   Listing
	// visited are the folders listed so far, by device and inode, with
	// their paths: a folder reached again through a link is not listed
	// twice.
	visited map[dirID]string
	// raw maps the readable path of an entry whose name is not UTF-8 to its
	// path on disk.
	raw map[string]string
}

// dirID identifies a folder on its device.
type dirID struct{ dev, ino uint64 }

// maxDepth bounds how deep a walk goes where folders cannot be told apart
// by device and inode.
const maxDepth = 64

// folder lists the entries of the folder at rawRel (its path on disk) and
// rel (its readable path); ancestors are the folders it lies in, itself
// last.
func (w *dirWalk) folder(rawRel, rel string, entries []os.DirEntry, ancestors []dirID) error {
	// A name that is not UTF-8 is shown decoded; should that collide with
	// a name in the folder, it is shown escaped instead.
	taken := map[string]bool{}
	for _, e := range entries {
		if utf8.ValidString(e.Name()) {
			taken[e.Name()] = true
		}
	}
	for _, e := range entries {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		rawName, name := e.Name(), e.Name()
		if !utf8.ValidString(rawName) {
			if name = readableName(rawName); taken[name] {
				name = escapeInvalid(rawName)
			}
			taken[name] = true
		}
		rawP, p := joinRel(rawRel, rawName), joinRel(rel, name)
		if p != rawP {
			w.raw[p] = rawP
		}
		if err := w.entry(rawP, p, e, ancestors); err != nil {
			return err
		}
	}
	return nil
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// entry lists one entry of a folder.
func (w *dirWalk) entry(rawP, p string, e os.DirEntry, ancestors []dirID) error {
	full := filepath.Join(w.d.Root, filepath.FromSlash(rawP))
	mode := e.Type()
	var info fs.FileInfo
	if mode&fs.ModeSymlink != 0 {
		var err error
		if info, err = os.Stat(full); err != nil {
			// A link whose target cannot be reached: a problem, unless its
			// name says no department meant it.
			if w.rules(p, path.Ext(p) == "", nil) {
				w.problem(p, linkReason(err), false)
			}
			return nil
		}
		mode = info.Mode().Type()
	}
	if mode.IsDir() {
		return w.subfolder(rawP, p, full, info, ancestors)
	}
	if !w.rules(p, false, func() bool { return sniffSpreadsheetML(full, mode) }) {
		return nil
	}
	if !mode.IsRegular() {
		w.problem(p, fmt.Sprintf("不是普通文件（%s），无法读取", modeName(mode)), false)
		return nil
	}
	if w.d.known != nil {
		if k, ok := w.d.known(p); ok && strings.HasPrefix(k.ChangeKey, "sha256:") {
			if info == nil {
				info, _ = e.Info()
			}
			if info != nil && info.Size() == k.Size && info.ModTime().Equal(k.ModTime) {
				w.l.Files = append(w.l.Files, sheaf.FileRef{Path: p, Size: k.Size, ModTime: info.ModTime(), ChangeKey: k.ChangeKey})
				return nil
			}
		}
	}
	ref, err := hashFile(full)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // removed while listing: it is simply not there
	case err != nil:
		w.problem(p, entryReason(err), false)
		return nil
	}
	ref.Path = p
	w.l.Files = append(w.l.Files, ref)
	return nil
}

// rules decides by its path whether an entry is one the source reads,
// recording why when it is not: ignored by rule, not a spreadsheet, not
// selected by the glob, excluded. folderLike is set for an entry that may
// be a folder (a link that cannot be followed, with no extension): only
// the rules of names apply to it. spreadsheetML tells whether an .xml
// file is an Excel 2003 workbook.
func (w *dirWalk) rules(p string, folderLike bool, spreadsheetML func() bool) bool {
	if reason := IgnoreReason(p); reason != "" {
		w.ignore(p, reason)
		return false
	}
	if !folderLike {
		sheet := isSpreadsheet(p)
		if !sheet && strings.EqualFold(path.Ext(p), ".xml") && spreadsheetML != nil {
			sheet = spreadsheetML()
		}
		if !sheet {
			w.ignore(p, "不是表格文件，不读取")
			return false
		}
		if w.d.Glob != "" {
			if ok, _ := doublestar.Match(w.d.Glob, p); !ok {
				w.ignore(p, fmt.Sprintf("不符合数据来源的文件规则「%s」，不读取", w.d.Glob))
				return false
			}
		}
	}
	if pat := matchAny(w.d.Exclude, p); pat != "" {
		w.l.Excluded = append(w.l.Excluded, ExcludedFile{Path: p, Pattern: pat})
		return false
	}
	if folder, ok := inExcludedFolder(p, w.d.ExcludedFolders); ok {
		w.l.Excluded = append(w.l.Excluded, ExcludedFile{Path: p, Folder: folder})
		return false
	}
	return true
}

// subfolder lists a folder inside the source, unless it is hidden, a loop
// or already listed through another path.
func (w *dirWalk) subfolder(rawP, p, full string, info fs.FileInfo, ancestors []dirID) error {
	if strings.HasPrefix(path.Base(p), ".") {
		w.ignore(p, "隐藏文件夹，其中的文件不读取")
		return nil
	}
	if info == nil {
		var err error
		if info, err = os.Stat(full); err != nil {
			w.problem(p, folderReason(err), true)
			return nil
		}
	}
	if id, ok := fileIdentity(info); ok {
		if slices.Contains(ancestors, id) {
			w.problem(p, "链接指向它所在的文件夹（链接循环），已跳过；请删除这个链接", false)
			return nil
		}
		if first, seen := w.visited[id]; seen {
			w.ignore(p, fmt.Sprintf("与文件夹「%s」是同一个文件夹（通过链接），其中的文件只在那里列出", first))
			return nil
		}
		w.visited[id] = p
		ancestors = append(slices.Clip(ancestors), id)
	} else if len(ancestors) >= maxDepth || strings.Count(p, "/") >= maxDepth {
		w.problem(p, fmt.Sprintf("文件夹层级过深（超过 %d 层，可能是链接循环），其中的文件未读取", maxDepth), true)
		return nil
	}
	entries, err := os.ReadDir(full)
	if err != nil {
		// What could be read of the folder is still listed.
		w.problem(p, folderReason(err), true)
	}
	return w.folder(rawP, p, entries, ancestors)
}

func (w *dirWalk) ignore(p, reason string) {
	w.l.Ignored = append(w.l.Ignored, IgnoredEntry{Path: p, Reason: reason})
}

func (w *dirWalk) problem(p, reason string, folder bool) {
	w.l.Problems = append(w.l.Problems, EntryProblem{Path: p, Reason: reason, Folder: folder})
}

// sniffSpreadsheetML reads the start of an .xml file to tell whether it is
// an Excel 2003 XML workbook.
func sniffSpreadsheetML(full string, mode fs.FileMode) bool {
	if !mode.IsRegular() {
		return false
	}
	f, err := os.Open(full)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, sheets.XMLSniff)
	n, _ := io.ReadFull(f, head)
	return sheets.SpreadsheetML(head[:n])
}

// entryReason says why a file cannot be read, in words a department's IT
// contact understands; the system's error stays in parentheses.
func entryReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("没有读取这个文件的权限，无法读取；请检查文件的权限设置（%v）", systemError(err))
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("文件已不存在（%v）", systemError(err))
	}
	return fmt.Sprintf("文件无法读取（%v）", systemError(err))
}

// linkReason says why a link cannot be followed.
func linkReason(err error) string {
	switch {
	case errors.Is(err, syscall.ELOOP):
		return "链接指向自身或互相指向（链接循环），无法读取；请删除这个链接"
	case errors.Is(err, fs.ErrNotExist):
		return "链接指向的文件或文件夹不存在（链接已失效），无法读取；请删除链接或恢复它指向的文件"
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("没有权限读取链接指向的位置，无法读取（%v）", systemError(err))
	}
	return fmt.Sprintf("链接无法打开（%v）", systemError(err))
}

// folderReason says why a folder inside the source cannot be listed.
func folderReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("没有打开这个文件夹的权限，其中的文件未读取，此前读取的数据保留（%v）", systemError(err))
	}
	return fmt.Sprintf("文件夹无法打开，其中的文件未读取，此前读取的数据保留（%v）", systemError(err))
}

// systemError is the system's words for err without the path, which the
// message already names (readably).
func systemError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// modeName names a kind of file that is not a regular one.
func modeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "命名管道"
	case m&fs.ModeSocket != 0:
		return "套接字"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "设备文件"
	}
	return "特殊文件"
}
