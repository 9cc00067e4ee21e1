package web

import (
	"fmt"
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
	for _, want := range []string{"「一季度快报」已截止，仍有待处理事项：市教育局、市财政局。", "「财政专报」已截止，仍有待处理事项：市财政局。"} {
		if !strings.Contains(page, want) {
			t.Errorf("the overview does not say %q:\n%s", want, page)
		}
	}
}

// /figures shows a page of figures at a time: every figure is on exactly
// one page, in the order of the whole list; the links keep the filters;
// a page past the last says how many there are.
func TestFiguresArePaged(t *testing.T) {
	f := newFixture(t, testToken)
	rowRe := regexp.MustCompile(`<a href="/figures/([^"/]+)/([^"]+)">`)
	figuresOn := func(path string) ([]string, string) {
		t.Helper()
		w := f.do(request{path: path})
		if w.Code != 200 {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		var out []string
		for _, m := range rowRe.FindAllStringSubmatch(w.Body.String(), -1) {
			out = append(out, m[1]+"/"+m[2])
		}
		return out, w.Body.String()
	}
	f.srv.PerPage = 1000
	all, body := figuresOn("/figures")
	if len(all) < 3 || strings.Contains(body, "下一页") {
		t.Fatalf("one page of %d figures, or a next page shown:\n%s", len(all), body)
	}
	f.srv.PerPage = 2
	var paged []string
	for p := 1; ; p++ {
		path := "/figures"
		if p > 1 {
			path += "?page=" + strconv.Itoa(p)
		}
		got, body := figuresOn(path)
		if len(got) == 0 || len(got) > 2 {
			t.Fatalf("page %d shows %d figures", p, len(got))
		}
		paged = append(paged, got...)
		last := (len(all)+1)/2 == p
		wantPos := fmt.Sprintf("第 %d/%d 页", p, (len(all)+1)/2)
		if !strings.Contains(body, wantPos) || strings.Contains(body, "下一页") == last || strings.Contains(body, "上一页") != (p > 1) {
			t.Fatalf("page %d: want %q, next link %v, previous link %v:\n%s", p, wantPos, !last, p > 1, body)
		}
		if last {
			break
		}
		if !strings.Contains(body, `href="/figures?page=`+strconv.Itoa(p+1)+`"`) {
			t.Fatalf("page %d does not link to page %d", p, p+1)
		}
	}
	if strings.Join(paged, " ") != strings.Join(all, " ") {
		t.Errorf("paged: %v\nwhole: %v", paged, all)
	}
	// The filters travel with the page links.
	f.srv.PerPage = 1
	_, body = figuresOn("/figures?department=edu")
	if !strings.Contains(body, `href="/figures?department=edu&amp;page=2"`) {
		t.Errorf("the next page of a department's figures drops the filter:\n%s", body)
	}
	_, body = figuresOn("/figures?page=99")
	if !strings.Contains(body, "此页没有指标") {
		t.Errorf("a page past the last does not say so:\n%s", body)
	}
}

// /flags pages as /figures does, with the count of all that match.
func TestFlagsArePaged(t *testing.T) {
	f := newFixture(t, testToken)
	idRe := regexp.MustCompile(`<td class="num">(\d+)</td>`)
	idsOn := func(path string) ([]string, string) {
		t.Helper()
		w := f.do(request{path: path})
		if w.Code != 200 {
			t.Fatalf("GET %s: %d", path, w.Code)
		}
		var out []string
		for _, m := range idRe.FindAllStringSubmatch(w.Body.String(), -1) {
			out = append(out, m[1])
		}
		return out, w.Body.String()
	}
	f.srv.PerPage = 1000
	all, _ := idsOn("/flags?state=all")
	if len(all) < 2 {
		t.Fatalf("the fixture has %d flags: too few to page", len(all))
	}
	f.srv.PerPage = 1
	var paged []string
	for p := 1; p <= len(all); p++ {
		got, body := idsOn("/flags?state=all&page=" + strconv.Itoa(p))
		if len(got) != 1 || !strings.Contains(body, fmt.Sprintf("共 %d 个问题", len(all))) {
			t.Fatalf("page %d shows %v:\n%s", p, got, body)
		}
		if p < len(all) && !strings.Contains(body, `href="/flags?page=`+strconv.Itoa(p+1)+`&amp;state=all"`) {
			t.Fatalf("page %d does not link to the next with the filter:\n%s", p, body)
		}
		paged = append(paged, got...)
	}
	if strings.Join(paged, " ") != strings.Join(all, " ") {
		t.Errorf("paged: %v\nwhole: %v", paged, all)
	}
}
