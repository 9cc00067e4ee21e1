package jobs

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/storage"
)

// versionMessage is the version flag for schools.total in edu's files.
func versionMessage(newer, older string) string {
	return "市教育局的两个文件中「学校总数（2024年）」不一致：" + newer + "（较新，已采用），" + older +
		"；请删除过时的文件，或将其移入“旧版”文件夹"
}

// setTime sets a file's modification time.
func (f *fixture) setTime(rel string, t time.Time) {
	f.t.Helper()
	if err := os.Chtimes(filepath.Join(f.dir, rel), t, t); err != nil {
		f.t.Fatal(err)
	}
}

// oneVersionFlag returns the only open version flag, checking its identity
// and severity.
func (f *fixture) oneVersionFlag() storage.StoredFlag {
	f.t.Helper()
	vs := f.flagsOfKind(sheaf.KindVersion)
	if len(vs) != 1 {
		f.t.Fatalf("%d open version flags, want 1: %+v", len(vs), vs)
	}
	v := vs[0]
	if v.Department != "edu" || v.Indicator != "schools.total" || v.Period != "2024" || v.Severity != "warning" ||
		strings.Contains(v.Subject, ".xlsx") {
		f.t.Fatalf("version flag = %+v, want edu schools.total 2024, a warning, identified without file names", v.Flag)
	}
	return v
}

func evidenceCells(fl storage.StoredFlag) string {
	var cells []string
	for _, e := range fl.Evidence {
		v := "-"
		if e.Value != nil {
			v = strconv.FormatFloat(*e.Value, 'g', -1, 64)
		}
		cells = append(cells, e.File+"!"+e.Sheet+"!"+e.Cell+"="+v)
	}
	return strings.Join(cells, " ")
}

// Opening the old file and saving it again does not bring its old value
// back: a value counts by when it first appeared in its file.
func TestResavingAnOldVersionKeepsTheNewerValue(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/快报.xlsx", row("schools.total", "学校总数", "2024", 4645))
	f.sync()
	f.now = f.now.Add(time.Hour)
	f.workbook("inbox/edu/快报（修订）.xlsx", row("schools.total", "学校总数", "2024", 4655))
	f.sync()
	wantValue(t, f.figures(), "schools.total@2024", 4655, "inbox/edu/快报（修订）.xlsx", "D4")
	first := f.oneVersionFlag()
	want := versionMessage("inbox/edu/快报（修订）.xlsx!Sheet1!D4 为 4655所", "inbox/edu/快报.xlsx!Sheet1!D4 为 4645所")
	if first.Message != want {
		t.Errorf("version flag message\n%s\nwant\n%s", first.Message, want)
	}
	if got := evidenceCells(first); got != "inbox/edu/快报（修订）.xlsx!Sheet1!D4=4655 inbox/edu/快报.xlsx!Sheet1!D4=4645" {
		t.Errorf("evidence %s", got)
	}

	// Someone opens 快报.xlsx, adds a note and saves it: new content, a new
	// modification time, the same 4645.
	f.now = f.now.Add(time.Hour)
	f.workbook("inbox/edu/快报.xlsx", []any{"schools.total", "学校总数", "2024", 4645, "所", "已核对"})
	if rep := f.sync(); rep.Read != 1 {
		t.Fatalf("the re-saved file was not read again: %+v", rep)
	}
	figs := f.figures()
	wantValue(t, figs, "schools.total@2024", 4655, "inbox/edu/快报（修订）.xlsx", "D4")
	if st := figs["schools.total@2024"].Status; st != sheaf.StatusOK {
		t.Errorf("status %s, want ok (the newer value counts; the warning asks to tidy the folder)", st)
	}
	again := f.oneVersionFlag()
	if again.ID != first.ID || again.Message != want {
		t.Errorf("after the re-save: flag %d %q, want the same flag %d", again.ID, again.Message, first.ID)
	}
	if c := f.flagsOfKind("conflict"); len(c) != 0 {
		t.Errorf("two versions of one department made a conflict: %+v", c)
	}

	// The old file now changes its value: that value is the newest.
	f.now = f.now.Add(time.Hour)
	f.workbook("inbox/edu/快报.xlsx", []any{"schools.total", "学校总数", "2024", 4660, "所", "已核对"})
	f.sync()
	wantValue(t, f.figures(), "schools.total@2024", 4660, "inbox/edu/快报.xlsx", "D4")
	if got := f.oneVersionFlag().Message; got != versionMessage("inbox/edu/快报.xlsx!Sheet1!D4 为 4660所",
		"inbox/edu/快报（修订）.xlsx!Sheet1!D4 为 4655所") {
		t.Errorf("after a real change: %s", got)
	}

	// The files agree again: the version flag resolves.
	f.now = f.now.Add(time.Hour)
	f.workbook("inbox/edu/快报（修订）.xlsx", row("schools.total", "学校总数", "2024", 4660))
	f.sync()
	if vs := f.flagsOfKind(sheaf.KindVersion); len(vs) != 0 {
		t.Errorf("agreeing files still flagged: %+v", vs)
	}
}

// Two versions copied into the folder at once: the later modification
// time wins (not the file name), and a later re-save of the older file does
// not change that.
func TestTwoVersionsCopiedAtOnce(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/快报.xlsx", row("schools.total", "学校总数", "2024", 4645))
	f.workbook("inbox/edu/快报 v2.xlsx", row("schools.total", "学校总数", "2024", 4655))
	f.setTime("inbox/edu/快报.xlsx", f.now.Add(-3*time.Hour))
	f.setTime("inbox/edu/快报 v2.xlsx", f.now.Add(-2*time.Hour))
	if rep := f.sync(); rep.Read != 2 {
		t.Fatalf("read %d files, want 2", rep.Read)
	}
	wantValue(t, f.figures(), "schools.total@2024", 4655, "inbox/edu/快报 v2.xlsx", "D4")
	want := versionMessage("inbox/edu/快报 v2.xlsx!Sheet1!D4 为 4655所", "inbox/edu/快报.xlsx!Sheet1!D4 为 4645所")
	if got := f.oneVersionFlag().Message; got != want {
		t.Errorf("version flag\n%s\nwant\n%s", got, want)
	}

	// The older one re-saved with a newer time: its 4645 is as old as before.
	f.now = f.now.Add(time.Hour)
	f.workbook("inbox/edu/快报.xlsx", []any{"schools.total", "学校总数", "2024", 4645, "所", "已打开"})
	f.setTime("inbox/edu/快报.xlsx", f.now.Add(-10*time.Minute))
	f.sync()
	wantValue(t, f.figures(), "schools.total@2024", 4655, "inbox/edu/快报 v2.xlsx", "D4")
	if got := f.oneVersionFlag().Message; got != want {
		t.Errorf("after the re-save: %s", got)
	}
}

// Moving the outdated file into a folder of old versions resolves the flag
// and the file is listed as excluded; emptying sync.exclude_default reads
// it again.
func TestOldVersionMovedIntoOldVersionsFolder(t *testing.T) {
	f := newFixture(t, testConfig)
	f.workbook("inbox/edu/快报.xlsx", row("schools.total", "学校总数", "2024", 4645))
	f.sync()
	f.now = f.now.Add(time.Hour)
	f.workbook("inbox/edu/快报（修订）.xlsx", row("schools.total", "学校总数", "2024", 4655))
	f.sync()
	id := f.oneVersionFlag().ID

	if err := os.MkdirAll(filepath.Join(f.dir, "inbox/edu/旧版"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(f.dir, "inbox/edu/快报.xlsx"), filepath.Join(f.dir, "inbox/edu/旧版/快报.xlsx")); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	rep := f.sync()
	if rep.Excluded != 1 || rep.Gone != 1 || rep.Read != 0 {
		t.Fatalf("excluded %d gone %d read %d, want 1 1 0", rep.Excluded, rep.Gone, rep.Read)
	}
	var excluded []FileProblem
	for _, p := range rep.Problems {
		if p.Outcome == "excluded" {
			excluded = append(excluded, p)
		}
	}
	if len(excluded) != 1 || excluded[0].Department != "edu" || excluded[0].File != "旧版/快报.xlsx" ||
		excluded[0].Reason != "位于旧版本文件夹「旧版」中（sync.exclude_default），不读取" {
		t.Errorf("excluded files in the report: %+v", excluded)
	}
	if vs := f.flagsOfKind(sheaf.KindVersion); len(vs) != 0 {
		t.Errorf("the version flag is still open: %+v", vs)
	}
	flags, _ := f.db.Flags(context.Background())
	for _, fl := range flags {
		if fl.ID == id && fl.State != "resolved" {
			t.Errorf("version flag state %s, want resolved", fl.State)
		}
	}
	wantValue(t, f.figures(), "schools.total@2024", 4655, "inbox/edu/快报（修订）.xlsx", "D4")

	// Every folder read: the old version is back, still the older value,
	// and the same flag reopens.
	f.setConfig(strings.Replace(testConfig, "sync: {settle: 1m, workers: 2}", "sync: {settle: 1m, workers: 2, exclude_default: []}", 1))
	f.now = f.now.Add(time.Hour)
	rep = f.sync()
	if rep.Excluded != 0 || rep.Read < 1 {
		t.Fatalf("with exclude_default: [] excluded %d read %d", rep.Excluded, rep.Read)
	}
	wantValue(t, f.figures(), "schools.total@2024", 4655, "inbox/edu/快报（修订）.xlsx", "D4")
	if v := f.oneVersionFlag(); v.ID != id || v.Message != versionMessage("inbox/edu/快报（修订）.xlsx!Sheet1!D4 为 4655所",
		"inbox/edu/旧版/快报.xlsx!Sheet1!D4 为 4645所") {
		t.Errorf("reopened flag %d %q, want flag %d naming the moved file", v.ID, v.Message, id)
	}
}

// A good file re-saved corrupt changes nothing but its own file flag: the
// figure keeps its value and its conflict, no missing flag opens. Fixed, the
// new read replaces both.
func TestCorruptResaveKeepsLastGoodValues(t *testing.T) {
	f := newFixture(t, testConfig)
	good := f.workbook("inbox/edu/报表.xlsx",
		row("schools.total", "学校总数", "2024", 44), row("students.total", "在校生数", "2024", 36614))
	f.write("inbox/stats/stats.csv", []byte("指标名称,年度,数值\n学校总数,2024,45\n"))
	f.workbook("inbox/finance/经费.xlsx", row("fund.edu_spend", "", "2022", 68211), row("fund.edu_spend", "", "2023", 68258))
	f.sync()
	conflict := f.flagOf("conflict", "edu")
	if conflict == nil || f.flagOf("missing", "edu") != nil {
		t.Fatalf("setup: want a conflict and no missing flag, got %+v", f.openFlags())
	}

	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	f.write("inbox/edu/报表.xlsx", data[:len(data)/2])
	f.now = f.now.Add(time.Hour)
	rep := f.sync()
	if rep.Failed != 1 || rep.Read != 0 {
		t.Fatalf("failed %d read %d, want 1 0", rep.Failed, rep.Read)
	}
	figs := f.figures()
	wantValue(t, figs, "schools.total@2024", 44, "inbox/edu/报表.xlsx", "D4")
	wantValue(t, figs, "students.total@2024", 36614, "inbox/edu/报表.xlsx", "D5")
	if st := figs["schools.total@2024"].Status; st != sheaf.StatusConflict {
		t.Errorf("schools.total status %s, want conflict still", st)
	}
	if st := figs["students.total@2024"].Status; st != sheaf.StatusOK {
		t.Errorf("students.total status %s, want ok", st)
	}
	if c := f.flagOf("conflict", "edu"); c == nil || c.ID != conflict.ID {
		t.Errorf("the conflict did not stay open: %+v", c)
	}
	if m := f.flagsOfKind("missing"); len(m) != 0 {
		t.Errorf("a failed read opened missing flags: %+v", m)
	}
	var kinds []string
	for _, fl := range f.openFlags() {
		kinds = append(kinds, string(fl.Kind)+" "+fl.Department)
	}
	if strings.Join(kinds, ", ") != "conflict edu, file edu" {
		t.Errorf("open flags %v, want the conflict and one file flag", kinds)
	}
	ff := f.flagOf("file", "edu")
	if ff == nil || ff.Evidence[0].File != "inbox/edu/报表.xlsx" {
		t.Fatalf("file flag = %+v", ff)
	}
	files, err := f.db.Files(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, fs := range files {
		if fs.Path == "报表.xlsx" && (fs.State != storage.FileFailed || fs.Outcome != storage.ReadFailed) {
			t.Errorf("status shows %s/%s for the corrupt file, want failed", fs.State, fs.Outcome)
		}
	}
	// Unchanged and still corrupt: nothing moves.
	f.now = f.now.Add(time.Hour)
	if rep := f.sync(); rep.Failed != 1 || rep.Unchanged != 3 {
		t.Fatalf("second sync of the corrupt file: %+v", rep)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "inbox/edu/报表.xlsx", "D4")

	// Fixed, with a corrected value: the new read counts, the file flag and
	// the conflict resolve.
	f.workbook("inbox/edu/报表.xlsx", row("schools.total", "学校总数", "2024", 45), row("students.total", "在校生数", "2024", 36614))
	f.now = f.now.Add(time.Hour)
	f.sync()
	wantValue(t, f.figures(), "schools.total@2024", 45, "inbox/edu/报表.xlsx", "D4")
	if open := f.openFlags(); len(open) != 0 {
		t.Errorf("open flags after the fix: %+v", open)
	}
}

// Copies of one file count once, and flags cite the original, not the
// copy that sorts first by name.
func TestCopiesCiteTheOriginal(t *testing.T) {
	f := newFixture(t, testConfig)
	orig := f.workbook("inbox/edu/下载/报表.xlsx", row("schools.total", "学校总数", "2024", 44))
	data, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(orig)
	f.write("inbox/edu/报表.xlsx", data)
	f.write("inbox/edu/报表 - 副本.xlsx", data)
	f.write("inbox/edu/报表(1).xlsx", data)
	f.write("inbox/edu/Copy of 报表.xlsx", data)
	f.write("inbox/edu/下载/报表.xlsx", data)
	f.write("inbox/stats/stats.csv", []byte("指标名称,年度,数值\n学校总数,2024,45\n"))
	rep := f.sync()
	if rep.Duplicates != 4 || rep.Read != 2 {
		t.Fatalf("duplicates %d read %d, want 4 2", rep.Duplicates, rep.Read)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "inbox/edu/报表.xlsx", "D4")
	c := f.flagOf("conflict", "edu")
	if c == nil {
		t.Fatal("no conflict")
	}
	if got := evidenceCells(*c); got != "inbox/edu/报表.xlsx!Sheet1!D4=44 inbox/stats/stats.csv!stats!C2=45" {
		t.Errorf("conflict cites %s, want the original", got)
	}
	if vs := f.flagsOfKind(sheaf.KindVersion); len(vs) != 0 {
		t.Errorf("copies made a version flag: %+v", vs)
	}
}

func TestIsCopyName(t *testing.T) {
	for _, tc := range []struct {
		name string
		copy bool
	}{
		{"报表.xlsx", false},
		{"报表 - 副本.xlsx", true},
		{"sub/报表 - 副本 (2).xlsx", true},
		{"复件 报表.xls", true},
		{"报表(1).xlsx", true},
		{"报表（1）.xlsx", true},
		{"报表 (3).xlsx", true},
		{"Copy of 报表.xlsx", true},
		{"报表 copy.xlsx", true},
		{"快报(2024).xlsx", false},
		{"2024年（修订）.xlsx", false},
	} {
		if got := isCopyName(tc.name); got != tc.copy {
			t.Errorf("isCopyName(%q) = %v, want %v", tc.name, got, tc.copy)
		}
	}
}

// A file that leaves the folder and comes back (restored from the recycle
// bin, or a folder a sync client empties and refills) counts again at once,
// with the precedence its values had: the revised 4655, not the old 4645,
// and the version flag open again.
func TestAFileThatComesBackCountsAgain(t *testing.T) {
	for _, touch := range []bool{false, true} {
		t.Run(map[bool]string{false: "same time", true: "new time"}[touch], func(t *testing.T) {
			f := newFixture(t, testConfig)
			f.workbook("inbox/edu/快报.xlsx", row("schools.total", "学校总数", "2024", 4645))
			f.sync()
			f.now = f.now.Add(time.Hour)
			f.workbook("inbox/edu/快报（修订）.xlsx", row("schools.total", "学校总数", "2024", 4655))
			f.sync()
			f.oneVersionFlag()

			revised := filepath.Join(f.dir, "inbox/edu/快报（修订）.xlsx")
			away := filepath.Join(f.dir, "回收站.xlsx")
			if err := os.Rename(revised, away); err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(time.Hour)
			if rep := f.sync(); rep.Gone != 1 {
				t.Fatalf("gone = %d, want 1", rep.Gone)
			}
			wantValue(t, f.figures(), "schools.total@2024", 4645, "inbox/edu/快报.xlsx", "D4")
			if vs := f.flagsOfKind(sheaf.KindVersion); len(vs) != 0 {
				t.Fatalf("version flag open with one file: %+v", vs)
			}

			if err := os.Rename(away, revised); err != nil {
				t.Fatal(err)
			}
			if touch {
				f.setTime("inbox/edu/快报（修订）.xlsx", f.now.Add(-time.Minute))
			}
			f.now = f.now.Add(time.Hour)
			f.sync()
			figs := f.figures()
			wantValue(t, figs, "schools.total@2024", 4655, "inbox/edu/快报（修订）.xlsx", "D4")
			if s := figs["schools.total@2024"].Status; s != sheaf.StatusOK {
				t.Errorf("status %s", s)
			}
			f.oneVersionFlag()

			// Gone again: counted gone again.
			if err := os.Remove(revised); err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(time.Hour)
			if rep := f.sync(); rep.Gone != 1 {
				t.Errorf("gone = %d after the second removal, want 1", rep.Gone)
			}
		})
	}
}

// A department whose only file cannot be read is not told it sent nothing:
// each figure it owes says the file could not be read, and its reminder
// asks rather than accuses.
func TestOnlyFileUnreadableIsNotUnsent(t *testing.T) {
	f := newFixture(t, testConfig)
	data, err := os.ReadFile(filepath.Join("..", "sheets", "testdata", "truncated.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	f.write("inbox/finance/经费.xlsx", data)
	if rep := f.sync(); rep.Failed != 1 || rep.Fallbacks != 0 {
		t.Fatalf("report %+v", rep)
	}
	missing := f.flagsOfKind(sheaf.KindMissing)
	n := 0
	for _, m := range missing {
		if m.Department != "finance" {
			continue
		}
		n++
		if strings.Contains(m.Message, "未报送") || !strings.Contains(m.Message, "「inbox/finance/经费.xlsx」无法读取") ||
			m.Subject != sheaf.MissingUnreadFile {
			t.Errorf("finance missing flag %q (subject %q)", m.Message, m.Subject)
		}
	}
	if n != 2 { // fund.edu_spend 2022 and 2023
		t.Errorf("%d finance missing flags, want 2: %+v", n, missing)
	}
	if len(f.flagsOfKind("file")) != 1 {
		t.Errorf("file flags: %+v", f.flagsOfKind("file"))
	}
}
