package sources

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"

	"github.com/bmatcuk/doublestar/v4"
	drive "google.golang.org/api/drive/v3"
)

// Drive MIME types the Drive source tells apart.
const (
	mimeFolder   = "application/vnd.google-apps.folder"
	mimeXLSX     = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeShortcut = "application/vnd.google-apps.shortcut"
)

// driveFields are the file fields a listing asks for; shortcutDetails
// says where a shortcut points.
const driveFields = "id,name,mimeType,md5Checksum,modifiedTime,version,size,parents,shortcutDetails(targetId,targetMimeType)"

// targetFields are the fields asked of a shortcut's target: what a listed
// file has, and where it lives.
const targetFields = "id,name,mimeType,md5Checksum,modifiedTime,version,size,driveId,trashed"

// GoogleDrive is a Google Drive folder, in My Drive or a shared drive, read
// recursively. Uploaded spreadsheets are downloaded as they are; native
// Google Sheets are exported as .xlsx (or, when too large to export, read
// through the Sheets API), and feed the same reader as every other file.
//
// Shortcuts are followed. A shortcut to a file is listed as that file,
// read through the target's id, at the path "<shortcut's path> → <target's
// name>" (e.g. "汇总/报表快捷方式 → 2024年报表.xlsx"), so provenance names
// both; its change key is the target's. A shortcut to a folder is walked
// like a subfolder under the shortcut's name. Each folder is walked once:
// a shortcut to a folder already walked (an ancestor, making a cycle, or a
// folder listed elsewhere) and a shortcut whose target is gone or not
// shared are listed at the shortcut's path as entries that cannot be
// opened, so each is that entry's problem, said once, in Chinese, and the
// rest of the folder is read.
type GoogleDrive struct {
	// Folder is the folder's id, from its address
	// (drive.google.com/drive/folders/ID), or a shared drive's id.
	Folder string
	// Glob selects files by their path under the folder ("**/*.xlsx");
	// Exclude leaves some out. Empty Glob means every file.
	Glob    string
	Exclude []string
	// ExcludedFolders names folders of old versions (作废, 旧版, …): the
	// files under them are listed as excluded, not read.
	ExcludedFolders []string
	// Google says how the APIs are reached.
	Google Google

	conn lazyConn
	mu   sync.Mutex
	ids  map[string]driveFile // path → file, from the last List
}

// driveFile is a listed Drive entry: the id to read (a shortcut's target's
// id) and whether it is a native sheet, or why it cannot be read.
type driveFile struct {
	id      string
	native  bool
	problem string
}

var _ Source = (*GoogleDrive)(nil)

// Name identifies the Drive source: "gdrive:<folder id>".
func (d *GoogleDrive) Name() string { return "gdrive:" + d.Folder }

// driveDir is a folder to list: its id, its path under the source's folder,
// the shared drive it lies in, and the ids and paths of the folders walked
// to reach it (to name a cycle).
type driveDir struct {
	id, path, driveID string
	up                []driveDir
}

// driveEntry is a listed entry before names are made unique.
type driveEntry struct {
	ref sheaf.FileRef
	f   driveFile
}

// driveShortcut is a listed shortcut not yet followed.
type driveShortcut struct {
	dir driveDir
	f   *drive.File
	p   string
}

// driveWalk is one listing in progress.
type driveWalk struct {
	d        *GoogleDrive
	c        *googleConn
	ctx      context.Context
	walked   map[string]string // folder id → path it was walked at
	queue    []driveDir        // folders to list
	later    []driveShortcut   // shortcuts to follow once the queue is empty
	entries  []driveEntry
	excluded []ExcludedFile
	ignored  []IgnoredEntry
}

// List lists the folder and its subfolders to the end: a page that cannot
// be read fails the whole listing, never a smaller one. The change key is
// Drive's md5 of an uploaded file, or the version and modification time of
// a native sheet, so an unchanged file is neither downloaded nor parsed.
// A broken shortcut is an entry, not a failure (see GoogleDrive).
func (d *GoogleDrive) List(ctx context.Context) (Listing, error) {
	c, err := d.conn.get(ctx, &d.Google)
	if err != nil {
		return Listing{}, err
	}
	c.used.Store(0)
	root, err := c.drive.Files.Get(d.Folder).SupportsAllDrives(true).
		Fields("id,name,mimeType,driveId").Context(ctx).Do()
	if err != nil {
		return Listing{}, c.folderError(d.Folder, err)
	}
	if root.MimeType != mimeFolder {
		return Listing{}, fmt.Errorf("Google Drive 中的 %s 不是文件夹（not a folder: %s）", d.Folder, root.MimeType)
	}
	w := &driveWalk{d: d, c: c, ctx: ctx, walked: map[string]string{d.Folder: ""},
		queue: []driveDir{{id: d.Folder, driveID: root.DriveId}}}
	// Shortcuts are followed once the folders reached without them are
	// listed, so that a folder both inside the tree and behind a shortcut
	// is walked at its own path.
	for len(w.queue)+len(w.later) > 0 {
		if len(w.queue) > 0 {
			dir := w.queue[0]
			w.queue = w.queue[1:]
			if err := w.list(dir); err != nil {
				return Listing{}, err
			}
			continue
		}
		s := w.later[0]
		w.later = w.later[1:]
		if err := w.shortcut(s.dir, s.f, s.p); err != nil {
			return Listing{}, err
		}
	}
	// Drive lets two files have one name; such files are told apart by id.
	count := map[string]int{}
	for _, e := range w.entries {
		count[e.ref.Path]++
	}
	ids := map[string]driveFile{}
	files := make([]sheaf.FileRef, 0, len(w.entries))
	for _, e := range w.entries {
		if count[e.ref.Path] > 1 {
			ext := path.Ext(e.ref.Path)
			e.ref.Path = strings.TrimSuffix(e.ref.Path, ext) + " [" + e.f.id + "]" + ext
		}
		ids[e.ref.Path] = e.f
		files = append(files, e.ref)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	d.mu.Lock()
	d.ids = ids
	d.mu.Unlock()
	sort.Slice(w.excluded, func(i, j int) bool { return w.excluded[i].Path < w.excluded[j].Path })
	sort.Slice(w.ignored, func(i, j int) bool { return w.ignored[i].Path < w.ignored[j].Path })
	return Listing{Files: files, Complete: true, Excluded: w.excluded, Ignored: w.ignored}, nil
}

// list lists one folder, page by page, to the end.
func (w *driveWalk) list(dir driveDir) error {
	c := w.c
	call := c.drive.Files.List().
		Q(fmt.Sprintf("'%s' in parents and trashed = false", strings.ReplaceAll(dir.id, "'", `\'`))).
		SupportsAllDrives(true).IncludeItemsFromAllDrives(true).PageSize(1000).
		Fields("nextPageToken,incompleteSearch,files(" + driveFields + ")")
	if dir.driveID != "" {
		call = call.Corpora("drive").DriveId(dir.driveID)
	}
	for page := ""; ; {
		if page != "" {
			call = call.PageToken(page)
		}
		resp, err := call.Context(w.ctx).Do()
		if err != nil {
			return c.folderError(w.d.Folder, fmt.Errorf("list %s: %w", shownDir(dir.path), err))
		}
		if resp.IncompleteSearch {
			return fmt.Errorf("Google Drive 文件夹 %s 的列表不完整（incomplete listing of %s）", w.d.Folder, shownDir(dir.path))
		}
		for _, f := range resp.Files {
			p := path.Join(dir.path, strings.ReplaceAll(f.Name, "/", "／"))
			if reason := IgnoreReason(p); reason != "" {
				w.ignored = append(w.ignored, IgnoredEntry{Path: p, Reason: reason})
				continue
			}
			switch f.MimeType {
			case mimeFolder:
				if _, ok := w.walked[f.Id]; !ok {
					w.walked[f.Id] = p
					w.queue = append(w.queue, driveDir{id: f.Id, path: p, driveID: dir.driveID, up: dirChain(dir)})
				}
			case mimeShortcut:
				w.later = append(w.later, driveShortcut{dir, f, p})
			default:
				w.file(f, p, p)
			}
		}
		if page = resp.NextPageToken; page == "" {
			return nil
		}
	}
}

// dirChain is the chain of folders down to dir, dir included.
func dirChain(dir driveDir) []driveDir {
	up := append([]driveDir(nil), dir.up...)
	return append(up, driveDir{id: dir.id, path: dir.path})
}

// file adds a listed file (or a shortcut's target, f, listed at p) unless a
// rule leaves it out; at is where the entry itself lies, for the folders
// of old versions.
func (w *driveWalk) file(f *drive.File, p, at string) {
	e, ok, why := w.d.entry(f, p)
	if !ok {
		switch {
		case why.pattern != "":
			w.excluded = append(w.excluded, ExcludedFile{Path: e.Path, Pattern: why.pattern})
		case why.ignored != "":
			w.ignored = append(w.ignored, IgnoredEntry{Path: e.Path, Reason: why.ignored})
		}
		return
	}
	if folder, old := inExcludedFolder(at, w.d.ExcludedFolders); old {
		w.excluded = append(w.excluded, ExcludedFile{Path: e.Path, Folder: folder})
		return
	}
	w.entries = append(w.entries, driveEntry{e, driveFile{id: f.Id, native: f.MimeType == mimeSpreadsheet}})
}

// shortcut follows a shortcut listed at p in dir: its target file is
// listed, its target folder walked, and a shortcut that cannot be followed
// is listed as a problem. Only an operational failure (the budget, a
// cancelled context) is an error.
func (w *driveWalk) shortcut(dir driveDir, f *drive.File, p string) error {
	sd := f.ShortcutDetails
	if sd == nil || sd.TargetId == "" {
		w.problem(f, p, "", "快捷方式「"+p+"」没有指向任何文件（shortcut without a target）")
		return nil
	}
	if sd.TargetMimeType == mimeFolder {
		for _, a := range dirChain(dir) {
			if a.id == sd.TargetId {
				w.problem(f, p, sd.TargetId, fmt.Sprintf("快捷方式「%s」指向它所在的上级文件夹「%s」，形成循环：该文件夹只读取一次（shortcut to an ancestor folder: not walked again）", p, shownDir(a.path)))
				return nil
			}
		}
		if at, ok := w.walked[sd.TargetId]; ok {
			w.problem(f, p, sd.TargetId, fmt.Sprintf("快捷方式「%s」指向的文件夹已在「%s」读取，不再重复读取（folder already listed）", p, shownDir(at)))
			return nil
		}
	} else if strings.HasPrefix(sd.TargetMimeType, "application/vnd.google-apps.") && sd.TargetMimeType != mimeSpreadsheet {
		return nil // a document, form or slides: not a spreadsheet
	}
	t, err := w.c.drive.Files.Get(sd.TargetId).SupportsAllDrives(true).Fields(targetFields).Context(w.ctx).Do()
	if err == nil && t.Trashed {
		err = errTrashed
	}
	if err != nil {
		if code, _ := apiStatus(err); code != http.StatusNotFound && code != http.StatusForbidden && !errors.Is(err, errTrashed) {
			return fmt.Errorf("快捷方式「%s」的目标无法读取（shortcut target %s: %w）", p, sd.TargetId, err)
		}
		kind := "文件"
		if sd.TargetMimeType == mimeFolder {
			kind = "文件夹"
		} else if w.d.Glob != "" {
			if ok, _ := doublestar.Match(w.d.Glob, p); !ok {
				return nil // not a file this source would read
			}
		}
		w.problem(f, p, sd.TargetId, fmt.Sprintf("快捷方式「%s」指向的%s已被删除或无法访问：请将快捷方式指向的%s共享给服务账号 %s，或删除该快捷方式（shortcut target gone or not shared: %v）",
			p, kind, kind, w.c.shareWith(), err))
		return nil
	}
	if t.MimeType == mimeFolder {
		w.walked[t.Id] = p
		w.queue = append(w.queue, driveDir{id: t.Id, path: p, driveID: t.DriveId, up: dirChain(dir)})
		return nil
	}
	w.file(t, p+" → "+strings.ReplaceAll(t.Name, "/", "／"), p)
	return nil
}

// errTrashed is a shortcut's target in the bin.
var errTrashed = errors.New("target is in the trash")

// problem lists the shortcut f at p as an entry that cannot be read, with
// why; its change key changes when the shortcut does, and when it can be
// followed it is listed as what it points to instead.
func (w *driveWalk) problem(f *drive.File, p, target, why string) {
	if ex := w.d.excludedBy(p); ex != "" {
		w.excluded = append(w.excluded, ExcludedFile{Path: p, Pattern: ex})
		return
	}
	if folder, old := inExcludedFolder(p, w.d.ExcludedFolders); old {
		w.excluded = append(w.excluded, ExcludedFile{Path: p, Folder: folder})
		return
	}
	mt, _ := time.Parse(time.RFC3339, f.ModifiedTime)
	w.entries = append(w.entries, driveEntry{
		sheaf.FileRef{Path: p, ModTime: mt, ChangeKey: fmt.Sprintf("shortcut:%s:%s:%s", f.Id, target, shortHash(why))},
		driveFile{id: f.Id, problem: why},
	})
}

// excludedPath reports whether an Exclude pattern leaves p out.
// excludedBy is the exclude pattern a path matches, or "".
func (d *GoogleDrive) excludedBy(p string) string {
	for _, ex := range d.Exclude {
		if ok, _ := doublestar.Match(ex, p); ok {
			return ex
		}
	}
	return ""
}

func shownDir(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// leftOut says why a listed file is not read: a rule (ignored) or the
// source's exclude pattern.
type leftOut struct{ ignored, pattern string }

// entry makes the FileRef of a listed file, or says why it is not read.
func (d *GoogleDrive) entry(f *drive.File, p string) (sheaf.FileRef, bool, leftOut) {
	mt, _ := time.Parse(time.RFC3339, f.ModifiedTime)
	ref := sheaf.FileRef{Path: p, Size: f.Size, ModTime: mt}
	switch {
	case f.MimeType == mimeSpreadsheet:
		ref.Path = sheetPath(p)
		ref.Size = 0 // a native sheet has no size until exported
		ref.ChangeKey = fmt.Sprintf("gsheet:%d:%s", f.Version, f.ModifiedTime)
	case strings.HasPrefix(f.MimeType, "application/vnd.google-apps."):
		// Documents, forms, slides: not spreadsheets.
		return ref, false, leftOut{ignored: "不是表格文件（Google 文档、表单或幻灯片），不读取"}
	case !isSpreadsheet(p):
		return ref, false, leftOut{ignored: "不是表格文件，不读取"}
	case f.Md5Checksum != "":
		ref.ChangeKey = "md5:" + f.Md5Checksum
	default:
		// No checksum (rare): the version changes with every upload.
		ref.ChangeKey = fmt.Sprintf("version:%s:%d:%s", f.Id, f.Version, f.ModifiedTime)
	}
	if d.Glob != "" {
		if ok, _ := doublestar.Match(d.Glob, ref.Path); !ok {
			return ref, false, leftOut{ignored: fmt.Sprintf("不符合数据来源的文件规则「%s」，不读取", d.Glob)}
		}
	}
	if ex := d.excludedBy(ref.Path); ex != "" {
		return ref, false, leftOut{pattern: ex}
	}
	return ref, true, leftOut{}
}

// Open downloads an uploaded file, or exports a native sheet as .xlsx. A
// file not listed by this source is looked up by listing the folder again.
func (d *GoogleDrive) Open(ctx context.Context, ref sheaf.FileRef) (io.ReadCloser, error) {
	c, err := d.conn.get(ctx, &d.Google)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	f, ok := d.ids[ref.Path]
	listed := d.ids != nil
	d.mu.Unlock()
	if !ok && !listed {
		if _, err := d.List(ctx); err != nil {
			return nil, fmt.Errorf("open %s: %w", ref.Path, err)
		}
		d.mu.Lock()
		f, ok = d.ids[ref.Path]
		d.mu.Unlock()
	}
	if !ok {
		return nil, fmt.Errorf("open %s: 文件已不在 Google Drive 文件夹 %s 中（file no longer in folder）", ref.Path, d.Folder)
	}
	if f.problem != "" {
		return nil, &sheets.UnreadableError{File: ref.Path, Reason: f.problem}
	}
	if !f.native {
		resp, err := c.drive.Files.Get(f.id).SupportsAllDrives(true).Context(ctx).Download()
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", ref.Path, c.fileError(err))
		}
		return resp.Body, nil
	}
	resp, err := c.drive.Files.Export(f.id, mimeXLSX).Context(ctx).Download()
	if err == nil {
		return resp.Body, nil
	}
	if _, reason := apiStatus(err); reason == "exportSizeLimitExceeded" {
		// Drive exports at most 10 MB; the Sheets API reads any size.
		data, err := c.readSpreadsheet(ctx, f.id, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("open %s: 表格太大无法导出，通过 Sheets API 读取也失败（too large to export, and reading it through the Sheets API failed: %w）", ref.Path, err)
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return nil, fmt.Errorf("open %s: %w", ref.Path, c.fileError(err))
}

// folderError says why a Drive folder cannot be listed, naming the account
// it must be shared with.
func (c *googleConn) folderError(folder string, err error) error {
	switch code, _ := apiStatus(err); code {
	case http.StatusNotFound, http.StatusForbidden:
		return fmt.Errorf("文件夹 %s 无法访问：请将该文件夹共享给服务账号 %s（folder not accessible, share it with the service account: %w）", folder, c.shareWith(), err)
	}
	return fmt.Errorf("无法列出 Google Drive 文件夹 %s（cannot list Drive folder: %w）", folder, err)
}

// fileError says why a listed file cannot be downloaded.
func (c *googleConn) fileError(err error) error {
	switch code, _ := apiStatus(err); code {
	case http.StatusNotFound:
		return fmt.Errorf("文件已被删除或移走（file gone: %w）", err)
	case http.StatusForbidden:
		return fmt.Errorf("无权下载该文件，请共享给服务账号 %s（no access: %w）", c.shareWith(), err)
	}
	return err
}

// shortHash is a short digest of s, for change keys.
func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:6])
}
