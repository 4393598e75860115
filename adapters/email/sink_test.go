package email_test

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

// sink is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that keeps
// every message it accepts. With a user set it requires AUTH PLAIN; with
// tlsOn it offers STARTTLS with httptest's certificate, and roots verifies
// it.
type sink struct {
	mu       sync.Mutex
	mails    []received
	user     string
	pass     string
	rejectTo string // a recipient refused with 550
	srv      *smtp.Server
	addr     string
	roots    *tls.Config
	tlsUsed  bool
}

// received is one accepted message.
type received struct {
	from string
	to   []string
	data []byte
}

func startSink(t *testing.T, user, pass string, tlsOn bool) *sink {
	t.Helper()
	s := &sink{user: user, pass: pass}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = !tlsOn
	if tlsOn {
		h := httptest.NewUnstartedServer(nil)
		h.StartTLS()
		s.srv.TLSConfig = &tls.Config{Certificates: h.TLS.Certificates}
		s.roots = &tls.Config{RootCAs: h.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs, ServerName: "127.0.0.1"}
		h.Close()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = l.Addr().String()
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *sink) received() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.mails...)
}

type session struct {
	s    *sink
	conn *smtp.Conn
	m    received
	auth bool
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != x.s.user || pass != x.s.pass {
			return errors.New("bad credentials")
		}
		x.auth = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.user != "" && !x.auth {
		return smtp.ErrAuthRequired
	}
	x.m = received{from: from}
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == x.s.rejectTo {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.m.to = append(x.m.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	var b bytes.Buffer
	if _, err := io.Copy(&b, r); err != nil {
		return err
	}
	x.m.data = b.Bytes()
	_, isTLS := x.conn.TLSConnectionState()
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, x.m)
	x.s.tlsUsed = x.s.tlsUsed || isTLS
	x.s.mu.Unlock()
	return nil
}

func (x *session) Reset()        { x.m = received{} }
func (x *session) Logout() error { return nil }
