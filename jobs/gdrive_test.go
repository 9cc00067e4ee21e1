package jobs

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sheets"
)

// TestSyncDriveFolder syncs a department whose files live in a Google
// Drive folder, through the real Drive client against a local server: read
// once, unchanged by checksum the next time, and kept when Drive is gone.
func TestSyncDriveFolder(t *testing.T) {
	xlsx, err := os.ReadFile("../sheets/testdata/small.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	downloads := 0
	mux := http.NewServeMux()
	mux.HandleFunc("GET /drive/v3/files/root", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("alt") == "media" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, `{"id":"root","name":"报送","mimeType":"application/vnd.google-apps.folder"}`)
	})
	mux.HandleFunc("GET /drive/v3/files", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"files":[{"id":"f1","name":"2024年报表.xlsx","mimeType":"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet","md5Checksum":"abc","size":"1","modifiedTime":"2025-01-01T00:00:00Z","version":"3","parents":["root"]}]}`)
	})
	mux.HandleFunc("GET /drive/v3/files/f1", func(w http.ResponseWriter, r *http.Request) {
		downloads++
		w.Write(xlsx)
	})
	srv := httptest.NewServer(mux)
	cfg := strings.Replace(testConfig, "sources: [{dir: inbox/edu, glob: \"**/*\"}]",
		fmt.Sprintf("sources: [{drive: {folder: root}, endpoint: %q, no_auth: true}]", srv.URL), 1)
	f := newFixture(t, cfg)

	rep := f.sync()
	if rep.Read != 1 || rep.Failed != 0 {
		t.Fatalf("first sync: %+v", rep)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
	if fig := f.figures()["schools.total@2024"]; !strings.Contains(fig.File, "2024年报表.xlsx") {
		t.Errorf("provenance %q does not name the Drive file", fig.File)
	}
	if rep := f.sync(); rep.Unchanged != 1 || downloads != 1 {
		t.Fatalf("second sync: %+v, %d downloads; want the unchanged file not downloaded again", rep, downloads)
	}
	srv.Close()
	// Retries wait on a clock that does not tick in a test.
	s := &Syncer{Config: f.cfg, DB: f.db, Now: func() time.Time { return f.now },
		Sources: func(d *config.Department) ([]sheets.Source, error) {
			srcs, err := SourcesFromConfig(f.cfg)(d)
			for _, src := range srcs {
				if g, ok := src.(*sheets.GoogleDrive); ok {
					g.Google.Retry.Sleep = func(context.Context, time.Duration) error { return nil }
				}
			}
			return srcs, err
		}}
	if rep, err := s.Sync(context.Background(), "test"); err != nil || rep.SourcesFailed != 1 {
		t.Fatalf("with Drive gone: %+v %v", rep, err)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "", "")
}
