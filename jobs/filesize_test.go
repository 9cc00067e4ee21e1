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
	for _, inPlace := range []bool{true, false} {
		_, err = openWorkbook(context.Background(), src, l.Files[0], 2<<20, inPlace)
		var ue *sheets.UnreadableError
		want := "文件过大（3.5 MB，上限 2 MB，sync.max_file_mb），不是正常的报表文件，请检查后重新保存"
		if !errors.As(err, &ue) || ue.Reason != want {
			t.Errorf("read in place %v: %v, want %s", inPlace, err, want)
		}
	}
}

// TestReadAllWhateverTheListedSize: the listing's size only sizes the
// buffer. A file that grew or shrank since it was listed is read whole and
// exactly, and one that grew past the limit is refused.
func TestReadAllWhateverTheListedSize(t *testing.T) {
	dir := t.TempDir()
	content := make([]byte, 70_000)
	for i := range content {
		content[i] = byte(i * 7)
	}
	path := filepath.Join(dir, "表.xlsx")
	if err := os.WriteFile(path, content, 0o644); err != nil {
		t.Fatal(err)
	}
	src := &sources.Dir{Root: dir, Glob: "*.xlsx"}
	l, err := src.List(context.Background())
	if err != nil || len(l.Files) != 1 {
		t.Fatal(l, err)
	}
	for _, size := range []int64{0, 1, 69_999, 70_000, 70_001, 70_000 + 512, 1 << 20} {
		ref := l.Files[0]
		ref.Size = size
		ref.ChangeKey = "" // the size changes, the content does not
		wf, err := openWorkbook(context.Background(), src, ref, 2<<20, false)
		if err != nil || string(wf.data) != string(content) || wf.file != nil {
			t.Fatalf("listed size %d: %v, %v; want all %d bytes in memory", size, wf, err, len(content))
		}
		_, err = openWorkbook(context.Background(), src, ref, 50_000, false)
		var ue *sheets.UnreadableError
		if !errors.As(err, &ue) {
			t.Errorf("listed size %d, limit 50,000: %v, want it refused as too large", size, err)
		}
	}
}
