package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// invalidFormBody is what a Discord-compatible server answered to a
// registration it did not accept: 36 validation errors, 4 KB of JSON.
func invalidFormBody(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "register_invalid_form_body.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// failRegistration makes the fake refuse PUTs of commands whose path ends
// with one of the suffixes.
func failRegistration(f *fakeDiscord, status int, body string, suffixes ...string) {
	f.fail = func(r *http.Request, _ int) (int, string, bool) {
		for _, s := range suffixes {
			if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, s) {
				return status, body, true
			}
		}
		return 0, "", false
	}
}

func TestRegisterCommands_Failures(t *testing.T) {
	e := newEnv(t, newEngine(t))
	failRegistration(e.f, http.StatusBadRequest, invalidFormBody(t), "/applications/1000/commands")
	err := e.a.RegisterCommands(context.Background())
	want := "register /papers globally: status 400 from PUT /api/v9/applications/1000/commands: Invalid Form Body (code 50035): " +
		"0.description: Must be between 1 and 100 in length.; 0.options.0.description: Must be between 1 and 100 in length.; " +
		"0.options.0.name: Command name is invalid; and 33 more"
	if err == nil || err.Error() != want {
		t.Fatalf("RegisterCommands=%v\nwant %s", err, want)
	}
	if got := e.f.recordedRequests("PUT", "/applications/1000/guilds/77/commands"); len(got) != 1 {
		t.Fatalf("%d guild registrations after the global one failed, want 1", len(got))
	}
	if statusOf(err) != http.StatusBadRequest {
		t.Fatalf("statusOf=%d, want the status through the error chain", statusOf(err))
	}
}

func TestRegisterAtStart(t *testing.T) {
	t.Run("NoneRegistered", func(t *testing.T) {
		e := newEnv(t, newEngine(t))
		failRegistration(e.f, http.StatusBadRequest, invalidFormBody(t), "/commands")
		if err := e.a.registerAtStart(context.Background()); err != nil {
			t.Fatalf("registerAtStart=%v, want a log line instead", err)
		}
		lines := strings.Split(strings.TrimSpace(e.logs.String()), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], "no commands are registered") || len(lines[0]) > 1200 {
			t.Fatalf("want one short line saying no commands are registered, got %d lines:\n%s", len(lines), e.logs)
		}
		if !strings.Contains(lines[0], "globally") || !strings.Contains(lines[0], "in guild 77") {
			t.Fatalf("the line does not name both failures: %s", lines[0])
		}
	})
	t.Run("RegisteredBefore", func(t *testing.T) {
		e := newEnv(t, newEngine(t))
		if err := e.a.RegisterCommands(context.Background()); err != nil {
			t.Fatal(err)
		}
		failRegistration(e.f, http.StatusBadRequest, invalidFormBody(t), "/commands")
		if err := e.a.registerAtStart(context.Background()); err != nil {
			t.Fatal(err)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "the /papers registered before still works") {
			t.Fatalf("logs: %s", logs)
		}
	})
	t.Run("ErrGuildForbidden", func(t *testing.T) {
		// A guild the bot is not in is logged; run goes on.
		e := newEnv(t, newEngine(t))
		failRegistration(e.f, http.StatusForbidden, `{"message": "Missing Access", "code": 50001}`, "/guilds/77/commands")
		if err := e.a.registerAtStart(context.Background()); err != nil {
			t.Fatalf("registerAtStart=%v, want nil", err)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "register /papers in guild 77: status 403") || !strings.Contains(logs, "still works") {
			t.Fatalf("logs: %s", logs)
		}
	})
}

// TestLibraryLogs checks that discordgo's own lines follow the adapter's
// logger: with a JSON handler, every line is JSON, and nothing goes to the
// standard logger. The fake gateway sends an INTERACTION_CREATE discordgo
// cannot decode, which it logs and then hands over empty.
func TestLibraryLogs(t *testing.T) {
	var std bytes.Buffer
	log.SetOutput(&std)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	url, _ := fakeGateway(t, map[string]any{"id": "5999", "token": "itoken-x", "type": "not a number"})
	var logs syncBuffer
	e := newEnv(t, newEngine(t), func(c *Config) {
		c.Mode, c.PublicKey = ModeGateway, ""
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	e.f.gatewayURL = url
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- e.a.Run(ctx) }()
	e.f.waitFor("PUT", "/applications/1000/guilds/77/commands")
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "dropped an interaction without id or token"); {
		if time.Now().After(deadline) {
			t.Fatalf("the undecodable interaction was not dropped:\n%s", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if std.Len() > 0 {
		t.Fatalf("discordgo wrote to the standard logger:\n%s", std.String())
	}
	var fromLibrary int
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a log line is not JSON: %s", line)
		}
		if rec["source"] == "discordgo" {
			fromLibrary++
		}
	}
	if fromLibrary == 0 || !strings.Contains(logs.String(), "error unmarshalling INTERACTION_CREATE") {
		t.Fatalf("discordgo's lines did not reach the logger:\n%s", logs.String())
	}
	if n := len(e.f.recordedRequests("POST", "/interactions/")); n != 0 {
		t.Fatalf("%d callbacks for an interaction that could not be read", n)
	}
}
