package main

import (
	"strings"
	"testing"

	"paperboy/bot"
)

func TestHealth(t *testing.T) {
	var h health
	if got := h.String(); got != "Health: nothing called yet." {
		t.Fatalf("empty: %q", got)
	}
	h.record("source hf", bot.Errorf(bot.ENOBATCH, "weekend"))
	h.record("llm", bot.Errorf(bot.EUNAVAILABLE, "The LLM at localhost did not answer: HTTP 503."))
	h.record("slack", nil)
	got := h.String()
	for _, want := range []string{"llm failing", "HTTP 503", "slack ok", "source hf ok"} {
		if !strings.Contains(got, want) {
			t.Fatalf("%q lacks %q", got, want)
		}
	}
}
