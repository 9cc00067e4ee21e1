package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/sources"
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
		Sources: func(d *config.Department) ([]sources.Source, error) {
			srcs, err := sourcesFromConfig(f.cfg)(d)
			for _, src := range srcs {
				if g, ok := src.(*sources.GoogleDrive); ok {
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

// gridCell is one cell of a spreadsheets.get answer with grid data.
func gridCell(v any, shown, pattern, typ string) map[string]any {
	c := map[string]any{}
	switch x := v.(type) {
	case float64:
		c["effectiveValue"] = map[string]any{"numberValue": x}
	case string:
		c["effectiveValue"] = map[string]any{"stringValue": x}
	}
	if shown != "" {
		c["formattedValue"] = shown
	}
	if pattern != "" {
		c["effectiveFormat"] = map[string]any{"numberFormat": map[string]any{"type": typ, "pattern": pattern}}
	}
	return c
}

// TestSyncGoogleSheetDatesAsDates syncs a department whose figures are in a
// Google Sheet, through the real client against a local server, where the
// year column holds dates formatted yyyy"年" (Sheets sends their serials
// and formats): each figure has its year, the percentage and the 0.00
// number their shown decimals, the merged name names both its rows, and
// the hidden sheet's figure is not taken.
func TestSyncGoogleSheetDatesAsDates(t *testing.T) {
	text := func(s string) map[string]any { return gridCell(s, s, "", "") }
	year := func(serial float64, shown string) map[string]any {
		return gridCell(serial, shown, `yyyy"年"`, "DATE")
	}
	grid := map[string]any{"sheets": []any{
		map[string]any{
			"properties": map[string]any{"sheetId": 0, "title": "旧版勿用", "index": 0, "hidden": true},
			"data": []any{map[string]any{"rowData": []any{
				map[string]any{"values": []any{text("指标名称"), text("年度"), text("数值"), text("单位")}},
				map[string]any{"values": []any{text("体检学生数"), year(45657, "2024年"), gridCell(900.0, "900", "", ""), text("人")}},
			}}},
		},
		map[string]any{
			"properties": map[string]any{"sheetId": 1, "title": "报表", "index": 1},
			"merges":     []any{map[string]any{"sheetId": 1, "startRowIndex": 3, "endRowIndex": 5, "startColumnIndex": 0, "endColumnIndex": 1}},
			"data": []any{map[string]any{"rowData": []any{
				map[string]any{"values": []any{text("指标名称"), text("年度"), text("数值"), text("单位")}},
				map[string]any{"values": []any{text("学校总数"), year(45657, "2024年"), gridCell(44.0, "44", "", ""), text("所")}},
				map[string]any{"values": []any{text("教师学历达标率"), year(45657, "2024年"), gridCell(0.4829, "48.29%", "0.00%", "PERCENT"), text("%")}},
				map[string]any{"values": []any{text("在校生数"), year(45291, "2023年"), gridCell(36000.0, "36,000", "#,##0", "NUMBER"), text("人")}},
				map[string]any{"values": []any{map[string]any{}, year(45657, "2024年"), gridCell(36614.0, "36,614", "#,##0", "NUMBER"), text("人")}},
				map[string]any{"values": []any{text("生均教育经费"), year(45657, "2024年"), gridCell(17500.5, "17500.50", "0.00", "NUMBER"), text("元")}},
			}}},
		},
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /drive/v3/files/ss", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"ss","name":"教育局报表","mimeType":"application/vnd.google-apps.spreadsheet","version":"7","modifiedTime":"2025-01-01T00:00:00Z"}`)
	})
	mux.HandleFunc("GET /v4/spreadsheets/ss", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("includeGridData") != "true" {
			http.Error(w, `{"error":{"code":400,"message":"no grid data asked for"}}`, 400)
			return
		}
		json.NewEncoder(w).Encode(grid)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := newFixture(t, fmt.Sprintf(`
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 0s, workers: 1}
departments:
  - id: edu
    name: 市教育局
    sources: [{sheet: {id: ss}, endpoint: %q, no_auth: true}]
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: rate.degree, name: 教师学历达标率, unit: "%%", owner: edu, required: true, range: [0, 100]}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu, periods: ["2023", "2024"], required: true}
  - {id: fund.per_pupil, name: 生均教育经费, unit: 元, owner: edu, required: true}
  - {id: health.examined, name: 体检学生数, unit: 人, owner: edu, required: true}
`, srv.URL))
	if rep := f.sync(); rep.Read != 1 || rep.Failed != 0 {
		t.Fatalf("sync: %+v", rep)
	}
	figs := f.figures()
	for _, c := range []struct {
		key      string
		value    float64
		decimals int
		cell     string
	}{
		{"schools.total@2024", 44, 0, "C2"},
		{"rate.degree@2024", 48.29, 2, "C3"},
		{"students.total@2023", 36000, 0, "C4"},
		{"students.total@2024", 36614, 0, "C5"},
		{"fund.per_pupil@2024", 17500.5, 2, "C6"},
	} {
		fig, ok := figs[c.key]
		if !ok {
			t.Errorf("no figure %s; figures: %v", c.key, keysOf(figs))
			continue
		}
		if !fig.HasValue || fig.Value != c.value || fig.Decimals != c.decimals || fig.Cell != c.cell ||
			fig.File != "gsheet:ss:教育局报表.xlsx" || fig.Status != sheaf.StatusOK {
			t.Errorf("%s = %v (has %v, decimals %d, %s) from %s %s; want %v (decimals %d, ok) from gsheet:ss:教育局报表.xlsx %s",
				c.key, fig.Value, fig.HasValue, fig.Decimals, fig.Status, fig.File, fig.Cell, c.value, c.decimals, c.cell)
		}
	}
	if fig := figs["health.examined@2024"]; fig.HasValue {
		t.Errorf("health.examined = %v from %s; only the hidden sheet has it", fig.Value, fig.Cell)
	}
}

func keysOf(figs map[string]sheaf.Figure) []string {
	var out []string
	for k, fig := range figs {
		if fig.HasValue {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// TestSyncDriveShortcuts syncs a Drive folder holding a shortcut to a file
// kept elsewhere and a shortcut whose target is not shared: the first is
// read, its figures naming the shortcut and its target; the second is a
// file flag for that entry alone, saying what to share.
func TestSyncDriveShortcuts(t *testing.T) {
	xlsx, err := os.ReadFile("../sheets/testdata/small.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	const xlsxMime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /drive/v3/files/root", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"id":"root","name":"报送","mimeType":"application/vnd.google-apps.folder"}`)
	})
	mux.HandleFunc("GET /drive/v3/files", func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.Query().Get("fields"), "shortcutDetails") {
			fmt.Fprint(w, `{"files":[]}`)
			return
		}
		fmt.Fprint(w, `{"files":[
			{"id":"sc1","name":"报表快捷方式","mimeType":"application/vnd.google-apps.shortcut","modifiedTime":"2025-01-01T00:00:00Z","version":"1","parents":["root"],
			 "shortcutDetails":{"targetId":"t1","targetMimeType":"`+xlsxMime+`"}},
			{"id":"sc2","name":"科室报表.xlsx","mimeType":"application/vnd.google-apps.shortcut","modifiedTime":"2025-01-01T00:00:00Z","version":"1","parents":["root"],
			 "shortcutDetails":{"targetId":"private","targetMimeType":"`+xlsxMime+`"}}]}`)
	})
	mux.HandleFunc("GET /drive/v3/files/t1", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("alt") == "media" {
			w.Write(xlsx)
			return
		}
		fmt.Fprint(w, `{"id":"t1","name":"2024年报表.xlsx","mimeType":"`+xlsxMime+`","md5Checksum":"abc","size":"1","modifiedTime":"2025-01-01T00:00:00Z","version":"3"}`)
	})
	mux.HandleFunc("GET /drive/v3/files/private", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":{"code":404,"message":"File not found: private.","errors":[{"reason":"notFound","message":"File not found: private."}]}}`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := strings.Replace(testConfig, "sources: [{dir: inbox/edu, glob: \"**/*\"}]",
		fmt.Sprintf("sources: [{drive: {folder: root}, endpoint: %q, no_auth: true}]", srv.URL), 1)
	f := newFixture(t, cfg)
	rep := f.sync()
	if rep.Read != 1 || rep.Failed != 1 {
		t.Fatalf("sync: %+v", rep)
	}
	wantValue(t, f.figures(), "schools.total@2024", 44, "gdrive:root:报表快捷方式 → 2024年报表.xlsx", "C2")
	var msgs []string
	for _, fl := range f.flagsOfKind(sheaf.KindFile) {
		msgs = append(msgs, fl.Message)
	}
	want := "快捷方式「科室报表.xlsx」指向的文件已被删除或无法访问：请将快捷方式指向的文件共享给服务账号 （sheaf 使用的账号），或删除该快捷方式"
	if len(msgs) != 1 || !strings.Contains(msgs[0], want) || !strings.Contains(msgs[0], "科室报表.xlsx") {
		t.Errorf("file flags %q, want one saying %s", msgs, want)
	}
}
