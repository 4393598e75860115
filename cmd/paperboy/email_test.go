package main

import (
	"bytes"
	"mime"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"

	"paperboy/adapters/email/emailtest"
)

// TestMain_PostEmail: an email subscription gets one well-formed multipart
// email per delivery at a real SMTP server, and none again on a rerun.
func TestMain_PostEmail(t *testing.T) {
	sink := emailtest.Start(t, "bot", "s3cret", false)
	host, port, _ := net.SplitHostPort(sink.Addr)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, `
smtp:
  host: `+host+`
  port: `+port+`
  username: bot
  password: ${SMTP_PASSWORD}
  from: "paperboy <papers@example.org>"
  tls: none
subscriptions:
  - {platform: email, channel: reader@example.com, top: 5}
`)
	env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db"), "SMTP_PASSWORD": "s3cret"}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
	if r := mustRun(t, env, "post", "--date", "2026-08-19", "--dry-run"); !strings.Contains(r.stdout, "email reader@example.com (digest, day 2026-08-19): 1 posts") {
		t.Fatalf("dry run:\n%s", r.stdout)
	}
	mustRun(t, env, "post", "--date", "2026-08-19")
	r := mustRun(t, env, "post", "--date", "2026-08-19", "--json")
	if !strings.Contains(r.stdout, `"already sent"`) {
		t.Fatalf("rerun: %s", r.stdout)
	}
	mails := sink.Mails()
	if len(mails) != 1 || mails[0].To[0] != "reader@example.com" {
		t.Fatalf("%d emails, want exactly one to reader@example.com", len(mails))
	}
	m, err := mail.ReadMessage(bytes.NewReader(mails[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	ct, _, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if ct != "multipart/alternative" || m.Header.Get("List-Unsubscribe") == "" || !strings.HasPrefix(m.Header.Get("Message-Id"), "<paperboy.") {
		t.Fatalf("headers %v, want multipart/alternative with List-Unsubscribe and paperboy's Message-ID", m.Header)
	}
	if status := mustRun(t, env, "status").stdout; !strings.Contains(status, "Last delivery: Wed 19 Aug 2026, sent (1 message)") {
		t.Fatalf("status:\n%s", status)
	}
}

func TestMain_EmailConfig(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"NoServer", "subscriptions:\n  - {platform: email, channel: a@example.org}\n", "needs smtp.host"},
		{"BadAddress", "smtp: {host: localhost, from: p@example.org}\nsubscriptions:\n  - {platform: email, channel: not-an-address}\n", "subscriptions[0].channel"},
		{"BadTLS", "smtp: {host: localhost, from: p@example.org, tls: ssl}\n", "smtp.tls"},
		{"BadFrom", "smtp: {host: localhost, from: nobody}\n", "smtp.from"},
		{"Thread", "smtp: {host: localhost, from: p@example.org}\nsubscriptions:\n  - {platform: email, channel: a@example.org, style: thread}\n", "subscriptions[0].style"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := writeConfig(t, t.TempDir(), tt.yaml)
			r := runMain(t, nil, "", "--config", cfg, "--db", filepath.Join(t.TempDir(), "p.db"), "status")
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, %q; want 2 naming %s", r.code, r.stderr, tt.want)
			}
		})
	}
}
