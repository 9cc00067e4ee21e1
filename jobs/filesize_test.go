package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/sheaf-dev/sheaf/sheets"
	"github.com/sheaf-dev/sheaf/sources"
)

// TestFileSizeFlagSaysTheSize: a file over sync.max_file_mb is refused
// with its size and the limit.
func TestFileSizeFlagSaysTheSize(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "大.xlsx"), make([]byte, 3<<20+1<<19), 0o644); err != nil {
		t.Fatal(err)
	}
	src := &sources.Dir{Root: dir, Glob: "*.xlsx"}
	l, err := src.List(context.Background())
	if err != nil || len(l.Files) != 1 {
		t.Fatal(l, err)
	}
	_, err = readAll(context.Background(), src, l.Files[0], 2<<20)
	var ue *sheets.UnreadableError
	want := "文件过大（3.5 MB，上限 2 MB，sync.max_file_mb），不是正常的报表文件，请检查后重新保存"
	if !errors.As(err, &ue) || ue.Reason != want {
		t.Errorf("%v, want %s", err, want)
	}
}
