package slack

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"paperboy/bot"
)

// submit is the form of a submitted Ask modal with metadata and question.
func submit(metadata, question string) url.Values {
	cb := map[string]any{
		"type": "view_submission", "user": map[string]string{"id": "U1", "username": "ada"}, "trigger_id": "t3",
		"view": map[string]any{
			"id": "V1", "type": "modal", "callback_id": askCallback, "private_metadata": metadata,
			"state": map[string]any{"values": map[string]any{questionInput: map[string]any{questionInput: map[string]any{"type": "plain_text_input", "value": question}}}},
		},
	}
	data, _ := json.Marshal(cb)
	return url.Values{"payload": {string(data)}}
}

// TestAskModal: "Ask" opens a modal for a question about its paper; the
// submitted question is asked about that paper alone and answered to the
// user in the channel the button was in.
func TestAskModal(t *testing.T) {
	value, _ := bot.EncodeAction(bot.ActionAsk, bot.Command{Name: bot.CmdAsk, Args: "2608.17271"})
	t.Run("Open", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		serve(t, env.a.InteractionsHandler(), signed("/slack/interactions", env.press(actionAsk, value), testSecret, testStart), http.StatusOK)
		env.a.shutdown()
		if len(env.fake.views) != 1 || env.fake.views[0].TriggerID != "t2" {
			t.Fatalf("views.open calls %+v, want one with the press's trigger id", env.fake.views)
		}
		var v struct {
			CallbackID      string `json:"callback_id"`
			PrivateMetadata string `json:"private_metadata"`
			Title           struct{ Text string }
			Blocks          []json.RawMessage
		}
		json.Unmarshal(env.fake.views[0].View, &v)
		if v.CallbackID != askCallback || v.PrivateMetadata != "C1\n"+value || len(v.Title.Text) > maxModalTitle || len(v.Blocks) != 1 {
			t.Fatalf("view %s", env.fake.views[0].View)
		}
		if n := len(env.rec.Commands()); n != 0 {
			t.Fatalf("pressing Ask ran %d commands, want none until the question comes", n)
		}
	})
	t.Run("Submit", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		serve(t, env.a.InteractionsHandler(), signed("/slack/interactions", submit("C1\n"+value, "what did\nthey measure?"), testSecret, testStart), http.StatusOK)
		env.a.shutdown()
		cmds := env.rec.Commands()
		if len(cmds) != 1 || cmds[0].Name != bot.CmdAsk || cmds[0].Args != "2608.17271 what did they measure?" || cmds[0].Channel != "C1" || cmds[0].User != "U1" {
			t.Fatalf("commands %+v, want the question about 2608.17271", cmds)
		}
		if got := env.fake.calls("chat.postEphemeral"); got == 0 {
			t.Fatal("no ephemeral answer")
		}
	})
	t.Run("ErrTampered", func(t *testing.T) {
		env := newHTTPEnv(t, nil, Config{})
		serve(t, env.a.InteractionsHandler(), signed("/slack/interactions", submit("C1\npb1 run 0 tldr 2608.17271", "x"), testSecret, testStart), http.StatusOK)
		env.a.shutdown()
		if n := len(env.rec.Commands()); n != 0 || env.fake.calls("chat.postEphemeral") != 1 {
			t.Fatalf("%d commands, %d answers; want none run and a polite error", n, env.fake.calls("chat.postEphemeral"))
		}
	})
}

// TestAskModal_Socket: in Socket Mode too, a submitted Ask modal is asked.
func TestAskModal_Socket(t *testing.T) {
	env := newSocketEnv(t)
	value, _ := bot.EncodeAction(bot.ActionAsk, bot.Command{Name: bot.CmdAsk, Args: "2608.17271"})
	var cb map[string]any
	json.Unmarshal([]byte(submit("C1\n"+value, "what did they measure?").Get("payload")), &cb)
	env.envelope(t, "env-ask", "interactive", cb)
	deadline := time.Now().Add(waitLimit)
	for len(env.rec.Commands()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if cmds := env.rec.Commands(); len(cmds) != 1 || cmds[0].Args != "2608.17271 what did they measure?" {
		t.Fatalf("commands %+v, want the question about 2608.17271", cmds)
	}
}
