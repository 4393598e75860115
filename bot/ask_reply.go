package bot

import (
	"context"

	"paperboy/bot/text"
)

func (e *Engine) handleAsk(ctx context.Context, cmd Command) (Reply, error) {
	res, err := e.Ask(ctx, cmd.Args)
	if err != nil {
		return Reply{}, err
	}
	return res.Reply(), nil
}

// Reply renders the result for chat: the answer (or the note saying why
// there is none) above the papers, as cards numbered the way the answer
// cites them. An answer shows only the papers it cites; without one, every
// paper found is listed.
func (r AskResult) Reply() Reply {
	out := Reply{Title: "Ask: " + shorten(text.CleanTitle(r.Question), 200), Ephemeral: true}
	if r.Answer != "" {
		out.Text = r.Answer + "\n" + r.Note
	} else {
		out.Text = r.Note
	}
	if note := r.Window.Note(); note != "" {
		out.Text += "\n" + note
	}
	for _, n := range r.listed() {
		out.Cards = append(out.Cards, NewCard(n, r.Papers[n-1]))
	}
	return out
}

// listed returns the numbers of the papers to show: the cited ones, or all.
func (r AskResult) listed() []int {
	if r.Answer != "" {
		return r.Cited
	}
	all := make([]int, len(r.Papers))
	for i := range all {
		all[i] = i + 1
	}
	return all
}

// Citations returns the cited papers, in the order they are first cited.
func (r AskResult) Citations() []Paper {
	var out []Paper
	for _, n := range r.Cited {
		out = append(out, r.Papers[n-1])
	}
	return out
}

// Text returns the answer, or the note when there is none, for output that
// has one field for both (`paperboy ask --json`).
func (r AskResult) Text() string {
	if r.Answer != "" {
		return r.Answer
	}
	return r.Note
}

// windowLabel says which days a window covers, for people.
func windowLabel(w Window) string {
	switch {
	case w.From == "":
		return "up to " + FormatDay(w.To)
	case w.To == "":
		return "since " + FormatDay(w.From)
	case w.From == w.To:
		return FormatDay(w.From)
	}
	return FormatDay(w.From) + " to " + FormatDay(w.To)
}
