package config

import "testing"

func TestWebValidate(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		wants []want
	}{
		{"default", "", nil},
		{"loopback", "web:\n  listen: 127.0.0.1:9000\n", nil},
		{"beyond loopback with a token", "web:\n  listen: 0.0.0.0:8370\n  token_env: SHEAF_ADMIN_TOKEN\n", nil},
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
