package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestHostCheck(t *testing.T) {
	f := newFixture(t, testToken)
	f.cfg.Web.URL = "https://sheaf.example.org/"
	f.cfg.Web.AllowedHosts = []string{"sheaf.county.lan"}
	f.srv.once = sync.Once{} // build the handler again with these names
	f.h = f.srv.Handler()
	tests := []struct {
		name, host string
		status     int
	}{
		{"rebound name", "rebind.evil.example", http.StatusMisdirectedRequest},
		{"rebound name with port", "rebind.evil.example:8370", http.StatusMisdirectedRequest},
		{"subdomain of localhost's name", "localhost.evil.example", http.StatusMisdirectedRequest},
		{"localhost", "localhost:8370", http.StatusOK},
		{"localhost in capitals, trailing dot", "LOCALHOST.:8370", http.StatusOK},
		{"IPv4 literal", "127.0.0.1:8370", http.StatusOK},
		{"LAN IPv4 literal", "192.168.1.20", http.StatusOK},
		{"IPv6 literal", "[::1]:8370", http.StatusOK},
		{"host of web.url", "sheaf.example.org", http.StatusOK},
		{"web.allowed_hosts", "Sheaf.County.LAN:8370", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/outbox", "/flags", "/figures", "/runs.json", "/healthz"} {
				w := f.do(request{path: path, host: tt.host})
				if w.Code != tt.status {
					t.Errorf("GET %s with Host %s: %d, want %d", path, tt.host, w.Code, tt.status)
				}
				if tt.status == http.StatusMisdirectedRequest && strings.Contains(w.Body.String(), "@") {
					t.Errorf("GET %s with Host %s shows an address:\n%s", path, tt.host, w.Body)
				}
			}
		})
	}
}

func TestShortTokenRefusedAtStart(t *testing.T) {
	f := newFixture(t, "")
	f.srv.Token = "short"
	err := f.srv.Run(context.Background(), "127.0.0.1:0")
	if err == nil || !strings.Contains(err.Error(), "sheaf token new") || strings.Contains(err.Error(), "short\"") {
		t.Fatalf("a 5-character token: %v", err)
	}
	t.Setenv("SHEAF_TEST_ADMIN", "short")
	if _, err := TokenFromEnv("SHEAF_TEST_ADMIN"); err == nil || !strings.Contains(err.Error(), "at least 32") {
		t.Errorf("TokenFromEnv of a short token: %v", err)
	}
}

func TestFailedTokensRateLimited(t *testing.T) {
	f := newFixture(t, testToken)
	now := time.Now()
	f.srv.limiter.now = func() time.Time { return now }
	const attacker, other = "198.51.100.7:4000", "198.51.100.8:4000"
	for i := range failLimit {
		if w := f.do(request{method: "POST", path: "/login", body: "token=guess" + strings.Repeat("x", i), remote: attacker}); w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong sign-in %d: %d", i+1, w.Code)
		}
	}
	// Sign-ins and Bearer headers are counted together, and the right
	// token does not get through either while the client is blocked.
	for _, rq := range []request{
		{method: "POST", path: "/login", body: url.Values{"token": {testToken}}.Encode(), remote: attacker},
		{method: "POST", path: "/resync", bearer: "guess", remote: attacker},
		{method: "POST", path: "/resync", bearer: testToken, remote: attacker},
	} {
		w := f.do(rq)
		if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "60" {
			t.Errorf("%s %s after %d wrong tokens: %d, Retry-After %q", rq.method, rq.path, failLimit, w.Code, w.Header().Get("Retry-After"))
		}
	}
	if w := f.do(request{method: "POST", path: "/login", body: url.Values{"token": {testToken}}.Encode(), remote: other}); w.Code != http.StatusSeeOther {
		t.Errorf("another client: %d", w.Code)
	}
	now = now.Add(failWindow)
	if w := f.do(request{method: "POST", path: "/login", body: url.Values{"token": {testToken}}.Encode(), remote: attacker}); w.Code != http.StatusSeeOther {
		t.Errorf("a minute later: %d", w.Code)
	}

	// Behind a trusted proxy, the client is the address it forwards.
	f.cfg.Web.TrustedProxies = []string{"10.0.0.1"}
	f.srv.proxies = newProxies(f.cfg.Web.TrustedProxies)
	for range failLimit {
		f.do(request{method: "POST", path: "/login", body: "token=guess", remote: "10.0.0.1:5000", header: map[string]string{"X-Forwarded-For": "203.0.113.9"}})
	}
	if w := f.do(request{method: "POST", path: "/login", body: "token=guess", remote: "10.0.0.1:5000", header: map[string]string{"X-Forwarded-For": "203.0.113.9"}}); w.Code != http.StatusTooManyRequests {
		t.Errorf("the forwarded client after %d wrong tokens: %d", failLimit, w.Code)
	}
	if w := f.do(request{method: "POST", path: "/login", body: url.Values{"token": {testToken}}.Encode(), remote: "10.0.0.1:5000", header: map[string]string{"X-Forwarded-For": "203.0.113.10"}}); w.Code != http.StatusSeeOther {
		t.Errorf("another client behind the proxy: %d", w.Code)
	}
}

func TestSecureCookie(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		proxies []string
		remote  string
		proto   string
		secure  bool
	}{
		{"plain http", "", nil, "", "", false},
		{"web.url https", "https://sheaf.example.org", nil, "", "", true},
		{"trusted proxy says https", "", []string{"10.0.0.0/8"}, "10.1.2.3:5000", "https", true},
		{"untrusted proxy says https", "", []string{"10.0.0.0/8"}, "192.0.2.50:5000", "https", false},
		{"trusted proxy says http", "", []string{"10.0.0.0/8"}, "10.1.2.3:5000", "http", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, testToken)
			f.cfg.Web.URL, f.cfg.Web.TrustedProxies = tt.url, tt.proxies
			f.srv.proxies = newProxies(tt.proxies)
			w := f.do(request{method: "POST", path: "/login", body: url.Values{"token": {testToken}}.Encode(), remote: tt.remote,
				header: map[string]string{"X-Forwarded-Proto": tt.proto}})
			set := w.Header().Get("Set-Cookie")
			if got := strings.Contains(set, "; Secure"); got != tt.secure {
				t.Errorf("Set-Cookie %q: Secure %v, want %v", set, got, tt.secure)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/flags?state=open", "/flags?state=open"},
		{"/", "/"},
		{"//evil.example/", "/"},
		{"/\t/evil.example/", "/"},
		{"/\n/evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"evil", "/"},
		{"", "/"},
		{"/\x7f/evil.example", "/"},
	}
	for _, tt := range tests {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
	f := newFixture(t, testToken)
	w := f.do(request{method: "POST", path: "/login", body: "next=/%09/evil.example/&token=" + url.QueryEscape(testToken)})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Errorf("next=/%%09/evil.example/: %d, Location %q", w.Code, w.Header().Get("Location"))
	}
}

func TestLogoutNeedsCSRF(t *testing.T) {
	f := newFixture(t, testToken)
	cookie, csrf := f.login()
	w := f.do(request{method: "POST", path: "/logout", cookie: cookie})
	if w.Code != http.StatusForbidden || strings.Contains(w.Header().Get("Set-Cookie"), sessionCookie) {
		t.Fatalf("logout without the CSRF token: %d, Set-Cookie %q", w.Code, w.Header().Get("Set-Cookie"))
	}
	if w := f.do(request{path: "/", cookie: cookie}); !strings.Contains(w.Body.String(), "退出登录") {
		t.Fatal("a cross-site logout signed the browser out")
	}
	w = f.do(request{method: "POST", path: "/logout", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)})
	if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d, Set-Cookie %q", w.Code, w.Header().Get("Set-Cookie"))
	}
}

func TestBodyLimit(t *testing.T) {
	f := newFixture(t, testToken)
	cookie, csrf := f.login()
	flag := f.openFlag("finance")
	big := "csrf=" + url.QueryEscape(csrf) + "&note=" + strings.Repeat("长", maxFormBytes)
	for _, path := range []string{"/login", "/logout", "/resync", "/flags/" + strconv.FormatInt(flag.ID, 10) + "/accept"} {
		if w := f.do(request{method: "POST", path: path, cookie: cookie, body: big}); w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s with %d bytes: %d, want 413", path, len(big), w.Code)
		}
	}
}

func TestServerTimeoutsAndTakenPort(t *testing.T) {
	if readHeaderTimeout <= 0 || readTimeout <= 0 || writeTimeout <= 0 || idleTimeout <= 0 {
		t.Fatal("a server timeout is not set")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := newFixture(t, "")
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	err = f.srv.Run(context.Background(), addr)
	if !errors.Is(err, ErrPortTaken) || !strings.Contains(err.Error(), "port "+port) || !strings.Contains(err.Error(), "web.listen") {
		t.Fatalf("a taken port: %v", err)
	}
	if err := f.srv.Run(context.Background(), "off"); err != nil {
		t.Fatalf("web.listen: off: %v", err)
	}
}

// TestSessionsOutliveARestart: a signed-in browser stays signed in when the
// daemon restarts (a new Server on the same database); the cookie kept
// after signing out, or after it ends, signs nobody in.
func TestSessionsOutliveARestart(t *testing.T) {
	f := newFixture(t, testToken)
	cookie, csrf := f.login()
	restarted := &Server{Config: f.cfg, DB: f.db, Sync: f.syncer.Sync, Token: testToken}
	f.srv, f.h = restarted, restarted.Handler()
	if page := f.do(request{path: "/", cookie: cookie}).Body.String(); !strings.Contains(page, "退出登录") || !strings.Contains(page, csrf) {
		t.Fatal("the restart signed the browser out")
	}
	if w := f.do(request{method: "POST", path: "/logout", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)}); w.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", w.Code)
	}
	if w := f.do(request{method: "POST", path: "/resync", cookie: cookie, body: "csrf=" + url.QueryEscape(csrf)}); w.Code != http.StatusUnauthorized {
		t.Errorf("the cookie kept after logout: %d, want 401", w.Code)
	}

	cookie, _ = f.login()
	later := time.Now().Add(13 * time.Hour)
	f.srv.Now = func() time.Time { return later }
	if page := f.do(request{path: "/", cookie: cookie}).Body.String(); strings.Contains(page, "退出登录") {
		t.Error("a session 13 hours old still signs in")
	}
}
