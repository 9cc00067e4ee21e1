package sheets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	drive "google.golang.org/api/drive/v3"
)

// Drive MIME types the Drive source tells apart.
const (
	mimeFolder = "application/vnd.google-apps.folder"
	mimeXLSX   = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// driveFields are the file fields a listing asks for.
const driveFields = "id,name,mimeType,md5Checksum,modifiedTime,version,size,parents"

// GoogleDrive is a Google Drive folder, in My Drive or a shared drive, read
// recursively. Uploaded spreadsheets are downloaded as they are; native
// Google Sheets are exported as .xlsx (or, when too large to export, read
// through the Sheets API), and feed the same reader as every other file.
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

// driveFile is a listed Drive file: its id and whether it is a native sheet.
type driveFile struct {
	id     string
	native bool
}

var _ Source = (*GoogleDrive)(nil)

// Name identifies the Drive source: "gdrive:<folder id>".
func (d *GoogleDrive) Name() string { return "gdrive:" + d.Folder }

// List lists the folder and its subfolders to the end: a page that cannot
// be read fails the whole listing, never a smaller one. The change key is
// Drive's md5 of an uploaded file, or the version and modification time of
// a native sheet, so an unchanged file is neither downloaded nor parsed.
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
	type entry struct {
		ref FileRef
		f   driveFile
	}
	var entries []entry
	var excluded []ExcludedFile
	type folder struct{ id, path string }
	queue := []folder{{d.Folder, ""}}
	seen := map[string]bool{d.Folder: true}
	for len(queue) > 0 {
		dir := queue[0]
		queue = queue[1:]
		call := c.drive.Files.List().
			Q(fmt.Sprintf("'%s' in parents and trashed = false", strings.ReplaceAll(dir.id, "'", `\'`))).
			SupportsAllDrives(true).IncludeItemsFromAllDrives(true).PageSize(1000).
			Fields("nextPageToken,incompleteSearch,files(" + driveFields + ")")
		if root.DriveId != "" {
			call = call.Corpora("drive").DriveId(root.DriveId)
		}
		for page := ""; ; {
			if page != "" {
				call = call.PageToken(page)
			}
			resp, err := call.Context(ctx).Do()
			if err != nil {
				return Listing{}, c.folderError(d.Folder, fmt.Errorf("list %s: %w", shownDir(dir.path), err))
			}
			if resp.IncompleteSearch {
				return Listing{}, fmt.Errorf("Google Drive 文件夹 %s 的列表不完整（incomplete listing of %s）", d.Folder, shownDir(dir.path))
			}
			for _, f := range resp.Files {
				p := path.Join(dir.path, strings.ReplaceAll(f.Name, "/", "／"))
				if Ignored(p) {
					continue
				}
				if f.MimeType == mimeFolder {
					if !seen[f.Id] {
						seen[f.Id] = true
						queue = append(queue, folder{f.Id, p})
					}
					continue
				}
				e, ok := d.entry(f, p)
				if folder, old := InExcludedFolder(p, d.ExcludedFolders); ok && old {
					excluded = append(excluded, ExcludedFile{Path: e.Path, Folder: folder})
					continue
				}
				if ok {
					entries = append(entries, entry{e, driveFile{id: f.Id, native: f.MimeType == mimeSpreadsheet}})
				}
			}
			if page = resp.NextPageToken; page == "" {
				break
			}
		}
	}
	// Drive lets two files have one name; such files are told apart by id.
	count := map[string]int{}
	for _, e := range entries {
		count[e.ref.Path]++
	}
	ids := map[string]driveFile{}
	files := make([]FileRef, 0, len(entries))
	for _, e := range entries {
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
	sort.Slice(excluded, func(i, j int) bool { return excluded[i].Path < excluded[j].Path })
	return Listing{Files: files, Complete: true, Excluded: excluded}, nil
}

func shownDir(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// entry makes the FileRef of a listed file, or says it is not read.
func (d *GoogleDrive) entry(f *drive.File, p string) (FileRef, bool) {
	mt, _ := time.Parse(time.RFC3339, f.ModifiedTime)
	ref := FileRef{Path: p, Size: f.Size, ModTime: mt}
	switch {
	case f.MimeType == mimeSpreadsheet:
		ref.Path = sheetPath(p)
		ref.Size = 0 // a native sheet has no size until exported
		ref.ChangeKey = fmt.Sprintf("gsheet:%d:%s", f.Version, f.ModifiedTime)
	case strings.HasPrefix(f.MimeType, "application/vnd.google-apps."):
		return FileRef{}, false // documents, shortcuts, forms: not spreadsheets
	case !Spreadsheet(p):
		return FileRef{}, false
	case f.Md5Checksum != "":
		ref.ChangeKey = "md5:" + f.Md5Checksum
	default:
		// No checksum (rare): the version changes with every upload.
		ref.ChangeKey = fmt.Sprintf("version:%s:%d:%s", f.Id, f.Version, f.ModifiedTime)
	}
	if d.Glob != "" {
		if ok, _ := doublestar.Match(d.Glob, ref.Path); !ok {
			return FileRef{}, false
		}
	}
	for _, ex := range d.Exclude {
		if ok, _ := doublestar.Match(ex, ref.Path); ok {
			return FileRef{}, false
		}
	}
	return ref, true
}

// Open downloads an uploaded file, or exports a native sheet as .xlsx. A
// file not listed by this source is looked up by listing the folder again.
func (d *GoogleDrive) Open(ctx context.Context, ref FileRef) (io.ReadCloser, error) {
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
