package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

// pageTemplates are the pages, each parsed with the layout.
type pageTemplates map[string]*template.Template

// pageNames are the pages in templates/, each "name.html".
var pageNames = []string{"index", "flags", "figures", "figure", "outbox", "login", "message"}

var funcs = template.FuncMap{
	"seconds": func(ms int64) string {
		return (time.Duration(ms) * time.Millisecond).Round(100 * time.Millisecond).String()
	},
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
	Body     any
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
