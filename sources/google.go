package sources

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	drive "google.golang.org/api/drive/v3"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	gsheets "google.golang.org/api/sheets/v4"
)

// DefaultMaxRequests is how many HTTP requests a Google source may make for
// one listing and the downloads that follow it, when Google.MaxRequests is 0.
const DefaultMaxRequests = 1000

// Google says how a Google source (Drive or Sheets) reaches Google's APIs:
// with which credentials, at which address, and how politely.
type Google struct {
	// CredentialsFile is a service-account key (JSON). When empty the key
	// named by GOOGLE_APPLICATION_CREDENTIALS, or the application default
	// credentials, are used. The key never appears in messages.
	CredentialsFile string
	// Endpoint is the APIs' base URL (a proxy, a local test server), e.g.
	// "http://127.0.0.1:8080/"; Drive is reached under drive/v3/ and Sheets
	// under v4/ of it. Empty means Google's own addresses.
	Endpoint string
	// NoAuth sends requests without credentials (a local test server).
	NoAuth bool
	// MaxRequests bounds the HTTP requests of one List and the Opens after
	// it, retries and token requests included; 0 means DefaultMaxRequests.
	MaxRequests int
	// Retry is the policy every request goes through.
	Retry Retry
	// Transport carries the requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Log receives retries; nil means slog.Default().
	Log *slog.Logger
}

// Retry is the retry policy of the Google sources: a request answered 429,
// 5xx or 403 rate-limit, or failing in transit, is tried again after an
// exponential backoff with jitter, a bounded number of times.
type Retry struct {
	// Tries is the number of attempts in all; 0 means 5.
	Tries int
	// Base is the first backoff, doubled each time up to Max; 0 means 1s
	// and 30s.
	Base, Max time.Duration
	// Sleep waits d or until ctx ends; nil means a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Scopes are the read-only OAuth scopes the Google sources ask for.
var Scopes = []string{drive.DriveReadonlyScope, gsheets.SpreadsheetsReadonlyScope}

// errBudget is returned when a source has used its request budget.
var errBudget = errors.New("request budget exhausted")

// googleConn is what a Google source builds once: the API clients, the
// service account's address for messages, and the request counter.
type googleConn struct {
	drive   *drive.Service
	sheets  *gsheets.Service
	account string // client_email of the service account, if known
	used    atomic.Int64
	max     int64
}

// lazyConn builds a googleConn on first use and keeps it (or its error).
type lazyConn struct {
	once sync.Once
	conn *googleConn
	err  error
}

func (l *lazyConn) get(ctx context.Context, g *Google) (*googleConn, error) {
	l.once.Do(func() { l.conn, l.err = g.connect(ctx) })
	return l.conn, l.err
}

func (g *Google) log() *slog.Logger {
	if g.Log != nil {
		return g.Log
	}
	return slog.Default()
}

// connect builds the HTTP client (auth over retry over the transport) and
// the Drive and Sheets services on it.
func (g *Google) connect(ctx context.Context) (*googleConn, error) {
	c := &googleConn{max: int64(g.MaxRequests)}
	if c.max <= 0 {
		c.max = DefaultMaxRequests
	}
	base := g.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	rt := &retryTransport{base: base, policy: g.Retry, conn: c, log: g.log()}
	var transport http.RoundTripper = rt
	if !g.NoAuth {
		tokens, account, err := g.tokenSource(&http.Client{Transport: rt, Timeout: time.Minute})
		if err != nil {
			return nil, err
		}
		c.account = account
		transport = &authTransport{base: rt, fetch: tokens}
	}
	client := &http.Client{Transport: transport}
	opts := []option.ClientOption{option.WithHTTPClient(client)}
	if g.NoAuth {
		opts = append(opts, option.WithoutAuthentication())
	}
	driveOpts, sheetOpts := opts, opts
	if g.Endpoint != "" {
		root := strings.TrimSuffix(g.Endpoint, "/") + "/"
		driveOpts = append(driveOpts[:len(driveOpts):len(driveOpts)], option.WithEndpoint(root+"drive/v3/"))
		sheetOpts = append(sheetOpts[:len(sheetOpts):len(sheetOpts)], option.WithEndpoint(root))
	}
	var err error
	if c.drive, err = drive.NewService(ctx, driveOpts...); err != nil {
		return nil, fmt.Errorf("Google Drive 客户端（Drive client）: %w", err)
	}
	if c.sheets, err = gsheets.NewService(ctx, sheetOpts...); err != nil {
		return nil, fmt.Errorf("Google Sheets 客户端（Sheets client）: %w", err)
	}
	return c, nil
}

// tokenFunc returns a valid token, fetching one with ctx when needed.
type tokenFunc func(ctx context.Context) (*oauth2.Token, error)

// tokenSource reads the key and returns how to get tokens and the service
// account's e-mail address. Token requests go through client (retried and
// counted like every other request).
func (g *Google) tokenSource(client *http.Client) (tokenFunc, string, error) {
	withClient := func(ctx context.Context) context.Context {
		return context.WithValue(ctx, oauth2.HTTPClient, client)
	}
	file := g.CredentialsFile
	if file == "" {
		file = os.Getenv("GOOGLE_APPLICATION_CREDENTIALS")
	}
	if file == "" {
		creds, err := google.FindDefaultCredentials(withClient(context.Background()), Scopes...)
		if err != nil {
			return nil, "", fmt.Errorf("找不到 Google 凭据：请在配置中写 credentials（服务账号密钥文件）或设置 GOOGLE_APPLICATION_CREDENTIALS（no Google credentials: %w）", err)
		}
		ts := creds.TokenSource
		return func(context.Context) (*oauth2.Token, error) { return ts.Token() }, "", nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, "", fmt.Errorf("无法读取服务账号密钥文件 %s（cannot read service-account key: %w）", file, err)
	}
	conf, err := google.JWTConfigFromJSON(data, Scopes...)
	if err == nil && (conf.Email == "" || len(conf.PrivateKey) == 0 || conf.TokenURL == "") {
		err = errors.New("client_email, private_key or token_uri is missing")
	}
	if err != nil {
		// Only the parser's words: never the file's content.
		return nil, "", fmt.Errorf("服务账号密钥文件 %s 无效（bad service-account key: %s）", file, keyProblem(err))
	}
	if !validPrivateKey(conf.PrivateKey) {
		return nil, "", fmt.Errorf("服务账号密钥文件 %s 的私钥无效（bad service-account key: private_key is not an RSA key in PEM）", file)
	}
	fetch := func(ctx context.Context) (*oauth2.Token, error) {
		tok, err := conf.TokenSource(withClient(ctx)).Token()
		if err != nil {
			return nil, fmt.Errorf("服务账号 %s 无法取得访问令牌，密钥 %s 可能已被停用或删除（token refused: %w）", conf.Email, file, err)
		}
		return tok, nil
	}
	return fetch, conf.Email, nil
}

// validPrivateKey reports whether a key file's private_key is an RSA key
// in PEM, as the token request will need it; checked at start so that a
// damaged key is named before any request.
func validPrivateKey(key []byte) bool {
	block, _ := pem.Decode(key)
	if block == nil {
		return false
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		_, ok := k.(*rsa.PrivateKey)
		return ok
	}
	_, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	return err == nil
}

// keyProblem says what is wrong with a key file without quoting it.
func keyProblem(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "invalid character") || strings.Contains(msg, "unexpected end") {
		return "not JSON"
	}
	return msg
}

// authTransport adds a bearer token to each request. A 401 answer to a
// cached token (expired early, or revoked) fetches a new one and tries once
// more.
type authTransport struct {
	base  http.RoundTripper
	fetch tokenFunc
	mu    sync.Mutex
	tok   *oauth2.Token
}

func (t *authTransport) token(ctx context.Context, stale *oauth2.Token) (*oauth2.Token, bool, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != nil && t.tok.Valid() && t.tok != stale {
		return t.tok, true, nil
	}
	tok, err := t.fetch(ctx)
	if err != nil {
		return nil, false, err
	}
	t.tok = tok
	return tok, false, nil
}

// RoundTrip sends req with a token.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, cached, err := t.token(req.Context(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := t.send(req, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || !cached || req.Body != nil && req.GetBody == nil {
		return resp, err
	}
	drain(resp)
	if tok, _, err = t.token(req.Context(), tok); err != nil {
		return nil, err
	}
	return t.send(req, tok)
}

func (t *authTransport) send(req *http.Request, tok *oauth2.Token) (*http.Response, error) {
	r := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = body
	}
	tok.SetAuthHeader(r)
	return t.base.RoundTrip(r)
}

// retryTransport is the one retry policy and request budget every request
// of a Google source goes through.
type retryTransport struct {
	base   http.RoundTripper
	policy Retry
	conn   *googleConn
	log    *slog.Logger
}

// RoundTrip sends req, trying again on 429, 5xx, a 403 rate limit or a
// failure in transit.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	tries, base, maxWait := t.policy.Tries, t.policy.Base, t.policy.Max
	if tries <= 0 {
		tries = 5
	}
	if base <= 0 {
		base = time.Second
	}
	if maxWait <= 0 {
		maxWait = 30 * time.Second
	}
	sleep := t.policy.Sleep
	if sleep == nil {
		sleep = sleepTimer
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if n := t.conn.used.Add(1); n > t.conn.max {
			return nil, fmt.Errorf("已超出每次同步 %d 个请求的预算（%w）", t.conn.max, errBudget)
		}
		r := req
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		resp, err := t.base.RoundTrip(r)
		why := ""
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, err
			}
			why = err.Error()
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			why = resp.Status
		case resp.StatusCode == http.StatusForbidden && rateLimited(resp):
			why = resp.Status + " rate limit"
		}
		if why == "" || attempt+1 >= tries || !replayable {
			return resp, err
		}
		wait := min(base<<attempt, maxWait)
		wait = wait/2 + rand.N(wait/2+1) // jitter: between half and all of it
		if ra, ok := retryAfter(resp, time.Now()); ok {
			// Google says when to come back: then, if that is within what
			// one request may wait; otherwise the next sync tries again.
			if ra > maxWait {
				return resp, err
			}
			wait = ra
		}
		if resp != nil {
			drain(resp)
		}
		t.log.Info("google request retried", "url", r.URL.Path, "reason", why, "attempt", attempt+1, "wait_ms", wait.Milliseconds())
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryAfter reads a response's Retry-After header, in seconds or as an
// HTTP date.
func retryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	v := strings.TrimSpace(resp.Header.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// rateLimited reports whether a 403 is Drive's rate limit, which is retried,
// rather than a refusal; the body is kept for the caller.
func rateLimited(resp *http.Response) bool {
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	s := string(body)
	return strings.Contains(s, "rateLimitExceeded") || strings.Contains(s, "userRateLimitExceeded")
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func sleepTimer(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// apiStatus returns the HTTP status and first reason of a Google API error.
func apiStatus(err error) (int, string) {
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		return 0, ""
	}
	reason := ""
	if len(ge.Errors) > 0 {
		reason = ge.Errors[0].Reason
	}
	if reason == "" && len(ge.Details) > 0 {
		reason = fmt.Sprint(ge.Details[0])
	}
	return ge.Code, reason
}

// shareWith names the account a file must be shared with, for messages.
func (c *googleConn) shareWith() string {
	if c.account != "" {
		return c.account
	}
	return "（sheaf 使用的账号）"
}
