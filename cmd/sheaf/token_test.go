package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sheaf-dev/sheaf/config"
)

func TestTokenNew(t *testing.T) {
	seen := map[string]bool{}
	for range 3 {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), []string{"token", "new"}, &out, &errOut); code != 0 {
			t.Fatalf("sheaf token new: exit %d: %s", code, errOut.String())
		}
		tok := strings.TrimSpace(out.String())
		if err := config.CheckToken(tok); err != nil {
			t.Errorf("token %q: %v", tok, err)
		}
		if strings.ContainsAny(tok, " \t\"'$=+/") {
			t.Errorf("token %q has a character an environment file would need quoted", tok)
		}
		if seen[tok] {
			t.Errorf("token %q made twice", tok)
		}
		seen[tok] = true
	}
}
