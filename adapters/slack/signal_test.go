package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// readingEnv is an HTTP-mode adapter whose engine keeps a reading list.
func readingEnv(t *testing.T) (*httpEnv, *bottest.ReadingList) {
	t.Helper()
	e, _ := newEngine(t)
	rl := &bottest.ReadingList{Store: e.Store.(*bottest.Store)}
	e.ReadingList = rl
	return newHTTPEnv(t, e, Config{}), rl
}

// pressIn is a block_actions payload as Slack sends it for a button
// pressed by user U1 (@ada) on a message in the day's thread of C1.
func (env *httpEnv) pressIn(actionID, value, actionTS string) url.Values {
	cb := map[string]any{
		"type": "block_actions", "user": map[string]string{"id": "U1", "username": "ada", "name": "ada"},
		"channel": map[string]string{"id": "C1", "name": "papers"}, "response_url": env.rcv.URL(), "trigger_id": "t-" + actionTS,
		"container": map[string]any{"type": "message", "message_ts": "1787140801.000200", "channel_id": "C1",
			"thread_ts": "1787140800.000100", "is_ephemeral": false},
		"actions": []map[string]any{{"type": "button", "action_id": actionID, "block_id": "card-1", "value": value,
			"action_ts": actionTS, "text": map[string]any{"type": "plain_text", "text": "Save"}}},
	}
	data, _ := json.Marshal(cb)
	return url.Values{"payload": {string(data)}}
}

// pressButton presses the button through the signed InteractionsHandler
// and returns what the presser was answered.
func pressButton(t *testing.T, env *httpEnv, actionID, value, actionTS string) map[string]any {
	t.Helper()
	serve(t, env.a.InteractionsHandler(), signed("/slack/interactions", env.pressIn(actionID, value, actionTS), testSecret, env.kit.Now()), http.StatusOK)
	return env.rcv.next()
}

func TestInteractions_Save(t *testing.T) {
	env, rl := readingEnv(t)
	save := "pb1 toggle 0 save 2608.17271"
	p := pressButton(t, env, actionSave, save, "1787140802.1")
	if p["response_type"] != "ephemeral" || !strings.Contains(allText(p), "Saved “") {
		t.Fatalf("first press answered %v: %.300s", p["response_type"], allText(p))
	}
	signals, _ := rl.ChannelSignals(context.Background(), "slack", "C1")
	if len(signals) != 1 || signals[0].User != "U1" || signals[0].Name != "ada" || signals[0].Kind != bot.SignalSave || signals[0].PaperID != "2608.17271" {
		t.Fatalf("signals=%+v, want U1's save of 2608.17271 in C1", signals)
	}
	if p = pressButton(t, env, actionSave, save, "1787140803.1"); !strings.Contains(allText(p), "Took back your save") {
		t.Fatalf("second press: %.300s", allText(p))
	}
	if signals, _ = rl.ChannelSignals(context.Background(), "slack", "C1"); len(signals) != 0 {
		t.Fatalf("after the second press: %+v, want none", signals)
	}
	if msgs := env.fake.messages(); len(msgs) != 0 {
		t.Fatalf("a save posted %d messages in the channel", len(msgs))
	}
}

func TestInteractions_NotForUs(t *testing.T) {
	env, rl := readingEnv(t)
	p := pressButton(t, env, actionNotForUs, "pb1 toggle 0 notforus 2608.17271", "1787140802.1")
	if p["response_type"] != "ephemeral" || !strings.Contains(allText(p), "Noted, fewer like this.") {
		t.Fatalf("answered %v: %.300s", p["response_type"], allText(p))
	}
	env.a.shutdown()
	if msgs := env.fake.messages(); len(msgs) != 0 {
		t.Fatalf("Not for us was announced in the channel: %d messages", len(msgs))
	}
	signals, _ := rl.ChannelSignals(context.Background(), "slack", "C1")
	if len(signals) != 1 || signals[0].Kind != bot.SignalNotForUs || signals[0].User != "U1" {
		t.Fatalf("signals=%+v", signals)
	}
}

func TestInteractions_SaveMismatch(t *testing.T) {
	env, rl := readingEnv(t)
	for i, bad := range [][2]string{
		{actionSave, "pb1 toggle 0 notforus 2608.17271"}, // the value of the other button
		{actionSave, "pb1 run 0 save 2608.17271"},        // not a toggle
		{actionNotForUs, "pb1 toggle 0 notforus <!channel>"},
	} {
		p := pressButton(t, env, bad[0], bad[1], "1787140802."+string(rune('1'+i)))
		if !strings.Contains(allText(p), "That button is no longer valid") {
			t.Errorf("%v: %.200s", bad, allText(p))
		}
	}
	if signals, _ := rl.ChannelSignals(context.Background(), "slack", "C1"); len(signals) != 0 {
		t.Fatalf("bad buttons gave signals: %+v", signals)
	}
}

func TestRender_SaveButtons(t *testing.T) {
	e, _ := newEngine(t)
	r, err := e.Handle(context.Background(), bot.Command{Name: bot.CmdToday, Args: fixtureDate})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range render(r, renderOpts{}) {
		data, _ := json.Marshal(map[string]any{"blocks": m.Blocks})
		var p map[string]any
		json.Unmarshal(data, &p)
		saves, nopes := buttons(p, actionSave), buttons(p, actionNotForUs)
		if len(saves) == 0 || len(saves) != len(nopes) || len(m.Blocks) > maxBlocks {
			t.Fatalf("message with %d blocks has %d Save and %d Not for us buttons", len(m.Blocks), len(saves), len(nopes))
		}
	}
}

func TestRender_Code(t *testing.T) {
	code := "@misc{arXiv:2608.17271,\n  title = {{<!channel> & ``` fence}},\n}"
	msgs := render(bot.Reply{Title: "Reading list as BibTeX", Code: code, Ephemeral: true}, renderOpts{})
	text := allText(map[string]any{"blocks": msgs[0].Blocks})
	if !strings.Contains(text, `"`+"```"+`\n@misc{arXiv:2608.17271,\n  title = {{&lt;!channel&gt; &amp; ˋˋˋ fence}},\n}\n`+"```"+`"`) {
		t.Fatalf("code block: %q", text)
	}
}
