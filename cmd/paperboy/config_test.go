package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// YAML-looking secrets, each of which text expansion before parsing broke:
// an alias, a comment, an anchor, a key injected by a newline, and values
// YAML would otherwise read as another type.
var yamlSecrets = []string{"*abc", "tok #x", "&a x", "x\nsummarize:\n  model: injected", `"quoted"`, "123", "true", "null", "{a: b}", "- x"}

func TestParseConfig_SecretsKeptIntact(t *testing.T) {
	for _, secret := range yamlSecrets {
		t.Run(secret, func(t *testing.T) {
			data := "discord:\n  token: ${TOKEN}\n  application_id: \"1\"\nslack:\n  bot_token: \"${TOKEN}\"\n"
			c, err := ParseConfig([]byte(data), true, func(k string) string { return map[string]string{"TOKEN": secret}[k] })
			if err != nil {
				t.Fatalf("ParseConfig: %v", err)
			}
			if got := string(c.Discord.Token); got != secret {
				t.Fatalf("discord.token=%q, want %q", got, secret)
			}
			if got := string(c.Slack.BotToken); got != secret {
				t.Fatalf("slack.bot_token=%q, want %q", got, secret)
			}
			if c.Summarize.Model != "" {
				t.Fatalf("a newline in a secret set summarize.model=%q", c.Summarize.Model)
			}
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				if s := fmt.Sprintf(verb, c); strings.Contains(s, secret) && len(secret) > 4 {
					t.Fatalf("%s of Config prints the token: %s", verb, s)
				}
			}
		})
	}
}

func TestParseConfig_GoStringHidesEveryToken(t *testing.T) {
	const tok = "sekrit-token-value"
	data := "source:\n  hf:\n    token: ${T}\nsummarize:\n  api_key: ${T}\ndiscord:\n  token: ${T}\nslack:\n  bot_token: ${T}\n  app_token: ${T}\n  signing_secret: ${T}\n"
	c, err := ParseConfig([]byte(data), true, func(string) string { return tok })
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]any{"Config": c, "Source": c.Source, "Summarize": c.Summarize, "Discord": c.Discord, "Slack": c.Slack} {
		if s := fmt.Sprintf("%#v %+v", v, v); strings.Contains(s, tok) {
			t.Fatalf("%s prints the token: %s", name, s)
		}
	}
}

func TestParseConfig_Expansion(t *testing.T) {
	env := map[string]string{"MODEL": "llama3.1:8b", "TOP": "5", "KEY": "database", "NOTIFY": "true"}
	getenv := func(k string) string { return env[k] }
	data := "summarize:\n  model: ${MODEL}\n  api_key: pa$MODEL\nsubscriptions:\n  - platform: slack\n    channel: C1\n    top: ${TOP}\n" +
		"delivery:\n  notify_empty: ${NOTIFY}\n"
	c, err := ParseConfig([]byte(data), true, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Summarize.Model, "llama3.1:8b"; got != want {
		t.Errorf("model=%q, want %q", got, want)
	}
	if got, want := string(c.Summarize.APIKey), "pa$MODEL"; got != want {
		t.Errorf("api_key=%q, want %q: bare $VAR is not expanded", got, want)
	}
	if got, want := c.Subscriptions[0].Top, 5; got != want {
		t.Errorf("top=%d, want %d", got, want)
	}
	if !c.Delivery.NotifyEmpty {
		t.Errorf("notify_empty=false, want true from ${NOTIFY}")
	}
	t.Run("KeysNotExpanded", func(t *testing.T) {
		_, err := ParseConfig([]byte("${KEY}: x.db\n"), true, getenv)
		if err == nil || !strings.Contains(err.Error(), `unknown key "${KEY}"`) {
			t.Fatalf("err=%v, want the key named as written", err)
		}
	})
	t.Run("NoExpandEnv", func(t *testing.T) {
		c, err := ParseConfig([]byte("summarize:\n  model: ${MODEL}\n"), false, getenv)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Summarize.Model, "${MODEL}"; got != want {
			t.Fatalf("model=%q, want %q left as written", got, want)
		}
	})
}

func TestParseConfig_ErrorsNeverEchoSecrets(t *testing.T) {
	const secret = "xoxb-very-secret-token"
	getenv := func(string) string { return secret }
	for _, data := range []string{
		"slack: ${TOKEN}\n",                     // a string where a mapping goes
		"subscriptions:\n  - top: ${TOKEN}\n",   // a string where a number goes
		"delivery:\n  lease: ${TOKEN}\n",        // a string where a duration goes
		"subscriptions: ${TOKEN}\n",             // a string where a list goes
		"summarize:\n  timeout: x${TOKEN}x\n",   // part of a value
		"delivery:\n  notify_empty: ${TOKEN}\n", // a string where a boolean goes
	} {
		_, err := ParseConfig([]byte(data), true, getenv)
		if err == nil {
			t.Fatalf("%q: no error", data)
		}
		if strings.Contains(err.Error(), "very-secret") {
			t.Fatalf("%q: the error echoes the secret: %v", data, err)
		}
		if !strings.Contains(err.Error(), "${TOKEN}") {
			t.Errorf("%q: the error does not say which variable: %v", data, err)
		}
	}
}

func TestParseConfig_UnknownKeyNamesLine(t *testing.T) {
	_, err := ParseConfig([]byte("database: x.db\nslack:\n  bot_tokn: x\n"), true, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), `line 3: unknown key "bot_tokn"`) {
		t.Fatalf("err=%v, want line 3 and the key", err)
	}
}

func TestMain_BadSettings(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"EmptyDBFlag", nil, []string{"--db", "", "today"}, "--db paperboy.db"},
		{"EmptyDBFlagEquals", nil, []string{"--db=", "today"}, "name the database file"},
		{"EmptyDatabaseKey", map[string]string{"PAPERBOY_CONFIG": writeConfig(t, dir, "database: \"\"\n")}, []string{"today"}, "database: empty"},
		{"LogLevel", map[string]string{"PAPERBOY_DB": db, "LOG_LEVEL": "verbose"}, []string{"today"}, `LOG_LEVEL="verbose" is not one of debug, info, warn, error`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMain(t, tt.env, "", tt.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line with %q", r.code, r.stderr, tt.want)
			}
		})
	}
	t.Run("LogLevelAnyCase", func(t *testing.T) {
		mustRun(t, map[string]string{"PAPERBOY_DB": db, "LOG_LEVEL": "DEBUG"}, "version")
	})
}

func TestMain_DatabaseInMissingDirectory(t *testing.T) {
	db := filepath.Join(t.TempDir(), "no-such-dir", "p.db")
	r := runMain(t, nil, "", "--db", db, "today")
	if r.code != 1 || !strings.Contains(r.stderr, "check that its directory exists") || strings.Contains(r.stderr, "out of memory") {
		t.Fatalf("exit %d, stderr %q; want 1 and advice, not SQLite's text", r.code, r.stderr)
	}
}

// TestMain_URLWithCredentials: a user name or password in a base URL is
// refused at load, naming the key and never echoing the password; the
// errors of failed requests would otherwise carry the user name.
func TestMain_URLWithCredentials(t *testing.T) {
	for _, yaml := range []string{
		"summarize:\n  base_url: https://bob:hunter2@llm.example/v1\n  model: m\n",
		"embeddings:\n  base_url: https://bob@llm.example/v1\n  model: m\n",
		"source:\n  hf:\n    base_url: https://bob:hunter2@hf.example\n",
	} {
		cfg := writeConfig(t, t.TempDir(), yaml)
		r := runMain(t, map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(t.TempDir(), "p.db")}, "", "today")
		if r.code != 2 || !strings.Contains(r.stderr, "base_url") || !strings.Contains(r.stderr, "user name or password") ||
			strings.Contains(r.stderr, "hunter2") || strings.Contains(r.stderr, "bob") {
			t.Errorf("%q: exit %d, stderr %q; want 2 naming the key, without the credentials", yaml, r.code, r.stderr)
		}
	}
}
