package config

import (
	"strings"
	"testing"
)

func TestWebValidate(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		wants []want
	}{
		{"default", "", nil},
		{"loopback", "web:\n  listen: 127.0.0.1:9000\n", nil},
		{"beyond loopback with a token", "web:\n  listen: 0.0.0.0:8370\n  token_env: SHEAF_ADMIN_TOKEN\n  url: https://sheaf.example.org\n", nil},
		{"beyond loopback with allowed hosts", "web:\n  listen: 0.0.0.0:8370\n  token_env: SHEAF_ADMIN_TOKEN\n  allowed_hosts: [sheaf.county.lan]\n  trusted_proxies: [10.0.0.0/8, 127.0.0.1]\n", nil},
		{"off", "web:\n  listen: \"off\"\n", nil},
		{"beyond loopback without a name", `
web:
  listen: 0.0.0.0:8370 # ← web.listen
  token_env: SHEAF_ADMIN_TOKEN
`, []want{{"web.listen", "web.url or web.allowed_hosts is required"}}},
		{"allowed host with a port", `
web:
  allowed_hosts: ["sheaf.lan:8370"] # ← web.allowed_hosts[0]
`, []want{{"web.allowed_hosts[0]", "not a host name"}}},
		{"bad proxy", `
web:
  trusted_proxies: [proxy.lan] # ← web.trusted_proxies[0]
`, []want{{"web.trusted_proxies[0]", "not an IP address or a CIDR range"}}},
		{"beyond loopback without a token", `
web:
  listen: 0.0.0.0:8370 # ← web.listen
`, []want{{"web.listen", "web.token_env is required"}}},
		{"not host:port", `
web:
  listen: localhost # ← web.listen
`, []want{{"web.listen", "not host:port"}}},
		{"token in place of its variable", `
web:
  token_env: "s3cr3t-token!" # ← web.token_env
`, []want{{"web.token_env", "not the name of an environment variable"}}},
		{"bad url", `
web:
  url: localhost:8370 # ← web.url
`, []want{{"web.url", "not an http://"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := withBase(tt.yaml)
			path := writeConfig(t, src)
			_, err := Load(path)
			if tt.wants == nil {
				if err != nil {
					t.Fatalf("Load: %v", err)
				}
				return
			}
			checkErrors(t, err, path, src, tt.wants)
		})
	}
}

func TestWebAddr(t *testing.T) {
	tests := []struct {
		name      string
		web       Web
		addr, url string
		loopback  bool
	}{
		{"default", Web{}, "127.0.0.1:8370", "http://127.0.0.1:8370", true},
		{"all interfaces", Web{Listen: "0.0.0.0:9000"}, "0.0.0.0:9000", "http://127.0.0.1:9000", false},
		{"url", Web{Listen: "[::1]:9000", URL: "https://sheaf.example.org/"}, "[::1]:9000", "https://sheaf.example.org", true},
		{"no host", Web{Listen: ":9000"}, ":9000", "http://127.0.0.1:9000", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.web.Addr(); got != tt.addr {
				t.Errorf("Addr() = %q, want %q", got, tt.addr)
			}
			if got := tt.web.BaseURL(); got != tt.url {
				t.Errorf("BaseURL() = %q, want %q", got, tt.url)
			}
			if got := IsLoopback(tt.web.Addr()); got != tt.loopback {
				t.Errorf("IsLoopback(%q) = %v, want %v", tt.web.Addr(), got, tt.loopback)
			}
		})
	}
}

func TestShortTokenRefused(t *testing.T) {
	t.Setenv("SHEAF_TEST_TOKEN", "short")
	src := withBase("web:\n  token_env: SHEAF_TEST_TOKEN # ← web.token_env\n")
	path := writeConfig(t, src)
	_, err := Load(path)
	checkErrors(t, err, path, src, []want{{"web.token_env", "sheaf token new"}})
	if strings.Contains(err.Error(), "short") {
		t.Errorf("the error quotes the token: %v", err)
	}
	t.Setenv("SHEAF_TEST_TOKEN", strings.Repeat("k", MinTokenLength))
	if _, err := Load(path); err != nil {
		t.Errorf("a %d-character token: %v", MinTokenLength, err)
	}
}
