package notify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// delivery is one message a test server accepted.
type delivery struct {
	From string   // envelope sender
	Rcpt []string // envelope recipients
	User string   // who logged in, if anyone
	Data []byte   // the message as received
}

// testServer is an in-process SMTP server on loopback that records what it
// accepts. It refuses messages while refuse is set, and requires a login
// when user is set.
type testServer struct {
	Host string
	Port int
	// ClientTLS trusts the server's certificate (for starttls and tls).
	ClientTLS *tls.Config

	user, pass string

	mu     sync.Mutex
	refuse error
	// refuseRcpt answers RCPT TO for an address with its error.
	refuseRcpt map[string]error
	attempts   int // DATA commands received
	got        []delivery
	arrived    chan delivery
}

// startServer starts a server speaking tlsMode (none, starttls or tls).
func startServer(t *testing.T, tlsMode string) *testServer {
	t.Helper()
	ts := &testServer{arrived: make(chan delivery, 100)}
	srv := smtp.NewServer(ts)
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if tlsMode != "none" {
		serverTLS, clientTLS := testCertificate(t)
		ts.ClientTLS = clientTLS
		if tlsMode == "tls" {
			ln = tls.NewListener(ln, serverTLS)
		} else {
			srv.TLSConfig = serverTLS
		}
	}
	addr := ln.Addr().(*net.TCPAddr)
	ts.Host, ts.Port = addr.IP.String(), addr.Port
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return ts
}

// Refuse makes the server answer every message with err (nil: accept).
func (ts *testServer) Refuse(err error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.refuse = err
}

// RefuseRcpt makes the server answer RCPT TO addr with err (nil: accept).
func (ts *testServer) RefuseRcpt(addr string, err error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.refuseRcpt == nil {
		ts.refuseRcpt = map[string]error{}
	}
	ts.refuseRcpt[addr] = err
}

// Deliveries returns what the server has accepted so far.
func (ts *testServer) Deliveries() []delivery {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]delivery(nil), ts.got...)
}

// Attempts is how many messages the server was offered.
func (ts *testServer) Attempts() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.attempts
}

// tryLater is how a server says it is busy: a temporary failure.
var tryLater = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "服务器繁忙 try again later"}

// NewSession implements smtp.Backend.
func (ts *testServer) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &testSession{ts: ts}, nil
}

type testSession struct {
	ts   *testServer
	user string
	from string
	rcpt []string
}

func (s *testSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *testSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if s.ts.user == "" || user != s.ts.user || pass != s.ts.pass {
			return errors.New("invalid username or password")
		}
		s.user = user
		return nil
	}), nil
}

func (s *testSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.ts.user != "" && s.user == "" {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *testSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.ts.mu.Lock()
	err := s.ts.refuseRcpt[to]
	s.ts.mu.Unlock()
	if err != nil {
		return err
	}
	s.rcpt = append(s.rcpt, to)
	return nil
}

func (s *testSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.ts.mu.Lock()
	defer s.ts.mu.Unlock()
	s.ts.attempts++
	if s.ts.refuse != nil {
		return s.ts.refuse
	}
	d := delivery{From: s.from, Rcpt: s.rcpt, User: s.user, Data: b}
	s.ts.got = append(s.ts.got, d)
	select {
	case s.ts.arrived <- d:
	default: // nobody is waiting; Deliveries has it
	}
	return nil
}

func (s *testSession) Reset() { s.from, s.rcpt = "", nil }

func (s *testSession) Logout() error { return nil }

// testCertificate makes a self-signed certificate for 127.0.0.1, and the
// client configuration that trusts it.
func testCertificate(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sheaf test"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	client = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	return server, client
}
