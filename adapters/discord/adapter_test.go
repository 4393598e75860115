package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

func TestNew(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(nil)
	key := hex.EncodeToString(pub)
	h := newEngine(t)
	tests := []struct {
		name string
		cfg  Config
		want string // in the error; "" means OK
	}{
		{"OK", Config{Token: "Bot " + testToken, ApplicationID: "1000"}, ""},
		{"OKHTTP", Config{Token: testToken, ApplicationID: "1000", PublicKey: key, Mode: ModeHTTP}, ""},
		{"ErrNoToken", Config{ApplicationID: "1000"}, "token is empty"},
		{"ErrAppID", Config{Token: testToken, ApplicationID: "my-app"}, "application id"},
		{"ErrNoKey", Config{Token: testToken, ApplicationID: "1000", Mode: ModeHTTP}, "public key"},
		{"ErrBadKey", Config{Token: testToken, ApplicationID: "1000", PublicKey: "zz", Mode: ModeHTTP}, "public key"},
		{"ErrMode", Config{Token: testToken, ApplicationID: "1000", Mode: "webhook"}, "mode"},
		{"ErrBaseURL", Config{Token: testToken, ApplicationID: "1000", APIBaseURL: "ftp://x"}, "api base url"},
		{"ErrGuild", Config{Token: testToken, ApplicationID: "1000", GuildIDs: []string{"general"}}, "guild id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.cfg, h)
			if tt.want == "" {
				if err != nil || a == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err=%v, want one about %q", err, tt.want)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Fatalf("the error shows the token: %v", err)
			}
		})
	}
}

func TestConfig_Redacted(t *testing.T) {
	cfg := Config{Token: testToken, ApplicationID: "1000"}
	var logs syncBuffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "discord", cfg)
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), logs.String()} {
		if strings.Contains(s, testToken) || !strings.Contains(s, "REDACTED") {
			t.Errorf("token not redacted: %s", s)
		}
	}
}

func TestInviteURL(t *testing.T) {
	a, err := New(Config{Token: testToken, ApplicationID: "1000"}, newEngine(t))
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(a.InviteURL())
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	// View Channel 1<<10, Send Messages 1<<11, Embed Links 1<<14, Read
	// Message History 1<<16, Create Public Threads 1<<35, Send Messages
	// in Threads 1<<38.
	if u.Host != "discord.com" || q.Get("client_id") != "1000" || q.Get("scope") != "bot applications.commands" || q.Get("permissions") != "309237730304" {
		t.Fatalf("InviteURL=%s", u)
	}
}

func TestRegisterCommands(t *testing.T) {
	e := newEnv(t, newEngine(t))
	for range 2 { // idempotent: the same overwrite twice
		if err := e.a.RegisterCommands(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	puts := e.f.recordedRequests("PUT", "/applications/1000/")
	if len(puts) != 4 || puts[0].Path != "/applications/1000/commands" || puts[1].Path != "/applications/1000/guilds/77/commands" ||
		string(puts[0].Body) != string(puts[2].Body) {
		t.Fatalf("PUTs %v", puts)
	}
	var cmds []struct {
		Name        string  `json:"name"`
		Description string  `json:"description"`
		Perms       *string `json:"default_member_permissions"`
		Options     []struct {
			Name        string `json:"name"`
			Type        int    `json:"type"`
			Description string `json:"description"`
			Options     []struct {
				Name         string `json:"name"`
				Type         int    `json:"type"`
				Required     bool   `json:"required"`
				Autocomplete bool   `json:"autocomplete"`
			} `json:"options"`
		} `json:"options"`
	}
	if err := json.Unmarshal(puts[0].Body, &cmds); err != nil {
		t.Fatal(err)
	}
	var subs []string
	for _, o := range cmds[0].Options {
		subs = append(subs, o.Name)
		if o.Type != 1 || len(o.Description) > 100 || o.Description == "" {
			t.Errorf("subcommand %+v", o)
		}
		if o.Name == bot.CmdTLDR && (len(o.Options) != 1 || !o.Options[0].Autocomplete || !o.Options[0].Required) {
			t.Errorf("tldr options %+v, want a required paper with autocomplete", o.Options)
		}
	}
	if len(cmds) != 1 || cmds[0].Name != "papers" || cmds[0].Perms != nil || strings.Join(subs, " ") != "today search tldr top ask related save unsave saved subscribe unsubscribe status help" {
		t.Fatalf("commands %s", puts[0].Body)
	}
}

func TestRun_HTTP(t *testing.T) {
	e := newEnv(t, newEngine(t))
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.a.Run(ctx) }()
	e.f.waitFor("PUT", "/applications/1000/guilds/77/commands")
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run=%v, want nil after cancel", err)
	}
}

func TestRun_BadToken(t *testing.T) {
	e := newEnv(t, newEngine(t), func(c *Config) { c.Token = "wrong" })
	if err := e.a.Run(context.Background()); statusOf(err) != http.StatusUnauthorized || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("Run=%v, want a 401 without the token", err)
	}
}

// fakeGateway is a Discord gateway that says hello, takes the IDENTIFY,
// sends READY and then events, and reads until the client leaves. It
// returns its ws:// URL and the IDENTIFY payload to come.
func fakeGateway(t *testing.T, events ...any) (string, <-chan json.RawMessage) {
	return flakyGateway(t, 0, events...)
}

// flakyGateway is fakeGateway answering its first fail connections with 503.
func flakyGateway(t *testing.T, fail int32, events ...any) (string, <-chan json.RawMessage) {
	identify := make(chan json.RawMessage, 1)
	var tries atomic.Int32
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) <= fail {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
		var id json.RawMessage
		if c.ReadJSON(&id) != nil {
			return
		}
		identify <- id
		c.WriteJSON(map[string]any{"op": 0, "t": "READY", "s": 1, "d": map[string]any{
			"v": 10, "session_id": "s1", "user": map[string]any{"id": fakeBotID, "username": "paperboy", "bot": true}, "guilds": []any{},
		}})
		for n, ev := range events {
			c.WriteJSON(map[string]any{"op": 0, "t": "INTERACTION_CREATE", "s": n + 2, "d": ev})
		}
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}))
	t.Cleanup(gw.Close)
	return "ws" + strings.TrimPrefix(gw.URL, "http"), identify
}

func TestRun_Gateway(t *testing.T) {
	in := slash("search", opt("query", "agents"))
	url, identify := fakeGateway(t, in)
	e := newEnv(t, newEngine(t), func(c *Config) { c.Mode, c.PublicKey = ModeGateway, "" })
	e.f.gatewayURL = url
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.a.Run(ctx) }()

	var id struct {
		Op int `json:"op"`
		D  struct {
			Token   string `json:"token"`
			Intents int    `json:"intents"`
		} `json:"d"`
	}
	json.Unmarshal(<-identify, &id)
	if id.Op != 2 || id.D.Intents != 0 || id.D.Token != "Bot "+testToken {
		t.Fatalf("identify op %d intents %d; want op 2 with no intents", id.Op, id.D.Intents)
	}
	cb := e.f.waitFor("POST", "/interactions/"+in["id"].(string)+"/itoken-abc.def/callback")
	checkLimits(t, cb.Body)
	if !strings.Contains(string(cb.Body), `"type":4`) {
		t.Fatalf("callback %s", cb.Body)
	}
	e.f.waitFor("PUT", "/applications/1000/guilds/77/commands")
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run=%v, want nil after cancel", err)
	}
}

func TestRewrite(t *testing.T) {
	var got string
	next := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		got = r.URL.String()
		return nil, errors.New("stop")
	})
	target, _ := url.Parse("http://127.0.0.1:8080/proxy/")
	rt := rewrite{target: target, next: next}
	for in, want := range map[string]string{
		"https://discord.com/api/v9/channels/1/messages": "http://127.0.0.1:8080/proxy/api/v9/channels/1/messages",
		"https://cdn.discordapp.com/x.png":               "https://cdn.discordapp.com/x.png",
	} {
		rt.RoundTrip(httptest.NewRequest("GET", in, nil))
		if got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestScrub_TransportError(t *testing.T) {
	// A transport error quotes the URL, and webhook URLs carry the
	// interaction token: the logs must not show it (newEnv checks).
	gate := make(chan struct{})
	slow := bottest.HandlerFunc(func(ctx context.Context, cmd bot.Command) (bot.Reply, error) {
		<-gate
		return bot.Help(), nil
	})
	e := newEnv(t, slow, func(c *Config) {
		c.DeferAfter = time.Millisecond
		c.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			return nil, errors.New("connection reset")
		})}
	})
	decode(t, e.post(t, slash("help")))
	close(gate)
	e.a.work.Wait()
	logs := e.logs.String()
	if !strings.Contains(logs, "edit deferred response") || !strings.Contains(logs, "REDACTED") {
		t.Fatalf("logs:\n%s", logs)
	}
}

// TestRun_GatewayRetriesAtStart checks that a gateway that cannot be
// opened at start is tried again with backoff, logged each time, until it
// opens.
func TestRun_GatewayRetriesAtStart(t *testing.T) {
	url, identify := flakyGateway(t, 2)
	e := newEnv(t, newEngine(t), func(c *Config) { c.Mode, c.PublicKey = ModeGateway, "" })
	e.f.gatewayURL = url
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.a.Run(ctx) }()
	select {
	case <-identify:
	case err := <-errc:
		t.Fatalf("Run ended at start: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the gateway was never opened")
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("Run=%v, want nil after cancel", err)
	}
	if n := strings.Count(e.logs.String(), "cannot open the discord gateway; retrying"); n != 2 {
		t.Fatalf("%d retries logged, want 2:\n%s", n, e.logs.String())
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.sleeps) < 2 || e.sleeps[1] <= gatewayBackoff/2 {
		t.Fatalf("waits %v, want a backoff before each retry", e.sleeps)
	}
}

// TestRun_GatewayBadToken checks that a gateway closing with 4004
// (authentication failed) ends Run at once, saying so.
func TestRun_GatewayBadToken(t *testing.T) {
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
		var id json.RawMessage
		c.ReadJSON(&id)
		c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
	}))
	defer gw.Close()
	e := newEnv(t, newEngine(t), func(c *Config) { c.Mode, c.PublicKey = ModeGateway, "" })
	e.f.gatewayURL = "ws" + strings.TrimPrefix(gw.URL, "http")
	err := e.a.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "discord.token") || strings.Contains(err.Error(), testToken) {
		t.Fatalf("Run=%v, want the bad token named, without the token", err)
	}
	if strings.Contains(e.logs.String(), "retrying") {
		t.Fatalf("a bad token was retried:\n%s", e.logs.String())
	}
}
