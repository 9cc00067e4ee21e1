package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/config"
)

// TestResyncPageFollowsTheSync: after 立即同步 the status page reloads
// itself (a meta refresh, no script) while the sync runs, then says how it
// ended and links to the run's own page.
func TestResyncPageFollowsTheSync(t *testing.T) {
	f := newFixture(t, testToken)
	b := newBlockingSync()
	f.srv.resync.sync = b.sync
	cookie, csrf := f.login()
	w := f.do(request{method: "POST", path: "/resync", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("POST /resync: %d", w.Code)
	}
	next := w.Header().Get("Location")
	<-b.entered
	page := f.do(request{path: next, cookie: cookie}).Body.String()
	if !strings.Contains(page, `<meta http-equiv="refresh" content="2">`) || !strings.Contains(page, "正在同步") {
		t.Errorf("while the sync runs, %s neither refreshes nor says so:\n%s", next, page)
	}
	if strings.Index(page, `id="resync"`) > strings.Index(page, "截止时间") {
		t.Error("the 立即同步 button is not at the top of the page")
	}
	b.release <- struct{}{}
	f.srv.resync.wait()
	close(b.entered)
	page = f.do(request{path: next, cookie: cookie}).Body.String()
	if strings.Contains(page, "http-equiv") || !strings.Contains(page, "同步完成") {
		t.Errorf("after the sync, %s:\n%s", next, page)
	}

	// A real sync links to its run, whose page says what was read.
	f.srv.resync.sync = f.syncer.Sync
	w = f.do(request{method: "POST", path: "/resync", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)})
	f.srv.resync.wait()
	page = f.do(request{path: w.Header().Get("Location"), cookie: cookie}).Body.String()
	m := regexp.MustCompile(`href="(/runs/\d+)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "同步完成：读取 0 个文件，1 个未变") {
		t.Fatalf("the finished sync's banner and link:\n%s", page)
	}
	run := f.do(request{path: m[1]})
	for _, want := range []string{"同步", "网页", "成功", "未变（沿用上次）", "新发现", "已解决"} {
		if !strings.Contains(run.Body.String(), want) {
			t.Errorf("%s does not show %q:\n%s", m[1], want, run.Body)
		}
	}
	if w := f.do(request{path: "/runs/9999"}); w.Code != http.StatusNotFound {
		t.Errorf("/runs/9999: %d", w.Code)
	}
}

// TestActionBanners: every action comes back to its page with a banner
// saying it was done.
func TestActionBanners(t *testing.T) {
	f := newFixture(t, testToken)
	cookie, csrf := f.login()
	fl := f.openFlag("finance")
	w := f.do(request{method: "POST", path: "/flags/" + strconv.FormatInt(fl.ID, 10) + "/accept", cookie: cookie,
		body: url.Values{"csrf": {csrf}, "note": {"年底报送"}}.Encode()})
	page := f.do(request{path: w.Header().Get("Location"), cookie: cookie}).Body.String()
	if !strings.Contains(page, "已接受问题 "+strconv.FormatInt(fl.ID, 10)) {
		t.Errorf("after 接受, %s has no banner:\n%s", w.Header().Get("Location"), page)
	}
	id := enqueue(t, f.db, f.srv.now())
	f.db.MarkFailed(t.Context(), id, "550 no such user")
	w = f.do(request{method: "POST", path: "/outbox/" + strconv.FormatInt(id, 10) + "/retry", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)})
	page = f.do(request{path: w.Header().Get("Location"), cookie: cookie}).Body.String()
	if !strings.Contains(page, "已重新排队") {
		t.Errorf("after 重新发送 no banner:\n%s", page)
	}
	w = f.do(request{method: "POST", path: "/logout", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)})
	if page := f.do(request{path: w.Header().Get("Location")}).Body.String(); !strings.Contains(page, "已退出登录") {
		t.Errorf("after 退出登录 no banner:\n%s", page)
	}
}

// TestOverdueDepartments: the overview names, under each passed deadline,
// the departments still owing.
func TestOverdueDepartments(t *testing.T) {
	f := newFixture(t, testToken)
	f.cfg.Deadlines = append(f.cfg.Deadlines,
		config.Deadline{Name: "一季度快报", Due: "2020-04-10"},
		config.Deadline{Name: "财政专报", Due: "2020-05-10", Departments: []string{"finance"}})
	page := f.do(request{path: "/"}).Body.String()
	for _, want := range []string{"「一季度快报」已截止，仍未报齐：市教育局、市财政局。", "「财政专报」已截止，仍未报齐：市财政局。"} {
		if !strings.Contains(page, want) {
			t.Errorf("the overview does not say %q:\n%s", want, page)
		}
	}
}
