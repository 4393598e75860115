package discord

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/text"
)

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Plain", "Energy-Guided Flow Matching", "Energy-Guided Flow Matching"},
		{"Everyone", "ping @everyone and @Here", "ping @\u200beveryone and @\u200bHere"},
		{"RoleUserChannel", "<@&123> <@456> <@!7> <#789> </papers:1> <t:1700000000>",
			"<\u200b@&123> <\u200b@456> <\u200b@!7> <\u200b#789> <\u200b/papers:1> <\u200bt:1700000000>"},
		{"Emphasis", "**bold** __u__ ~~s~~ *i*", `\*\*bold\*\* \_\_u\_\_ \~\~s\~\~ \*i\*`},
		{"SpoilerCode", "||x|| `y` ```z```", "\\|\\|x\\|\\| \\`y\\` \\`\\`\\`z\\`\\`\\`"},
		{"MaskedLink", "[click](javascript:alert(1))", `\[click\](javascript:alert(1))`},
		{"LineStart", "# h\n> q\n- l\n1. n\n-# sub", "\\# h\n\\> q\n\\- l\n1\\. n\n\\-# sub"},
		{"MidLine", "a - b # c > d 2. e", "a - b # c > d 2. e"},
		{"Backslash", `a\b`, `a\\b`},
		{"LinkKept", "see https://github.com/a_b/c_d now_", "see https://github.com/a_b/c_d now\\_"},
		{"LessThan", "x < y <z", "x < y <\u200bz"},
		{"Idempotent", "<\u200b@1> @\u200beveryone", "<\u200b@1> @\u200beveryone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := markdown(tt.in); got != tt.want {
				t.Fatalf("markdown(%q)=%q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFitMarkdown(t *testing.T) {
	in := strings.Repeat("a_b*c ", 2000) // every other character escapes
	for _, limit := range []int{1, 10, 100, 256, 4096} {
		got := fitMarkdown(in, limit)
		if n := size(got); n > limit || n < limit/2 {
			t.Errorf("limit %d: size %d", limit, n)
		}
		if strings.HasSuffix(strings.TrimSuffix(got, "…"), `\`) {
			t.Errorf("limit %d: an escape was cut: %q", limit, got[len(got)-10:])
		}
	}
	if got := fitMarkdown("😀😀😀😀", 5); size(got) > 5 {
		t.Errorf("surrogate pairs: %q is %d units", got, size(got))
	}
}

// batchReply is the fixture's batch as the daily post shows it: a header
// and all 26 papers, a few with a TL;DR.
func batchReply(t *testing.T) bot.Reply {
	r := bot.Reply{Title: "Daily Papers — Wed 19 Aug 2026 · 26 papers"}
	for i, p := range fixturePapers(t) {
		c := bot.NewCard(i+1, p)
		if i%4 == 0 {
			c = c.WithSummary(bot.Summary{Text: text.Extractive(p.Abstract), Source: bot.SourceLLM, SummaryKey: bot.SummaryKey{Model: "gpt-4o-mini"}})
		}
		r.Cards = append(r.Cards, c)
	}
	return r
}

// hostileReply is everything a paper source or an LLM could send that must
// not ping, break the markdown, link to script, or pass a limit.
func hostileReply() bot.Reply {
	mean := "@everyone free GPUs <@&123> from <@456> in <#789> @here **bold** __u__ ||spoiler|| `code` ```x``` # not a heading > not a quote [click](javascript:alert(1))"
	authors := make([]string, 700)
	for i := range authors {
		authors[i] = "Author @everyone <@&1> Number " + strings.Repeat("x", i%7)
	}
	viaBot := bot.NewCard(1, bot.Paper{
		ID: "2608.99999", Title: mean + ` with TeX $\alpha \to \mathcal{O}(n^2)$ and \textbf{bold}`,
		Authors: authors, Upvotes: 999999, ArxivURL: "javascript:alert(1)",
		GitHubURL: "https://github.com/x/y_(z)", Thumbnail: "javascript:alert(2)",
		AISummary: "@here " + mean, AISummaryModel: "evil/**model**",
	}).WithSummary(bot.Summary{Text: "@here " + mean, Source: bot.SourceHF, SummaryKey: bot.SummaryKey{Model: "<@&9> @everyone"}})
	raw := bot.Card{
		Rank: 2, ID: "2608.88888", Title: strings.Repeat("Long **title** @everyone ", 900), // ≈ 20 kB
		URL: "javascript:alert(3)", Authors: strings.Join(authors, ", "),
		Links: []bot.Link{
			{Label: "evil", URL: "javascript:alert(4)"}, {Label: "PDF](https://evil.example) [x", URL: "https://arxiv.org/pdf/2608.88888"},
			{Label: "GitHub", URL: "https://github.com/a/b"},
		},
		Summary: strings.Repeat("<@&123> ", 700), SummaryFrom: strings.Repeat("@here ", 600),
		Abstract: strings.Repeat("Abstract ||spoiler|| `tick` @everyone. ", 300),
	}
	again := raw
	again.Rank, again.ID, again.Thumbnail = 3, "2608.77777", "https://cdn-thumbnails.huggingface.co/x.png"
	return bot.Reply{Title: "@everyone " + mean, Text: strings.Repeat("<@&123> ", 700), Cards: []bot.Card{viaBot, raw, again}}
}

func TestRender_Golden(t *testing.T) {
	tests := []struct {
		name  string
		reply func(*testing.T) bot.Reply
	}{
		{"batch", batchReply},
		{"hostile", func(*testing.T) bot.Reply { return hostileReply() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, newEngine(t))
			p := bot.Post{Key: "paperboy:2026-08-19:" + tt.name, Reply: tt.reply(t)}
			sent, err := e.a.Send(context.Background(), "100", "", p)
			if err != nil {
				t.Fatal(err)
			}
			reqs := e.f.recordedRequests("POST", "/channels/100/messages")
			if got, want := len(sent.IDs), len(reqs); got != want || got < 2 {
				t.Fatalf("IDs=%d, requests=%d; want equal and a split reply", got, want)
			}
			e.f.checkSent(t)
			goldenJSON(t, tt.name, bodies(reqs))
			if found, ok, err := e.a.Find(context.Background(), "100", "", p.Key); err != nil || !ok || strings.Join(found.IDs, ",") != strings.Join(sent.IDs, ",") {
				t.Fatalf("Find=%v,%v,%v; want %v", found, ok, err, sent.IDs)
			}
		})
	}
}

func TestRender_Hostile(t *testing.T) {
	msgs := renderReply(hostileReply(), view{ephemeral: true, key: "k"})
	all, _ := json.Marshal(msgs)
	for _, bad := range []string{`"javascript`, "@everyone", "<@&", "evil.example)", "://evil"} {
		if strings.Contains(string(all), bad) {
			t.Errorf("rendered messages contain %q", bad)
		}
	}
	if m := regexp.MustCompile(`[^\\]\]\(javascript`).FindString(string(all)); m != "" {
		t.Errorf("rendered messages contain a masked link to script: %q", m)
	}
	for _, m := range msgs {
		b, _ := json.Marshal(m)
		checkLimits(t, b)
	}
	if !strings.Contains(string(all), "y_%28z%29") {
		t.Errorf("a link with parentheses was not kept escaped")
	}
}

func TestRender_Buttons(t *testing.T) {
	r := batchReply(t)
	r.Cards = r.Cards[:10]
	next := bot.Command{Name: bot.CmdSearch, Args: "agents", Page: 1}
	r.Next = &next
	share := bot.Command{Name: bot.CmdSearch, Args: "agents"}
	msgs := renderReply(r, view{ephemeral: true, share: &share})
	var ids []string
	for _, m := range msgs {
		b, _ := json.Marshal(m)
		checkLimits(t, b)
		var p payload
		json.Unmarshal(b, &p)
		for _, row := range p.Components {
			for _, c := range row.Components {
				if c.Type != 3 {
					ids = append(ids, c.CustomID)
				}
				for _, o := range c.Options {
					ids = append(ids, o.Value)
				}
			}
		}
	}
	want := map[string]bool{"pb1 run 1 search agents": true, "pb1 share 0 search agents": true, "pb1 run 0 abstract 2608.17271": true, "pb1 run 0 tldr 2608.16157": true,
		"pb1 toggle 0 save 2608.17271": true, "pb1 toggle 0 notforus 2608.16157": true}
	for _, id := range ids {
		delete(want, id)
		if _, _, err := bot.DecodeAction(id); err != nil {
			t.Errorf("custom id %q does not decode: %v", id, err)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing buttons %v among %v", want, ids)
	}
	long := bot.Command{Name: bot.CmdSearch, Args: strings.Repeat("word ", 30)}
	r.Next = &long
	for _, m := range renderReply(r, view{ephemeral: true, share: &long}) {
		for _, row := range m.Components {
			if strings.Contains(mustJSON(row), "word word") {
				t.Errorf("a button whose action id is too long was not left out")
			}
		}
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestRender_ShareAnswer: an answer to /papers ask, shown only to who asked,
// gets a "Share to channel" button that asks again (the engine's cache
// answers), and a shared one gets none.
func TestRender_ShareAnswer(t *testing.T) {
	a := &Adapter{}
	r := bot.Reply{Title: "Ask: what is new?", Text: "Agents [1].", Cards: batchReply(t).Cards[:1], Ephemeral: true}
	cmd := bot.Command{Name: bot.CmdAsk, Args: "what is new?"}
	if got := mustJSON(a.render(request{cmd: cmd}, r)); !strings.Contains(got, "pb1 share 0 ask what is new?") {
		t.Fatalf("no Share button on an ephemeral answer: %s", got)
	}
	if got := mustJSON(a.render(request{cmd: cmd, verb: bot.ActionShare, by: "Reader"}, r)); strings.Contains(got, "pb1 share") {
		t.Fatalf("a shared answer has a Share button: %s", got)
	}
}
