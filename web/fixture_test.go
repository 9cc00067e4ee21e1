package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

const testConfig = `
cycle: {name: 测试周期, period: "2024", timezone: Asia/Shanghai}
storage: {path: data/sheaf.db}
sync: {settle: 1m, workers: 1}
departments:
  - id: edu
    name: 市教育局
    sources: [{dir: inbox/edu}]
  - id: finance
    name: 市财政局
    sources: [{dir: inbox/finance}]
indicators:
  - {id: schools.total, name: 学校总数, unit: 所, owner: edu, required: true}
  - {id: students.total, name: 在校生数, unit: 人, owner: edu, required: true}
  - {id: fund.edu_spend, name: 一般公共预算教育支出, unit: 万元, owner: finance, required: true}
deadlines:
  - {name: 年报初稿, due: "2099-03-31"}
schedules: {sync: "*/15 * * * *"}
`

const testToken = "t0p-secret-admin-token-of-32-chars-or-more"

// fixture is a cycle synced once from one workbook of the education
// bureau (学校总数 4141 in D4; 在校生数 and the finance bureau's figure
// missing), served by a Server.
type fixture struct {
	t      *testing.T
	cfg    *config.Config
	db     *storage.DB
	syncer *jobs.Syncer
	srv    *Server
	h      http.Handler
}

func newFixture(t *testing.T, token string) *fixture {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"inbox/edu", "inbox/finance"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "sheaf.yaml")
	if err := os.WriteFile(path, []byte(testConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	writeWorkbook(t, filepath.Join(dir, "inbox/edu/教育局报表.xlsx"), []any{"", "学校总数", "2024", 4141, "所", "含教学点"})
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := storage.Open(context.Background(), cfg.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	later := func() time.Time { return time.Now().Add(time.Hour) } // past the settle time
	f := &fixture{t: t, cfg: cfg, db: db, syncer: &jobs.Syncer{Config: cfg, DB: db, Now: later}}
	if _, err := f.syncer.Sync(context.Background(), "test"); err != nil {
		t.Fatalf("sync: %v", err)
	}
	f.srv = &Server{Config: cfg, DB: db, Sync: f.syncer.Sync, Token: token}
	f.h = f.srv.Handler()
	return f
}

// writeWorkbook writes an .xlsx in the long layout departments send: a
// title, a header in row 3, then one row per figure from row 4.
func writeWorkbook(t *testing.T, path string, rows ...[]any) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	x.SetCellValue("Sheet1", "A1", "2024年统计表")
	header := []any{"指标编码", "指标名称", "年度", "数值", "单位", "备注"}
	x.SetSheetRow("Sheet1", "A3", &header)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		x.SetSheetRow("Sheet1", cell, &r)
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// request is one request to the handler.
type request struct {
	method, path string
	body         string
	contentType  string
	bearer       string
	cookie       *http.Cookie
	accept       string
	host         string            // the Host header; default 127.0.0.1:8370
	remote       string            // the client's address; default 192.0.2.1:1234
	header       map[string]string // more headers
}

func (f *fixture) do(rq request) *httptest.ResponseRecorder {
	f.t.Helper()
	if rq.method == "" {
		rq.method = http.MethodGet
	}
	r := httptest.NewRequest(rq.method, rq.path, strings.NewReader(rq.body))
	r.Host = "127.0.0.1:8370"
	if rq.host != "" {
		r.Host = rq.host
	}
	if rq.remote != "" {
		r.RemoteAddr = rq.remote
	}
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	if rq.contentType != "" {
		r.Header.Set("Content-Type", rq.contentType)
	} else if rq.body != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if rq.bearer != "" {
		r.Header.Set("Authorization", "Bearer "+rq.bearer)
	}
	if rq.cookie != nil {
		r.AddCookie(rq.cookie)
	}
	if rq.accept != "" {
		r.Header.Set("Accept", rq.accept)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// login signs a browser in and returns its session cookie and CSRF token.
func (f *fixture) login() (*http.Cookie, string) {
	f.t.Helper()
	w := f.do(request{method: "POST", path: "/login", body: url.Values{"token": {testToken}, "next": {"/flags"}}.Encode()})
	if w.Code != http.StatusSeeOther {
		f.t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	var c *http.Cookie
	for _, k := range w.Result().Cookies() {
		if k.Name == sessionCookie {
			c = k
		}
	}
	if c == nil {
		f.t.Fatal("login set no session cookie")
	}
	_, sess, ok := f.srv.sessions.get(func() *http.Request { r := httptest.NewRequest("GET", "/", nil); r.AddCookie(c); return r }())
	if !ok {
		f.t.Fatal("no session for the cookie")
	}
	return c, sess.csrf
}

func decode[T any](t *testing.T, body io.Reader) T {
	t.Helper()
	var v T
	if err := json.NewDecoder(body).Decode(&v); err != nil {
		t.Fatalf("decode JSON: %v", err)
	}
	return v
}

func (f *fixture) openFlag(department string) storage.StoredFlag {
	f.t.Helper()
	flags, err := f.db.Flags(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, fl := range flags {
		if fl.Department == department && fl.State == "open" {
			return fl
		}
	}
	f.t.Fatalf("no open flag of %s in %+v", department, flags)
	return storage.StoredFlag{}
}
