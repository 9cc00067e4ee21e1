package config

import (
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// DefaultWebListen is where the daemon's web server listens when web.listen
// is not written: loopback only, so that nobody else on the network reaches
// it without a deliberate change.
const DefaultWebListen = "127.0.0.1:8370"

// WebOff is the web.listen value that runs no web server.
const WebOff = "off"

// MinTokenLength is the shortest admin token accepted: 32 characters, as
// `sheaf token new` makes (256 random bits, URL-safe).
const MinTokenLength = 32

// Off reports whether web.listen is "off": no web server at all.
func (w Web) Off() bool { return strings.EqualFold(strings.TrimSpace(w.Listen), WebOff) }

// CheckToken refuses an admin token shorter than MinTokenLength, saying how
// to make one. The token itself is never quoted.
func CheckToken(token string) error {
	if n := len([]rune(token)); n < MinTokenLength {
		return fmt.Errorf("the admin token is %d characters long; it must have at least %d (make one with `sheaf token new`)", n, MinTokenLength)
	}
	return nil
}

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
	if _, written := v.c.node.lookup("web.listen"); written && blank(w.Listen) {
		v.add("web.listen", "is empty; leave the key out to listen on %s", DefaultWebListen)
		return
	}
	addr := w.Addr()
	if w.Off() {
		// No server: nothing to listen on or to protect.
	} else if _, _, err := net.SplitHostPort(addr); err != nil {
		v.add("web.listen", "%q is not host:port (e.g. %s) or off", addr, DefaultWebListen)
	} else if !IsLoopback(addr) {
		if blank(w.TokenEnv) {
			v.add("web.listen", "%q listens beyond this machine, so web.token_env is required: the name of the environment variable holding the admin token (or listen on %s)",
				addr, DefaultWebListen)
		} else if blank(w.URL) && len(w.AllowedHosts) == 0 {
			v.add("web.listen", "%q listens beyond this machine, so web.url or web.allowed_hosts is required: the names browsers reach sheaf by (other names are refused, against DNS rebinding)", addr)
		}
	}
	if w.TokenEnv != "" && !envNameRe.MatchString(w.TokenEnv) {
		// Not quoted back: it may be the token itself, written by mistake.
		v.add("web.token_env", "is not the name of an environment variable (write the variable's name, e.g. SHEAF_ADMIN_TOKEN, never the token)")
	} else if w.TokenEnv != "" && !w.Off() {
		// A token set where the check runs must be long enough; one not
		// set here (checked on another machine) is the daemon's to refuse.
		if tok, err := Secret(w.TokenEnv, "web.token_env", "admin token"); err == nil {
			if err := CheckToken(tok); err != nil {
				v.add("web.token_env", "%v", err)
			}
		}
	}
	for i, h := range w.AllowedHosts {
		if h = strings.TrimSpace(h); h == "" || strings.ContainsAny(h, "/:@ ") {
			v.add(fmt.Sprintf("web.allowed_hosts[%d]", i), "%q is not a host name (write it without scheme or port, e.g. sheaf.example.org)", h)
		}
	}
	for i, p := range w.TrustedProxies {
		if _, err := ParseProxy(p); err != nil {
			v.add(fmt.Sprintf("web.trusted_proxies[%d]", i), "%q is not an IP address or a CIDR range (e.g. 127.0.0.1 or 10.0.0.0/8)", p)
		}
	}
	if w.LinkSecretEnv != "" && !envNameRe.MatchString(w.LinkSecretEnv) {
		v.add("web.link_secret_env", "is not the name of an environment variable (write the variable's name, e.g. SHEAF_LINK_SECRET, never the secret)")
	}
	if _, written := v.c.node.lookup("web.link_days"); written && w.LinkDays < 1 {
		v.add("web.link_days", "%d must be at least 1 (days after the last deadline that the departments' links work)", w.LinkDays)
	}
	if w.SourceGrace < 0 {
		v.add("web.source_grace", "%s must not be negative", w.SourceGrace)
	}
	if u := strings.TrimSpace(w.URL); u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		v.add("web.url", "%q is not an http:// or https:// address", u)
	}
}

// ParseProxy reads one web.trusted_proxies entry: an IP address (a range of
// one) or a CIDR range.
func ParseProxy(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	ip = ip.Unmap()
	return netip.PrefixFrom(ip, ip.BitLen()), nil
}
