package sources_test

import (
	"context"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/sources"
	"github.com/sheaf-dev/sheaf/sources/sourcetest"
)

// noSleep is the retry policy's sleep in tests: it records, never waits.
func noSleep(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		if waits != nil {
			*waits = append(*waits, d)
		}
		return ctx.Err()
	}
}

// googleFor is how a test source reaches the fake: through a
// service-account key whose token_uri is the fake's.
func googleFor(g *fakeGoogle, key string) sources.Google {
	return sources.Google{Endpoint: g.srv.URL, CredentialsFile: key, Retry: sources.Retry{Sleep: noSleep(nil)}}
}

// driveFixture is a Drive folder on the fake server.
type driveFixture struct {
	g    *fakeGoogle
	key  string
	root string
}

func newDriveFixture(t *testing.T) *driveFixture {
	g := newFakeGoogle(t)
	f := &driveFixture{g: g, key: g.keyFile(t), root: "root"}
	g.add(fakeFile{ID: "root", Name: "报送", MimeType: "application/vnd.google-apps.folder"})
	return f
}

func (f *driveFixture) Source() sources.Source {
	return &sources.GoogleDrive{Folder: f.root, Google: googleFor(f.g, f.key)}
}

// folder returns the id of the folder at dir, creating it.
func (f *driveFixture) folder(dir string) string {
	id := f.root
	if dir == "." || dir == "" {
		return id
	}
	for _, name := range strings.Split(dir, "/") {
		if c := f.g.child(id, name); c != nil {
			id = c.ID
			continue
		}
		id = f.g.add(fakeFile{Name: name, MimeType: "application/vnd.google-apps.folder", Parent: id})
	}
	return id
}

func (f *driveFixture) Put(t *testing.T, p string, data []byte) {
	parent := f.folder(path.Dir(p))
	file := fakeFile{Name: path.Base(p), Parent: parent, Data: data, MimeType: "application/octet-stream"}
	switch path.Ext(p) {
	case ".xlsx":
		file.MimeType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".csv":
		file.MimeType = "text/csv"
	}
	if old := f.g.child(parent, file.Name); old != nil {
		file.ID = old.ID
	}
	f.g.add(file)
}

func (f *driveFixture) Remove(t *testing.T, p string) {
	c := f.g.child(f.folder(path.Dir(p)), path.Base(p))
	if c == nil {
		t.Fatalf("no %s to remove", p)
	}
	f.g.remove(c.ID)
}

func (f *driveFixture) Unreachable(t *testing.T) sources.Source {
	return &sources.GoogleDrive{Folder: "not-shared", Google: googleFor(f.g, f.key)}
}

func TestGoogleDriveSuite(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Fixture { return newDriveFixture(t) })
}

// sheetFixture is one Google Sheet on the fake server.
type sheetFixture struct {
	g   *fakeGoogle
	key string
}

func (f *sheetFixture) OneSpreadsheet() {}

func (f *sheetFixture) Source() sources.Source {
	return &sources.GoogleSheet{ID: "ss1", Google: googleFor(f.g, f.key)}
}

func (f *sheetFixture) Put(t *testing.T, p string, data []byte) {
	f.g.setSheet(t, "ss1", "", strings.TrimSuffix(p, ".xlsx"), data)
}

func (f *sheetFixture) Remove(t *testing.T, p string) { f.g.remove("ss1") }

func (f *sheetFixture) Unreachable(t *testing.T) sources.Source {
	return &sources.GoogleSheet{ID: "not-shared", Google: googleFor(f.g, f.key)}
}

func TestGoogleSheetSuite(t *testing.T) {
	sourcetest.Run(t, func(t *testing.T) sourcetest.Fixture {
		g := newFakeGoogle(t)
		return &sheetFixture{g: g, key: g.keyFile(t)}
	})
}
