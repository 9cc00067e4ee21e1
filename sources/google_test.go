package sources_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"
	"github.com/sheaf-dev/sheaf/sheets"
	"github.com/sheaf-dev/sheaf/sources"
)

func readAll(t *testing.T, s sources.Source, ref sheaf.FileRef) []byte {
	t.Helper()
	rc, err := s.Open(context.Background(), ref)
	if err != nil {
		t.Fatalf("open %s: %v", ref.Path, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func listOK(t *testing.T, s sources.Source) sources.Listing {
	t.Helper()
	l, err := s.List(context.Background())
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	return l
}

func onPath(p string) func(r *http.Request) bool {
	return func(r *http.Request) bool { return r.URL.Path == p }
}

// cellsOf reads a workbook the way the sync does: sheet!cell=raw.
func cellsOf(t *testing.T, data []byte) map[string]string {
	t.Helper()
	wb, err := sheets.ReadWorkbook("x.xlsx", data, sheets.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, s := range wb {
		for _, r := range s.Rows {
			for _, c := range r.Cells {
				if c.Kind != sheets.CellEmpty {
					out[s.Name+"!"+c.Ref] = c.Raw
				}
			}
		}
	}
	return out
}

func TestDriveRetries429And500ThenSucceeds(t *testing.T) {
	f := newDriveFixture(t)
	f.Put(t, "a.xlsx", []byte("PK a"))
	f.g.inject(1, 429, `{"error":{"code":429,"message":"Rate Limit Exceeded"}}`, onPath("/drive/v3/files"))
	f.g.inject(2, 500, `{"error":{"code":500,"message":"Internal Error"}}`, onPath("/drive/v3/files"))
	var waits []time.Duration
	src := &sources.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	src.Google.Retry.Sleep = noSleep(&waits)
	l := listOK(t, src)
	if len(l.Files) != 1 || !l.Complete {
		t.Fatalf("listing %+v", l)
	}
	if len(waits) != 3 {
		t.Fatalf("waited %v, want 3 backoffs", waits)
	}
	// Exponential with jitter: between half and all of 1s, 2s, 4s.
	for i, w := range waits {
		full := time.Second << i
		if w < full/2 || w > full {
			t.Errorf("backoff %d = %v, want within [%v, %v]", i, w, full/2, full)
		}
	}
}

// Google's Retry-After is honoured: the wait is what it says, when that is
// within the longest wait of a request; a longer one ends the retries.
func TestDriveRetryAfterIsHonoured(t *testing.T) {
	f := newDriveFixture(t)
	f.Put(t, "a.xlsx", []byte("PK a"))
	f.g.injectRetryAfter(1, 503, "7", onPath("/drive/v3/files"))
	var waits []time.Duration
	src := &sources.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	src.Google.Retry.Sleep = noSleep(&waits)
	if l := listOK(t, src); len(l.Files) != 1 {
		t.Fatalf("listing %+v", l)
	}
	if len(waits) != 1 || waits[0] != 7*time.Second {
		t.Errorf("waited %v, want the 7s Retry-After says", waits)
	}

	g := newDriveFixture(t)
	g.g.injectRetryAfter(1, 503, "3600", onPath("/drive/v3/files"))
	waits = nil
	src = &sources.GoogleDrive{Folder: "root", Google: googleFor(g.g, g.key)}
	src.Google.Retry.Sleep = noSleep(&waits)
	if _, err := src.List(context.Background()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want the 503 an hour's Retry-After leaves", err)
	}
	if len(waits) != 0 {
		t.Errorf("waited %v for an hour's Retry-After, want no wait", waits)
	}
}

func TestDriveRetriesAreBounded(t *testing.T) {
	f := newDriveFixture(t)
	f.g.inject(100, 503, `{"error":{"code":503,"message":"Backend Error"}}`, onPath("/drive/v3/files/root"))
	src := &sources.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	src.Google.Retry.Tries = 3
	if _, err := src.List(context.Background()); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v, want the 503 after 3 tries", err)
	}
	if n := f.g.countCalls("GET /drive/v3/files/root"); n != 3 {
		t.Errorf("%d tries, want 3", n)
	}
}

func TestDriveListingFailingOnSecondPageIsAnError(t *testing.T) {
	f := newDriveFixture(t)
	for _, n := range []string{"a.xlsx", "b.xlsx", "c.xlsx"} {
		f.Put(t, n, []byte("PK "+n))
	}
	f.g.pageSize["root"] = 2
	f.g.inject(1, 400, `{"error":{"code":400,"message":"Invalid Value","errors":[{"reason":"invalid","message":"Invalid Value"}]}}`,
		func(r *http.Request) bool {
			return r.URL.Path == "/drive/v3/files" && r.URL.Query().Get("pageToken") != ""
		})
	l, err := f.Source().List(context.Background())
	if err == nil {
		t.Fatalf("listing with a failed second page gave %d files and no error", len(l.Files))
	}
	if l.Complete || len(l.Files) != 0 {
		t.Errorf("partial listing returned: %+v", l)
	}
}

func TestDrivePagesToTheEndRecursively(t *testing.T) {
	f := newDriveFixture(t)
	want := map[string]bool{}
	for _, p := range []string{"1.xlsx", "2.csv", "3.xlsx", "4.xlsx", "5.xlsx", "sub/6.xlsx", "sub/7.xlsx", "sub/deep/8.xls", "sub/readme.docx"} {
		f.Put(t, p, []byte("PK "+p))
		if !strings.HasSuffix(p, ".docx") {
			want[p] = true
		}
	}
	f.g.pageSize["root"] = 2
	l := listOK(t, f.Source())
	if len(l.Files) != len(want) {
		t.Fatalf("listed %d files, want %d: %+v", len(l.Files), len(want), l.Files)
	}
	for _, r := range l.Files {
		if !want[r.Path] {
			t.Errorf("unexpected %s", r.Path)
		}
	}
	if n := f.g.countCalls("GET /drive/v3/files?"); n < 5 {
		t.Errorf("%d list calls, want the 4 pages of root and the subfolders", n)
	}
}

func TestDriveSharedDriveFolder(t *testing.T) {
	f := newDriveFixture(t)
	f.g.add(fakeFile{ID: "team", Name: "统计共享盘", MimeType: "application/vnd.google-apps.folder", DriveID: "team"})
	f.g.add(fakeFile{Name: "2024.xlsx", Parent: "team", DriveID: "team", Data: []byte("PK team"),
		MimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
	src := &sources.GoogleDrive{Folder: "team", Google: googleFor(f.g, f.key)}
	l := listOK(t, src)
	if len(l.Files) != 1 || l.Files[0].Path != "2024.xlsx" {
		t.Fatalf("listed %+v", l.Files)
	}
	if got := readAll(t, src, l.Files[0]); string(got) != "PK team" {
		t.Errorf("content %q", got)
	}
	for _, c := range f.g.countCallsWith("GET /drive/v3/files?") {
		if !strings.Contains(c, "supportsAllDrives=true") || !strings.Contains(c, "includeItemsFromAllDrives=true") || !strings.Contains(c, "driveId=team") {
			t.Errorf("listing without the shared-drive parameters: %s", c)
		}
	}
}

func TestDriveNativeSheetExportedAsXLSX(t *testing.T) {
	f := newDriveFixture(t)
	xlsx, err := os.ReadFile("../sheets/testdata/small.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f.g.setSheet(t, "native1", "root", "教育局 2024", xlsx)
	l := listOK(t, f.Source())
	if len(l.Files) != 1 || l.Files[0].Path != "教育局 2024.xlsx" || !strings.HasPrefix(l.Files[0].ChangeKey, "gsheet:1:") {
		t.Fatalf("listed %+v", l.Files)
	}
	if got := readAll(t, f.Source(), l.Files[0]); string(got) != string(xlsx) {
		t.Errorf("export is not the xlsx served (%d bytes)", len(got))
	}
	if f.g.countCalls("GET /drive/v3/files/native1/export") != 1 {
		t.Errorf("calls: %v", f.g.callLog())
	}
}

func TestDriveNativeSheetTooLargeIsReadThroughSheetsAPI(t *testing.T) {
	f := newDriveFixture(t)
	xlsx, err := os.ReadFile("../sheets/testdata/small.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f.g.setSheet(t, "big", "root", "大表", xlsx)
	f.g.files["big"].ExportTooLarge = true
	l := listOK(t, f.Source())
	got := cellsOf(t, readAll(t, f.Source(), l.Files[0]))
	want := cellsOf(t, xlsx)
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("read %d cells through the Sheets API, want %d", len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// One request reads values, formats, hidden sheets and merges.
	if f.g.countCalls("GET /v4/spreadsheets/big?") != 1 || f.g.countCalls("GET /v4/") != 1 {
		t.Errorf("calls: %v", f.g.callLog())
	}
}

func TestDriveChangeDetection(t *testing.T) {
	f := newDriveFixture(t)
	f.Put(t, "a.xlsx", []byte("PK one"))
	xlsx, _ := os.ReadFile("../sheets/testdata/small.xlsx")
	f.g.setSheet(t, "n1", "root", "在线表", xlsx)
	keys := func() map[string]string {
		out := map[string]string{}
		for _, r := range listOK(t, f.Source()).Files {
			out[r.Path] = r.ChangeKey
		}
		return out
	}
	k1 := keys()
	if !strings.HasPrefix(k1["a.xlsx"], "md5:") || !strings.HasPrefix(k1["在线表.xlsx"], "gsheet:") {
		t.Fatalf("keys %v", k1)
	}
	f.Put(t, "a.xlsx", []byte("PK one")) // re-uploaded, same bytes: new version, same md5
	if k2 := keys(); k2["a.xlsx"] != k1["a.xlsx"] || k2["在线表.xlsx"] != k1["在线表.xlsx"] {
		t.Errorf("unchanged content changed key: %v → %v", k1, k2)
	}
	f.Put(t, "a.xlsx", []byte("PK two"))
	f.g.setSheet(t, "n1", "root", "在线表", xlsx) // edited: new version and time
	if k3 := keys(); k3["a.xlsx"] == k1["a.xlsx"] || k3["在线表.xlsx"] == k1["在线表.xlsx"] {
		t.Errorf("changed content kept its key: %v → %v", k1, k3)
	}
	if n := f.g.countCalls("GET /drive/v3/files/") - f.g.countCalls("GET /drive/v3/files/root?"); n != 0 {
		t.Errorf("listing downloaded or exported %d files", n)
	}
}

func TestDriveFolderWithoutAccessNamesFolderAndAccount(t *testing.T) {
	for _, status := range []int{403, 404} {
		f := newDriveFixture(t)
		f.g.status["secret"] = status
		src := &sources.GoogleDrive{Folder: "secret", Google: googleFor(f.g, f.key)}
		_, err := src.List(context.Background())
		if err == nil {
			t.Fatalf("%d: no error", status)
		}
		msg := err.Error()
		if !strings.Contains(msg, "文件夹 secret 无法访问：请将该文件夹共享给服务账号 "+testEmail) {
			t.Errorf("%d: %v", status, err)
		}
	}
}

func TestTokenRefused(t *testing.T) {
	f := newDriveFixture(t)
	f.g.refuse = true
	_, err := f.Source().List(context.Background())
	if err == nil || !strings.Contains(err.Error(), testEmail) || !strings.Contains(err.Error(), "invalid_grant") {
		t.Fatalf("err = %v, want the refused token naming the account", err)
	}
	if n := f.g.countCalls("POST /token"); n != 1 {
		t.Errorf("%d token requests for a refusal, want 1 (a 401 is not retried)", n)
	}
	key, _ := os.ReadFile(f.key)
	if strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), string(key[:40])) {
		t.Errorf("error shows the key: %v", err)
	}
}

func TestExpiredTokenIsRenewed(t *testing.T) {
	f := newDriveFixture(t)
	f.Put(t, "a.xlsx", []byte("PK a"))
	src := f.Source()
	l := listOK(t, src)
	f.g.expireTokens()
	if got := readAll(t, src, l.Files[0]); string(got) != "PK a" {
		t.Fatalf("content %q", got)
	}
	if n := f.g.countCalls("POST /token"); n != 2 {
		t.Errorf("%d token requests, want 2 (the first, then one after expiry)", n)
	}
}

func TestTokenEndpointRetried(t *testing.T) {
	f := newDriveFixture(t)
	f.g.inject(1, 503, "unavailable", onPath("/token"))
	listOK(t, f.Source())
}

func TestBadKeyFileNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "notjson.json")
	os.WriteFile(notJSON, []byte("-----BEGIN PRIVATE KEY-----\nMIIsecret\n"), 0o600)
	badKey := filepath.Join(dir, "badkey.json")
	os.WriteFile(badKey, []byte(`{"type":"service_account","client_email":"a@b","private_key":"MIIsecret","token_uri":"http://x/token"}`), 0o600)
	user := filepath.Join(dir, "user.json")
	os.WriteFile(user, []byte(`{"type":"authorized_user","client_id":"x","client_secret":"s","refresh_token":"r"}`), 0o600)
	for _, tc := range []struct{ name, file string }{
		{"missing", filepath.Join(dir, "none.json")},
		{"not json", notJSON},
		{"bad private key", badKey},
		{"not a service account", user},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := newFakeGoogle(t)
			src := &sources.GoogleDrive{Folder: "root", Google: googleFor(g, tc.file)}
			_, err := src.List(context.Background())
			if err == nil || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("err = %v, want one naming %s", err, tc.file)
			}
			if strings.Contains(err.Error(), "MIIsecret") {
				t.Errorf("error shows the key: %v", err)
			}
			if len(g.callLog()) != 0 {
				t.Errorf("requests made with a bad key: %v", g.callLog())
			}
		})
	}
}

func TestRequestBudget(t *testing.T) {
	f := newDriveFixture(t)
	for _, p := range []string{"a/1.xlsx", "b/2.xlsx", "c/3.xlsx"} {
		f.Put(t, p, []byte("PK"))
	}
	src := &sources.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	src.Google.MaxRequests = 3
	_, err := src.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "request budget") {
		t.Fatalf("err = %v, want the budget exceeded", err)
	}
	src.Google.MaxRequests = 0
	src2 := &sources.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	listOK(t, src2) // default budget: enough
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	f := newDriveFixture(t)
	f.g.inject(100, 500, "{}", onPath("/drive/v3/files/root"))
	ctx, cancel := context.WithCancel(context.Background())
	src := &sources.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	src.Google.Retry.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	_, err := src.List(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := f.g.countCalls("GET /drive/v3/files/root"); n != 1 {
		t.Errorf("%d tries after cancel, want 1", n)
	}
}

func TestGoogleSheetValuesAndPercent(t *testing.T) {
	g := newFakeGoogle(t)
	g.add(fakeFile{ID: "ss", Name: "人社局报表", MimeType: "application/vnd.google-apps.spreadsheet"})
	g.sheets["ss"] = &fakeSpreadsheet{Title: "人社局报表", Tabs: []fakeTab{
		{Title: "封面", Raw: [][]any{{"说明"}}, Shown: [][]any{{"说明"}}},
		{Title: "指标 表", Raw: [][]any{
			{"指标", "2024年", "备注"},
			{"城镇登记失业率", 0.0321, ""},
			{"从业人员", 3.6, "约"},
			{"学校数", 4141.0, true},
		}, Shown: [][]any{
			{"指标", "2024年", "备注"},
			{"城镇登记失业率", "3.21%", ""},
			{"从业人员", "3.6万", "约"},
			{"学校数", "4,141", "TRUE"},
		}, Formats: [][]string{
			{},
			{"", "0.00%"},
			{"", `0.0"万"`},
			{"", "#,##0"},
		}},
	}}
	src := &sources.GoogleSheet{ID: "ss", Sheets: []string{"指标 表"}, Google: sources.Google{Endpoint: g.srv.URL, NoAuth: true}}
	l := listOK(t, src)
	if len(l.Files) != 1 || l.Files[0].Path != "人社局报表.xlsx" || src.Name() != "gsheet:ss" {
		t.Fatalf("listed %+v as %s", l.Files, src.Name())
	}
	wb, err := sheets.ReadWorkbook("人社局报表.xlsx", readAll(t, src, l.Files[0]), sheets.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(wb) != 1 || wb[0].Name != "指标 表" {
		t.Fatalf("sheets %+v", wb)
	}
	// A percentage is a fraction formatted as a percent, as in a file; a
	// number whose format shows a Chinese unit is its shown text.
	want := map[string]sheets.Cell{
		"B2": {Ref: "B2", Raw: "0.0321", Kind: sheets.CellNumber, Percent: true, Fixed: true, Decimals: 2},
		"B3": {Ref: "B3", Raw: "3.6万", Kind: sheets.CellText},
		"B4": {Ref: "B4", Raw: "4141", Kind: sheets.CellNumber, Fixed: true, Grouped: true},
		"C4": {Ref: "C4", Raw: "1", Kind: sheets.CellBool},
		"A2": {Ref: "A2", Raw: "城镇登记失业率", Kind: sheets.CellText},
	}
	got := map[string]sheets.Cell{}
	for _, r := range wb[0].Rows {
		for _, c := range r.Cells {
			got[c.Ref] = c
		}
	}
	for ref, w := range want {
		if c := got[ref]; c != w {
			t.Errorf("%s = %+v, want %+v", ref, c, w)
		}
	}
	// Unchanged: listing again reads nothing but the Drive metadata.
	before := len(g.callLog())
	if again := listOK(t, src); again.Files[0].ChangeKey != l.Files[0].ChangeKey {
		t.Errorf("key changed without an edit")
	}
	if calls := g.callLog()[before:]; len(calls) != 1 || !strings.HasPrefix(calls[0], "GET /drive/v3/files/ss?") {
		t.Errorf("second listing made %v", calls)
	}
}

func TestGoogleSheetRangeKeepsCellPositions(t *testing.T) {
	g := newFakeGoogle(t)
	xlsx, _ := os.ReadFile("../sheets/testdata/small.xlsx")
	g.setSheet(t, "ss", "", "表", xlsx)
	title := g.sheets["ss"].Tabs[0].Title
	src := &sources.GoogleSheet{ID: "ss", Ranges: []string{title + "!B2:C3"}, Google: sources.Google{Endpoint: g.srv.URL, NoAuth: true}}
	got := cellsOf(t, readAll(t, src, listOK(t, src).Files[0]))
	full := cellsOf(t, xlsx)
	for k := range got {
		if !strings.HasSuffix(k, "!B2") && !strings.HasSuffix(k, "!C2") && !strings.HasSuffix(k, "!B3") && !strings.HasSuffix(k, "!C3") {
			t.Errorf("cell %s outside B2:C3", k)
		}
		if got[k] != full[k] {
			t.Errorf("%s = %q, want %q", k, got[k], full[k])
		}
	}
	if len(got) == 0 {
		t.Error("no cells read")
	}
}

func TestGoogleSheetMissing(t *testing.T) {
	f := newDriveFixture(t)
	src := &sources.GoogleSheet{ID: "nope", Google: googleFor(f.g, f.key)}
	_, err := src.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "表格 nope 不存在") || !strings.Contains(err.Error(), testEmail) {
		t.Fatalf("err = %v", err)
	}
}

func TestDriveListsOldVersionFoldersAsExcluded(t *testing.T) {
	f := newDriveFixture(t)
	for _, p := range []string{"快报.xlsx", "旧版/快报.xlsx", "sub/Archive/a.csv", "旧版本/b.xlsx"} {
		f.Put(t, p, []byte("PK "+p))
	}
	src := f.Source().(*sources.GoogleDrive)
	src.ExcludedFolders = []string{"旧版", "archive"}
	l := listOK(t, src)
	var files, excluded []string
	for _, r := range l.Files {
		files = append(files, r.Path)
	}
	for _, x := range l.Excluded {
		excluded = append(excluded, x.Path+" ("+x.Folder+")")
	}
	if got := strings.Join(files, ", "); got != "快报.xlsx, 旧版本/b.xlsx" {
		t.Errorf("files: %s", got)
	}
	if got := strings.Join(excluded, ", "); got != "sub/Archive/a.csv (sub/Archive), 旧版/快报.xlsx (旧版)" {
		t.Errorf("excluded: %s", got)
	}
}

// streamed is a workbook as StreamWorkbook hands it over.
type streamed struct {
	infos []sheets.SheetInfo
	cells map[string]sheets.Cell // "sheet!A1" → cell, non-empty only
	sheet string
}

func (s *streamed) Sheet(info sheets.SheetInfo) bool {
	s.infos = append(s.infos, info)
	s.sheet = info.Name
	return true
}

func (s *streamed) Row(r sheets.Row) error {
	for _, c := range r.Cells {
		if c.Kind != sheets.CellEmpty {
			s.cells[s.sheet+"!"+c.Ref] = c
		}
	}
	return nil
}

func (s *streamed) Reset() { s.infos, s.cells = nil, map[string]sheets.Cell{} }

func stream(t *testing.T, name string, data []byte) *streamed {
	t.Helper()
	s := &streamed{cells: map[string]sheets.Cell{}}
	st, err := sheets.StreamWorkbook(name, data, sheets.Limits{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if st.FellBack {
		t.Errorf("the built workbook fell back to the careful reader: %s", st.Reason)
	}
	return s
}

// TestGoogleSheetDatesFormatsHiddenAndMerges reads a spreadsheet whose year
// cells are dates formatted yyyy"年" and yyyy/m/d, with a percentage, a
// 0.00 number, a hidden sheet and a merged range: the readers see what they
// would see in the same .xlsx (serials with date formats, the hidden sheet
// hidden, the range merged).
func TestGoogleSheetDatesFormatsHiddenAndMerges(t *testing.T) {
	g := newFakeGoogle(t)
	g.add(fakeFile{ID: "ss", Name: "教育局报表", MimeType: "application/vnd.google-apps.spreadsheet"})
	g.sheets["ss"] = &fakeSpreadsheet{Title: "教育局报表", Tabs: []fakeTab{
		{Title: "旧版勿用", Hidden: true, Raw: [][]any{{"指标名称", "数值"}, {"学校总数", 40.0}}, Shown: [][]any{{"指标名称", "数值"}, {"学校总数", "40"}}},
		{Title: "报表", Raw: [][]any{
			{"指标名称", "年度", "数值", "截止日期"},
			{"学校总数", 45657.0, 44.0, 45657.0},
			{"教师学历达标率", 45657.0, 0.4829, 60.0},
			{"在校生数", 45291.0, 36000.0},
			{"", 45657.0, 36614.0},
			{"生均教育经费", 45657.0, 17500.5},
		}, Shown: [][]any{
			{"指标名称", "年度", "数值", "截止日期"},
			{"学校总数", "2024年", "44", "2024/12/31"},
			{"教师学历达标率", "2024年", "48.29%", "1900-02-28"},
			{"在校生数", "2023年", "36,000"},
			{"", "2024年", "36,614"},
			{"生均教育经费", "2024年", "17500.50"},
		}, Formats: [][]string{
			{},
			{"", `yyyy"年"`, "", "yyyy/m/d"},
			{"", `yyyy"年"`, "0.00%", "yyyy-mm-dd"},
			{"", `yyyy"年"`, "#,##0"},
			{"", `yyyy"年"`, "#,##0"},
			{"", `yyyy"年"`, "0.00"},
		}, Merges: []string{"A4:A5"}},
	}}
	src := &sources.GoogleSheet{ID: "ss", Google: sources.Google{Endpoint: g.srv.URL, NoAuth: true}}
	l := listOK(t, src)
	wb := stream(t, l.Files[0].Path, readAll(t, src, l.Files[0]))

	var infos []string
	for _, in := range wb.infos {
		infos = append(infos, fmt.Sprintf("%s hidden=%q merges=%v", in.Name, in.Hidden, in.Merges))
	}
	if got, want := strings.Join(infos, "; "), `旧版勿用 hidden="hidden" merges=[]; 报表 hidden="" merges=[{4 0 5 0}]`; got != want {
		t.Errorf("sheets:\n got %s\nwant %s", got, want)
	}
	want := map[string]sheets.Cell{
		"报表!B2": {Ref: "B2", Raw: "45657", Kind: sheets.CellNumber, Date: true},
		"报表!D2": {Ref: "D2", Raw: "45657", Kind: sheets.CellNumber, Date: true},
		// Sheets' 60 is 1900-02-28, Excel's 59 (Excel counts 29 February).
		"报表!D3": {Ref: "D3", Raw: "59", Kind: sheets.CellNumber, Date: true},
		"报表!B4": {Ref: "B4", Raw: "45291", Kind: sheets.CellNumber, Date: true},
		"报表!C3": {Ref: "C3", Raw: "0.4829", Kind: sheets.CellNumber, Percent: true, Fixed: true, Decimals: 2},
		"报表!C4": {Ref: "C4", Raw: "36000", Kind: sheets.CellNumber, Fixed: true, Grouped: true},
		"报表!C6": {Ref: "C6", Raw: "17500.5", Kind: sheets.CellNumber, Fixed: true, Decimals: 2},
		"报表!A4": {Ref: "A4", Raw: "在校生数", Kind: sheets.CellText},
		"报表!C2": {Ref: "C2", Raw: "44", Kind: sheets.CellNumber},
	}
	for k, w := range want {
		if c := wb.cells[k]; c != w {
			t.Errorf("%s = %+v, want %+v", k, c, w)
		}
	}
	if c, ok := wb.cells["报表!A5"]; ok {
		t.Errorf("covered cell A5 = %+v, want empty", c)
	}
	if g.countCalls("GET /v4/") != 1 {
		t.Errorf("Sheets API calls: %v", g.countCallsWith("GET /v4/"))
	}
	for _, c := range g.countCallsWith("GET /v4/") {
		for _, p := range []string{"includeGridData=true", url.QueryEscape("values(effectiveValue,effectiveFormat.numberFormat,formattedValue)"), "hidden", "merges"} {
			if !strings.Contains(c, p) {
				t.Errorf("request without %s: %s", p, c)
			}
		}
	}
}

// TestGoogleSheetHiddenFirstSheetOfSelection: a hidden first sheet is
// hidden though a new workbook selects its first tab.
func TestGoogleSheetHiddenFirstSheetOfSelection(t *testing.T) {
	g := newFakeGoogle(t)
	g.add(fakeFile{ID: "ss", Name: "表", MimeType: "application/vnd.google-apps.spreadsheet"})
	g.sheets["ss"] = &fakeSpreadsheet{Title: "表", Tabs: []fakeTab{
		{Title: "说明", Raw: [][]any{{"x"}}, Shown: [][]any{{"x"}}},
		{Title: "底稿", Hidden: true, Raw: [][]any{{"a"}}, Shown: [][]any{{"a"}}},
		{Title: "汇总", Raw: [][]any{{"b"}}, Shown: [][]any{{"b"}}},
	}}
	src := &sources.GoogleSheet{ID: "ss", Sheets: []string{"底稿", "汇总"}, Google: sources.Google{Endpoint: g.srv.URL, NoAuth: true}}
	wb := stream(t, "表.xlsx", readAll(t, src, listOK(t, src).Files[0]))
	var infos []string
	for _, in := range wb.infos {
		infos = append(infos, in.Name+":"+in.Hidden)
	}
	if got := strings.Join(infos, " "); got != "底稿:hidden 汇总:" {
		t.Errorf("sheets %s", got)
	}
}

const mimeXLSXFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// listing is a listing's paths, one a line.
func listing(l sources.Listing) string {
	var out []string
	for _, r := range l.Files {
		out = append(out, r.Path)
	}
	return strings.Join(out, "\n")
}

func TestDriveShortcutToFileIsListedAsItsTarget(t *testing.T) {
	f := newDriveFixture(t)
	f.g.add(fakeFile{ID: "elsewhere", Name: "财务科", MimeType: "application/vnd.google-apps.folder"})
	f.g.add(fakeFile{ID: "target", Name: "2024年报表.xlsx", Parent: "elsewhere", Data: []byte("PK target"), MimeType: mimeXLSXFile})
	f.g.add(fakeFile{ID: "sc1", Name: "报表快捷方式", Parent: f.folder("汇总"), MimeType: fakeShortcut, TargetID: "target", TargetMime: mimeXLSXFile})
	// A shortcut to a document is not a spreadsheet: left out, not fetched.
	f.g.add(fakeFile{ID: "sc2", Name: "说明", Parent: "root", MimeType: fakeShortcut, TargetID: "doc", TargetMime: "application/vnd.google-apps.document"})
	f.Put(t, "汇总/本地.xlsx", []byte("PK local"))

	src := f.Source()
	l := listOK(t, src)
	if got, want := listing(l), "汇总/报表快捷方式 → 2024年报表.xlsx\n汇总/本地.xlsx"; got != want {
		t.Fatalf("listed:\n%s\nwant:\n%s", got, want)
	}
	if key := l.Files[0].ChangeKey; key != "md5:"+md5hex("PK target") {
		t.Errorf("change key %q, want the target's md5", key)
	}
	if got := readAll(t, src, l.Files[0]); string(got) != "PK target" {
		t.Errorf("content %q, want the target's", got)
	}
	if n := f.g.countCalls("GET /drive/v3/files/doc"); n != 0 {
		t.Errorf("fetched the document a shortcut points to %d times", n)
	}
	if n := f.g.countCalls("GET /drive/v3/files/target?alt=json"); n != 1 {
		t.Errorf("target fetched %d times while listing, want once: %v", n, f.g.callLog())
	}
}

func TestDriveShortcutToFolderIsWalked(t *testing.T) {
	f := newDriveFixture(t)
	f.g.add(fakeFile{ID: "ext", Name: "乡镇报送", MimeType: "application/vnd.google-apps.folder"})
	f.g.add(fakeFile{Name: "a.xlsx", Parent: "ext", Data: []byte("PK a"), MimeType: mimeXLSXFile})
	deep := f.g.add(fakeFile{Name: "deep", Parent: "ext", MimeType: "application/vnd.google-apps.folder"})
	f.g.add(fakeFile{Name: "b.csv", Parent: deep, Data: []byte("x,1"), MimeType: "text/csv"})
	f.g.add(fakeFile{ID: "sc", Name: "乡镇", Parent: "root", MimeType: fakeShortcut, TargetID: "ext", TargetMime: "application/vnd.google-apps.folder"})
	// A shortcut to a folder in the tree does not move its files: they stay
	// at their own path, and the shortcut says it was not walked again.
	f.Put(t, "2024/c.xlsx", []byte("PK c"))
	f.g.add(fakeFile{ID: "sc2", Name: "今年", Parent: "root", MimeType: fakeShortcut, TargetID: f.folder("2024"), TargetMime: "application/vnd.google-apps.folder"})

	src := f.Source()
	l := listOK(t, src)
	if got, want := listing(l), "2024/c.xlsx\n乡镇/a.xlsx\n乡镇/deep/b.csv\n今年"; got != want {
		t.Fatalf("listed:\n%s\nwant:\n%s", got, want)
	}
	if got := readAll(t, src, l.Files[2]); string(got) != "x,1" {
		t.Errorf("content %q", got)
	}
	_, err := src.Open(context.Background(), l.Files[3])
	if want := "今年: 快捷方式「今年」指向的文件夹已在「2024」读取，不再重复读取（folder already listed）"; err == nil || err.Error() != want {
		t.Errorf("open 今年: %v\nwant %s", err, want)
	}
}

// TestDriveShortcutCyclesAreReportedOnce: a shortcut to an ancestor and two
// folders whose shortcuts point at each other are walked once, each
// shortcut is its own entry with its problem said once, and the rest of
// the folder is read.
func TestDriveShortcutCyclesAreReportedOnce(t *testing.T) {
	f := newDriveFixture(t)
	const folder = "application/vnd.google-apps.folder"
	f.Put(t, "sub/a.xlsx", []byte("PK a"))
	f.g.add(fakeFile{ID: "up", Name: "回到上级", Parent: f.folder("sub"), MimeType: fakeShortcut, TargetID: "root", TargetMime: folder})
	// X and Y live outside the tree and point at each other.
	f.g.add(fakeFile{ID: "X", Name: "X", MimeType: folder})
	f.g.add(fakeFile{ID: "Y", Name: "Y", MimeType: folder})
	f.g.add(fakeFile{Name: "y.xlsx", Parent: "Y", Data: []byte("PK y"), MimeType: mimeXLSXFile})
	f.g.add(fakeFile{ID: "toX", Name: "到X", Parent: "root", MimeType: fakeShortcut, TargetID: "X", TargetMime: folder})
	f.g.add(fakeFile{ID: "xy", Name: "到Y", Parent: "X", MimeType: fakeShortcut, TargetID: "Y", TargetMime: folder})
	f.g.add(fakeFile{ID: "yx", Name: "回X", Parent: "Y", MimeType: fakeShortcut, TargetID: "X", TargetMime: folder})

	src := f.Source()
	l := listOK(t, src)
	if got, want := listing(l), "sub/a.xlsx\nsub/回到上级\n到X/到Y/y.xlsx\n到X/到Y/回X"; got != want {
		t.Fatalf("listed:\n%s\nwant:\n%s", got, want)
	}
	for _, c := range []struct{ path, why string }{
		{"sub/回到上级", "快捷方式「sub/回到上级」指向它所在的上级文件夹「/」，形成循环：该文件夹只读取一次（shortcut to an ancestor folder: not walked again）"},
		{"到X/到Y/回X", "快捷方式「到X/到Y/回X」指向它所在的上级文件夹「到X」，形成循环：该文件夹只读取一次（shortcut to an ancestor folder: not walked again）"},
	} {
		_, err := src.Open(context.Background(), sheaf.FileRef{Path: c.path})
		var ue *sheets.UnreadableError
		if !errors.As(err, &ue) || ue.Reason != c.why {
			t.Errorf("open %s: %v\nwant %s", c.path, err, c.why)
		}
	}
	for _, id := range []string{"root", "X", "Y"} {
		if n := f.g.countCalls("GET /drive/v3/files?alt=json&fields=nextPageToken%2CincompleteSearch%2Cfiles%28id%2Cname%2CmimeType%2Cmd5Checksum%2CmodifiedTime%2Cversion%2Csize%2Cparents%2CshortcutDetails%28targetId%2CtargetMimeType%29%29&includeItemsFromAllDrives=true&pageSize=1000&prettyPrint=false&q=%27" + id + "%27"); n != 1 {
			t.Errorf("folder %s listed %d times, want once", id, n)
		}
	}
	// The same listing again gives the same problems the same keys: a
	// cycle is not news at every sync.
	again := listOK(t, src)
	for i := range l.Files {
		if again.Files[i] != l.Files[i] {
			t.Errorf("second listing %+v, first %+v", again.Files[i], l.Files[i])
		}
	}
}

func TestDriveDanglingShortcutIsThatEntrysProblem(t *testing.T) {
	f := newDriveFixture(t)
	f.Put(t, "ok.xlsx", []byte("PK ok"))
	f.g.add(fakeFile{ID: "sc-gone", Name: "去年报表.xlsx", Parent: "root", MimeType: fakeShortcut, TargetID: "deleted", TargetMime: mimeXLSXFile})
	f.g.add(fakeFile{ID: "sc-private", Name: "科室报表", Parent: "root", MimeType: fakeShortcut, TargetID: "private", TargetMime: mimeXLSXFile})
	f.g.add(fakeFile{ID: "private", Name: "科室 2024.xlsx", Data: []byte("PK private"), MimeType: mimeXLSXFile})
	f.g.status["private"] = http.StatusForbidden
	f.g.add(fakeFile{ID: "sc-dir", Name: "共享文件夹", Parent: "root", MimeType: fakeShortcut, TargetID: "nofolder", TargetMime: "application/vnd.google-apps.folder"})
	f.g.add(fakeFile{ID: "binned", Name: "旧表.xlsx", Data: []byte("PK old"), MimeType: mimeXLSXFile, Trashed: true})
	f.g.add(fakeFile{ID: "sc-bin", Name: "旧表.xlsx", Parent: "root", MimeType: fakeShortcut, TargetID: "binned", TargetMime: mimeXLSXFile})

	src := f.Source()
	l := listOK(t, src)
	if got, want := listing(l), "ok.xlsx\n共享文件夹\n去年报表.xlsx\n旧表.xlsx\n科室报表"; got != want {
		t.Fatalf("listed:\n%s\nwant:\n%s", got, want)
	}
	for _, c := range []struct{ path, kind, cause string }{
		{"去年报表.xlsx", "文件", "googleapi: Error 404: File not found: deleted., notFound"},
		{"科室报表", "文件", "googleapi: Error 403: File not found: private., notFound"},
		{"共享文件夹", "文件夹", "googleapi: Error 404: File not found: nofolder., notFound"},
		{"旧表.xlsx", "文件", "target is in the trash"},
	} {
		_, err := src.Open(context.Background(), sheaf.FileRef{Path: c.path})
		want := "快捷方式「" + c.path + "」指向的" + c.kind + "已被删除或无法访问：请将快捷方式指向的" + c.kind + "共享给服务账号 " + testEmail +
			"，或删除该快捷方式（shortcut target gone or not shared: " + c.cause + "）"
		var ue *sheets.UnreadableError
		if !errors.As(err, &ue) || ue.Reason != want {
			t.Errorf("open %s: %v\nwant %s", c.path, err, want)
		}
	}
	// Shared at last: the entry becomes the file, under a new name.
	delete(f.g.status, "private")
	l = listOK(t, src)
	if got, want := listing(l), "ok.xlsx\n共享文件夹\n去年报表.xlsx\n旧表.xlsx\n科室报表 → 科室 2024.xlsx"; got != want {
		t.Fatalf("after sharing, listed:\n%s\nwant:\n%s", got, want)
	}
	if got := readAll(t, src, l.Files[4]); string(got) != "PK private" {
		t.Errorf("content %q", got)
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestDriveListsEveryEntryWithAnOutcome: what the Drive folder holds but
// sheaf does not read is listed with the reason, as a folder source lists
// it: a Google Doc, a PDF, a lock file, a file outside the glob, a file an
// exclude pattern leaves out.
func TestDriveListsEveryEntryWithAnOutcome(t *testing.T) {
	f := newDriveFixture(t)
	for _, p := range []string{"快报.xlsx", "说明.pdf", "~$快报.xlsx", "附件/统计.csv", "草稿/试填.xlsx"} {
		f.Put(t, p, []byte("PK "+p))
	}
	f.g.add(fakeFile{Name: "填报说明", Parent: f.root, MimeType: "application/vnd.google-apps.document"})
	src := f.Source().(*sources.GoogleDrive)
	src.Glob = "**/*.xlsx"
	src.Exclude = []string{"草稿/**"}
	l := listOK(t, src)
	var files, ignored, excluded []string
	for _, r := range l.Files {
		files = append(files, r.Path)
	}
	for _, e := range l.Ignored {
		ignored = append(ignored, e.Path+": "+e.Reason)
	}
	for _, x := range l.Excluded {
		excluded = append(excluded, x.Path+" ("+x.Pattern+")")
	}
	if got := strings.Join(files, ", "); got != "快报.xlsx" {
		t.Errorf("files: %s", got)
	}
	want := []string{
		"~$快报.xlsx: Office 锁定文件（表格正被打开编辑时生成），不读取",
		"填报说明: 不是表格文件（Google 文档、表单或幻灯片），不读取",
		"说明.pdf: 不是表格文件，不读取",
		"附件/统计.csv: 不符合数据来源的文件规则「**/*.xlsx」，不读取",
	}
	sort.Strings(want)
	sort.Strings(ignored)
	if got := strings.Join(ignored, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("ignored:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if got := strings.Join(excluded, ", "); got != "草稿/试填.xlsx (草稿/**)" {
		t.Errorf("excluded: %s", got)
	}
}
