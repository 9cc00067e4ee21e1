package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// cmdToken makes an admin token for web.token_env: 32 random bytes,
// URL-safe base64 (43 characters), printed once and stored nowhere.
func cmdToken(ctx context.Context, e *env, args []string) error {
	fs := e.flags("token") // --config is accepted and unused: a token needs none
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "new" {
		return exitError{2, fmt.Errorf("usage: sheaf token new")}
	}
	fmt.Fprintln(e.stdout, newToken())
	return nil
}

// newToken is 32 random bytes, URL-safe: longer than the 32 characters
// config.MinTokenLength asks for, and safe in an environment file.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}
