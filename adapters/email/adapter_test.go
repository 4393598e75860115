package email_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"testing"
	"time"

	"paperboy/adapters/email"
	"paperboy/adapters/email/emailtest"
	"paperboy/bot"
)

// digest is a day's digest post with a hostile title.
func digest() bot.Post {
	return bot.Post{Key: "paperboy:2026-08-19", Reply: bot.Reply{
		Title: "Daily Papers — Wed 19 Aug 2026 · 2 papers",
		Cards: []bot.Card{
			{Rank: 1, ID: "2608.17271", Title: "ASI-Bench: <script>alert(1)</script> & more", URL: "https://arxiv.org/abs/2608.17271",
				Authors: "Junwei Zhou, Zhen Sun +40", Upvotes: 38, Summary: "A benchmark for superintelligence.", SummaryFrom: "Hugging Face (Qwen)",
				Links: []bot.Link{{Label: "PDF", URL: "https://arxiv.org/pdf/2608.17271"}}},
			{Rank: 2, ID: "2608.16157", Title: "FreeToken", URL: "https://arxiv.org/abs/2608.16157", Upvotes: 37,
				Why: "like <b>Tokens</b>\nand more"},
		},
	}}
}

func newAdapter(t *testing.T, s *emailtest.Sink, tlsMode string) *email.Adapter {
	t.Helper()
	host, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	a, err := email.New(email.Config{
		Host: host, Port: p, Username: s.User, Password: bot.Secret(s.Pass), From: "paperboy <papers@example.org>",
		TLS: tlsMode, TLSConfig: s.Roots, Timeout: 5 * time.Second,
		Now: func() time.Time { return time.Date(2026, 8, 20, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// parts parses a multipart/alternative message into its bodies by type.
func parts(t *testing.T, m *mail.Message) map[string]string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q, want multipart/alternative", m.Header.Get("Content-Type"))
	}
	out := map[string]string{}
	r := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(p) // quoted-printable is decoded by NextPart
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		out[ct] = string(body)
	}
}

func TestSend(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		s := emailtest.Start(t, "bot", "s3cret", false)
		a := newAdapter(t, s, email.TLSNone)
		sent, err := a.Send(ctx, "reader@example.com", "", digest())
		if err != nil {
			t.Fatal(err)
		}
		got := s.Mails()
		if len(got) != 1 || got[0].From != "papers@example.org" || strings.Join(got[0].To, ",") != "reader@example.com" {
			t.Fatalf("sink got %+v, want one email from papers@ to reader@", got)
		}
		m, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
		if err != nil {
			t.Fatal(err)
		}
		id := a.MessageID("paperboy:2026-08-19", "reader@example.com")
		if m.Header.Get("Message-Id") != "<"+id+">" || len(sent.IDs) != 1 || sent.IDs[0] != id {
			t.Fatalf("Message-ID %q, Sent %+v; want <%s>", m.Header.Get("Message-Id"), sent, id)
		}
		if !strings.HasSuffix(id, "@example.org") || a.MessageID("paperboy:2026-08-20", "reader@example.com") == id {
			t.Fatalf("Message-ID %q should be on the sender's domain and differ per key", id)
		}
		if got := m.Header.Get("List-Unsubscribe"); got != "<mailto:papers@example.org?subject=unsubscribe>" {
			t.Fatalf("List-Unsubscribe=%q", got)
		}
		dec := new(mime.WordDecoder)
		if subj, _ := dec.DecodeHeader(m.Header.Get("Subject")); subj != "Daily Papers — Wed 19 Aug 2026 · 2 papers" {
			t.Fatalf("Subject=%q", subj)
		}
		bodies := parts(t, m)
		text, html := bodies["text/plain"], bodies["text/html"]
		for _, want := range []string{"1. ASI-Bench: <script>alert(1)</script> & more", "https://arxiv.org/abs/2608.17271",
			"▲ 38", "TL;DR: A benchmark for superintelligence. (source: Hugging Face (Qwen))", "PDF: https://arxiv.org/pdf/2608.17271",
			"   like <b>Tokens</b> and more"} {
			if !strings.Contains(text, want) {
				t.Errorf("text part lacks %q:\n%s", want, text)
			}
		}
		for _, want := range []string{`<a href="https://arxiv.org/abs/2608.17271">ASI-Bench: &lt;script&gt;alert(1)&lt;/script&gt; &amp; more</a>`,
			"▲ 38", "A benchmark for superintelligence.", "source: Hugging Face (Qwen)", `<a href="https://arxiv.org/pdf/2608.17271">PDF</a>`,
			"<i>like &lt;b&gt;Tokens&lt;/b&gt; and more</i>"} {
			if !strings.Contains(html, want) {
				t.Errorf("HTML part lacks %q:\n%s", want, html)
			}
		}
		if strings.Contains(html, "<script>") {
			t.Fatalf("HTML part carries the title's markup unescaped")
		}
	})
	t.Run("StartTLS", func(t *testing.T) {
		s := emailtest.Start(t, "bot", "s3cret", true)
		if _, err := newAdapter(t, s, email.TLSStartTLS).Send(ctx, "reader@example.com", "", digest()); err != nil {
			t.Fatal(err)
		}
		if len(s.Mails()) != 1 || !s.TLSUsed() {
			t.Fatalf("%d emails, TLS %v; want one over STARTTLS", len(s.Mails()), s.TLSUsed())
		}
	})
	t.Run("ErrRejected", func(t *testing.T) {
		s := emailtest.Start(t, "", "", false)
		s.Set("", "", "nobody@example.com")
		_, err := newAdapter(t, s, email.TLSNone).Send(ctx, "nobody@example.com", "", digest())
		if err == nil || !strings.Contains(err.Error(), "550") || len(s.Mails()) != 0 {
			t.Fatalf("err=%v with %d emails; want the server's 550 and nothing delivered", err, len(s.Mails()))
		}
	})
	t.Run("ErrBadPassword", func(t *testing.T) {
		s := emailtest.Start(t, "bot", "s3cret", false)
		a := newAdapter(t, s, email.TLSNone)
		s.Set("bot", "other", "")
		_, err := a.Send(ctx, "reader@example.com", "", digest())
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("err=%v; want a failure that does not show the password", err)
		}
	})
	t.Run("FindKnowsNothing", func(t *testing.T) {
		s := emailtest.Start(t, "", "", false)
		a := newAdapter(t, s, email.TLSNone)
		if _, ok, err := a.Find(ctx, "reader@example.com", "", "paperboy:2026-08-19"); ok || err != nil {
			t.Fatalf("Find=%v, %v; want false, nil", ok, err)
		}
	})
}

func TestNew_Invalid(t *testing.T) {
	for _, cfg := range []email.Config{
		{From: "papers@example.org"},
		{Host: "smtp.example.org", From: "not an address"},
		{Host: "smtp.example.org", From: "papers@example.org", TLS: "ssl3"},
	} {
		if _, err := email.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad config", cfg)
		}
	}
}
