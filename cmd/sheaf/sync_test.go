package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `sheaf sync --json` lists every entry of every source with its outcome,
// in snake_case; the text output counts them and lists every entry not
// read, with why.
func TestSyncListsEveryEntry(t *testing.T) {
	cfg := setup(t)
	inbox := filepath.Join(filepath.Dir(cfg), "inbox", "edu")
	for name, data := range map[string]string{"~$small.xlsx": "\x05owner", "说明.docx": "PK\x03\x04"} {
		if err := os.WriteFile(filepath.Join(inbox, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, errOut, code := runSheaf(t, "sync", "--json", "--config", cfg)
	if code != 0 {
		t.Fatalf("sync exit %d: %s", code, errOut)
	}
	var rep struct {
		FileCount int                 `json:"file_count"`
		Files     []map[string]string `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	var got []string
	for _, f := range rep.Files {
		got = append(got, f["department"]+" "+f["source"]+" "+f["path"]+" "+f["outcome"]+" "+f["reason"])
	}
	want := []string{
		"edu dir:inbox/edu small.xlsx read ",
		"edu dir:inbox/edu truncated.xlsx failed ",
		"edu dir:inbox/edu utf8.csv read ",
		"edu dir:inbox/edu ~$small.xlsx ignored Office 锁定文件（表格正被打开编辑时生成），不读取",
		"edu dir:inbox/edu 说明.docx ignored 不是表格文件，不读取",
	}
	if len(got) != len(want) || rep.FileCount != 3 {
		t.Fatalf("%d files, entries:\n%s", rep.FileCount, strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("entry %d: %s, want %s…", i, got[i], want[i])
		}
	}

	// The text output: counts, then what was not read.
	out, _, _ = runSheaf(t, "sync", "--config", cfg)
	for _, w := range []string{
		"3 个文件：读取 0，未变 3，稍后读取 0，无法读取 1，重复 0，已不在 0；略过 2，排除 0；",
		"  无法读取  edu  inbox/edu/truncated.xlsx  ",
		"  略过      edu  inbox/edu/~$small.xlsx    Office 锁定文件（表格正被打开编辑时生成），不读取\n",
		"  略过      edu  inbox/edu/说明.docx       不是表格文件，不读取\n",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("sync output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "small.xlsx  \n") || strings.Contains(out, "utf8.csv") {
		t.Errorf("unchanged files are listed:\n%s", out)
	}
}
