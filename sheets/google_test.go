package sheets_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf/sheets"
)

func readAll(t *testing.T, s sheets.Source, ref sheets.FileRef) []byte {
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

func listOK(t *testing.T, s sheets.Source) sheets.Listing {
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
	wb, err := sheets.ReadWorkbook("x.xlsx", data)
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
	src := &sheets.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
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

func TestDriveRetriesAreBounded(t *testing.T) {
	f := newDriveFixture(t)
	f.g.inject(100, 503, `{"error":{"code":503,"message":"Backend Error"}}`, onPath("/drive/v3/files/root"))
	src := &sheets.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
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
	src := &sheets.GoogleDrive{Folder: "team", Google: googleFor(f.g, f.key)}
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
	xlsx, err := os.ReadFile("testdata/small.xlsx")
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
	xlsx, err := os.ReadFile("testdata/small.xlsx")
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
	xlsx, _ := os.ReadFile("testdata/small.xlsx")
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
		src := &sheets.GoogleDrive{Folder: "secret", Google: googleFor(f.g, f.key)}
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
			src := &sheets.GoogleDrive{Folder: "root", Google: googleFor(g, tc.file)}
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
	src := &sheets.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	src.Google.MaxRequests = 3
	_, err := src.List(context.Background())
	if err == nil || !strings.Contains(err.Error(), "request budget") {
		t.Fatalf("err = %v, want the budget exceeded", err)
	}
	src.Google.MaxRequests = 0
	src2 := &sheets.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
	listOK(t, src2) // default budget: enough
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	f := newDriveFixture(t)
	f.g.inject(100, 500, "{}", onPath("/drive/v3/files/root"))
	ctx, cancel := context.WithCancel(context.Background())
	src := &sheets.GoogleDrive{Folder: "root", Google: googleFor(f.g, f.key)}
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
	src := &sheets.GoogleSheet{ID: "ss", Sheets: []string{"指标 表"}, Google: sheets.Google{Endpoint: g.srv.URL, NoAuth: true}}
	l := listOK(t, src)
	if len(l.Files) != 1 || l.Files[0].Path != "人社局报表.xlsx" || src.Name() != "gsheet:ss" {
		t.Fatalf("listed %+v as %s", l.Files, src.Name())
	}
	wb, err := sheets.ReadWorkbook("人社局报表.xlsx", readAll(t, src, l.Files[0]))
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
	xlsx, _ := os.ReadFile("testdata/small.xlsx")
	g.setSheet(t, "ss", "", "表", xlsx)
	title := g.sheets["ss"].Tabs[0].Title
	src := &sheets.GoogleSheet{ID: "ss", Ranges: []string{title + "!B2:C3"}, Google: sheets.Google{Endpoint: g.srv.URL, NoAuth: true}}
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
	src := &sheets.GoogleSheet{ID: "nope", Google: googleFor(f.g, f.key)}
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
	src := f.Source().(*sheets.GoogleDrive)
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
