package sheets

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
