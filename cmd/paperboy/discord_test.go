package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain_DiscordAPIBaseURL checks discord.api_base_url at config load:
// an address ending in /api/v9 is the server's origin to invite-url, and
// a form Discord's API cannot be under is refused with the expected form.
func TestMain_DiscordAPIBaseURL(t *testing.T) {
	dir := t.TempDir()
	config := func(base string) map[string]string {
		path := writeConfig(t, dir, "discord:\n  token: test-token\n  application_id: \"111111111111111111\"\n  api_base_url: "+base+"\n")
		return map[string]string{"PAPERBOY_CONFIG": path, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
	}
	r := mustRun(t, config("http://127.0.0.1:3001/api/v9"), "discord", "invite-url")
	if !strings.HasPrefix(r.stdout, "http://127.0.0.1:3001/oauth2/authorize?client_id=111111111111111111&") {
		t.Fatalf("invite-url=%q, want the configured origin", r.stdout)
	}
	r = runMain(t, config("http://127.0.0.1:3001/v9"), "", "discord", "invite-url")
	if r.code != 2 || !strings.Contains(r.stderr, "discord.api_base_url") || !strings.Contains(r.stderr, "https://chat.example/api/v9") ||
		strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q; want 2 and one line showing the expected form", r.code, r.stderr)
	}
}

// TestMain_DiscordRegisterError checks that a refused registration is one
// line with one prefix, naming both scopes tried, not the server's whole
// validation body.
func TestMain_DiscordRegisterError(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "register_invalid_form_body.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(body)
	}))
	defer srv.Close()
	dir := t.TempDir()
	path := writeConfig(t, dir, "discord:\n  token: test-token\n  application_id: \"111111111111111111\"\n  api_base_url: "+srv.URL+"/api\n  guild_ids: [\"222222222222222222\"]\n")
	r := runMain(t, map[string]string{"PAPERBOY_CONFIG": path, "PAPERBOY_DB": filepath.Join(dir, "p.db")}, "", "discord", "register")
	if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || len(r.stderr) > 1000 {
		t.Fatalf("exit %d, stderr (%d bytes) %q; want 1 and one short line", r.code, len(r.stderr), r.stderr)
	}
	for _, want := range []string{"paperboy: register /papers globally: status 400", "; register /papers in guild 222222222222222222: status 400", "Invalid Form Body (code 50035)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r.stderr)
		}
	}
	if strings.Count(r.stderr, "register") != 2 {
		t.Errorf("stderr repeats a prefix: %s", r.stderr)
	}
}
