package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A platform the config sets up without its token refuses to start (exit
// 2), naming the key and the variable, instead of falling back to a console
// that ends at once under a service manager.
func TestRun_PlatformWithoutToken(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unset variable", "slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  app_token: ${SLACK_APP_TOKEN}\n", "slack.bot_token is empty ($SLACK_BOT_TOKEN is unset or empty)"},
		{"section without token", "discord:\n  mode: http\n", "discord.token is empty, but discord.mode is set"},
		{"subscription only", "subscriptions:\n  - platform: slack\n    channel: C0123456789\n", "slack.bot_token is empty, but subscriptions[0] posts to slack"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			env := map[string]string{"PAPERBOY_CONFIG": writeConfig(t, dir, tc.yaml), "PAPERBOY_DB": filepath.Join(dir, "p.db")}
			r := runMain(t, env, "/papers help\n", "run")
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stdout, "/papers") {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 2 saying %q", r.code, r.stdout, r.stderr, tc.want)
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
