package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/sheaf-dev/sheaf"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Files under a folder of old versions are listed as excluded, with the
// folder, and never among the files to read; a folder whose name only
// contains such a word is read.
func TestDirListsOldVersionFoldersAsExcluded(t *testing.T) {
	root := t.TempDir()
	for _, p := range []string{
		"快报.xlsx",
		"旧版/快报.xlsx",
		"2024/作废/快报（错）.xlsx",
		"Archive/2023.csv",
		"OLD/sub/a.xlsx",
		"旧版本/b.xlsx",   // not the name 旧版
		"old.xlsx",     // a file, not a folder
		"旧版/notes.txt", // not a spreadsheet: neither read nor listed
	} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	names := []string{"作废", "旧版", "历史", "备份", "old", "archive"}
	l, err := (&Dir{Root: root, ExcludedFolders: names}).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var files, excluded []string
	for _, f := range l.Files {
		files = append(files, f.Path)
	}
	for _, x := range l.Excluded {
		excluded = append(excluded, x.Path+" ("+x.Folder+")")
	}
	if got := strings.Join(files, ", "); got != "old.xlsx, 快报.xlsx, 旧版本/b.xlsx" {
		t.Errorf("files: %s", got)
	}
	if got := strings.Join(excluded, ", "); got != "2024/作废/快报（错）.xlsx (2024/作废), Archive/2023.csv (Archive), OLD/sub/a.xlsx (OLD), 旧版/快报.xlsx (旧版)" {
		t.Errorf("excluded: %s", got)
	}

	// No names: every folder is read.
	l, err = (&Dir{Root: root}).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Files) != 7 || len(l.Excluded) != 0 {
		t.Errorf("without excluded folders: %d files, %d excluded; want 7, 0", len(l.Files), len(l.Excluded))
	}
}

// put writes a file under root, making its folders.
func put(t *testing.T, root, rel string, data []byte) {
	t.Helper()
	full := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// spreadsheetML2003 is an Excel 2003 XML workbook as Excel writes it.
const spreadsheetML2003 = `<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"
 xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="Sheet1"><Table><Row><Cell><Data ss:Type="String">学校总数</Data></Cell></Row></Table></Worksheet>
</Workbook>
`

// A folder with one entry of every kind lists each with its outcome: the
// spreadsheets to read (an Excel 2003 XML one told by its content), the
// entries ignored by rule and why, the excluded ones, and the entries that
// cannot be read as problems of their own (a pipe, a broken link, a link
// loop reported once), while the rest is read. A link to a file is read; a
// link to a folder already listed is not listed twice.
func TestDirListsEveryEntryWithItsOutcome(t *testing.T) {
	root := t.TempDir()
	xlsx := []byte("PK\x03\x04 a workbook")
	for rel, data := range map[string][]byte{
		"报表.xlsx":         xlsx,
		"统计.csv":          []byte("指标,数值\n学校总数,44\n"),
		"~$报表.xlsx":       []byte("\x05owner"),
		".~lock.报表.xlsx#": []byte("lock"),
		".隐藏.xlsx":        xlsx,
		"报表.xlsx.tmp":     xlsx,
		"旧版/报表.xlsx":      xlsx,
		"草稿/报表.xlsx":      xlsx,
		"说明.docx":         []byte("PK\x03\x04 a document"),
		"二进制.xlsb":        []byte("PK\x03\x04 xl/workbook.bin"),
		"2003.xml":        []byte(spreadsheetML2003),
		"config.xml":      []byte(`<?xml version="1.0"?><settings/>`),
		"旧格式.xls":         oleMagic,
		"空.xlsx":          nil,
		".git/config":     []byte("[core]"),
		"sub/深.xlsx":      xlsx,
	} {
		put(t, root, rel, data)
	}
	if err := syscall.Mkfifo(filepath.Join(root, "管道.xlsx"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"self":      ".",
		"失效.xlsx":   "nowhere.xlsx",
		"链接.xlsx":   "报表.xlsx",
		"sub/上级":    "..",
		"同一文件夹":     "sub",
		"互指a.xlsx":  "互指b.xlsx",
		"互指b.xlsx":  "互指a.xlsx",
		"失效文件夹":     "gone",
		"失效说明.docx": "gone.docx",
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Fatal(err)
		}
	}
	d := &Dir{Root: root, Glob: "**/*", Exclude: []string{"草稿/**"}, ExcludedFolders: []string{"旧版"}}
	l, err := d.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range l.Files {
		got = append(got, "file "+f.Path)
	}
	for _, x := range l.Excluded {
		got = append(got, "excluded "+x.Path+" folder="+x.Folder+" pattern="+x.Pattern)
	}
	for _, x := range l.Ignored {
		got = append(got, "ignored "+x.Path+": "+x.Reason)
	}
	for _, x := range l.Problems {
		got = append(got, fmt.Sprintf("problem %s (folder %v): %s", x.Path, x.Folder, x.Reason))
	}
	want := []string{
		"file 2003.xml",
		"file sub/深.xlsx",
		"file 二进制.xlsb",
		"file 旧格式.xls",
		"file 空.xlsx",
		"file 报表.xlsx",
		"file 统计.csv",
		"file 链接.xlsx",
		"excluded 旧版/报表.xlsx folder=旧版 pattern=",
		"excluded 草稿/报表.xlsx folder= pattern=草稿/**",
		"ignored .git: 隐藏文件夹，其中的文件不读取",
		"ignored .~lock.报表.xlsx#: LibreOffice 或 WPS 的锁定文件（表格正被打开编辑时生成），不读取",
		"ignored .隐藏.xlsx: 隐藏文件，不读取",
		"ignored config.xml: 不是表格文件，不读取",
		"ignored ~$报表.xlsx: Office 锁定文件（表格正被打开编辑时生成），不读取",
		"ignored 同一文件夹: 与文件夹「sub」是同一个文件夹（通过链接），其中的文件只在那里列出",
		"ignored 报表.xlsx.tmp: 临时文件或未下载完的文件，不读取",
		"ignored 失效说明.docx: 不是表格文件，不读取",
		"ignored 说明.docx: 不是表格文件，不读取",
		"problem self (folder false): 链接指向它所在的文件夹（链接循环），已跳过；请删除这个链接",
		"problem sub/上级 (folder false): 链接指向它所在的文件夹（链接循环），已跳过；请删除这个链接",
		"problem 互指a.xlsx (folder false): 链接指向自身或互相指向（链接循环），无法读取；请删除这个链接",
		"problem 互指b.xlsx (folder false): 链接指向自身或互相指向（链接循环），无法读取；请删除这个链接",
		"problem 失效.xlsx (folder false): 链接指向的文件或文件夹不存在（链接已失效），无法读取；请删除链接或恢复它指向的文件",
		"problem 失效文件夹 (folder false): 链接指向的文件或文件夹不存在（链接已失效），无法读取；请删除链接或恢复它指向的文件",
		"problem 管道.xlsx (folder false): 不是普通文件（命名管道），无法读取",
	}
	sortByPath := func(s []string) {
		sort.SliceStable(s, func(i, j int) bool {
			ki, kj := strings.SplitN(s[i], " ", 2), strings.SplitN(s[j], " ", 2)
			if ki[0] != kj[0] {
				return false
			}
			return ki[1] < kj[1]
		})
	}
	sortByPath(want)
	if g, w := strings.Join(got, "\n"), strings.Join(want, "\n"); g != w {
		t.Errorf("listing:\n%s\nwant:\n%s", g, w)
	}
	if !l.Complete {
		t.Error("a listing with problem entries must be complete: its other files are there")
	}
	// The link to a file reads the file it points to.
	rc, err := d.Open(context.Background(), sheaf.FileRef{Path: "链接.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(rc)
	rc.Close()
	if string(data) != string(xlsx) {
		t.Errorf("link content %q", data)
	}
}

// Only a folder that cannot be opened at all fails the listing.
func TestDirFailsOnlyWhenTheFolderCannotBeOpened(t *testing.T) {
	root := filepath.Join(t.TempDir(), "不存在")
	_, err := (&Dir{Root: root, Label: "inbox/教育局"}).List(context.Background())
	if err == nil || !strings.HasPrefix(err.Error(), "文件夹 inbox/教育局 不存在或共享盘未挂载") {
		t.Fatalf("err = %v", err)
	}
	// What the department reads names the folder as configured, never the
	// server's path nor the system's English; the log has both.
	if strings.Contains(err.Error(), root) || strings.Contains(err.Error(), "no such file") {
		t.Errorf("err = %q: the server's path or the system's words", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v: not fs.ErrNotExist", err)
	}
}

// A file name in GBK bytes (a share mounted with the wrong character set)
// is listed readably and opened by its real bytes; a name that is neither
// UTF-8 nor GB18030 is listed with its bytes escaped, and opened too. A
// decoded name that would collide with a UTF-8 name is escaped instead.
func TestDirNamesInAnyEncoding(t *testing.T) {
	root := t.TempDir()
	enc := simplifiedchinese.GBK.NewEncoder()
	gbk, err := enc.String("教育局报表")
	if err != nil {
		t.Fatal(err)
	}
	gbkFolder, _ := enc.String("子文件夹")
	files := map[string]string{
		gbk + ".xlsx":                  "gbk",
		"\xff\xfe-bad.xlsx":            "bad",
		gbkFolder + "/" + gbk + ".csv": "nested",
		"教育局报表.csv":                    "utf8",
		gbk + ".csv":                   "collides",
	}
	for rel, content := range files {
		full := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d := &Dir{Root: root}
	l, err := d.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Only the invalid bytes are escaped: D6 B1 happens to be UTF-8 (ֱ).
	escaped := `\xBD\xCC\xD3\xFD\xBE` + "ֱ" + `\xA8\xB1\xED.csv`
	want := map[string]string{
		"教育局报表.xlsx":        "gbk",
		`\xFF\xFE-bad.xlsx`: "bad",
		"子文件夹/教育局报表.csv":    "nested",
		"教育局报表.csv":         "utf8",
		escaped:             "collides",
	}
	if len(l.Files) != len(want) || len(l.Problems) != 0 {
		t.Fatalf("files %+v, problems %+v", l.Files, l.Problems)
	}
	for _, f := range l.Files {
		content, ok := want[f.Path]
		if !ok {
			t.Errorf("listed %q, not a readable name", f.Path)
			continue
		}
		rc, err := d.Open(context.Background(), f)
		if err != nil {
			t.Errorf("open %s: %v", f.Path, err)
			continue
		}
		got, _ := io.ReadAll(rc)
		rc.Close()
		if string(got) != content {
			t.Errorf("%s: content %q, want %q", f.Path, got, content)
		}
	}
}

func TestReadableName(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("统计表")
	for _, tc := range []struct{ name, in, want string }{
		{"utf-8 as is", "统计表.xlsx", "统计表.xlsx"},
		{"gbk decoded", gbk + ".xlsx", "统计表.xlsx"},
		{"undecodable escaped", "a\xffb.xlsx", `a\xFFb.xlsx`},
		{"control character after decoding escaped", "\x81\x30\x81\x30\x01\xff", `\x810\x810` + "\x01" + `\xFF`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := readableName(tc.in); got != tc.want {
				t.Errorf("readableName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestIgnoredFiles(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"~$lo_cases.xlsx", true},
		{"sub/~$报表.xlsx", true},
		{".~lock.报表.xlsx#", true},
		{".hidden/报表.xlsx", true},
		{"报表.xlsx.tmp", true},
		{"报表.xlsx.crdownload", true},
		{"报表.xlsx", false},
		{"2024/报表 - 副本.xlsx", false},
	}
	for _, tc := range tests {
		if got := Ignored(tc.path); got != tc.want {
			t.Errorf("Ignored(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

// oleMagic starts an OLE compound file: an .xls, or an encrypted .xlsx.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
