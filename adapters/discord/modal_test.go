package discord

import (
	"encoding/json"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// modalSubmit builds the interaction of a submitted modal with one text
// input.
func modalSubmit(customID, question string) map[string]any {
	return interaction(5, map[string]any{"custom_id": customID, "components": []map[string]any{{
		"type": 1, "components": []map[string]any{{"type": 4, "custom_id": questionInput, "value": question}},
	}}})
}

// TestInteractions_Ask: the "Ask" button opens a question box, and the
// submitted question is asked about that paper alone, for the presser.
func TestInteractions_Ask(t *testing.T) {
	calls := &bottest.Recorder{Next: newEngine(t)}
	e := newEnv(t, calls)
	id, _ := bot.EncodeAction(bot.ActionAsk, bot.Command{Name: bot.CmdAsk, Args: "2608.17271"})
	w := e.post(t, button(id))
	var m struct {
		Type int
		Data struct {
			CustomID   string `json:"custom_id"`
			Title      string
			Components []struct {
				Components []struct {
					Type     int
					CustomID string `json:"custom_id"`
				}
			}
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != 9 || m.Data.CustomID != id || len(m.Data.Title) > maxModalTitle || len(m.Data.Components) != 1 ||
		m.Data.Components[0].Components[0].Type != 4 {
		t.Fatalf("response %s, want a modal with one text input", w.Body)
	}
	if n := len(calls.Commands()); n != 0 {
		t.Fatalf("pressing Ask ran %d commands, want none until the question comes", n)
	}
	p := decode(t, e.post(t, modalSubmit(id, "what did\nthey measure?")))
	last := calls.Commands()[len(calls.Commands())-1]
	if last.Name != bot.CmdAsk || last.Args != "2608.17271 what did they measure?" || last.Channel != "300" {
		t.Fatalf("command %+v, want ask about 2608.17271", last)
	}
	if p.Data.Flags != 64 || !strings.Contains(buttonLabels(p.Data), "Share") {
		t.Fatalf("answer flags %d, buttons %s; want ephemeral with a Share button", p.Data.Flags, buttonLabels(p.Data))
	}
	t.Run("ErrEmpty", func(t *testing.T) {
		p := decode(t, e.post(t, modalSubmit(id, "  ")))
		if p.Data.Flags != 64 || !strings.Contains(p.Data.Content, "Type a question") {
			t.Fatalf("%+v, want a polite ephemeral error", p.Data)
		}
	})
	t.Run("ErrGarbled", func(t *testing.T) {
		before := len(calls.Commands())
		p := decode(t, e.post(t, modalSubmit("pb1 run 0 tldr 2608.17271", "x")))
		if !strings.Contains(p.Data.Content, "no longer valid") || len(calls.Commands()) != before {
			t.Fatalf("%+v, want a polite error and no command", p.Data)
		}
	})
}
