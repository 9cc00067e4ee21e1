package jobs

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

const entriesConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 1m, workers: 2}
departments:
  - id: edu
    name: 市教育局
    sources: [{dir: inbox/edu, glob: "**/*", exclude: ["草稿/**"]}]
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu}
  - {id: health.examined, name: 体检学生数, unit: 人, owner: edu, required: false}
`

// outcomes writes a report's entries one a line: path, outcome, duplicate
// of, reason.
func outcomes(rep *SyncReport) string {
	var lines []string
	for _, e := range rep.Entries {
		line := fmt.Sprintf("%s %s: %s", e.Outcome, e.Path, e.Reason)
		if e.DuplicateOf != "" {
			line = fmt.Sprintf("%s %s (of %s): %s", e.Outcome, e.Path, e.DuplicateOf, e.Reason)
		}
		if e.Department != "edu" || e.Source != "dir:inbox/edu" {
			line += fmt.Sprintf(" [%s %s]", e.Department, e.Source)
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// A folder holding one entry of every kind: each appears in the report
// with its outcome, none is missing, and the good files are read though
// some entries cannot be: a pipe, a broken link and a link loop are flags
// of their own, not a folder that cannot be listed. A copy of a file that
// cannot be read is named in that file's flag.
func TestSyncGivesEveryEntryAnOutcome(t *testing.T) {
	f := newFixture(t, entriesConfig)
	good := f.workbook("inbox/edu/good.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	f.workbook("inbox/edu/sub/体检.xlsx", []any{"", "体检学生数", "2024", 900, "人", ""})
	f.write("inbox/edu/good - 副本.xlsx", data)
	f.write("inbox/edu/在校生.csv", []byte("指标名称,年度,数值,单位\n在校生数,2024,36614,人\n"))
	f.write("inbox/edu/坏.xlsx", data[:len(data)/2])
	f.write("inbox/edu/坏 - 副本.xlsx", data[:len(data)/2])
	settling := f.write("inbox/edu/新.xlsx", data[:len(data)/3])
	f.write("inbox/edu/~$good.xlsx", []byte("\x05owner"))
	f.write("inbox/edu/.good.xlsx", data)
	f.write("inbox/edu/good.xlsx.tmp", data)
	f.write("inbox/edu/说明.docx", []byte("PK\x03\x04 a document"))
	var xlsb bytes.Buffer
	zw := zip.NewWriter(&xlsb)
	w, _ := zw.Create("xl/workbook.bin")
	w.Write([]byte("binary"))
	zw.Close()
	f.write("inbox/edu/二进制.xlsb", xlsb.Bytes())
	f.write("inbox/edu/2003.xml", []byte(`<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>`))
	f.write("inbox/edu/旧格式.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0})
	f.write("inbox/edu/空.xlsx", nil)
	for _, dir := range []string{"旧版", "草稿"} {
		if err := os.MkdirAll(filepath.Join(f.dir, "inbox/edu", dir), 0o755); err != nil {
			t.Fatal(err)
		}
		f.write("inbox/edu/"+dir+"/good.xlsx", data)
	}
	gbkName, _ := simplifiedchinese.GBK.NewEncoder().String("教育局.csv")
	f.write("inbox/edu/"+gbkName, []byte("指标名称,年度,数值,单位\n学校总数,2024,44,所\n"))
	if err := syscall.Mkfifo(filepath.Join(f.dir, "inbox/edu/管道.xlsx"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"self": ".", "失效.xlsx": "nowhere.xlsx"} {
		if err := os.Symlink(target, filepath.Join(f.dir, "inbox/edu", link)); err != nil {
			t.Fatal(err)
		}
	}
	// The copy still being written was modified 20 seconds before the sync.
	young := f.now.Add(-20 * time.Second)
	if err := os.Chtimes(settling, young, young); err != nil {
		t.Fatal(err)
	}

	rep := f.sync()
	want := []string{
		"failed 2003.xml: 文件为 Excel 2003 XML 表格（XML 电子表格 2003），sheaf 无法读取，请用 Excel 或 WPS 打开后另存为 .xlsx 格式再报送",
		"ignored .good.xlsx: 隐藏文件，不读取",
		"read good.xlsx: ",
		"duplicate good - 副本.xlsx (of good.xlsx): 与 good.xlsx 内容相同，只计一次",
		"ignored good.xlsx.tmp: 临时文件或未下载完的文件，不读取",
		"failed self: 链接指向它所在的文件夹（链接循环），已跳过；请删除这个链接",
		"read sub/体检.xlsx: ",
		"ignored ~$good.xlsx: Office 锁定文件（表格正被打开编辑时生成），不读取",
		"failed 二进制.xlsb: 文件为 Excel 二进制工作簿（.xlsb），sheaf 无法读取，请用 Excel 打开后另存为 .xlsx 格式再报送",
		"read 在校生.csv: ",
		"failed 坏.xlsx: " + "",
		"duplicate 坏 - 副本.xlsx (of 坏.xlsx): 与 坏.xlsx 内容相同，只计一次；两者都无法读取：",
		"failed 失效.xlsx: 链接指向的文件或文件夹不存在（链接已失效），无法读取；请删除链接或恢复它指向的文件",
		"read 教育局.csv: ",
		"deferred 新.xlsx: 文件修改于 20 秒前，未超过等待时间 1 分钟，下次同步再读取",
		"excluded 旧版/good.xlsx: 位于旧版本文件夹「旧版」中（sync.exclude_default），不读取",
		"failed 旧格式.xls: 文件已损坏或不完整（不是完整的 Excel 97-2003 文件），请用 Excel 或 WPS 打开后重新另存为 .xlsx 格式再报送",
		"failed 空.xlsx: 文件为空（0 字节），可能仍在复制中或未保存完整，请重新保存后再报送",
		"excluded 草稿/good.xlsx: 符合排除规则「草稿/**」（exclude），不读取",
		"failed 管道.xlsx: 不是普通文件（命名管道），无法读取",
		"ignored 说明.docx: 不是表格文件，不读取",
	}
	// The reason a truncated workbook cannot be read is the reader's.
	broken := ""
	for _, e := range rep.Entries {
		if e.Path == "坏.xlsx" {
			broken = e.Reason
		}
	}
	if broken == "" {
		t.Fatalf("坏.xlsx has no reason:\n%s", outcomes(rep))
	}
	for i, w := range want {
		if strings.HasPrefix(w, "failed 坏.xlsx") || strings.HasPrefix(w, "duplicate 坏") {
			want[i] = w + broken
		}
	}
	sort.Slice(want, func(i, j int) bool { return pathOf(want[i]) < pathOf(want[j]) })
	if got := outcomes(rep); got != strings.Join(want, "\n") {
		t.Errorf("entries:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	// None is missing: every name in the folder has its entry.
	names, err := os.ReadDir(filepath.Join(f.dir, "inbox/edu"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, e := range rep.Entries {
		listed[strings.Split(e.Path, "/")[0]] = true
	}
	for _, n := range names {
		if name := n.Name(); !listed[name] && name != gbkName {
			t.Errorf("%s has no outcome", name)
		}
	}
	if rep.Read != 4 || rep.Failed != 8 || rep.Deferred != 1 || rep.Duplicates != 2 || rep.Ignored != 4 ||
		rep.Excluded != 2 || rep.SourcesFailed != 0 || rep.Files != 15 {
		t.Errorf("counts: %d files, %d read, %d failed, %d deferred, %d duplicates, %d ignored, %d excluded, %d sources failed",
			rep.Files, rep.Read, rep.Failed, rep.Deferred, rep.Duplicates, rep.Ignored, rep.Excluded, rep.SourcesFailed)
	}

	// The good files count, though some entries cannot be read; the file
	// with a GBK name is shown readably.
	figs := f.figures()
	wantValue(t, figs, "students.total@2024", 36614, "inbox/edu/在校生.csv", "C2")
	wantValue(t, figs, "health.examined@2024", 900, "inbox/edu/sub/体检.xlsx", "D4")
	wantValue(t, figs, "schools.total@2024", 44, "", "")

	// Each unreadable entry is a file flag; the loop is named once; the
	// copy of the broken workbook is named in its flag.
	var flags []string
	for _, fl := range f.flagsOfKind("file") {
		var files []string
		for _, e := range fl.Evidence {
			files = append(files, e.File)
		}
		flags = append(flags, strings.Join(files, " + "))
		if strings.Contains(fl.Message, "self/self") {
			t.Errorf("the loop is repeated: %s", fl.Message)
		}
	}
	sort.Strings(flags)
	wantFlags := []string{
		"inbox/edu/2003.xml", "inbox/edu/self", "inbox/edu/二进制.xlsb", "inbox/edu/坏.xlsx + inbox/edu/坏 - 副本.xlsx",
		"inbox/edu/失效.xlsx", "inbox/edu/旧格式.xls", "inbox/edu/空.xlsx", "inbox/edu/管道.xlsx",
	}
	if got := strings.Join(flags, "\n"); got != strings.Join(wantFlags, "\n") {
		t.Errorf("file flags by evidence:\n%s\nwant:\n%s", got, strings.Join(wantFlags, "\n"))
	}

	// The next sync: what was read is unchanged, the settled file is read,
	// the unreadable entries are still failed, and nothing is stored again.
	f.now = f.now.Add(time.Hour)
	f.workbook("inbox/edu/新.xlsx", []any{"", "在校生数", "2024", 36614, "人", ""})
	rep = f.sync()
	got := outcomes(rep)
	for _, w := range []string{
		"unchanged good.xlsx: ", "unchanged 在校生.csv: ", "read 新.xlsx: ",
		"duplicate good - 副本.xlsx (of good.xlsx): 与 good.xlsx 内容相同，只计一次",
		"failed 管道.xlsx: 不是普通文件（命名管道），无法读取",
		"failed 空.xlsx: 文件为空（0 字节），可能仍在复制中或未保存完整，请重新保存后再报送（文件未变）",
	} {
		if !strings.Contains(got+"\n", w+"\n") {
			t.Errorf("second sync lacks %q:\n%s", w, got)
		}
	}
	if len(rep.Entries) != 21 {
		t.Errorf("second sync: %d entries, want 21", len(rep.Entries))
	}
}

func pathOf(line string) string {
	rest := line[strings.Index(line, " ")+1:]
	if i := strings.Index(rest, " (of "); i >= 0 {
		return rest[:i]
	}
	return rest[:strings.Index(rest, ":")]
}

// A file without read permission is its own file flag. A folder inside
// the source that cannot be opened is one too;
// the files read from it before keep their values (they are not gone),
// and the rest of the source is read.
func TestSyncKeepsFilesOfAFolderThatCannotBeOpened(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root opens any folder")
	}
	f := newFixture(t, entriesConfig)
	f.workbook("inbox/edu/sub/体检.xlsx", []any{"", "体检学生数", "2024", 900, "人", ""})
	f.sync()
	sub := filepath.Join(f.dir, "inbox/edu/sub")
	if err := os.Chmod(sub, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(sub, 0o755) })
	f.workbook("inbox/edu/good.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	locked := f.workbook("inbox/edu/锁定.xlsx", []any{"", "在校生数", "2024", 36614, "人", ""})
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	rep := f.sync()
	if rep.Gone != 0 || rep.Read != 1 || rep.Failed != 2 || rep.SourcesFailed != 0 {
		t.Fatalf("gone %d read %d failed %d sources failed %d:\n%s", rep.Gone, rep.Read, rep.Failed, rep.SourcesFailed, outcomes(rep))
	}
	if got := outcomes(rep); !strings.Contains(got, "failed sub: 没有打开这个文件夹的权限，其中的文件未读取，此前读取的数据保留（permission denied）") ||
		!strings.Contains(got, "failed 锁定.xlsx: 没有读取这个文件的权限，无法读取；请检查文件的权限设置（permission denied）") {
		t.Errorf("entries:\n%s", got)
	}
	wantValue(t, f.figures(), "health.examined@2024", 900, "inbox/edu/sub/体检.xlsx", "D4")
	wantValue(t, f.figures(), "schools.total@2024", 44, "inbox/edu/good.xlsx", "D4")
}

// Reports stored before entries were listed, with "files" a count, are
// still read.
func TestSyncReportReadsOldStoredReports(t *testing.T) {
	var rep SyncReport
	if err := json.Unmarshal([]byte(`{"run_id": 3, "files": 12, "read": 2, "failed": 1}`), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Files != 12 || rep.Read != 2 || rep.Failed != 1 || rep.RunID != 3 {
		t.Errorf("old report read as %+v", rep)
	}
	if err := json.Unmarshal([]byte(`{"file_count": 2, "files": [{"department": "edu", "path": "a.xlsx", "outcome": "read"}]}`), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Files != 2 || len(rep.Entries) != 1 || rep.Entries[0].Path != "a.xlsx" {
		t.Errorf("report read as %+v", rep)
	}
}
