package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are the pages, each parsed with the layout.
type pageTemplates map[string]*template.Template

// pageNames are the pages in templates/, each "name.html".
var pageNames = []string{"index", "flags", "figures", "figure", "outbox", "login", "message", "run"}

// funcs put the one table of words (sheaf's words.go) on the pages: every
// kind, state, status, job, trigger and duration is shown in Chinese.
var funcs = template.FuncMap{
	"seconds":      func(ms int64) string { return sheaf.DurationWord(time.Duration(ms) * time.Millisecond) },
	"kindWord":     func(k sheaf.Kind) string { return k.Word() },
	"stateWord":    stateWord,
	"statusWord":   func(s sheaf.Status) string { return s.Word() },
	"jobWord":      sheaf.JobWord,
	"triggerWord":  sheaf.TriggerWord,
	"mailKind":     sheaf.MailKindWord,
	"sheetOutcome": sheaf.SheetOutcomeWord,
	"outboxState":  sheaf.OutboxStateWord,
	"mailError":    sheaf.MailErrorWord,
	"answerWord":   func(s sheaf.AnswerState) string { return s.Word() },
}

// stateWord names a flag state, and "all" of the filter, for people.
func stateWord(s sheaf.FlagState) string {
	if s == "all" {
		return "全部"
	}
	return s.Word()
}

func mustParsePages() pageTemplates {
	p := pageTemplates{}
	for _, name := range pageNames {
		p[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html"))
	}
	return p
}

// pageData is what every page gets: the title, the cycle, whether the
// browser is signed in (and its CSRF token for forms), and the page's own
// data in Body.
type pageData struct {
	Title    string
	Cycle    string
	SignedIn bool
	CSRF     string
	AdminOK  bool // a token is configured
	Path     string
	// Banner confirms the action just done (?done=…), in fixed words.
	Banner string
	// Refresh, when above zero, reloads the page after that many seconds
	// (a meta refresh: the pages have no script).
	Refresh int
	Body    any
}

// banners are the confirmations after an action, by ?done=; "%d" is the
// number of what was acted on.
var banners = map[string]string{
	"accepted": "已接受问题 %d，说明已记录。",
	"rejected": "已退回对问题 %d 的答复，部门会在其页面上看到退回理由。",
	"retried":  "邮件 %d 已重新排队，稍后发送。",
	"logout":   "已退出登录。",
}

// render writes a page; a template error is logged and answered 500 before
// anything is written.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, d pageData) {
	s.renderStatus(w, r, http.StatusOK, name, d)
}

// renderStatus is render with another status than 200.
func (s *Server) renderStatus(w http.ResponseWriter, r *http.Request, status int, name string, d pageData) {
	d.Cycle = s.Config.Cycle.Name
	d.AdminOK = s.Token != ""
	d.Path = r.URL.RequestURI()
	if b, ok := banners[r.URL.Query().Get("done")]; ok && d.Banner == "" {
		id, _ := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64)
		if strings.Contains(b, "%d") {
			b = fmt.Sprintf(b, id)
		}
		d.Banner = b
	}
	if _, sess, ok := s.sessions.get(r); ok {
		d.SignedIn, d.CSRF = true, sess.csrf
	}
	var buf bytes.Buffer
	if err := s.pages[name].Execute(&buf, d); err != nil {
		s.log().Error("render page", "page", name, "err", err)
		http.Error(w, "页面生成失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// serverError logs an operational error and answers 500 saying what could
// not be done; the error's text, which may name paths and internals, goes
// to the log only.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, what string, err error) {
	s.log().Error(what, "path", r.URL.Path, "err", err)
	if wantsJSON(r) {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": what + "失败，详情见 sheaf 的日志"})
		return
	}
	http.Error(w, what+"失败，详情见 sheaf 的日志。", http.StatusInternalServerError)
}
