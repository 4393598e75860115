package bot_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"paperboy/bot"
)

func TestSecret_RedactIn(t *testing.T) {
	if got, want := bot.Secret("sk-1").RedactIn("bad key sk-1, sk-1x"), "bad key REDACTED, REDACTEDx"; got != want {
		t.Fatalf("RedactIn=%q, want %q", got, want)
	}
	if got := bot.Secret("").RedactIn("text"); got != "text" {
		t.Fatalf("empty secret changed the text: %q", got)
	}
}

func TestSecret(t *testing.T) {
	const raw = "xoxb-very-secret"
	s := bot.Secret(raw)
	type holder struct{ Token bot.Secret }
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("cfg", "token", s, "holder", holder{s})
	for _, got := range []string{
		fmt.Sprint(s), fmt.Sprintf("%s %v %#v %+v", s, s, s, s),
		fmt.Sprintf("%v %+v %#v", holder{s}, holder{s}, holder{s}), buf.String(),
	} {
		if strings.Contains(got, raw) {
			t.Fatalf("secret leaked: %s", got)
		}
	}
	if got, want := fmt.Sprint(bot.Secret("")), ""; got != want {
		t.Fatalf("empty secret prints %q, want %q", got, want)
	}
	if got := string(s); got != raw {
		t.Fatalf("string(s) = %q, want the raw value", got)
	}
}

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://llm.example/v1", "https://llm.example/v1"},
		{"https://user:Hunter2@llm.example/v1", "https://REDACTED@llm.example/v1"},
		{"postgres://pb:Hun/ter#2@db.example:5432/papers", "postgres://REDACTED@db.example:5432/papers"},
		{"postgres://pb:p@ss@db/x", "postgres://REDACTED@db/x"},
		{"paperboy.db", "paperboy.db"},
		{"paperboy <papers@example.org>", "paperboy <papers@example.org>"},
	} {
		if got := bot.RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
