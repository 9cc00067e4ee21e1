package jobs

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sheaf-dev/sheaf/config"
	"github.com/sheaf-dev/sheaf/storage"
)

// A department's page link carries a token that is never stored: it is
// derived when a mail or `sheaf links` needs it, as
//
//	base64url(HMAC-SHA256(secret, "sheaf-department-link\x00" + department + "\x00" + version))
//
// with the secret named by web.link_secret_env. The database keeps only the
// token's SHA-256, which a request's token is compared with, and the
// version, which rotating increments (the old token then matches nothing).
// So a copy of the database opens no page, and the composer of a reminder
// writes the same link every time without keeping it anywhere.

// ErrLinkRefused is returned for a link token that is not the department's
// current one (wrong, rotated, or for another department).
var ErrLinkRefused = errors.New("not this department's link")

// ErrLinkExpired is returned for a link used after web.link_days past the
// cycle's last deadline.
var ErrLinkExpired = errors.New("the link has expired")

// LinkSecret reads the secret named by web.link_secret_env; no key written
// means no secret (and no links).
func LinkSecret(cfg *config.Config) ([]byte, error) {
	name := strings.TrimSpace(cfg.Web.LinkSecretEnv)
	if name == "" {
		return nil, nil
	}
	s, err := config.Secret(name, "web.link_secret_env", "link secret")
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// DepartmentLinks makes the departments' page links. With no secret or no
// web.url it makes none.
type DepartmentLinks struct {
	Config *config.Config
	DB     *storage.DB
	Secret []byte
}

// NewDepartmentLinks reads the link secret; a secret named but not set
// makes no links rather than stopping the mail (`config check` and `sheaf
// links` say what is wrong).
func NewDepartmentLinks(cfg *config.Config, db *storage.DB) *DepartmentLinks {
	secret, _ := LinkSecret(cfg)
	return &DepartmentLinks{Config: cfg, DB: db, Secret: secret}
}

// Enabled reports whether links can be made: a secret and web.url.
func (l *DepartmentLinks) Enabled() bool {
	return l != nil && len(l.Secret) > 0 && strings.TrimSpace(l.Config.Web.URL) != ""
}

// derive is the token of a department's link at a version.
func (l *DepartmentLinks) derive(department string, version int) string {
	m := hmac.New(sha256.New, l.Secret)
	fmt.Fprintf(m, "sheaf-department-link\x00%s\x00%d", department, version)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// HashLinkToken is what the database keeps of a link token.
func HashLinkToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Token returns a department's current link token, making its first one
// when it has none. A stored hash that the secret no longer gives (the
// secret was changed) is replaced: the links made with the old secret
// stop working.
func (l *DepartmentLinks) Token(ctx context.Context, department string) (string, error) {
	if !l.Enabled() {
		return "", errors.New("department links need web.url and the secret named by web.link_secret_env")
	}
	link, err := l.DB.DepartmentLink(ctx, department)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		link = storage.DepartmentLink{Department: department, Version: 1}
	case err != nil:
		return "", err
	}
	tok := l.derive(department, link.Version)
	if h := HashLinkToken(tok); h != link.TokenHash {
		link.TokenHash = h
		if err := l.DB.SetDepartmentLink(ctx, link); err != nil {
			return "", err
		}
	}
	return tok, nil
}

// Rotate makes a department a new link token; the old one stops working.
func (l *DepartmentLinks) Rotate(ctx context.Context, department string) (string, error) {
	if !l.Enabled() {
		return "", errors.New("department links need web.url and the secret named by web.link_secret_env")
	}
	link, err := l.DB.DepartmentLink(ctx, department)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		link = storage.DepartmentLink{Department: department}
	case err != nil:
		return "", err
	}
	link.Version++
	tok := l.derive(department, link.Version)
	link.TokenHash = HashLinkToken(tok)
	if err := l.DB.SetDepartmentLink(ctx, link); err != nil {
		return "", err
	}
	return tok, nil
}

// DepartmentURL is the address of a department's page with its token.
func DepartmentURL(cfg *config.Config, department, token string) string {
	return strings.TrimRight(strings.TrimSpace(cfg.Web.URL), "/") + "/d/" + url.PathEscape(department) + "?t=" + url.QueryEscape(token)
}

// URLs returns every department's page link, by department; none when
// links are not enabled.
func (l *DepartmentLinks) URLs(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if !l.Enabled() {
		return out, nil
	}
	for _, d := range l.Config.Departments {
		tok, err := l.Token(ctx, d.ID)
		if err != nil {
			return nil, fmt.Errorf("link of department %s: %w", d.ID, err)
		}
		out[d.ID] = DepartmentURL(l.Config, d.ID, tok)
	}
	return out, nil
}

// URLsAt is URLs while the links work at now, and none once they have
// expired: a notice sent after web.link_days past the last deadline (an
// overdue notice goes on as long as the department owes) carries no link
// that would only answer 链接已过期.
func (l *DepartmentLinks) URLsAt(ctx context.Context, now time.Time) (map[string]string, error) {
	if exp := LinkExpiry(l.Config); !exp.IsZero() && !now.Before(exp) {
		return nil, nil
	}
	return l.URLs(ctx)
}

// LinkExpiry is when the departments' links stop working
// (config.Config.LinkExpiry).
func LinkExpiry(cfg *config.Config) time.Time { return cfg.LinkExpiry() }

// CheckDepartmentLink decides whether token opens department's page at
// now: it must hash to the department's stored hash (so a rotated token,
// or another department's, is refused) and the links must not have
// expired. It needs no secret.
func CheckDepartmentLink(ctx context.Context, cfg *config.Config, db *storage.DB, department, token string, now time.Time) error {
	if _, known := cfg.Department(department); !known || token == "" {
		return ErrLinkRefused
	}
	link, err := db.DepartmentLink(ctx, department)
	if errors.Is(err, storage.ErrNotFound) {
		return ErrLinkRefused
	}
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(HashLinkToken(token)), []byte(link.TokenHash)) != 1 {
		return ErrLinkRefused
	}
	if exp := LinkExpiry(cfg); !exp.IsZero() && !now.Before(exp) {
		return ErrLinkExpired
	}
	return nil
}
