package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"paperboy/bot"
)

// A platform the config sets up without its token refuses to start (exit
// 2), naming the key and the variable, instead of falling back to a console
// that ends at once under a service manager.
func TestRun_PlatformWithoutToken(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unset variable", "slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  app_token: ${SLACK_APP_TOKEN}\n", "slack.bot_token is empty ($SLACK_BOT_TOKEN is unset or empty)"},
		{"section without token", "discord:\n  mode: http\n", "discord.token is empty, but the config has a discord section (discord.mode)"},
		{"subscription only", "subscriptions:\n  - platform: slack\n    channel: C0123456789\n", "slack.bot_token is empty, but subscriptions[0] posts to slack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"PAPERBOY_CONFIG": writeConfig(t, dir, tc.yaml), "PAPERBOY_DB": filepath.Join(dir, "p.db")}
			for _, cmd := range []string{"run", "post"} {
				r := runMain(t, env, "/papers help\n", cmd)
				if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stdout, "/papers") {
					t.Fatalf("%s: exit %d, stdout %q, stderr %q; want exit 2 saying %q", cmd, r.code, r.stdout, r.stderr, tc.want)
				}
			}
		})
	}
}

// With no platform configured, run says in one log line why it runs the
// console, and the piped console still answers.
func TestRun_ConsoleSaysWhy(t *testing.T) {
	env := importedDB(t)
	r := runMain(t, env, "/papers help\n", "run")
	if r.code != 0 || !strings.Contains(r.stdout, "/papers search") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stderr, "no chat platform configured"); n != 1 {
		t.Fatalf("stderr says why %d times, want once: %s", n, r.stderr)
	}
}

// No secret from the environment appears in any output of a failing
// command, and a URL's userinfo is redacted even when the file wrote it.
func TestErrors_NoSecret(t *testing.T) {
	const secret = "Hunter2sEcReT"
	for _, tc := range []struct {
		name, yaml string
		env        map[string]string
		args       []string
		want       string
	}{
		{name: "summarize.base_url from env", yaml: "summarize:\n  base_url: ${LLMURL}\n  model: m\n",
			env: map[string]string{"LLMURL": "ftp://me:" + secret + "@llm.example/v1"}, want: "summarize.base_url: the value of $LLMURL is not"},
		{name: "summarize.base_url in the file", yaml: "summarize:\n  base_url: ftp://me:" + secret + "@llm.example/v1\n  model: m\n",
			want: `"ftp://REDACTED@llm.example/v1" is not`},
		{name: "discord.api_base_url", yaml: "discord:\n  api_base_url: ${DURL}\n",
			env: map[string]string{"DURL": "https://me:" + secret + "@chat.example"}, want: "discord.api_base_url: the value of $DURL"},
		{name: "smtp.from", yaml: "smtp:\n  host: mail.example\n  from: ${FROM}\n", env: map[string]string{"FROM": secret}, want: "smtp.from: the value of $FROM"},
		{name: "timezone", yaml: "timezone: ${TZNAME}\n", env: map[string]string{"TZNAME": secret}, want: "timezone"},
		{name: "a long timezone", yaml: "timezone: ${TZNAME}\n", env: map[string]string{"TZNAME": strings.Repeat(secret, 5)}, want: "timezone"},
		{name: "a long period", yaml: "subscriptions:\n  - {platform: email, channel: a@example.org, period: ${P}}\n",
			env: map[string]string{"P": strings.Repeat(secret, 3)}, want: "period"},
		{name: "a number", yaml: "delivery:\n  concurrency: ${N}\n", env: map[string]string{"N": secret}, want: "${N}"},
		{name: "database from env, '/' in the password", yaml: "database: ${DBURL}\n",
			env: map[string]string{"DBURL": "postgres://pb:" + secret + "/x@db.example:5432/papers"}, want: "percent-encode"},
		{name: "--db with '#' in the password", args: []string{"--db", "postgres://pb:" + secret + "#x@db.example/papers"}, want: "percent-encode"},
		{name: "$PAPERBOY_DB with ':'", env: map[string]string{"PAPERBOY_DB": "postgres://pb:x:" + secret + "/@db.example/papers"}, want: "percent-encode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{}
			if !strings.Contains(tc.yaml, "database:") {
				env["PAPERBOY_DB"] = filepath.Join(dir, "p.db")
			}
			for k, v := range tc.env {
				env[k] = v
			}
			if tc.yaml != "" {
				env["PAPERBOY_CONFIG"] = writeConfig(t, dir, tc.yaml)
			}
			for _, args := range [][]string{{"today"}, {"run"}, {"post", "--dry-run"}} {
				r := runMain(t, env, "", append(append([]string(nil), tc.args...), args...)...)
				if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
					t.Errorf("%v: exit %d, stderr %q; want a failure saying %q", args, r.code, r.stderr, tc.want)
				}
				if strings.Contains(r.stdout+r.stderr, secret) || strings.Contains(r.stdout+r.stderr, "Hunter2") {
					t.Errorf("%v: the secret leaked: %s%s", args, r.stdout, r.stderr)
				}
			}
		})
	}
}

// tls: none with a password is a warning when the server is another
// machine, and none for a relay on this one.
func TestEmail_ClearTextPasswordWarning(t *testing.T) {
	for _, tc := range []struct {
		host string
		warn bool
	}{{"mail.example.org", true}, {"10.0.0.7", true}, {"localhost", false}, {"127.0.0.1", false}, {"[::1]", false}} {
		dir := t.TempDir()
		cfg := writeConfig(t, dir, "smtp:\n  host: \""+tc.host+"\"\n  port: 25\n  username: bot\n  password: ${PW}\n  from: papers@example.org\n  tls: none\n")
		env := map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db"), "PW": "pw"}
		r := runMain(t, env, "", "status")
		if got := strings.Contains(r.stderr, "crosses the network unencrypted"); got != tc.warn || r.code != 0 {
			t.Errorf("host %s: exit %d, warned %v, want %v: %s", tc.host, r.code, got, tc.warn, r.stderr)
		}
	}
}

// --help and -h before any command print the command list; help shows
// whole sentences, every command's flags and --db PATH|URL.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"--db", "x.db", "--help"}, {"help"}} {
		r := runMain(t, nil, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "commands:") || !strings.Contains(r.stdout, "copy-store") ||
			!strings.Contains(r.stdout, "[--db PATH|URL]") {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stdout)
		}
		for _, line := range strings.Split(r.stdout, "\n") {
			if strings.HasPrefix(line, "  ") && !strings.HasSuffix(line, ".") {
				t.Errorf("%v: a description is cut mid-sentence: %q", args, line)
			}
		}
	}
	for _, name := range []string{"run", "status", "search"} {
		r := runMain(t, nil, "", "help", name)
		if r.code != 0 || !strings.Contains(r.stdout, "-config") || !strings.Contains(r.stdout, "-db PATH|URL") {
			t.Errorf("help %s lists no flags:\n%s", name, r.stdout)
		}
	}
}

// post without subscriptions says so instead of printing nothing.
func TestPost_NoSubscriptions(t *testing.T) {
	env := importedDB(t)
	r := mustRun(t, env, "post", "--date", "2026-08-19")
	if !strings.Contains(r.stdout, "no subscriptions, nothing to send") {
		t.Fatalf("post printed %q", r.stdout)
	}
}

// Config errors: every unknown key at once, the refresh bounds as they
// are, and a YAML indentation error on the line to fix, not on a comment.
func TestConfig_Errors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"databse: x.db\nslack:\n  mod: socket\n  botoken: x\n", `line 1: unknown key "databse" (in Config); line 3: unknown key "mod" (in SlackConfig); line 4: unknown key "botoken"`},
		{"delivery:\n  refresh: 10m\n", "delivery.refresh: must be 0 (off) or between 30m and 24h, e.g. 6h: the posts are refreshed every 30m within it"},
		{"database: x.db\n# Slack\nslack:\n  bot_token: x\n  # the mode\n mode: socket\n", "yaml: line 6:"},
		{"database: x.db\nslack:\n  bot_token: x\n\n# subscriptions\n   mode: socket\n", "yaml: line 6:"},
		{"timezone: Local\n", `timezone: "Local" is not a timezone name`},
	} {
		dir := t.TempDir()
		env := map[string]string{"PAPERBOY_CONFIG": writeConfig(t, dir, tc.yaml), "PAPERBOY_DB": filepath.Join(dir, "p.db")}
		if r := runMain(t, env, "", "today"); r.code != 2 || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("config %q: exit %d, stderr %q; want exit 2 saying %q", tc.yaml, r.code, r.stderr, tc.want)
		}
	}
}

// A handler that panics gets a 500 and a count in /metrics, and the
// server goes on.
func TestRecoverHTTP(t *testing.T) {
	h := recoverHTTP(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("handler bug") }), slog.New(slog.DiscardHandler))
	before := bot.Panics()["http"]
	for range 2 {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/slack/commands", nil))
		if w.Code != http.StatusInternalServerError {
			t.Fatalf("status %d, want 500", w.Code)
		}
	}
	if got := bot.Panics()["http"]; got != before+2 {
		t.Fatalf("Panics()[http] = %d, want %d", got, before+2)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(panicCollector{})
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if mf.GetName() == "paperboy_panics_recovered_total" && m.GetLabel()[0].GetValue() == "http" && m.GetCounter().GetValue() >= 2 {
				return
			}
		}
	}
	t.Fatal(`/metrics has no paperboy_panics_recovered_total{where="http"} of 2 or more`)
}

// config.example.yaml, copied as it is, turns no platform on, so run is the
// console and does not stop for a token nobody exported.
func TestExampleConfig_NoPlatformOn(t *testing.T) {
	data, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseConfig(data, true, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if err := c.missingTokens(); err != nil {
		t.Fatalf("the example config stops run: %v", err)
	}
}
