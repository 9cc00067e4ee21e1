package sourcetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sheaf-dev/sheaf/sources"
)

type dirFixture struct{ root string }

func (d *dirFixture) Source() sources.Source { return &sources.Dir{Root: d.root, Glob: "**/*"} }

func (d *dirFixture) Put(t *testing.T, path string, data []byte) {
	t.Helper()
	p := filepath.Join(d.root, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func (d *dirFixture) Remove(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(filepath.Join(d.root, filepath.FromSlash(path))); err != nil {
		t.Fatal(err)
	}
}

func (d *dirFixture) Unreachable(t *testing.T) sources.Source {
	return &sources.Dir{Root: filepath.Join(d.root, "not-mounted")}
}

func TestDir(t *testing.T) {
	Run(t, func(t *testing.T) Fixture { return &dirFixture{root: t.TempDir()} })
}
