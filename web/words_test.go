package web

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/config"
)

// allowedASCII are the ASCII words a page may show: the program's name and
// the units of the catalogue. File names, paths, cell references, e-mail
// addresses, configuration keys and the configuration's own ids are told
// apart by their shape (see englishWords).
var allowedASCII = map[string]bool{"sheaf": true}

var (
	// asciiWord is a run of ASCII letters and what may join them in a
	// name: digits, dots, slashes, colons, @, _ and -.
	asciiWord = regexp.MustCompile(`\.?[A-Za-z][A-Za-z0-9._/:@\-]*`)
	cellRef   = regexp.MustCompile(`^[A-Z]{1,3}[0-9]+(:[A-Z]{1,3}[0-9]+)?$`)
	// hidden is what a page does not show as text: its style, the technical
	// details of an error (<code>), tags and their attributes.
	hidden = regexp.MustCompile(`(?s)<style.*?</style>|<code>.*?</code>|<title>.*?</title>|<[^>]*>`)
)

// englishWords lists the ASCII words of a page's visible text that are not
// names: a file name or path has a dot or a slash, an address an @, a key
// or an id a dot or an underscore, a cell reference is A1-shaped; ids is
// the configuration's department and indicator ids and units.
func englishWords(page string, ids map[string]bool) []string {
	text := html.UnescapeString(hidden.ReplaceAllString(page, " "))
	var out []string
	for _, w := range asciiWord.FindAllString(text, -1) {
		w = strings.TrimRight(w, ".:-")
		switch {
		case allowedASCII[w], ids[w], cellRef.MatchString(w), strings.ContainsAny(w, "./@_:"):
		case regexp.MustCompile(`^Sheet[0-9]+$`).MatchString(w): // a worksheet's name
		default:
			out = append(out, w)
		}
	}
	return out
}

// TestNoEnglishOnThePages scans every page, signed out and signed in, with
// flags, runs (one failed) and a message that failed with an SMTP error,
// for ASCII words in the text people read.
func TestNoEnglishOnThePages(t *testing.T) {
	f := newFixture(t, testToken)
	f.cfg.Deadlines = append(f.cfg.Deadlines, config.Deadline{Name: "一季度快报", Due: "2020-04-10"})
	id := enqueue(t, f.db, f.srv.now())
	f.db.MarkFailed(context.Background(), id, "send: dial tcp 127.0.0.1:2525: connect: connection refused")
	enqueue(t, f.db, f.srv.now())
	run, _ := f.db.StartRun(context.Background(), "remind", "cron", f.srv.now())
	f.db.FinishRun(context.Background(), run, "failed", map[string]int{}, nil)
	ids := map[string]bool{"nope": true} // the indicator asked for by /figures/nope/2024
	for _, d := range f.cfg.Departments {
		ids[d.ID] = true
	}
	for _, ind := range f.cfg.Indicators {
		ids[ind.ID], ids[ind.Unit] = true, true
	}
	fl := f.openFlag("finance")
	cookie, csrf := f.login()
	paths := []string{"/", "/flags", "/flags?state=all", "/flags?state=accepted", "/figures", "/figures?status=missing",
		"/figures/schools.total/2024", "/figures/nope/2024", "/outbox", "/login", "/runs/1", "/runs/" + strconv.FormatInt(run, 10), "/runs/999",
		"/?resync=1", "/flags?done=accepted&id=1", "/outbox?done=retried&id=1", "/?done=logout"}
	for _, signedIn := range []bool{false, true} {
		for _, p := range paths {
			rq := request{path: p}
			if signedIn {
				rq.cookie = cookie
			}
			w := f.do(rq)
			if words := englishWords(w.Body.String(), ids); len(words) > 0 {
				t.Errorf("GET %s (signed in %v) shows English: %q", p, signedIn, words)
			}
		}
	}
	outbox := f.do(request{path: "/outbox"}).Body.String()
	if !strings.Contains(outbox, "邮件服务器拒绝连接") || !strings.Contains(outbox, "<details><summary>技术信息</summary><code>send: dial tcp 127.0.0.1:2525: connect: connection refused</code></details>") ||
		!strings.Contains(outbox, "催报提醒") || !strings.Contains(outbox, "发送失败") {
		t.Errorf("the outbox does not explain the mail error in Chinese with the technical text aside:\n%s", outbox)
	}
	// The refusals and errors.
	for _, rq := range []request{
		{method: "POST", path: "/resync"},
		{method: "POST", path: "/resync", cookie: cookie},
		{method: "POST", path: "/flags/" + strconv.FormatInt(fl.ID, 10) + "/accept", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)},
		{method: "POST", path: "/flags/9999/accept", cookie: cookie, body: url.Values{"csrf": {csrf}, "note": {"说明"}}.Encode()},
		{method: "POST", path: "/outbox/9999/retry", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)},
		{method: "POST", path: "/login", body: "token=wrong"},
		{method: "POST", path: "/logout", cookie: cookie},
	} {
		w := f.do(rq)
		if words := englishWords(w.Body.String(), ids); len(words) > 0 {
			t.Errorf("%s %s (%d) shows English: %q\n%s", rq.method, rq.path, w.Code, words, w.Body)
		}
	}
	noToken := newFixture(t, "")
	for _, p := range []string{"/", "/login"} {
		if words := englishWords(noToken.do(request{path: p}).Body.String(), ids); len(words) > 0 {
			t.Errorf("GET %s without a token shows English: %q", p, words)
		}
	}
}

func TestEnglishWordsFinds(t *testing.T) {
	page := `<p>同步 sync 失败：dial tcp refused</p><code>connection refused</code><td>教育局报表.xlsx · Sheet1 · D4</td><td>a@b.org web.token_env sheaf</td>`
	got := englishWords(page, nil)
	if strings.Join(got, " ") != "sync dial tcp refused" {
		t.Errorf("englishWords = %q", got)
	}
}
