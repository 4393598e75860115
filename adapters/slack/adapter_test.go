package slack

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

const (
	botToken = "xoxb-1234-SECRETBOT"
	appToken = "xapp-1-SECRETAPP"
	secret   = "SECRETSIGNING"
)

func TestNew(t *testing.T) {
	h := bottest.HandlerFunc(func(context.Context, bot.Command) (bot.Reply, error) { return bot.Reply{}, nil })
	tests := []struct {
		name string
		cfg  Config
		want string // "" means OK; else a part of the error
	}{
		{"OKSocket", Config{BotToken: botToken, AppToken: appToken}, ""},
		{"OKHTTP", Config{Mode: "HTTP", BotToken: botToken, SigningSecret: secret}, ""},
		{"ErrSocketNoAppToken", Config{BotToken: botToken}, "app-level token"},
		{"ErrSocketBotTokenAsAppToken", Config{BotToken: botToken, AppToken: botToken}, "must start with xapp-"},
		{"ErrHTTPNoSecret", Config{Mode: ModeHTTP, BotToken: botToken}, "signing secret"},
		{"ErrHTTPNoBotToken", Config{Mode: ModeHTTP, SigningSecret: secret}, "bot token"},
		{"ErrMode", Config{Mode: "webhook", BotToken: botToken}, `mode "webhook"`},
		{"ErrAPIURL", Config{BotToken: botToken, AppToken: appToken, APIURL: "ftp://x"}, "api url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := New(tt.cfg, h)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				a.shutdown()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err=%v, want it to mention %q", err, tt.want)
			}
			for _, s := range []string{botToken, appToken, secret} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error reveals a secret: %v", err)
				}
			}
		})
	}
	if _, err := New(Config{BotToken: botToken, AppToken: appToken}, nil); err == nil {
		t.Error("New accepted a nil handler")
	}
}

func TestAPIURL(t *testing.T) {
	for in, want := range map[string]string{
		"":                       DefaultAPIURL,
		"http://127.0.0.1:9/api": "http://127.0.0.1:9/api/",
		"https://x.example/":     "https://x.example/",
	} {
		if got, err := apiURL(in); err != nil || got != want {
			t.Errorf("apiURL(%q)=%q, %v; want %q", in, got, err, want)
		}
	}
}

func TestConfigRedacts(t *testing.T) {
	cfg := Config{BotToken: botToken, AppToken: appToken, SigningSecret: secret, Mode: ModeSocket, APIURL: "https://user:pw@x.example/"}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "slack", cfg)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "slack", cfg)
	out := fmt.Sprintf("%v %+v %s %#v", cfg, cfg, cfg, cfg) + logs.String()
	for _, s := range []string{botToken, appToken, secret, "pw@"} {
		if strings.Contains(out, s) {
			t.Errorf("%q leaked: %s", s, out)
		}
	}
	if !strings.Contains(out, "REDACTED") || !strings.Contains(out, `"mode":"socket"`) {
		t.Errorf("want redacted secrets and the mode, got %s", out)
	}
}

func TestRunHTTPMode(t *testing.T) {
	a, _ := newTestAdapter(t, Config{Mode: ModeHTTP, SigningSecret: "s"}, bottest.HandlerFunc(nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Run(ctx); err != nil {
		t.Fatalf("Run=%v, want nil on cancel", err)
	}
	if a.spawn(func(context.Context) {}) {
		t.Error("work accepted after Run returned")
	}
}
