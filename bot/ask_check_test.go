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

// TestCheckNamedPapers: an arXiv id in the prose must be one of the papers
// given; numbers that only look alike are not ids.
func TestCheckNamedPapers(t *testing.T) {
	given := []bot.Paper{{ID: "2608.17001"}, {ID: "hep-th/9901001"}}
	for _, ok := range []string{
		"Self-play helps [1].",
		"As 2608.17001 shows, self-play helps [1].",
		"As arXiv:2608.17001v3 and hep-th/9901001 show [1, 2].",
		"Accuracy rose from 2024.12345 points [1].", // month 24: not an id
		"Version 1.2608.17009 of the code [1].",     // inside a longer number
	} {
		if err := bot.CheckNamedPapers(ok, given); err != nil {
			t.Errorf("%q: %v, want it accepted", ok, err)
		}
	}
	for _, bad := range []string{
		"As 2401.01335 shows [1].",
		"See (2401.01335) [1].",
		"As ARXIV:2401.01335v2 shows [1].",
		"Unlike math.AG/0601001 [1].",
	} {
		if err := bot.CheckNamedPapers(bad, given); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%q: err=%v, want EINVALID", bad, err)
		}
	}
}
