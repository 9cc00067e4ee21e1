package config

import (
	"path/filepath"
	"testing"
)

func TestMailDir(t *testing.T) {
	abs := filepath.Join(t.TempDir(), "eml")
	tests := []struct {
		name string
		yaml string
		want func(dir string) string
	}{
		{"not set", "", func(string) string { return "" }},
		{"dir", "mail:\n  dir: sent-mail\n", func(dir string) string { return filepath.Join(dir, "sent-mail") }},
		{"old name outbox", "mail:\n  outbox: outbox\n", func(dir string) string { return filepath.Join(dir, "outbox") }},
		{"absolute", "mail:\n  dir: " + abs + "\n", func(string) string { return abs }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(writeConfig(t, withBase(tt.yaml)))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.MailDir(), tt.want(c.Dir); got != want {
				t.Errorf("MailDir() = %q, want %q", got, want)
			}
		})
	}
}
