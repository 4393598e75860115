package email

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"paperboy/bot"
	"paperboy/bot/text"
)

var _ bot.Chat = (*Adapter)(nil)

// TLS modes of Config.TLS.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS, which is required (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: a local relay only
)

// Config configures the SMTP server and the sender.
type Config struct {
	Host string
	// Port is the server's port; 0 means 587 for starttls and none, 465
	// for tls.
	Port     int
	Username string
	Password bot.Secret
	// From is the sender address, e.g. "paperboy <papers@example.org>".
	From string
	// TLS is TLSStartTLS (the default), TLSImplicit or TLSNone.
	TLS string
	// Unsubscribe is the List-Unsubscribe target (a mailto: or https:
	// URL); "" means mailto:From with the subject "unsubscribe".
	Unsubscribe string
	// TLSConfig, when set, verifies the server (a private CA); nil uses
	// the system's roots and Host as the server name.
	TLSConfig *tls.Config
	// Timeout bounds one send (connect, authenticate, deliver); 0 means 30 s.
	Timeout time.Duration
	// Now stamps the Date header; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

// Adapter sends posts as emails through one SMTP server.
type Adapter struct {
	cfg  Config
	from *mail.Address
	log  *slog.Logger
}

// CheckFrom says what is wrong with a sender's address; the error does not
// quote it.
func CheckFrom(from string) error {
	if _, err := mail.ParseAddress(from); err != nil {
		return errors.New(`is not an address; the sender, e.g. "paperboy <papers@example.org>"`)
	}
	return nil
}

// CheckTLS says what is wrong with a TLS setting: "" (TLSStartTLS),
// TLSStartTLS, TLSImplicit or TLSNone.
func CheckTLS(tls string) error {
	switch tls {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
		return nil
	}
	return fmt.Errorf("%q is not one of starttls (port 587), tls (port 465), none (a local relay only)", tls)
}

// New checks cfg and returns an Adapter. It does not connect: each Send
// opens its own connection, since deliveries are rare and far apart.
func New(cfg Config) (*Adapter, error) {
	if strings.TrimSpace(cfg.Host) == "" {
		return nil, errors.New("email: smtp.host is required")
	}
	if err := CheckFrom(cfg.From); err != nil {
		return nil, fmt.Errorf("email: smtp.from %q %w", cfg.From, err)
	}
	from, _ := mail.ParseAddress(cfg.From) // checked by CheckFrom
	if err := CheckTLS(cfg.TLS); err != nil {
		return nil, fmt.Errorf("email: smtp.tls %w", err)
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == TLSImplicit {
			cfg.Port = 465
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Unsubscribe == "" {
		cfg.Unsubscribe = "mailto:" + from.Address + "?subject=unsubscribe"
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Adapter{cfg: cfg, from: from, log: log.With("adapter", "email")}, nil
}

// Send emails p to the address channel: one message with a plain-text
// and an HTML part, its Message-ID derived from p.Key and the address
// (MessageID), so a retry of the same post carries the same id. thread is
// ignored; p.OpenThread gets no thread (Sent.Thread is ""), so the posts
// that would follow go out as emails of their own: subscriptions by email
// use the digest style. Sent.IDs holds the Message-ID.
func (a *Adapter) Send(ctx context.Context, channel, _ string, p bot.Post) (bot.Sent, error) {
	to, err := mail.ParseAddress(channel)
	if err != nil {
		return bot.Sent{}, bot.Errorf(bot.EINVALID, "%q is not an email address.", channel)
	}
	msg, id, err := a.message(to, p)
	if err != nil {
		return bot.Sent{}, err
	}
	client, err := a.client()
	if err != nil {
		return bot.Sent{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, a.cfg.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return bot.Sent{}, fmt.Errorf("send email to %s: %w", to.Address, err)
	}
	return bot.Sent{IDs: []string{id}}, nil
}

// Find reports false: an SMTP server cannot say what it delivered, and
// paperboy does not read the recipient's mailbox. See the package doc.
func (a *Adapter) Find(context.Context, string, string, string) (bot.Sent, bool, error) {
	return bot.Sent{}, false, nil
}

// MessageID is the Message-ID (without angle brackets) of the email of the
// post with key to address: the same on every attempt.
func (a *Adapter) MessageID(key, address string) string {
	sum := sha256.Sum256([]byte(key + "\x00" + strings.ToLower(address)))
	domain := "paperboy.invalid"
	if _, d, ok := strings.Cut(a.from.Address, "@"); ok && d != "" {
		domain = d
	}
	return "paperboy." + hex.EncodeToString(sum[:12]) + "@" + domain
}

// message builds the email of p to to.
func (a *Adapter) message(to *mail.Address, p bot.Post) (*gomail.Msg, string, error) {
	m := gomail.NewMsg()
	m.FromMailAddress(a.from)
	m.ToMailAddress(to)
	m.Subject(subject(p.Reply))
	m.SetDateWithValue(a.cfg.Now())
	id := a.MessageID(p.Key, to.Address)
	m.SetMessageIDWithValue(id)
	m.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+a.cfg.Unsubscribe+">")
	m.SetGenHeader(gomail.Header("X-Paperboy-Key"), p.Key)
	m.SetBulk()
	text, html, err := render(p.Reply, a.cfg.Unsubscribe)
	if err != nil {
		return nil, "", fmt.Errorf("render email: %w", err)
	}
	m.SetBodyString(gomail.TypeTextPlain, text)
	m.AddAlternativeString(gomail.TypeTextHTML, html)
	return m, id, nil
}

// client returns an SMTP client for one send.
func (a *Adapter) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(a.cfg.Port), gomail.WithTimeout(a.cfg.Timeout)}
	if a.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(a.cfg.TLSConfig))
	}
	switch a.cfg.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if a.cfg.Username != "" {
		// Over TLS the best mechanism the server offers; with tls: none (a
		// relay on this host or network, chosen explicitly) PLAIN in clear,
		// which go-mail otherwise refuses without encryption.
		mech := gomail.SMTPAuthAutoDiscover
		if a.cfg.TLS == TLSNone {
			mech = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(mech),
			gomail.WithUsername(a.cfg.Username), gomail.WithPassword(string(a.cfg.Password)))
	}
	c, err := gomail.NewClient(a.cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return c, nil
}

// subject is the email's subject: the reply's title, or its first line.
func subject(r bot.Reply) string {
	s := r.Title
	if s == "" {
		s, _, _ = strings.Cut(r.Text, "\n")
	}
	if s == "" {
		s = "paperboy"
	}
	return text.Truncate(s, 200)
}
