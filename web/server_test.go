package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sheaf-dev/sheaf"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/sources"
	"github.com/sheaf-dev/sheaf/storage"
)

func TestPages(t *testing.T) {
	f := newFixture(t, testToken)
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
		absent []string
	}{
		{"status page", "/", 200, []string{"测试周期", "各部门报送情况", "市教育局", "市财政局", "年报初稿", "2099-03-31 23:59", "1/2", "0/1",
			"运行记录", "下次计划运行：", ">同步 ", "不到1秒", "成功"}, nil},
		{"open flags", "/flags", 200, []string{"问题清单", "在校生数", "一般公共预算教育支出"}, nil},
		{"flags of one department", "/flags?department=finance", 200, []string{"一般公共预算教育支出"}, []string{"在校生数"}},
		{"flags of a kind", "/flags?kind=conflict", 200, []string{"没有符合条件的问题"}, []string{"在校生数"}},
		{"resolved flags", "/flags?state=resolved", 200, []string{"没有符合条件的问题"}, nil},
		{"figures", "/figures", 200, []string{"学校总数", ">4141<", "教育局报表.xlsx", "D4", `href="/figures/schools.total/2024"`}, nil},
		{"missing figures", "/figures?status=missing", 200, []string{"在校生数"}, []string{">4141<"}},
		{"figures of a department", "/figures?department=finance", 200, []string{"一般公共预算教育支出"}, []string{"学校总数"}},
		{"evidence", "/figures/schools.total/2024", 200, []string{"学校总数", "4141", "教育局报表.xlsx", "Sheet1", "D4", "历次读取", "当前", "含教学点"}, []string{"未报送在校生数"}},
		{"no such figure", "/figures/nope/2024", 404, []string{"没有指标"}, nil},
		{"a figure's flags", "/figures/students.total/2024", 200, []string{"在校生数", "缺报", "相关问题", "市教育局未报送在校生数（2024年"}, []string{"一般公共预算教育支出"}},
		{"outbox", "/outbox", 200, []string{"发件箱是空的"}, nil},
		{"login", "/login", 200, []string{"管理令牌"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.do(request{path: tt.path})
			if w.Code != tt.status {
				t.Fatalf("GET %s: %d, want %d\n%s", tt.path, w.Code, tt.status, w.Body)
			}
			body := w.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s does not show %q", tt.path, s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(body, s) {
					t.Errorf("GET %s shows %q", tt.path, s)
				}
			}
		})
	}
}

func TestRunsJSON(t *testing.T) {
	f := newFixture(t, "")
	w := f.do(request{path: "/runs.json"})
	runs := decode[[]RunJSON](t, w.Body)
	if w.Code != 200 || len(runs) != 1 || runs[0].Job != "sync" || runs[0].Outcome != "ok" {
		t.Fatalf("/runs.json: %d %+v", w.Code, runs)
	}
}

// blockingSync is a Sync that waits for the test to let each call end.
type blockingSync struct {
	entered chan string
	release chan struct{}
	calls   int
}

func newBlockingSync() *blockingSync {
	return &blockingSync{entered: make(chan string), release: make(chan struct{})}
}

func (b *blockingSync) sync(ctx context.Context, trigger string) (*jobs.SyncReport, error) {
	b.calls++ // one sync at a time: the resyncer never overlaps them
	b.entered <- trigger
	<-b.release
	return &jobs.SyncReport{RunID: int64(100 + b.calls), Read: b.calls}, nil
}

func TestAdminToken(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		bearer string
		status int
		want   string
	}{
		{"no token configured", "", testToken, http.StatusForbidden, "web.token_env"},
		{"no credentials", testToken, "", http.StatusUnauthorized, "登录"},
		{"wrong token", testToken, "guess", http.StatusUnauthorized, "不正确"},
		{"bearer token", testToken, testToken, http.StatusAccepted, `"state": "started"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.token)
			b := newBlockingSync()
			f.srv.Sync = b.sync
			f.srv.resync.sync = b.sync
			go func() {
				for range b.entered {
					b.release <- struct{}{}
				}
			}()
			w := f.do(request{method: "POST", path: "/resync", bearer: tt.bearer, accept: "text/html"})
			f.srv.resync.wait()
			close(b.entered)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.want) {
				t.Fatalf("POST /resync: %d %s, want %d with %q", w.Code, w.Body, tt.status, tt.want)
			}
			wantCalls := 0
			if tt.status == http.StatusAccepted {
				wantCalls = 1
			}
			if b.calls != wantCalls {
				t.Errorf("%d syncs, want %d", b.calls, wantCalls)
			}
		})
	}
}

func TestLoginAndCSRF(t *testing.T) {
	f := newFixture(t, testToken)
	if w := f.do(request{method: "POST", path: "/login", body: "token=wrong"}); w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "令牌不正确") {
		t.Fatalf("wrong token: %d %s", w.Code, w.Body)
	}
	w := f.do(request{method: "POST", path: "/login", body: url.Values{"token": {testToken}, "next": {"//evil.example/"}}.Encode()})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("login: %d, Location %q", w.Code, w.Header().Get("Location"))
	}
	set := w.Header().Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(set, attr) {
			t.Errorf("session cookie %q lacks %s", set, attr)
		}
	}
	if strings.Contains(set, testToken) {
		t.Error("the cookie holds the token")
	}
	cookie, csrf := f.login()

	page := f.do(request{path: "/", cookie: cookie}).Body.String()
	if !strings.Contains(page, "立即同步") || !strings.Contains(page, `name="csrf" value="`+csrf+`"`) {
		t.Fatalf("the signed-in page has no resync form with the CSRF token:\n%s", page)
	}

	b := newBlockingSync()
	f.srv.resync.sync = b.sync
	go func() {
		for range b.entered {
			b.release <- struct{}{}
		}
	}()
	defer close(b.entered)
	tests := []struct {
		name   string
		cookie *http.Cookie
		body   string
		status int
	}{
		{"no CSRF token", cookie, "", http.StatusForbidden},
		{"wrong CSRF token", cookie, "csrf=" + url.QueryEscape(csrf+"x"), http.StatusForbidden},
		{"unknown session", &http.Cookie{Name: sessionCookie, Value: "forged"}, "csrf=" + url.QueryEscape(csrf), http.StatusUnauthorized},
		{"session and CSRF token", cookie, "csrf=" + url.QueryEscape(csrf), http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := f.do(request{method: "POST", path: "/resync", cookie: tt.cookie, body: tt.body, contentType: "application/x-www-form-urlencoded"})
			f.srv.resync.wait()
			if w.Code != tt.status {
				t.Fatalf("POST /resync: %d, want %d\n%s", w.Code, tt.status, w.Body)
			}
			if tt.status == http.StatusSeeOther && w.Header().Get("Location") != "/?resync=1" {
				t.Errorf("redirected to %q", w.Header().Get("Location"))
			}
		})
	}
	if b.calls != 1 {
		t.Errorf("%d syncs, want 1", b.calls)
	}

	// Signed out, the cookie is worth nothing.
	f.do(request{method: "POST", path: "/logout", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)})
	if w := f.do(request{method: "POST", path: "/resync", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)}); w.Code != http.StatusUnauthorized {
		t.Errorf("after logout: %d, want 401", w.Code)
	}
}

func TestResyncWhileRunning(t *testing.T) {
	f := newFixture(t, testToken)
	b := newBlockingSync()
	f.srv.resync.sync = b.sync
	ask := func() ResyncAnswer {
		t.Helper()
		w := f.do(request{method: "POST", path: "/resync", bearer: testToken, body: "trigger=cli"})
		if w.Code != http.StatusAccepted {
			t.Fatalf("POST /resync: %d %s", w.Code, w.Body)
		}
		return decode[ResyncAnswer](t, w.Body)
	}
	status := func(id int64) ResyncAnswer {
		t.Helper()
		return decode[ResyncAnswer](t, f.do(request{path: "/resync/" + strconv.FormatInt(id, 10)}).Body)
	}

	first := ask()
	if first.State != "started" {
		t.Fatalf("first ask: %+v", first)
	}
	if trig := <-b.entered; trig != "cli" {
		t.Errorf("trigger %q, want cli", trig)
	}
	if st := status(first.ID); st.State != "running" {
		t.Errorf("while it runs: %+v", st)
	}
	var queued []ResyncAnswer
	for range 3 {
		queued = append(queued, ask())
	}
	for _, q := range queued {
		if q.State != "queued" || q.ID != first.ID+1 {
			t.Errorf("ask during a sync: %+v, want queued as sync %d", q, first.ID+1)
		}
	}
	b.release <- struct{}{} // the first sync ends; the queued one starts
	<-b.entered
	if st := status(first.ID); st.State != "done" || !st.OK || st.Report == nil || st.Report.RunID != 101 {
		t.Errorf("first sync: %+v", st)
	}
	if st := status(first.ID + 1); st.State != "running" {
		t.Errorf("second sync: %+v", st)
	}
	b.release <- struct{}{}
	f.srv.resync.wait()
	if b.calls != 2 {
		t.Fatalf("%d syncs, want 2: three asks during a sync make one more", b.calls)
	}
	if st := status(first.ID + 1); st.State != "done" || st.Report.RunID != 102 {
		t.Errorf("second sync: %+v", st)
	}
	if w := f.do(request{path: "/resync/99"}); w.Code != http.StatusNotFound {
		t.Errorf("unknown sync: %d", w.Code)
	}
	// Idle again: the next ask starts at once.
	go func() { <-b.entered; b.release <- struct{}{} }()
	if a := ask(); a.State != "started" || a.ID != first.ID+2 {
		t.Errorf("ask when idle: %+v", a)
	}
	f.srv.resync.wait()
}

func TestResyncRecordsARun(t *testing.T) {
	f := newFixture(t, testToken)
	w := f.do(request{method: "POST", path: "/resync", bearer: testToken})
	f.srv.resync.wait()
	if w.Code != http.StatusAccepted {
		t.Fatalf("POST /resync: %d", w.Code)
	}
	page := f.do(request{path: "/"}).Body.String()
	if !strings.Contains(page, "<td>同步</td><td>网页</td>") {
		t.Errorf("the runs list does not show the web sync:\n%s", page)
	}
}

func TestHealthz(t *testing.T) {
	f := newFixture(t, "")
	w := f.do(request{path: "/healthz"})
	h := decode[Health](t, w.Body)
	if w.Code != http.StatusOK || !h.DBWritable || !h.LastSyncOK || !h.MailQueueDraining {
		t.Fatalf("healthy: %d %+v", w.Code, h)
	}

	// A sync that cannot run fails, and so does the health check.
	broken := &jobs.Syncer{Config: f.syncer.Config, DB: f.syncer.DB, Log: f.syncer.Log, Now: f.syncer.Now}
	broken.Sources = func(d *config.Department) ([]sources.Source, error) { return nil, errors.New("share unmounted") }
	if _, err := broken.Sync(context.Background(), "test"); err == nil {
		t.Fatal("the broken sync did not fail")
	}
	w = f.do(request{path: "/healthz"})
	if strings.Contains(w.Body.String(), "share unmounted") {
		t.Errorf("/healthz echoes the raw error:\n%s", w.Body)
	}
	h = decode[Health](t, w.Body)
	if w.Code != http.StatusServiceUnavailable || h.LastSyncOK || !h.DBWritable || !strings.Contains(strings.Join(h.Problems, ";"), "last sync failed") {
		t.Fatalf("after a failed sync: %d %+v", w.Code, h)
	}

	// A message stuck in the queue.
	f2 := newFixture(t, "")
	enqueue(t, f2.db, time.Now().Add(-2*time.Hour))
	w = f2.do(request{path: "/healthz"})
	h = decode[Health](t, w.Body)
	if w.Code != http.StatusServiceUnavailable || h.MailQueueDraining || !h.LastSyncOK {
		t.Fatalf("stuck queue: %d %+v", w.Code, h)
	}
}

// enqueue queues one message due at next and returns its id.
func enqueue(t *testing.T, db *storage.DB, next time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Enqueue(ctx, sheaf.OutboxMessage{Kind: sheaf.MailReminder, Sender: "sheaf@example.org", To: []string{"edu@example.org"},
		Subject: "提醒：年报初稿", BodyText: "请报送", NextAttemptAt: next}); err != nil {
		t.Fatal(err)
	}
	msgs, err := db.Outbox(ctx, 1)
	if err != nil || len(msgs) != 1 {
		t.Fatal(msgs, err)
	}
	return msgs[0].ID
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, "")
	id := enqueue(t, f.db, time.Now())
	if err := f.db.MarkFailed(context.Background(), id, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	enqueue(t, f.db, time.Now())
	w := f.do(request{path: "/metrics"})
	if w.Code != 200 {
		t.Fatalf("/metrics: %d", w.Code)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(w.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		fam, ok := fams[name]
		if !ok {
			t.Fatalf("no %s", name)
		}
	next:
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue next
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue()
			case m.Gauge != nil:
				return m.GetGauge().GetValue()
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
		t.Fatalf("no %s %v", name, labels)
		return 0
	}
	checks := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"sheaf_job_runs_total", map[string]string{"job": "sync", "outcome": "ok"}, 1},
		{"sheaf_job_duration_seconds", map[string]string{"job": "sync", "outcome": "ok"}, 1},
		{"sheaf_sync_files_total", map[string]string{"result": "read"}, 1},
		{"sheaf_sync_files_total", map[string]string{"result": "failed"}, 0},
		{"sheaf_open_flags", map[string]string{"kind": "missing"}, 2},
		{"sheaf_open_flags", map[string]string{"kind": "conflict"}, 0}, // none open: 0, not absent
		{"sheaf_files", map[string]string{"outcome": "ok"}, 1},
		{"sheaf_files", map[string]string{"outcome": "failed"}, 0},
		{"sheaf_outbox_messages", map[string]string{"state": "queued"}, 1},
		{"sheaf_outbox_messages", map[string]string{"state": "failed"}, 1},
		{"sheaf_outbox_messages", map[string]string{"state": "sent"}, 0},
		{"sheaf_database_up", nil, 1},
	}
	for _, c := range checks {
		if got := value(c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// A second scrape counts nothing twice.
	fams, err = p.TextToMetricFamilies(f.do(request{path: "/metrics"}).Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := value("sheaf_job_runs_total", map[string]string{"job": "sync", "outcome": "ok"}); got != 1 {
		t.Errorf("second scrape: %v sync runs, want 1", got)
	}
}

func TestOutboxRetry(t *testing.T) {
	f := newFixture(t, testToken)
	id := enqueue(t, f.db, time.Now())
	if err := f.db.MarkFailed(context.Background(), id, "550 no such user"); err != nil {
		t.Fatal(err)
	}
	path := "/outbox/" + strconv.FormatInt(id, 10) + "/retry"
	cookie, csrf := f.login()
	if page := f.do(request{path: "/outbox", cookie: cookie}).Body.String(); !strings.Contains(page, "发送失败") || !strings.Contains(page, `action="`+path+`"`) {
		t.Fatalf("outbox page:\n%s", page)
	}
	if w := f.do(request{method: "POST", path: path}); w.Code != http.StatusUnauthorized {
		t.Fatalf("without the token: %d", w.Code)
	}
	w := f.do(request{method: "POST", path: path, cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/outbox?done=retried&id="+strconv.FormatInt(id, 10) {
		t.Fatalf("retry: %d %q %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	msgs, _ := f.db.Outbox(context.Background(), 1)
	if msgs[0].State != sheaf.OutboxQueued {
		t.Errorf("state after retry: %s", msgs[0].State)
	}
	if w := f.do(request{method: "POST", path: path, bearer: testToken}); w.Code != http.StatusOK {
		t.Errorf("retry of a queued message: %d %s", w.Code, w.Body)
	}
	if err := f.db.MarkSent(context.Background(), id, time.Now()); err != nil {
		t.Fatal(err)
	}
	if w := f.do(request{method: "POST", path: path, bearer: testToken}); w.Code != http.StatusConflict {
		t.Errorf("retry of a sent message: %d %s", w.Code, w.Body)
	}
	if w := f.do(request{method: "POST", path: "/outbox/999/retry", bearer: testToken}); w.Code != http.StatusNotFound {
		t.Errorf("retry of an unknown message: %d", w.Code)
	}
}

func TestAcceptFlag(t *testing.T) {
	f := newFixture(t, testToken)
	fl := f.openFlag("edu")
	path := "/flags/" + strconv.FormatInt(fl.ID, 10) + "/accept"
	if w := f.do(request{method: "POST", path: path, body: "note=x"}); w.Code != http.StatusUnauthorized {
		t.Fatalf("without the token: %d", w.Code)
	}
	if w := f.do(request{method: "POST", path: path, bearer: testToken, contentType: "application/json", body: `{"note":" "}`}); w.Code != http.StatusConflict {
		t.Errorf("without a note: %d", w.Code)
	}
	w := f.do(request{method: "POST", path: path, bearer: testToken, contentType: "application/json", body: `{"note":"在校生数由统计局汇总","by":"张三"}`})
	if w.Code != http.StatusOK {
		t.Fatalf("accept: %d %s", w.Code, w.Body)
	}
	page := f.do(request{path: "/flags?state=accepted"}).Body.String()
	if !strings.Contains(page, "说明：在校生数由统计局汇总（张三）") {
		t.Errorf("the accepted flag is not shown with its note:\n%s", page)
	}

	// From a browser, with the form on /flags.
	other := f.openFlag("finance")
	cookie, csrf := f.login()
	path = "/flags/" + strconv.FormatInt(other.ID, 10) + "/accept"
	if page := f.do(request{path: "/flags", cookie: cookie}).Body.String(); !strings.Contains(page, `action="`+path+`"`) {
		t.Fatalf("no accept form on /flags:\n%s", page)
	}
	w = f.do(request{method: "POST", path: path, cookie: cookie, body: url.Values{"csrf": {csrf}, "note": {"财政数据年底报送"}}.Encode()})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("accept from the form: %d %s", w.Code, w.Body)
	}
	if w := f.do(request{method: "POST", path: "/flags/9999/accept", bearer: testToken, body: "note=x"}); w.Code != http.StatusNotFound {
		t.Errorf("unknown flag: %d", w.Code)
	}
}

func TestRun(t *testing.T) {
	f := newFixture(t, "")
	err := f.srv.Run(context.Background(), "0.0.0.0:0")
	if !errors.Is(err, ErrNoToken) {
		t.Fatalf("listening on 0.0.0.0 without a token: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.srv.Run(ctx, "127.0.0.1:0") }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run on loopback: %v", err)
	}
}

func TestPrivateReadPages(t *testing.T) {
	f := newFixture(t, testToken)
	f.srv.private = true // as when listening beyond loopback
	if w := f.do(request{path: "/flags"}); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("signed out: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := f.do(request{path: "/flags", bearer: testToken}); w.Code != http.StatusOK {
		t.Errorf("with the token: %d", w.Code)
	}
	cookie, _ := f.login()
	if w := f.do(request{path: "/flags", cookie: cookie}); w.Code != http.StatusOK {
		t.Errorf("signed in: %d", w.Code)
	}
	if w := f.do(request{path: "/healthz"}); w.Code != http.StatusOK {
		t.Errorf("/healthz: %d", w.Code)
	}
}

// Accepting a flag brings the figures up to date at once (Server.Reconcile,
// the daemon's Syncer.Reconcile), not at the next sync.
func TestAcceptFlagReconciles(t *testing.T) {
	f := newFixture(t, testToken)
	calls := 0
	f.srv.Reconcile = func(ctx context.Context) error { calls++; return nil }
	fl := f.openFlag("edu")
	path := "/flags/" + strconv.FormatInt(fl.ID, 10) + "/accept"
	w := f.do(request{method: "POST", path: path, bearer: testToken, contentType: "application/json", body: `{"note":"已核实"}`})
	if w.Code != http.StatusOK || calls != 1 {
		t.Fatalf("accept: %d, reconciled %d times, want once", w.Code, calls)
	}
}

// TestOutboxNamesTheChatGroup: a post to a department's chat group has no
// addresses; the outbox names the group, as sheaf outbox does, rather than
// an empty recipient.
func TestOutboxNamesTheChatGroup(t *testing.T) {
	f := newFixture(t, "")
	if _, err := f.db.Enqueue(context.Background(), sheaf.OutboxMessage{Kind: sheaf.MailReminder, Channel: sheaf.ChannelChatPrefix + "edu:0",
		Subject: "提醒：年报初稿", BodyText: "请报送", NextAttemptAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if page := f.do(request{path: "/outbox"}).Body.String(); !strings.Contains(page, "<td>聊天群 edu:0</td>") {
		t.Errorf("outbox page:\n%s", page)
	}
}
