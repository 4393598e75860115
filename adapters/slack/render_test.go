package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

// hostilePaper is a paper whose every field tries to ping, link or mark up.
func hostilePaper() bot.Paper {
	authors := make([]string, 700)
	for i := range authors {
		authors[i] = "<!channel> Author " + strconv.Itoa(i)
	}
	return bot.Paper{
		ID:    "2608.99999",
		Title: "<!everyone> *Bold* _it_ ~strike~ `code` & <@U123> <!subteam^S1> $\\mathcal{O}(n^2)$ \\textbf{Attention} > quote",
		Abstract: "> We <!here> show that a < b & c > d. *Really* <http://evil.example|click> " +
			strings.Repeat("Attention & <!channel> is all you need. ", 120),
		Authors:   authors,
		Upvotes:   7,
		ArxivURL:  "https://arxiv.org/abs/2608.99999",
		GitHubURL: "https://github.com/x/y?a=1&b=2|c",
		HFURL:     "javascript:alert(1)",
	}
}

// hostileReply is a reply with hostile text everywhere: through bot.NewCard
// (as the engine builds cards) and as raw cards that skip bot's own bounds
// (a 20 kB title, 700 authors, a 20 kB abstract).
func hostileReply() (bot.Reply, bot.Command) {
	p := hostilePaper()
	sum := bot.Summary{SummaryKey: bot.SummaryKey{PaperID: p.ID, Model: "<!channel>-7b"}, Text: "<!here> It works & <@U999|boss> ~fast~ > 9000.", Source: bot.SourceLLM}
	card := bot.NewCard(1, p).WithSummary(sum)
	card.Why = "like *<!channel>* _<@U7>_ & `x`"
	raw := bot.Card{
		Why:         strings.Repeat("<!here> why ", 200),
		Rank:        2,
		ID:          "2608.99998",
		Title:       strings.Repeat("<!channel> & title ", 1100),
		URL:         "https://arxiv.org/abs/2608.99998",
		Authors:     strings.Repeat("<@U1> Name, ", 700),
		Summary:     strings.Repeat("<!everyone> & ", 500),
		SummaryFrom: "LLM (<!here>)",
		Abstract:    strings.Repeat("&<> ", 1000),
		Links:       []bot.Link{{Label: "arXiv | <!here>", URL: "https://arxiv.org/abs/2608.99998"}},
	}
	cmd := bot.Command{Name: bot.CmdSearch, Args: "<!everyone> & attention"}
	next := cmd
	next.Page = 1
	return bot.Reply{
		Title:     "Search: <!everyone> & *attention* " + strings.Repeat("x", 200),
		Text:      "> <!here> results & more\n" + strings.Repeat("<@U123> & words ", 300),
		Cards:     []bot.Card{card, raw},
		Next:      &next,
		Ephemeral: true,
	}, cmd
}

func TestRenderGolden(t *testing.T) {
	e, _ := newEngine(t)
	today := bot.Command{Name: bot.CmdToday, Args: fixtureDate, Platform: platform}
	batch, err := e.Handle(context.Background(), today)
	if err != nil {
		t.Fatal(err)
	}
	hostile, search := hostileReply()
	tests := []struct {
		name  string
		reply bot.Reply
		cmd   bot.Command
	}{
		{"batch_reply", batch, today},
		{"hostile_reply", hostile, search},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var payloads []payload
			for _, m := range render(tt.reply, renderOpts{origin: &tt.cmd, share: true}) {
				p := payload{Text: m.Text, Blocks: m.Blocks, ResponseType: "ephemeral"}
				payloads = append(payloads, p)
				data, _ := json.Marshal(p)
				checkMessage(t, jsonMessage(t, data))
			}
			golden(t, tt.name, payloads)
		})
	}
}

func TestRenderHostile(t *testing.T) {
	r, cmd := hostileReply()
	msgs := render(r, renderOpts{origin: &cmd, share: true})
	if len(msgs) < 2 {
		t.Fatalf("%d messages, want the reply split over several", len(msgs))
	}
	first := msgs[0].Blocks[0].(*slackgo.HeaderBlock)
	if got := size(first.Text.Text); got > maxHeaderText {
		t.Errorf("header has %d chars", got)
	}
	var all string
	for _, m := range msgs {
		all += allText(map[string]any{"blocks": m.Blocks})
	}
	for _, want := range []string{
		`&lt;!everyone&gt; ∗Bold∗ ˍitˍ ∼strike∼ ˋcodeˋ &amp; &lt;@U123&gt;`, // escaped, not formatted
		`O(n²) Attention`, // TeX cleaned by bot.NewCard
		`<https://github.com/x/y?a=1&amp;b=2%7Cc|GitHub>`,                     // & and | in a URL
		`Author 0, &lt;!channel&gt; Author 1, &lt;!channel&gt; Author 2 +697`, // authors abbreviated
		`|arXiv ∣ &lt;!here&gt;>`,                                             // a | in link text
		"_like `*&lt;!channel&gt;*` ˍ&lt;@U7&gt;ˍ &amp; ˋxˋ_",                 // why, in italics, escaped
	} {
		if !strings.Contains(all, want) {
			t.Errorf("rendered blocks lack %q", want)
		}
	}
	if strings.Contains(all, "javascript:") {
		t.Error("an unsafe link was rendered")
	}
	last := msgs[len(msgs)-1]
	nav := last.Blocks[len(last.Blocks)-1].(*slackgo.ActionBlock)
	if got := len(nav.Elements.ElementSet); got != 2 {
		t.Errorf("last block has %d buttons, want More and Share", got)
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<!channel> & <@U1>", "&lt;!channel&gt; &amp; &lt;@U1&gt;"},
		{"*b* _i_ ~s~ `c`", "`*b*` ˍiˍ ∼s∼ ˋcˋ"},
		{"Schedule: 0 8 * * 1-5 (UTC)", "Schedule: 0 8 `*` `*` 1-5 (UTC)"}, // ASCII, copyable
		{"*/15 *<!channel>* a`*`b", "`*/15` `*&lt;!channel&gt;*` `aˋ*ˋb`"}, // nothing escapes a code span`
		{"snake_case stays", "snake_case stays"},
		{"> quote\nok > not", "\u200b&gt; quote\nok &gt; not"},
		{"already &amp; escaped", "already &amp;amp; escaped"},
	}
	for _, tt := range tests {
		if got := escape(tt.in); got != tt.want {
			t.Errorf("escape(%q)=%q, want %q", tt.in, got, tt.want)
		}
	}
	if got, want := link("https://x.org/a?b=1&c=2", "A|B <C>"), "<https://x.org/a?b=1&amp;c=2|A∣B &lt;C&gt;>"; got != want {
		t.Errorf("link=%q, want %q", got, want)
	}
}

func TestPack(t *testing.T) {
	for _, raw := range []string{
		strings.Repeat("word & ", 3000),
		strings.Repeat("&", 10000),
		strings.Repeat("line <@U1>\n", 900),
		strings.Repeat("😀", 4000),
	} {
		pieces := pack(raw, maxSectionText)
		if strings.Join(pieces, "") == "" || len(pieces) < 2 {
			t.Fatalf("pack gave %d pieces", len(pieces))
		}
		for _, p := range pieces {
			if n := size(escape(p)); n > maxSectionText || n == 0 {
				t.Errorf("piece of %d chars escaped", n)
			}
		}
		if got := strings.ReplaceAll(strings.Join(pieces, ""), "\n", ""); len(got) < len(strings.Fields(raw)) {
			t.Errorf("pack lost text")
		}
	}
}

func TestFallbackText(t *testing.T) {
	msgs := render(bot.Reply{Cards: []bot.Card{{Title: "<!here> T", ID: "2401.00001"}}}, renderOpts{})
	if got, want := msgs[0].Text, "&lt;!here&gt; T"; got != want {
		t.Errorf("Text=%q, want %q", got, want)
	}
	if got := render(bot.Reply{}, renderOpts{}); len(got) != 1 || got[0].Text == "" || len(got[0].Blocks) != 1 {
		t.Errorf("an empty reply must still be one valid message, got %+v", got)
	}
}

// golden compares v, as indented JSON, with testdata/name.golden, or writes
// it there with -update.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	v = generic(t, v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from %s; run go test -update and review the diff", name, path)
	}
}

// generic round-trips v through JSON, so that what slack-go's marshalers
// escaped (\u003c) prints as itself again.
func generic(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRenderShareAnswer: an answer to /papers ask can be shared to the
// channel, like a search.
func TestRenderShareAnswer(t *testing.T) {
	cmd := bot.Command{Name: bot.CmdAsk, Args: "what is new?"}
	r := bot.Reply{Title: "Ask: what is new?", Text: "Agents [1].", Ephemeral: true,
		Cards: []bot.Card{{Rank: 1, ID: "2608.17271", Title: "ASI-Bench"}}}
	b, _ := json.Marshal(render(r, renderOpts{origin: &cmd, share: true}))
	if want, _ := bot.EncodeAction(bot.ActionShare, cmd); !strings.Contains(string(b), want) {
		t.Fatalf("no Share button %q in %s", want, b)
	}
}
