package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf/storage"
)

// sessionCookie names the cookie of a signed-in browser.
const sessionCookie = "sheaf_session"

// session is a signed-in browser: its CSRF token and when it ends.
type session struct {
	csrf    string
	expires time.Time
}

// sessions are the signed-in browsers, stored in the database by the
// SHA-256 of the random id in their cookie, so that they outlive a restart
// of the daemon and a copy of the database signs nobody in.
type sessions struct {
	db  *storage.DB
	now func() time.Time
	ttl time.Duration
	log func() *slog.Logger
}

func newSessions(db *storage.DB, now func() time.Time, ttl time.Duration, log func() *slog.Logger) *sessions {
	if ttl <= 0 {
		ttl = 12 * time.Hour
	}
	return &sessions{db: db, now: now, ttl: ttl, log: log}
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashID is what the database keeps of a cookie's id.
func hashID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// create starts a session and returns its id (forgetting ended ones).
func (ss *sessions) create(ctx context.Context) (string, session, error) {
	now := ss.now()
	id := randomToken()
	s := session{csrf: randomToken(), expires: now.Add(ss.ttl)}
	if err := ss.db.CreateWebSession(ctx, hashID(id), storage.WebSession{CSRF: s.csrf, Expires: s.expires}, now); err != nil {
		return "", session{}, err
	}
	return id, s, nil
}

// get returns the live session of r, if any. A database that cannot be
// read signs nobody in (and says so in the log).
func (ss *sessions) get(r *http.Request) (string, session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", session{}, false
	}
	ws, err := ss.db.WebSessionByHash(r.Context(), hashID(c.Value))
	if err != nil {
		if !errors.Is(err, storage.ErrNotFound) {
			ss.log().Error("read a web session", "err", err)
		}
		return "", session{}, false
	}
	if !ss.now().Before(ws.Expires) {
		return "", session{}, false
	}
	return c.Value, session{csrf: ws.CSRF, expires: ws.Expires}, true
}

// end forgets a session: its cookie no longer signs in, even if kept.
func (ss *sessions) end(ctx context.Context, id string) error {
	return ss.db.DeleteWebSession(ctx, hashID(id))
}

// equal compares two secrets in constant time.
func equal(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// wantsJSON tells an API client from a browser.
func wantsJSON(r *http.Request) bool {
	if _, ok := bearer(r); ok {
		return true
	}
	return strings.Contains(r.Header.Get("Accept"), "application/json") ||
		strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
}

// admin guards a route that changes state: the admin token as a Bearer
// header, or a signed-in browser whose form carries its CSRF token.
func (s *Server) admin(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.Token == "" {
			s.refuse(w, r, http.StatusForbidden, "未设置管理令牌",
				"未配置管理令牌，不能在网页上操作。请在配置文件中写 web.token_env（保存令牌的环境变量名，例如 SHEAF_ADMIN_TOKEN），设置该环境变量（或 SHEAF_ADMIN_TOKEN_FILE 指向保存令牌的文件）后重新启动 sheaf。")
			return
		}
		if tok, ok := bearer(r); ok {
			if !s.tokenOK(w, r, tok) {
				return
			}
			h(w, r)
			return
		}
		_, sess, ok := s.sessions.get(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="sheaf"`)
			s.refuse(w, r, http.StatusUnauthorized, "请先登录", "此操作需要管理令牌：请先登录。")
			return
		}
		csrf := r.Header.Get("X-CSRF-Token")
		if csrf == "" {
			csrf = r.PostFormValue("csrf")
		}
		if csrf == "" || !equal(csrf, sess.csrf) {
			s.refuse(w, r, http.StatusForbidden, "请求无效", "表单已过期或来源不明（安全校验失败），请回到页面重新操作。")
			return
		}
		h(w, r)
	})
}

// readable guards a read page: open on loopback; beyond loopback it needs a
// signed-in browser or the token.
func (s *Server) readable(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.private {
			if tok, ok := bearer(r); ok {
				if s.tokenOK(w, r, tok) {
					h(w, r)
				}
				return
			}
			if _, _, ok := s.sessions.get(r); !ok {
				if wantsJSON(r) {
					w.Header().Set("WWW-Authenticate", `Bearer realm="sheaf"`)
					s.refuse(w, r, http.StatusUnauthorized, "请先登录", "需要管理令牌。")
					return
				}
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
		}
		h(w, r)
	})
}

// tokenOK checks a Bearer token, counting a wrong one against the client's
// address; it answers the request itself (401, or 429 once the client has
// sent too many wrong ones) when the token is not accepted.
func (s *Server) tokenOK(w http.ResponseWriter, r *http.Request, tok string) bool {
	client := s.proxies.client(r)
	if wait := s.limiter.blocked(client); wait > 0 {
		s.log().Warn("web request refused: too many wrong tokens", "remote", client)
		s.tooMany(w, r, wait)
		return false
	}
	if s.Token == "" || !equal(tok, s.Token) {
		s.limiter.fail(client)
		s.log().Warn("web request with a wrong token", "remote", client, "path", r.URL.Path)
		w.Header().Set("WWW-Authenticate", `Bearer realm="sheaf"`)
		s.refuse(w, r, http.StatusUnauthorized, "令牌错误", "管理令牌不正确。")
		return false
	}
	return true
}

// secure reports whether the session cookie must be Secure: the pages are
// reached over https (web.url says so, or a trusted proxy does).
func (s *Server) secure(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(s.Config.Web.URL)), "https://") || s.proxies.viaHTTPS(r)
}

// refuse answers an unauthorised or invalid request: JSON for API clients,
// a page for browsers.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	if wantsJSON(r) {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	s.renderStatus(w, r, status, "message", pageData{Title: title, Body: map[string]any{"Message": msg, "Login": status == http.StatusUnauthorized, "Next": r.Referer()}})
}

// safeNext keeps a redirect inside this site: a path starting with a
// single "/", with no backslash or control character anywhere (browsers
// drop tabs and newlines and read "\\" as "/", so "/\t/evil.example"
// would leave the site).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "login", pageData{Title: "登录", Body: map[string]any{"Next": safeNext(r.URL.Query().Get("next")), "NoToken": s.Token == ""}})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.PostFormValue("next"))
	if s.Token == "" {
		s.renderStatus(w, r, http.StatusForbidden, "login", pageData{Title: "登录", Body: map[string]any{"Next": next, "NoToken": true}})
		return
	}
	client := s.proxies.client(r)
	if wait := s.limiter.blocked(client); wait > 0 {
		s.log().Warn("web sign-in refused: too many wrong tokens", "remote", client)
		s.tooMany(w, r, wait)
		return
	}
	if !equal(r.PostFormValue("token"), s.Token) {
		s.limiter.fail(client)
		s.log().Warn("web sign-in with a wrong token", "remote", client)
		s.renderStatus(w, r, http.StatusUnauthorized, "login", pageData{Title: "登录", Body: map[string]any{"Next": next, "Error": "令牌不正确。"}})
		return
	}
	id, sess, err := s.sessions.create(r.Context())
	if err != nil {
		s.serverError(w, r, "登录", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", HttpOnly: true, Secure: s.secure(r),
		SameSite: http.SameSiteStrictMode, Expires: sess.expires})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout ends the browser's session, on the server as well as in the
// browser; it needs the session's CSRF token, so that another site cannot
// sign a coordinator out.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	id, sess, ok := s.sessions.get(r)
	if !ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if !equal(r.PostFormValue("csrf"), sess.csrf) {
		s.refuse(w, r, http.StatusForbidden, "请求无效", "表单已过期或来源不明（安全校验失败），请回到页面重新操作。")
		return
	}
	if err := s.sessions.end(r.Context(), id); err != nil {
		s.serverError(w, r, "退出登录", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, MaxAge: -1, Secure: s.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/?done=logout", http.StatusSeeOther)
}
