package web

import (
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sheaf-dev/sheaf/config"
)

// maxFormBytes bounds the body of every request: the largest form (a note
// accepting a flag) is far below it.
const maxFormBytes = 64 << 10

// hostGuard answers 421 to a request whose Host names a host this server is
// not known by. A page open on loopback is otherwise readable by any website
// whose name its owner rebinds to 127.0.0.1 (DNS rebinding): the browser
// then sends that website's name as Host. An IP literal cannot be rebound,
// so it is accepted, as are localhost, the host of web.url and
// web.allowed_hosts.
type hostGuard struct {
	names map[string]bool
}

func newHostGuard(w config.Web) hostGuard {
	g := hostGuard{names: map[string]bool{"localhost": true}}
	if u, err := url.Parse(strings.TrimSpace(w.URL)); err == nil && u.Hostname() != "" {
		g.names[strings.ToLower(u.Hostname())] = true
	}
	for _, h := range w.AllowedHosts {
		g.names[strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))] = true
	}
	return g
}

// allows reports whether a request naming host (as sent, with or without a
// port) may be served.
func (g hostGuard) allows(host string) bool {
	if host == "" {
		return true // HTTP/1.0 without Host: no browser sends that
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.TrimSuffix(strings.Trim(name, "[]"), ".")
	if _, err := netip.ParseAddr(name); err == nil {
		return true
	}
	return g.names[strings.ToLower(name)]
}

func (g hostGuard) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.allows(r.Host) {
			http.Error(w, "421 主机名未获允许（web.allowed_hosts）", http.StatusMisdirectedRequest)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// limitBody caps every request's body at maxFormBytes and parses a form
// body at once, so that a larger one is answered 413 rather than read.
func limitBody(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					http.Error(w, "413 提交的内容过大", http.StatusRequestEntityTooLarge)
					return
				}
				http.Error(w, "400 表单无法读取", http.StatusBadRequest)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// proxies are the reverse proxies whose forwarded headers are believed.
type proxies []netip.Prefix

func newProxies(list []string) proxies {
	var out proxies
	for _, s := range list {
		if p, err := config.ParseProxy(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func (ps proxies) trusts(ip netip.Addr) bool {
	for _, p := range ps {
		if p.Contains(ip.Unmap()) {
			return true
		}
	}
	return false
}

// remoteIP is the address the connection came from.
func remoteIP(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, _ := netip.ParseAddr(host)
	return ip.Unmap()
}

// client is the address of the browser or program asking: the connection's
// peer, or, when that is a trusted proxy, the nearest untrusted address in
// X-Forwarded-For.
func (ps proxies) client(r *http.Request) string {
	ip := remoteIP(r)
	if !ps.trusts(ip) {
		return ip.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if !ps.trusts(hop) {
			return hop.Unmap().String()
		}
	}
	return ip.String()
}

// viaHTTPS reports whether the browser reached the server over https: the
// server's own TLS, or a trusted proxy saying so.
func (ps proxies) viaHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return ps.trusts(remoteIP(r)) && strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
}

// failLimit is how many wrong tokens one client address may send in
// failWindow before it is answered 429.
const (
	failLimit  = 10
	failWindow = time.Minute
)

// limiter counts the wrong tokens (sign-ins and Bearer headers) per client
// address over the last failWindow.
type limiter struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string][]time.Time
}

func newLimiter(now func() time.Time) *limiter {
	return &limiter{now: now, m: map[string][]time.Time{}}
}

// blocked says how long client must wait before its next try, or 0.
func (l *limiter) blocked(client string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	fails := l.recent(client, now)
	if len(fails) < failLimit {
		return 0
	}
	return max(fails[0].Add(failWindow).Sub(now), time.Second)
}

// fail records a wrong token from client.
func (l *limiter) fail(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.m[client] = append(l.recent(client, now), now)
	if len(l.m) > 10000 { // forget clients gone quiet, so the map stays small
		for c := range l.m {
			if len(l.recent(c, now)) == 0 {
				delete(l.m, c)
			}
		}
	}
}

// recent drops client's failures older than failWindow; the lock is held.
func (l *limiter) recent(client string, now time.Time) []time.Time {
	fails := l.m[client]
	i := 0
	for i < len(fails) && now.Sub(fails[i]) >= failWindow {
		i++
	}
	fails = fails[i:]
	if len(fails) == 0 {
		delete(l.m, client)
		return nil
	}
	l.m[client] = fails
	return fails
}

// tooMany answers 429 with Retry-After in whole seconds.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.refuse(w, r, http.StatusTooManyRequests, "尝试次数过多",
		"令牌错误次数过多，请 "+strconv.Itoa(secs)+" 秒后再试。")
}
