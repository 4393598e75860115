package bot_test

import (
	"testing"

	"paperboy/bot"
)

// TestCheckAnswer_ShortSentences: the TL;DR's minimum of meaning is for
// TL;DRs; an answer's sentence may be short, and the engine's rules decide
// what is a link.
func TestCheckAnswer_ShortSentences(t *testing.T) {
	rules := bot.TLDRRules{IsTLD: func(s string) bool { return s == "com" }}
	got, cited, err := rules.CheckAnswer("Yes [1]. It runs on Node.js, see [2].", 2)
	if err != nil || len(cited) != 2 || got == "" {
		t.Fatalf("CheckAnswer=%q, %v, %v; want the answer with both citations", got, cited, err)
	}
	if _, _, err := rules.CheckAnswer("Yes [1]. See example.com [2].", 2); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("an answer with a link: err=%v, want it refused", err)
	}
}
