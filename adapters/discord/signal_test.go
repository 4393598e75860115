package discord

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// readingEngine is newEngine with a reading list; thread "900" is the day's
// thread of channel "300".
func readingEngine(t *testing.T) (*bot.Engine, *bottest.ReadingList) {
	t.Helper()
	e := newEngine(t)
	rl := &bottest.ReadingList{Store: e.Store.(*bottest.Store), Threads: map[string]string{"discord 900": "300"}}
	e.ReadingList = rl
	return e, rl
}

// inThread moves an interaction into the day's thread "900" of channel
// "300", as Discord sends it: channel_id is the thread's, and the partial
// channel says so.
func inThread(i map[string]any) map[string]any {
	i["channel_id"] = "900"
	i["channel"] = map[string]any{"id": "900", "type": 11, "parent_id": "300", "name": "Daily Papers"}
	if m, ok := i["message"].(map[string]any); ok {
		m["channel_id"] = "900"
		m["flags"] = 0
	}
	return i
}

// menuPick is a pick in a string select menu.
func menuPick(customID string, values ...string) map[string]any {
	i := button(customID)
	i["data"] = map[string]any{"custom_id": customID, "component_type": 3, "values": values}
	return i
}

// signalsOf lists a channel's signals as "user name kind paper".
func signalsOf(t *testing.T, rl *bottest.ReadingList, channel string) []string {
	t.Helper()
	signals, err := rl.ChannelSignals(context.Background(), "discord", channel)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range signals {
		out = append(out, s.User+" "+s.Name+" "+s.Kind+" "+s.PaperID)
	}
	return out
}

func TestInteractions_SaveButton(t *testing.T) {
	eng, rl := readingEngine(t)
	e := newEnv(t, eng)
	id, _ := bot.EncodeAction(bot.ActionToggle, bot.Command{Name: bot.CmdSave, Args: "2608.17271"})
	p := decode(t, e.post(t, inThread(button(id))))
	if p.Data.Flags != 64 || !strings.Contains(p.Data.Content, "Saved “") {
		t.Fatalf("answer %+v, want an ephemeral confirmation", p.Data)
	}
	if got := signalsOf(t, rl, "300"); len(got) != 1 || got[0] != "600 Reader save 2608.17271" {
		t.Fatalf("signals of the parent channel %v, want Reader's save", got)
	}
	if p = decode(t, e.post(t, inThread(button(id)))); !strings.Contains(p.Data.Content, "Took back your save") {
		t.Fatalf("second press: %+v", p.Data)
	}
	if got := signalsOf(t, rl, "300"); len(got) != 0 {
		t.Fatalf("after undo: %v", got)
	}
}

func TestInteractions_NotForUsMenu(t *testing.T) {
	eng, rl := readingEngine(t)
	e := newEnv(t, eng)
	value, _ := bot.EncodeAction(bot.ActionToggle, bot.Command{Name: bot.CmdNotForUs, Args: "2608.16157"})
	p := decode(t, e.post(t, menuPick(menuNotForUs, value)))
	if p.Data.Flags != 64 || p.Data.Content != "Noted, fewer like this." {
		t.Fatalf("answer %+v, want the quiet ephemeral note", p.Data)
	}
	if got := signalsOf(t, rl, "300"); len(got) != 1 || got[0] != "600 Reader not_for_us 2608.16157" {
		t.Fatalf("signals %v", got)
	}
	if posts := e.f.messages("300"); len(posts) != 0 {
		t.Fatalf("Not for us posted %d messages in the channel", len(posts))
	}
	// A menu's option must be that menu's own toggle.
	save, _ := bot.EncodeAction(bot.ActionToggle, bot.Command{Name: bot.CmdSave, Args: "2608.16157"})
	tldr, _ := bot.EncodeAction(bot.ActionRun, bot.Command{Name: bot.CmdTLDR, Args: "2608.16157"})
	for _, bad := range []map[string]any{menuPick(menuNotForUs, save), menuPick(menuSave, tldr), menuPick(menuSave), menuPick(menuSave, save, save)} {
		if p := decode(t, e.post(t, bad)); !strings.Contains(p.Data.Content, "no longer valid") {
			t.Errorf("bad pick answered %+v", p.Data)
		}
	}
	if got := signalsOf(t, rl, "300"); len(got) != 1 {
		t.Fatalf("bad picks changed the signals: %v", got)
	}
}

// TestRender_SignalComponents: a day's post of one card has Save and Not
// for us as buttons; a page of ten cards has them as menus, within five
// rows.
func TestRender_SignalComponents(t *testing.T) {
	r := batchReply(t)
	one := bot.Reply{Cards: r.Cards[:1]}
	msgs := renderReply(one, view{key: "paperboy:2026-08-19:" + r.Cards[0].ID})
	if labels := mustJSON(msgs[0].Components); !strings.Contains(labels, `"label":"Save"`) || !strings.Contains(labels, `"label":"Not for us"`) {
		t.Fatalf("one-card post components %s", labels)
	}
	r.Cards = r.Cards[:10]
	for _, m := range renderReply(r, view{ephemeral: true}) {
		data, _ := json.Marshal(m)
		checkLimits(t, data)
		if s := string(data); len(m.Embeds) > 1 && (!strings.Contains(s, menuSave) || !strings.Contains(s, menuNotForUs)) {
			t.Fatalf("a message of %d cards has no Save or Not for us menu", len(m.Embeds))
		}
	}
}

func TestRender_WhyAndCode(t *testing.T) {
	c := bot.Card{ID: "2608.17271", Title: "T", Why: "like **@everyone** <@1>"}
	e := cardEmbed(c)
	if !strings.HasPrefix(e.Description, "*like ") || strings.Contains(e.Description, "**@everyone**") || strings.Contains(e.Description, "<@1>") {
		t.Fatalf("why line %q", e.Description)
	}
	msgs := renderReply(bot.Reply{Title: "BibTeX", Code: "@misc{k,\n  title = {{``` @everyone}},\n}"}, view{ephemeral: true})
	d := msgs[0].Embeds[0].Description
	if !strings.HasPrefix(d, "```\n@misc{k,") || !strings.HasSuffix(d, "}\n```") || strings.Count(d, "```") != 2 {
		t.Fatalf("code embed %q", d)
	}
}
