package bot

import (
	"strings"
	"testing"
)

// TestCheckRejectionIsInvalid: a rejection by bot/check reaches the
// engine's logs as an EINVALID *Error with its reason, as before the
// checks had a package of their own.
func TestCheckRejectionIsInvalid(t *testing.T) {
	var e Engine
	if _, err := e.checkTLDR("Proposes X; ping @everyone about it."); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "mention") {
		t.Fatalf("checkTLDR: err=%v, want EINVALID about a mention", err)
	}
	papers := []Paper{{ID: "2608.17001"}}
	if _, _, err := e.checkAnswer("As 2401.01335 shows, it helps [1].", papers); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "2401.01335") {
		t.Fatalf("checkAnswer: err=%v, want EINVALID naming the id", err)
	}
	if got, cited, err := e.checkAnswer("As 2608.17001 shows, it helps [1].", papers); err != nil || got == "" || len(cited) != 1 {
		t.Fatalf("checkAnswer=%q, %v, %v; want it accepted", got, cited, err)
	}
}
