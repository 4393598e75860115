package bot

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRecoverLogsCountsAndAnswers(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	before := Panics()["test work"]
	answered := false
	func() {
		defer Recover(log, "test work", func() { answered = true })
		var p *Paper
		_ = p.ID // a nil dereference panics
	}()
	if !answered {
		t.Error("answer did not run")
	}
	if got := Panics()["test work"]; got != before+1 {
		t.Errorf("Panics()[test work] = %d, want %d", got, before+1)
	}
	if !strings.Contains(buf.String(), "test work panicked; recovered") || !strings.Contains(buf.String(), "where=\"test work\"") {
		t.Errorf("log = %q, want the panic and where", buf.String())
	}
}

func TestRecoverSurvivesAPanickingAnswer(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	func() {
		defer Recover(log, "test answer", func() { panic("again") })
		panic("first")
	}()
	if got := Panics()["test answer: answering the panic"]; got == 0 {
		t.Error("the answer's panic was not counted")
	}
}

func TestRecoverWithoutPanicDoesNothing(t *testing.T) {
	func() {
		defer Recover(nil, "test calm", func() { t.Error("answer ran without a panic") })
	}()
	if _, ok := Panics()["test calm"]; ok {
		t.Error("counted a panic that did not happen")
	}
}
