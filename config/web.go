package config

import (
	"net"
	"net/netip"
	"strings"
)

// DefaultWebListen is where the daemon's web server listens when web.listen
// is not written: loopback only, so that nobody else on the network reaches
// it without a deliberate change.
const DefaultWebListen = "127.0.0.1:8370"

// Addr is the address the web server listens on: web.listen, else
// DefaultWebListen.
func (w Web) Addr() string {
	if strings.TrimSpace(w.Listen) == "" {
		return DefaultWebListen
	}
	return strings.TrimSpace(w.Listen)
}

// BaseURL is how `sheaf resync` reaches the daemon: web.url, else
// http:// followed by the listen address (a wildcard host replaced by
// loopback, since that is where the command runs).
func (w Web) BaseURL() string {
	if u := strings.TrimSpace(w.URL); u != "" {
		return strings.TrimRight(u, "/")
	}
	host, port, err := net.SplitHostPort(w.Addr())
	if err != nil {
		return "http://" + w.Addr()
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// IsLoopback reports whether addr ("host:port") only accepts connections
// from this machine. An empty host or a wildcard (0.0.0.0, ::) listens on
// every interface, so it is not loopback.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// web checks the web section (listen address, token variable): the address
// must be host:port, the token variable a variable's name, and listening
// beyond loopback needs a token, because the server then accepts requests
// from the network.
func (v *validator) web() {
	w := v.c.Web
	if _, written := lookup(v.c.node, "web.listen"); written && blank(w.Listen) {
		v.add("web.listen", "is empty; leave the key out to listen on %s", DefaultWebListen)
		return
	}
	addr := w.Addr()
	if _, _, err := net.SplitHostPort(addr); err != nil {
		v.add("web.listen", "%q is not host:port (e.g. %s)", addr, DefaultWebListen)
	} else if !IsLoopback(addr) && blank(w.TokenEnv) {
		v.add("web.listen", "%q listens beyond this machine, so web.token_env is required: the name of the environment variable holding the admin token (or listen on %s)",
			addr, DefaultWebListen)
	}
	if w.TokenEnv != "" && !envNameRe.MatchString(w.TokenEnv) {
		// Not quoted back: it may be the token itself, written by mistake.
		v.add("web.token_env", "is not the name of an environment variable (write the variable's name, e.g. SHEAF_ADMIN_TOKEN, never the token)")
	}
	if w.SourceGrace < 0 {
		v.add("web.source_grace", "%s must not be negative", w.SourceGrace)
	}
	if u := strings.TrimSpace(w.URL); u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		v.add("web.url", "%q is not an http:// or https:// address", u)
	}
}
