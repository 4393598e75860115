package main

import (
	"context"
	"flag"
	"io"
	"strings"

	"paperboy/adapters/console"
	"paperboy/bot"
	"paperboy/bot/text"
)

var askCommand = &command{
	usage: "ask [--json] QUESTION...",
	help: "Answer a question from the stored papers, with citations; a paper id or link first asks about that paper only.\n" +
		"Without summarize.base_url, it lists the papers that match the question.",
	flags: func(fs *flag.FlagSet, o *options) {
		fs.BoolVar(&o.json, "json", false, "print JSON")
	},
	run: func(ctx context.Context, m *Main, o *options, args []string) error {
		question := strings.Join(args, " ")
		if strings.TrimSpace(question) == "" {
			return usageErrorf("ask needs a question, e.g. paperboy ask which papers use self-play?")
		}
		a, err := m.setup(o)
		if err != nil {
			return err
		}
		res, err := a.engine.Ask(ctx, question)
		if err != nil {
			return err
		}
		if o.json {
			return writeJSON(m.Stdout, askJSON(res))
		}
		_, err = io.WriteString(m.Stdout, console.Render(res.Reply()))
		return err
	},
}

// paperRef is a paper in ask's JSON: enough to find and cite it.
type paperRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

func paperRefs(papers []bot.Paper) []paperRef {
	out := []paperRef{}
	for _, p := range papers {
		out = append(out, paperRef{p.ID, text.CleanTitle(p.Title), p.URL()})
	}
	return out
}

// askJSON is the contract's shape for `ask --json`, with a few more fields:
// whether the LLM answered, the note, the paper or days asked about.
func askJSON(r bot.AskResult) any {
	return struct {
		Question  string     `json:"question"`
		Answer    string     `json:"answer"`
		Answered  bool       `json:"answered"`
		Note      string     `json:"note"`
		Citations []paperRef `json:"citations"`
		Model     string     `json:"model"`
		Papers    []paperRef `json:"papers"`
		Paper     string     `json:"paper,omitempty"`
		From      string     `json:"from,omitempty"`
		To        string     `json:"to,omitempty"`
		Unread    string     `json:"unread_dates,omitempty"`
		Cached    bool       `json:"cached"`
	}{r.Question, r.Text(), r.Answer != "", r.Note, paperRefs(r.Citations()), r.Model, paperRefs(r.Papers),
		r.Paper, r.Window.From, r.Window.To, r.Window.Unread, r.Cached}
}
