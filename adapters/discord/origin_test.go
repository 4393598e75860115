package discord

import (
	"context"
	"strings"
	"testing"
)

func TestAPIOrigin(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Empty", "", ""},
		{"Origin", "https://chat.example", "https://chat.example"},
		{"OriginSlash", "https://chat.example/", "https://chat.example"},
		{"API", "http://127.0.0.1:3001/api", "http://127.0.0.1:3001"},
		{"APIVersion", "https://chat.example/api/v9", "https://chat.example"},
		{"APIVersionSlash", "https://chat.example/api/v10/", "https://chat.example"},
		{"Prefix", "https://proxy.example/discord/api/v9", "https://proxy.example/discord"},
		{"ErrOtherPath", "https://chat.example/v9", ""},
		{"ErrAPIPlus", "https://chat.example/api/v9/gateway", ""},
		{"ErrScheme", "ws://chat.example", ""},
		{"ErrNoHost", "chat.example/api", ""},
		{"ErrQuery", "https://chat.example/api?x=1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := APIOrigin(tt.in)
			if strings.HasPrefix(tt.name, "Err") {
				if err == nil || !strings.Contains(err.Error(), "https://chat.example/api/v9") {
					t.Fatalf("APIOrigin(%q)=%q, %v; want an error showing the expected form", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("APIOrigin(%q)=%q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestAPIBaseURL_WithVersion checks that an address ending in /api/v9, the
// way compatible servers name their endpoint, reaches the same paths as
// the bare origin (the fake answers /api/v9/… only).
func TestAPIBaseURL_WithVersion(t *testing.T) {
	e := newEnv(t, newEngine(t), func(c *Config) { c.APIBaseURL += "/api/v9/" }) // the fake's URL + /api/v9/
	if err := e.a.RegisterCommands(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.a.InviteURL(); !strings.HasPrefix(got, e.f.srv.URL+"/oauth2/authorize?client_id=1000&") {
		t.Fatalf("InviteURL=%s, want the configured server's origin", got)
	}
}
