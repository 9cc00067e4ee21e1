// Package web is the daemon's HTTP server: a status page of the cycle, the
// flags and figures with their evidence, "resync now", retrying a message
// and accepting a flag, /healthz and /metrics. Read pages are open on
// loopback; anything that changes state needs the admin token.
package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/jobs"
	"github.com/sheaf-dev/sheaf/storage"
)

// Server serves the status pages and the admin actions of one cycle.
type Server struct {
	Config *config.Config
	DB     *storage.DB
	// Sync runs the same sync the schedule runs (jobs.Syncer.Sync); the
	// trigger is "web" for the button, "cli" for `sheaf resync`.
	Sync func(ctx context.Context, trigger string) (*jobs.SyncReport, error)
	// Reconcile decides the figures again from what is stored
	// (jobs.Syncer.Reconcile), after a flag is accepted, so that its figure
	// says 已说明 at once; nil leaves that to the next sync.
	Reconcile func(ctx context.Context) error
	Log       *slog.Logger
	// Token is the admin token; empty means no state can be changed from
	// the web. It is never logged.
	Token string
	// Now is the clock of the pages (deadlines, next runs, sessions).
	Now func() time.Time
	// SessionTTL is how long a browser stays signed in; default 12h.
	// Sessions are kept in the database and outlive a restart.
	SessionTTL time.Duration
	// PerPage is how many rows /figures and /flags show a page; default
	// 500. A prefecture's 100,000 figures on one page were 25 MB of HTML.
	PerPage int
	// SyncContext, when set, is the context of the syncs asked for from
	// the web, instead of Run's: the daemon stops its web server to take
	// a new configuration without cutting short a sync under way.
	SyncContext context.Context

	once    sync.Once
	handler http.Handler
	proxies proxies
	limiter *limiter
	pages   pageTemplates
	// departmentTmpl is the department page, without the admin layout.
	departmentTmpl *template.Template
	sessions       *sessions
	resync         *resyncer
	metrics        *collector
	// private is set when the server listens beyond loopback: then the
	// read pages also need a signed-in browser or the token.
	private bool
}

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	s.once.Do(s.init)
	return s.handler
}

func (s *Server) init() {
	s.pages = mustParsePages()
	s.departmentTmpl = mustParseDepartmentPage()
	s.sessions = newSessions(s.DB, s.now, s.SessionTTL, s.log)
	s.proxies = newProxies(s.Config.Web.TrustedProxies)
	s.limiter = newLimiter(s.now)
	s.resync = &resyncer{sync: s.Sync, log: s.log(), ctx: context.Background()}
	s.metrics = newCollector(s.DB, s.log())
	mux := http.NewServeMux()
	read := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.readable(h)) }
	write := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.admin(h)) }
	read("GET /{$}", s.index)
	read("GET /flags", s.flags)
	read("GET /figures", s.figures)
	read("GET /figures/{indicator}/{period}", s.figure)
	read("GET /outbox", s.outbox)
	read("GET /runs.json", s.runsJSON)
	read("GET /runs/{id}", s.runPage)
	read("GET /resync/{id}", s.resyncStatus)
	write("POST /resync", s.postResync)
	write("POST /outbox/{id}/retry", s.postRetry)
	write("POST /flags/{id}/accept", s.postAccept)
	write("POST /flags/{id}/reject", s.postReject)
	// A department's page and its answers need its link, not the admin token.
	mux.HandleFunc("GET /d/{department}", s.departmentPage)
	mux.HandleFunc("POST /d/{department}/answer", s.postDepartmentAnswer)
	mux.HandleFunc("GET /login", s.loginForm)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("GET /metrics", s.metricsHandler())
	s.handler = newHostGuard(s.Config.Web).wrap(securityHeaders(limitBody(mux)))
}

// securityHeaders forbids framing and inline script from elsewhere: the
// pages have no script at all.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
		w.Header().Set("Referrer-Policy", "same-origin")
		h.ServeHTTP(w, r)
	})
}

// ErrPortTaken is returned by Run when its port is taken by another
// program (or another sheaf).
var ErrPortTaken = errors.New("the port is taken")

// ErrNoToken is returned by Run when asked to listen beyond loopback with
// no admin token.
var ErrNoToken = errors.New("listening beyond loopback needs the admin token (web.token_env)")

// The server's timeouts: a client that dawdles over its headers or body,
// or never reads the answer, holds a connection no longer than these.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 2 * time.Minute
)

// Run serves on addr until ctx is done, then lets requests in flight and a
// running resync finish (up to 30s). It refuses to listen beyond loopback
// without a token, and any token shorter than config.MinTokenLength.
// With addr "off" (web.listen: off) it serves nothing and returns nil.
func (s *Server) Run(ctx context.Context, addr string) error {
	if addr == "" {
		addr = config.DefaultWebListen
	}
	if strings.EqualFold(addr, config.WebOff) {
		s.log().Info("web server off (web.listen: off)")
		return nil
	}
	if s.Token != "" {
		if err := config.CheckToken(s.Token); err != nil {
			return fmt.Errorf("web server: web.token_env: %w", err)
		}
	}
	if !config.IsLoopback(addr) {
		if s.Token == "" {
			return fmt.Errorf("web server on %s: %w", addr, ErrNoToken)
		}
		s.private = true
	}
	h := s.Handler()
	if s.SyncContext != nil {
		s.resync.setContext(s.SyncContext)
	} else {
		s.resync.setContext(ctx)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			_, port, _ := net.SplitHostPort(addr)
			return fmt.Errorf("web server: port %s (web.listen %s) is taken by another program; choose another port in web.listen, or web.listen: off: %w",
				port, addr, ErrPortTaken)
		}
		return fmt.Errorf("web server: listen on %s (web.listen): %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout, WriteTimeout: writeTimeout,
		IdleTimeout: idleTimeout, MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(s.log().Handler(), slog.LevelWarn)}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log().Info("web server listening", "addr", ln.Addr().String(), "admin", s.Token != "")
	select {
	case err := <-served:
		return fmt.Errorf("web server on %s: %w", addr, err)
	case <-ctx.Done():
	}
	// A sync asked for from the web finishes while the server still
	// answers how it went (it ends at once when its context ends).
	s.resync.wait()
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(stop)
	s.resync.wait()
	if err != nil {
		return fmt.Errorf("web server: shut down: %w", err)
	}
	return nil
}

// TokenFromEnv reads the admin token named by web.token_env: the variable
// itself, or the file named by <NAME>_FILE (or by NAME when it ends in
// _FILE), without its trailing line end. An empty name means no token; a
// token shorter than config.MinTokenLength is an error.
func TokenFromEnv(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	tok, err := config.Secret(name, "web.token_env", "admin token")
	if err != nil {
		return "", err
	}
	if err := config.CheckToken(tok); err != nil {
		return "", fmt.Errorf("%s (web.token_env): %w", name, err)
	}
	return tok, nil
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (s *Server) loc() *time.Location {
	if s.Config.Cycle.Location != nil {
		return s.Config.Cycle.Location
	}
	return time.Local
}
