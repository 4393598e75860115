package check_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"paperboy/bot/check"
)

// TestCheckAnswer_ShortSentences: the TL;DR's minimum of meaning is for
// TL;DRs; an answer's sentence may be short, and the engine's rules decide
// what is a link.
func TestCheckAnswer_ShortSentences(t *testing.T) {
	rules := check.Rules{IsTLD: func(s string) bool { return s == "com" }}
	got, cited, err := rules.Answer("Yes [1]. It runs on Node.js, see [2].", 2)
	if err != nil || len(cited) != 2 || got == "" {
		t.Fatalf("CheckAnswer=%q, %v, %v; want the answer with both citations", got, cited, err)
	}
	if _, _, err := rules.Answer("Yes [1]. See example.com [2].", 2); !errors.As(err, new(*check.Error)) {
		t.Fatalf("an answer with a link: err=%v, want it refused", err)
	}
}

// TestCheckNamedPapers: an arXiv id in the prose must be one of the papers
// given; numbers that only look alike are not ids.
func TestCheckNamedPapers(t *testing.T) {
	given := []string{"2608.17001", "hep-th/9901001"}
	for _, ok := range []string{
		"Self-play helps [1].",
		"As 2608.17001 shows, self-play helps [1].",
		"As arXiv:2608.17001v3 and hep-th/9901001 show [1, 2].",
		"Accuracy rose from 2024.12345 points [1].", // month 24: not an id
		"Version 1.2608.17009 of the code [1].",     // inside a longer number
	} {
		if err := check.NamedPapers(ok, given); err != nil {
			t.Errorf("%q: %v, want it accepted", ok, err)
		}
	}
	for _, bad := range []string{
		"As 2401.01335 shows [1].",
		"See (2401.01335) [1].",
		"As ARXIV:2401.01335v2 shows [1].",
		"Unlike math.AG/0601001 [1].",
	} {
		if err := check.NamedPapers(bad, given); !errors.As(err, new(*check.Error)) {
			t.Errorf("%q: err=%v, want EINVALID", bad, err)
		}
	}
}

func TestCheckAnswer(t *testing.T) {
	tests := []struct {
		name, in, want string
		cited          []int
		err            bool
	}{
		{"OK", "Both train by self-play [1, 2]. The second measures Elo [2].", "Both train by self-play [1, 2]. The second measures Elo [2].", []int{1, 2}, false},
		{"Lines", "Both use self-play [2].\nOnly one measures Elo [1].", "Both use self-play [2]. Only one measures Elo [1].", []int{2, 1}, false},
		{"NoAnswer", "NO_ANSWER", "", nil, false},
		{"NoCitation", "The papers say nothing about that.", "", nil, false},
		{"OutOfRange", "It does [3].", "", nil, true},
		{"Mention", "It does, @here [1].", "", nil, true},
		{"Link", "It does (www.example.org) [1].", "", nil, true},
		{"Markup", "It `does` [1].", "", nil, true},
		{"Heading", "# Answer\nIt does [1].", "", nil, true},
		{"TooLong", strings.Repeat("It does [1]. ", 12), "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cited, err := check.Answer(tt.in, 2)
			if (err != nil) != tt.err {
				t.Fatalf("err=%v, want error %v", err, tt.err)
			}
			if got != tt.want || !slices.Equal(cited, tt.cited) {
				t.Fatalf("CheckAnswer=%q %v, want %q %v", got, cited, tt.want, tt.cited)
			}
		})
	}
}
