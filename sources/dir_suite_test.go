package sources_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sheaf-dev/sheaf/sources"
	"github.com/sheaf-dev/sheaf/sources/sourcetest"
)

// dirFixture is a folder under t.TempDir().
type dirFixture struct{ root string }

func (f *dirFixture) Source() sources.Source {
	return &sources.Dir{Root: f.root, Label: "inbox/教育局"}
}

func (f *dirFixture) Put(t *testing.T, p string, data []byte) {
	full := filepath.Join(f.root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *dirFixture) Remove(t *testing.T, p string) {
	if err := os.Remove(filepath.Join(f.root, filepath.FromSlash(p))); err != nil {
		t.Fatal(err)
	}
}

func (f *dirFixture) Unreachable(t *testing.T) sources.Source {
	return &sources.Dir{Root: filepath.Join(f.root, "unmounted")}
}

func TestDirSuite(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Fixture { return &dirFixture{root: t.TempDir()} })
}
