package web

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/config"
)

// TestHealthzSourcesAndSchedule: a share gone makes the sync partial and
// /healthz stays green until the source has failed for longer than
// web.source_grace; two scheduled syncs missed in a row turn it red; a
// sync that could read no source turns it red at once. The JSON says which.
func TestHealthzSourcesAndSchedule(t *testing.T) {
	f := newFixture(t, "")
	if got := time.Duration(f.cfg.Web.SourceGrace); got != 24*time.Hour {
		t.Fatalf("web.source_grace defaults to %s, want 24h", got)
	}
	dir := filepath.Dir(f.cfg.File)
	away := func(d string) {
		if err := os.Rename(filepath.Join(dir, d), filepath.Join(dir, d+".away")); err != nil {
			t.Fatal(err)
		}
	}
	check := func(name string, at time.Time, code int, test func(h Health) bool) {
		t.Helper()
		f.srv.Now = func() time.Time { return at }
		w := f.do(request{path: "/healthz"})
		h := decode[Health](t, w.Body)
		if w.Code != code || !test(h) {
			t.Errorf("%s: %d %+v, want %d", name, w.Code, h, code)
		}
	}
	away("inbox/finance")
	if _, err := f.syncer.Sync(context.Background(), "cron"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	f.cfg.Web.SourceGrace = config.Duration(10 * time.Minute)
	check("share gone, within the grace", start, http.StatusOK, func(h Health) bool {
		return h.LastSyncOK && h.LastSyncOutcome == "partial" && h.SourcesOK && len(h.FailingSources) == 1 &&
			h.FailingSources[0].Department == "finance" && !h.FailingSources[0].OverGrace && h.SyncsOnSchedule
	})
	if page := f.do(request{path: "/"}).Body.String(); !strings.Contains(page, "部分失败：1 个来源（共 2 个）无法读取：finance dir:inbox/finance") {
		t.Errorf("the status page does not show the partial sync and its source:\n%s", page)
	}
	// Past the grace, and less than two quarter-hours on: only the source fails.
	check("share gone past the grace", start.Add(11*time.Minute), http.StatusServiceUnavailable, func(h Health) bool {
		return !h.SourcesOK && h.FailingSources[0].OverGrace && h.SyncsOnSchedule && h.LastSyncOK &&
			strings.Contains(strings.Join(h.Problems, ";"), "source finance dir:inbox/finance failing since")
	})
	f.cfg.Web.SourceGrace = config.Duration(24 * time.Hour)
	check("two quarter-hour syncs missed", start.Add(47*time.Minute), http.StatusServiceUnavailable, func(h Health) bool {
		return h.SourcesOK && !h.SyncsOnSchedule && h.MissedSyncs >= 2 &&
			strings.Contains(strings.Join(h.Problems, ";"), "scheduled syncs (*/15 * * * *) missed")
	})
	away("inbox/edu")
	if _, err := f.syncer.Sync(context.Background(), "cron"); err != nil {
		t.Fatal(err)
	}
	check("no source readable", time.Now(), http.StatusServiceUnavailable, func(h Health) bool {
		return !h.LastSyncOK && h.LastSyncOutcome == "failed" && h.SourcesOK && len(h.FailingSources) == 2 &&
			strings.Contains(strings.Join(h.Problems, ";"), "last sync failed (run ")
	})
}
