package jobs

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// TestEveryBadFileIsNamedForWhatItIs puts one of each kind of bad file
// beside a good one: the sync runs, the good figures arrive, and each bad
// file is a `file` flag saying what it is in words a department understands.
func TestEveryBadFileIsNamedForWhatItIs(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/good.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	copyFixture := func(name, as string) {
		data, err := os.ReadFile(filepath.Join("..", "sheets", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		f.write(as, data)
	}
	// A legacy workbook cut in half (an interrupted copy).
	legacy, err := os.ReadFile(filepath.Join("..", "sheets", "testdata", "legacy.xls"))
	if err != nil {
		t.Fatal(err)
	}
	f.write("inbox/edu/旧版.xls", legacy[:len(legacy)/2])
	copyFixture("html_as.xls", "inbox/edu/网页导出.xls")
	copyFixture("empty.xlsx", "inbox/edu/空文件.xlsx")
	copyFixture("truncated.xlsx", "inbox/edu/半截.xlsx")
	copyFixture("malformed_sheet.xlsx", "inbox/edu/坏表.xlsx")
	copyFixture("~$lo_cases.xlsx", "inbox/edu/~$good.xlsx")
	// An Office file encrypted with a password is an OLE container holding
	// an EncryptionInfo stream.
	enc := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	for _, r := range "EncryptionInfo" {
		enc = append(enc, byte(r), 0)
	}
	f.write("inbox/edu/加密.xlsx", enc)
	zipOf := func(name string, content string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create(name)
		w.Write([]byte(content))
		zw.Close()
		return buf.Bytes()
	}
	f.write("inbox/edu/压缩包.xlsx", zipOf("说明.txt", "not a workbook"))
	f.write("inbox/edu/文档.xlsx", zipOf("word/document.xml", "<w:document/>"))
	f.write("inbox/edu/文本.xlsx", []byte("学校总数,44\n"))

	rep := f.sync()
	if rep.Read != 1 || rep.Failed != 9 {
		t.Fatalf("read %d failed %d, want 1 and 9: %+v", rep.Read, rep.Failed, rep.Problems)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "inbox/edu/good.xlsx", "D4")
	words := map[string]string{
		"旧版.xls":   "已损坏",
		"网页导出.xls": "网页（HTML）",
		"空文件.xlsx": "文件为空",
		"半截.xlsx":  "损坏或不完整",
		"坏表.xlsx":  "已损坏",
		"加密.xlsx":  "密码",
		"压缩包.xlsx": "没有 Excel 工作簿",
		"文档.xlsx":  "Word",
		"文本.xlsx":  "不是工作簿",
	}
	seen := map[string]bool{}
	for _, fl := range f.openFlags() {
		if fl.Kind != "file" || len(fl.Evidence) == 0 {
			continue
		}
		name := filepath.Base(fl.Evidence[0].File)
		want, ok := words[name]
		if !ok {
			t.Errorf("unexpected file flag for %s: %s", name, fl.Message)
			continue
		}
		seen[name] = true
		if !strings.Contains(fl.Message, want) {
			t.Errorf("%s: %q does not say %q", name, fl.Message, want)
		}
	}
	for name := range words {
		if !seen[name] {
			t.Errorf("no file flag for %s", name)
		}
	}
}

// TestFileOverrunningItsTimeIsAbandoned: a file whose reading does not end
// in time is flagged and the sync goes on; its reader, released later,
// stores nothing.
func TestFileOverrunningItsTimeIsAbandoned(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/slow.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	release := make(chan struct{})
	s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now }, FileTimeout: time.Millisecond,
		beforeRead: func() { <-release }}
	rep, err := s.Sync(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	close(release)
	if rep.Failed != 1 || !strings.Contains(rep.Problems[0].Reason, "读取超时") {
		t.Fatalf("report %+v, want the file failed for its time", rep)
	}
	if fig := f.figures()["schools.total@2024"]; fig.HasValue {
		t.Fatalf("an abandoned file's value was stored: %+v", fig)
	}
}

func TestFileOverTheRowLimitIsFlagged(t *testing.T) {
	f := newFixture(t, strings.Replace(testConfig, "sync: {settle: 1m, workers: 2}", "sync: {settle: 1m, workers: 2, max_rows: 3}", 1))
	var rows [][]any
	for i := range 5 {
		rows = append(rows, []any{"", fmt.Sprintf("未知%d", i), "2024", i, "所", ""})
	}
	f.workbook("inbox/edu/大文件.xlsx", rows...)
	f.workbook("inbox/edu/good.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	rep := f.sync()
	if rep.Failed != 1 || rep.Read != 1 {
		t.Fatalf("report %+v", rep)
	}
	fl := f.flagOf("file", "edu")
	if fl == nil || !strings.Contains(fl.Message, "行数超过上限") {
		t.Fatalf("flag %+v", fl)
	}
}

func TestPasswordProtectedWorkbookIsReadWithTheDepartmentsPassword(t *testing.T) {
	cfg := strings.Replace(testConfig, "    contacts: [edu@example.org]\n", "    contacts: [edu@example.org]\n    password_env: SHEAF_TEST_EDU_PASSWORD\n", 1)
	f := newFixture(t, cfg)
	x := excelize.NewFile()
	header := []any{"指标名称", "数值"}
	x.SetSheetRow("Sheet1", "A1", &header)
	row := []any{"学校总数", 44}
	x.SetSheetRow("Sheet1", "A2", &row)
	if err := x.SaveAs(filepath.Join(f.dir, "inbox/edu/加密.xlsx"), excelize.Options{Password: "尚志2024"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SHEAF_TEST_EDU_PASSWORD", "wrong")
	if rep := f.sync(); rep.Failed != 1 || !strings.Contains(rep.Problems[0].Reason, "无法打开") {
		t.Fatalf("with a wrong password: %+v", rep)
	}
	t.Setenv("SHEAF_TEST_EDU_PASSWORD", "尚志2024")
	if rep := f.sync(); rep.Read != 1 {
		t.Fatalf("with the password: %+v", rep)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
}

// TestDepartmentPasswordNotSet: a department's password_env whose
// variable is not set (a shell or a cron job without the secret) stops
// only its encrypted workbooks, saying the password is sheaf's to set, not
// the department's to remove; its other workbooks are read.
func TestDepartmentPasswordNotSet(t *testing.T) {
	cfg := strings.Replace(testConfig, "    contacts: [edu@example.org]\n", "    contacts: [edu@example.org]\n    password_env: SHEAF_TEST_EDU_PASSWORD_UNSET\n", 1)
	f := newFixture(t, cfg)
	f.workbook("inbox/edu/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	x := excelize.NewFile()
	header := []any{"指标名称", "数值"}
	x.SetSheetRow("Sheet1", "A1", &header)
	row := []any{"在校生数", 36614}
	x.SetSheetRow("Sheet1", "A2", &row)
	if err := x.SaveAs(filepath.Join(f.dir, "inbox/edu/加密.xlsx"), excelize.Options{Password: "尚志2024"}); err != nil {
		t.Fatal(err)
	}
	rep := f.sync()
	if rep.Read != 1 || rep.Failed != 1 {
		t.Fatalf("read %d failed %d, want the plain workbook read and the encrypted one failed: %+v", rep.Read, rep.Failed, rep.Problems)
	}
	if !strings.Contains(rep.Problems[0].Reason, "尚未配置该部门的工作簿密码") {
		t.Errorf("the encrypted workbook's reason: %q", rep.Problems[0].Reason)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
}

// TestSlowCopyIsNeverTakenHalfCopied copies a workbook into the folder in
// pieces with a sync after each: nothing is read (no value, no flag about
// a damaged file) until the copy is complete and has settled.
func TestSlowCopyIsNeverTakenHalfCopied(t *testing.T) {
	f := newFixture(t, testConfig)
	src := f.workbook("staging/a.xlsx", []any{"schools.total", "学校总数", "2024", 44, "所", ""})
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(f.dir, "inbox/edu/a.xlsx")
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	piece := len(data)/4 + 1
	for off := 0; off < len(data); off += piece {
		out.Write(data[off:min(off+piece, len(data))])
		out.Sync()
		f.now = time.Now().Add(10 * time.Second) // the copy is still young
		rep := f.sync()
		if rep.Read != 0 || rep.Failed != 0 || rep.Deferred != 1 {
			t.Fatalf("after %d of %d bytes: %+v", min(off+piece, len(data)), len(data), rep)
		}
	}
	out.Close()
	if fl := f.flagOf("file", "edu"); fl != nil {
		t.Fatalf("a half-copied file was flagged: %s", fl.Message)
	}
	f.now = time.Now().Add(2 * time.Minute) // settled
	if rep := f.sync(); rep.Read != 1 {
		t.Fatalf("the complete file was not read: %+v", rep)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
}

// TestOversizedFileSaysItsSize: the flag of a file over sync.max_file_mb
// says how big the file is and what the limit is.
func TestOversizedFileSaysItsSize(t *testing.T) {
	f := newFixture(t, strings.Replace(testConfig, "sync: {settle: 1m, workers: 2}", "sync: {settle: 1m, workers: 2, max_file_mb: 1}", 1))
	f.write("inbox/edu/大文件.csv", bytes.Repeat([]byte("学校总数,2024,44\n"), 150_000)) // about 3 MB
	f.sync()
	fl := f.flagOf("file", "edu")
	if fl == nil {
		t.Fatalf("no file flag: %+v", f.openFlags())
	}
	if !strings.Contains(fl.Message, "文件过大（3.0 MB，上限 1 MB，sync.max_file_mb）") {
		t.Errorf("message %q", fl.Message)
	}
}
