package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestInteractions_Verify(t *testing.T) {
	calls := &bottest.Recorder{Next: newEngine(t)}
	e := newEnv(t, calls)
	body := mustJSON(slash("search", opt("query", "agents")))
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"OK", func() *http.Request { return signed(e.priv, testNow, []byte(body)) }, http.StatusOK},
		{"ErrBadSignature", func() *http.Request {
			r := signed(e.priv, testNow, []byte(body))
			r.Header.Set("X-Signature-Ed25519", strings.Repeat("ab", 64))
			return r
		}, http.StatusUnauthorized},
		{"ErrTampered", func() *http.Request {
			r := signed(e.priv, testNow, []byte(body))
			r.Body = httptestBody(strings.Replace(body, "agents", "agent5", 1))
			return r
		}, http.StatusUnauthorized},
		{"ErrStale", func() *http.Request { return signed(e.priv, testNow.Add(-6*time.Minute), []byte(body)) }, http.StatusUnauthorized},
		{"ErrFuture", func() *http.Request { return signed(e.priv, testNow.Add(6*time.Minute), []byte(body)) }, http.StatusUnauthorized},
		{"ErrNoHeaders", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/discord/interactions", strings.NewReader(body))
		}, http.StatusUnauthorized},
		{"ErrOtherKey", func() *http.Request { return signed(newEnv(t, calls).priv, testNow, []byte(body)) }, http.StatusUnauthorized},
		{"ErrMethod", func() *http.Request { return httptest.NewRequest(http.MethodGet, "/discord/interactions", nil) }, http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, rest := len(calls.Commands()), len(e.f.recordedRequests("", ""))
			w := httptest.NewRecorder()
			e.a.InteractionsHandler().ServeHTTP(w, tt.req())
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			e.a.work.Wait()
			if tt.status == http.StatusOK {
				return
			}
			if len(calls.Commands()) != before || len(e.f.recordedRequests("", "")) != rest {
				t.Fatal("a rejected request reached the handler or caused REST calls")
			}
		})
	}
}

func httptestBody(s string) *readCloser { return &readCloser{bytes.NewReader([]byte(s))} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func TestInteractions_Ping(t *testing.T) {
	e := newEnv(t, newEngine(t))
	w := e.post(t, map[string]any{"id": "1", "application_id": "1000", "type": 1, "token": "itoken-ping", "version": 1})
	if got := strings.TrimSpace(w.Body.String()); w.Code != http.StatusOK || got != `{"type":1}` {
		t.Fatalf("PING → %d %s, want PONG", w.Code, got)
	}
}

func TestInteractions_Search(t *testing.T) {
	calls := &bottest.Recorder{Next: newEngine(t)}
	e := newEnv(t, calls)
	p := decode(t, e.post(t, slash("search", opt("query", "the"))))
	if *p.Type != 4 || p.Data.Flags != 64 || len(p.Data.Embeds) == 0 {
		t.Fatalf("response type %d flags %d with %d embeds; want an ephemeral message", *p.Type, p.Data.Flags, len(p.Data.Embeds))
	}
	cmds := calls.Commands()
	want := bot.Command{Name: bot.CmdSearch, Args: "the", Platform: "discord", Channel: "300", User: "600", UserName: "Reader", Admins: "members with Manage Channels"}
	if len(cmds) != 1 || cmds[0] != want {
		t.Fatalf("commands %+v, want %+v", cmds, want)
	}
	labels := buttonLabels(p.Data)
	if !strings.Contains(labels, "More") { // a page of ten cards with TL;DRs is split
		var more payload
		json.Unmarshal(e.f.waitFor("POST", "/webhooks/1000/itoken-abc.def").Body, &more)
		labels += ", " + buttonLabels(&more)
	}
	for _, l := range []string{"Share to channel", "More", "Abstract #1", "Abstract #10"} {
		if !strings.Contains(labels, l) {
			t.Errorf("no %q button among %s", l, labels)
		}
	}
}

func TestInteractions_Deferred(t *testing.T) {
	gate := make(chan struct{})
	engine := newEngine(t)
	slow := bottest.HandlerFunc(func(ctx context.Context, cmd bot.Command) (bot.Reply, error) {
		<-gate
		return engine.Handle(ctx, cmd)
	})
	e := newEnv(t, slow, func(c *Config) { c.DeferAfter = time.Millisecond })
	p := decode(t, e.post(t, slash("search", opt("query", "agents"))))
	if *p.Type != 5 || p.Data.Flags != 64 {
		t.Fatalf("response type %d flags %d; want deferred and ephemeral", *p.Type, p.Data.Flags)
	}
	close(gate)
	edit := e.f.waitFor("PATCH", "/webhooks/1000/itoken-abc.def/messages/@original")
	checkLimits(t, edit.Body)
	var m payload
	json.Unmarshal(edit.Body, &m)
	if len(m.Embeds) == 0 || m.Flags != 0 || !strings.Contains(buttonLabels(&m), "Share to channel") {
		t.Fatalf("edit %s", edit.Body)
	}
}

func TestInteractions_Timeout(t *testing.T) {
	stuck := bottest.HandlerFunc(func(ctx context.Context, cmd bot.Command) (bot.Reply, error) {
		<-ctx.Done()
		return bot.Reply{}, ctx.Err()
	})
	t.Run("Ephemeral", func(t *testing.T) {
		e := newEnv(t, stuck, func(c *Config) { c.DeferAfter, c.ReplyTimeout = time.Millisecond, 20*time.Millisecond })
		if p := decode(t, e.post(t, slash("tldr", opt("paper", "2608.17271")))); *p.Type != 5 {
			t.Fatalf("type %d, want deferred", *p.Type)
		}
		edit := e.f.waitFor("PATCH", "/webhooks/1000/itoken-abc.def/messages/@original")
		checkLimits(t, edit.Body)
		if !strings.Contains(string(edit.Body), "Sorry, that took too long") {
			t.Fatalf("edit %s, want the apology", edit.Body)
		}
	})
	t.Run("Public", func(t *testing.T) {
		// The deferred "thinking…" of /papers today is public, the
		// apology is not: delete it and follow up ephemerally.
		e := newEnv(t, stuck, func(c *Config) { c.DeferAfter, c.ReplyTimeout = time.Millisecond, 20*time.Millisecond })
		if p := decode(t, e.post(t, slash("today"))); *p.Type != 5 || p.Data.Flags != 0 {
			t.Fatalf("type %d flags %d, want a public deferral", *p.Type, p.Data.Flags)
		}
		e.f.waitFor("DELETE", "/webhooks/1000/itoken-abc.def/messages/@original")
		fu := e.f.waitFor("POST", "/webhooks/1000/itoken-abc.def")
		checkLimits(t, fu.Body)
		if !strings.Contains(string(fu.Body), `"flags":64`) || !strings.Contains(string(fu.Body), "Sorry, that took too long") {
			t.Fatalf("follow-up %s", fu.Body)
		}
	})
}

func TestInteractions_Buttons(t *testing.T) {
	calls := &bottest.Recorder{Next: newEngine(t)}
	e := newEnv(t, calls)
	t.Run("TLDR", func(t *testing.T) {
		id, _ := bot.EncodeAction(bot.ActionRun, bot.Command{Name: bot.CmdTLDR, Args: "2608.17271"})
		p := decode(t, e.post(t, button(id)))
		if p.Data.Flags != 64 || len(p.Data.Embeds) != 1 || !strings.Contains(p.Data.Embeds[0].Description, "TL;DR") {
			t.Fatalf("TL;DR answer %+v", p.Data)
		}
		if last := calls.Commands()[len(calls.Commands())-1]; last.Name != bot.CmdTLDR || last.Args != "2608.17271" || last.Channel != "300" {
			t.Fatalf("command %+v", last)
		}
	})
	t.Run("Share", func(t *testing.T) {
		id, _ := bot.EncodeAction(bot.ActionShare, bot.Command{Name: bot.CmdSearch, Args: "agents"})
		w := e.post(t, button(id))
		p := decode(t, w)
		if p.Data.Flags != 0 || len(p.Data.Embeds) == 0 || strings.Contains(buttonLabels(p.Data), "Share") {
			t.Fatalf("shared answer flags %d, buttons %s; want public, no Share button", p.Data.Flags, buttonLabels(p.Data))
		}
		if !strings.Contains(w.Body.String(), "Shared by @Reader.") || p.Data.AllowedMentions == nil || p.Data.AllowedMentions.Parse == nil || len(*p.Data.AllowedMentions.Parse) != 0 {
			t.Fatalf("the shared answer does not say who shared it, or may ping: %.400s", w.Body)
		}
	})
	t.Run("ErrGarbled", func(t *testing.T) {
		before := len(calls.Commands())
		for _, id := range []string{"pb1 run 0 tldr javascript:alert(1)", "hello", "pb1 delete 0 search x", strings.Repeat("x", 101)} {
			p := decode(t, e.post(t, button(id)))
			if p.Data.Flags != 64 || !strings.Contains(p.Data.Content, "no longer valid") {
				t.Errorf("%q → %+v, want a polite ephemeral error", id, p.Data)
			}
		}
		if len(calls.Commands()) != before {
			t.Fatal("a garbled button reached the handler")
		}
	})
}

func TestInteractions_Admin(t *testing.T) {
	calls := &bottest.Recorder{Next: newEngine(t)}
	e := newEnv(t, calls)
	for _, tt := range []struct {
		name  string
		perms string
		dm    bool
		admin bool
	}{
		{"ManageChannels", "16", false, true},
		{"Administrator", "8", false, true},
		{"Member", "2248473465835041", false, false}, // everything but 8 and 16
		{"DM", "", true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			i := slash("subscribe")
			if tt.dm {
				delete(i, "member")
				delete(i, "guild_id")
				i["user"] = map[string]any{"id": "600", "username": "reader"}
			} else {
				i["member"].(map[string]any)["permissions"] = tt.perms
			}
			p := decode(t, e.post(t, i))
			if p.Data.Flags != 64 {
				t.Errorf("answer not ephemeral: %+v", p.Data)
			}
			cmds := calls.Commands()
			if last := cmds[len(cmds)-1]; last.Name != bot.CmdSubscribe || last.Admin != tt.admin || last.User != "600" {
				t.Fatalf("command %+v, want Admin=%v", last, tt.admin)
			}
		})
	}
}

func TestInteractions_Autocomplete(t *testing.T) {
	calls := &bottest.Recorder{Next: newEngine(t)}
	e := newEnv(t, calls)
	complete := func(typed string) payload {
		o := opt("paper", typed)
		o["focused"] = true
		i := slash("tldr", o)
		i["type"] = 4
		return decode(t, e.post(t, i))
	}
	p := complete("")
	if *p.Type != 8 || len(p.Data.Choices) != 10 {
		t.Fatalf("type %d with %d choices; want the latest batch's first page", *p.Type, len(p.Data.Choices))
	}
	if name := p.Data.Choices[0]["name"]; name != "ASI-Bench: At the Dawn of Artificial Superintelligence (2608.17271)" || p.Data.Choices[0]["value"] != "2608.17271" {
		t.Fatalf("first choice %v", p.Data.Choices[0])
	}
	p = complete("memory")
	cmds := calls.Commands()
	if last := cmds[len(cmds)-1]; last.Name != bot.CmdSearch || last.Args != "memory" || len(p.Data.Choices) == 0 {
		t.Fatalf("command %+v with %d choices", last, len(p.Data.Choices))
	}
	for _, c := range p.Data.Choices {
		if !strings.HasSuffix(c["name"].(string), "("+c["value"].(string)+")") {
			t.Errorf("choice %v", c)
		}
	}
}

func TestInteractions_SplitReply(t *testing.T) {
	engine := newEngine(t)
	big := bottest.HandlerFunc(func(ctx context.Context, cmd bot.Command) (bot.Reply, error) {
		r, err := engine.Handle(ctx, bot.Command{Name: bot.CmdToday})
		for i := range r.Cards {
			r.Cards[i].Abstract = strings.Repeat("A long abstract sentence. ", 120)
		}
		r.Ephemeral = true
		return r, err
	})
	e := newEnv(t, big)
	p := decode(t, e.post(t, slash("today")))
	if *p.Type != 4 || p.Data.Flags != 64 {
		t.Fatalf("type %d flags %d", *p.Type, p.Data.Flags)
	}
	fu := e.f.waitFor("POST", "/webhooks/1000/itoken-abc.def")
	if fu.Query != "wait=true" || !strings.Contains(string(fu.Body), `"flags":64`) {
		t.Fatalf("follow-up %s?%s", fu.Path, fu.Query)
	}
	e.a.work.Wait()
	e.f.checkSent(t)
}

func TestInteractions_HandlerPanics(t *testing.T) {
	boom := bottest.HandlerFunc(func(context.Context, bot.Command) (bot.Reply, error) { panic("boom") })
	e := newEnv(t, boom)
	if p := decode(t, e.post(t, slash("help"))); p.Data.Content != "Internal error." || p.Data.Flags != 64 {
		t.Fatalf("answer %+v, want an ephemeral Internal error.", p.Data)
	}
}

// buttonLabels lists a message's button labels.
func buttonLabels(p *payload) string {
	var labels []string
	for _, row := range p.Components {
		for _, b := range row.Components {
			labels = append(labels, b.Label)
		}
	}
	return strings.Join(labels, ", ")
}
