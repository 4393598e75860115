// Package emailtest is a real SMTP server for tests: emersion/go-smtp on
// 127.0.0.1, keeping every message it accepts, so email deliveries are
// checked end to end without the internet. Only tests import it.
package emailtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Sink is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that keeps
// every message it accepts. With a user set it requires AUTH PLAIN; with
// tlsOn it offers STARTTLS with httptest's certificate, and roots verifies
// it.
type Sink struct {
	mu    sync.Mutex
	mails []Mail
	// User and Pass are the credentials AUTH PLAIN accepts; RejectTo is a
	// recipient refused with 550. Change them with Set.
	User, Pass, RejectTo string
	// Addr is host:port; Roots verifies the STARTTLS certificate.
	Addr    string
	Roots   *tls.Config
	srv     *smtp.Server
	tlsUsed bool
}

// Mail is one accepted message: the envelope and the raw message.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// Start serves a sink until the test ends. With user set it requires AUTH
// PLAIN; with tlsOn it offers STARTTLS with httptest's certificate (valid
// for 127.0.0.1), which Roots verifies.
func Start(t testing.TB, user, pass string, tlsOn bool) *Sink {
	t.Helper()
	s := &Sink{User: user, Pass: pass}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = !tlsOn
	if tlsOn {
		h := httptest.NewUnstartedServer(nil)
		h.StartTLS()
		s.srv.TLSConfig = &tls.Config{Certificates: h.TLS.Certificates}
		s.Roots = &tls.Config{RootCAs: h.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs, ServerName: "127.0.0.1"}
		h.Close()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = l.Addr().String()
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// Mails returns the messages accepted so far, oldest first.
func (s *Sink) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// TLSUsed reports whether a message came over TLS.
func (s *Sink) TLSUsed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tlsUsed
}

// session is one SMTP connection's state.
type session struct {
	s    *Sink
	conn *smtp.Conn
	m    Mail
	auth bool
}

// AuthMechanisms offers PLAIN.
func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth checks the credentials.
func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		x.s.mu.Lock()
		ok := user == x.s.User && pass == x.s.Pass
		x.s.mu.Unlock()
		if !ok {
			return errors.New("bad credentials")
		}
		x.auth = true
		return nil
	}), nil
}

// Mail starts a message.
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	needAuth := x.s.User != ""
	x.s.mu.Unlock()
	if needAuth && !x.auth {
		return smtp.ErrAuthRequired
	}
	x.m = Mail{From: from}
	return nil
}

// Rcpt adds a recipient, or refuses RejectTo.
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	reject := to == x.s.RejectTo
	x.s.mu.Unlock()
	if reject {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.m.To = append(x.m.To, to)
	return nil
}

// Data keeps the message.
func (x *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	x.m.Data = b.Bytes()
	_, isTLS := x.conn.TLSConnectionState()
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, x.m)
	x.s.tlsUsed = x.s.tlsUsed || isTLS
	x.s.mu.Unlock()
	return nil
}

// Reset drops the message in progress.
func (x *session) Reset() { x.m = Mail{} }

// Logout ends the session.
func (x *session) Logout() error { return nil }

// Set changes the credentials and the refused recipient.
func (s *Sink) Set(user, pass, rejectTo string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.User, s.Pass, s.RejectTo = user, pass, rejectTo
}
