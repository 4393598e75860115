package main

import (
	"strings"
	"testing"
)

// TestValidate_AdapterRules checks that config loading applies the
// adapters' own rules (one copy of each), under the config's key names.
func TestValidate_AdapterRules(t *testing.T) {
	const discordOK = "discord:\n  token: t\n  application_id: \"1\"\n"
	tests := []struct{ name, yaml, want string }{
		{"ArxivNoCategory", "source:\n  kind: arxiv\n  arxiv:\n    categories: []\n", "source.arxiv.categories: No arXiv categories are configured"},
		{"ArxivBadCategory", "source:\n  kind: arxiv\n  arxiv:\n    categories: [\"cs.LG) OR (x\"]\n", `source.arxiv.categories: "cs.LG) OR (x" is not an arXiv category`},
		{"DiscordMode", "discord:\n  mode: webhook\n", `discord.mode: "webhook" is not one of gateway, http`},
		{"DiscordAppID", "discord:\n  token: t\n  application_id: my-app\n", `discord.application_id: "my-app" is not a Discord id`},
		{"DiscordGuild", discordOK + "  guild_ids: [general]\n", `discord.guild_ids[0]: "general" is not a Discord id`},
		{"DiscordBadKey", discordOK + "  public_key: zz\n", "discord.public_key: must be the application's 64 hex digits"},
		{"SlackMode", "slack:\n  mode: webhook\n", `slack.mode: "webhook" is not one of socket, http`},
		{"SlackAppToken", "slack:\n  bot_token: xoxb-1\n  app_token: xoxb-2\n", "slack.app_token: the app-level token must start with xapp-"},
		{"SlackNoAppToken", "slack:\n  bot_token: xoxb-1\n", "slack.app_token: socket mode needs an app-level token"},
		{"SlackSecret", "http:\n  listen: :8080\nslack:\n  mode: HTTP\n  bot_token: xoxb-1\n", "slack.signing_secret: http mode needs a signing secret"},
		{"SMTPTLS", "smtp:\n  host: h\n  from: p@example.org\n  tls: ssl\n", `smtp.tls: "ssl" is not one of starttls (port 587), tls (port 465), none`},
		{"SMTPFrom", "smtp:\n  host: h\n  from: nobody\n", `smtp.from: "nobody" is not an address`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseConfig([]byte(tt.yaml), false, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate=%v, want it to say %q", err, tt.want)
			}
		})
	}
	c, err := ParseConfig([]byte("http:\n  listen: :8080\nslack:\n  mode: HTTP\n  bot_token: xoxb-1\n  signing_secret: s\n"), false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate=%v, want slack's mode read as the adapter reads it", err)
	}
}
