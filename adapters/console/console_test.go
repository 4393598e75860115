package console_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"paperboy/adapters/console"
	"paperboy/bot"
	"paperboy/bot/bottest"
)

// recorder is a Handler that records commands and answers with a fixed reply.
type recorder struct {
	cmds  []bot.Command
	reply bot.Reply
	err   error
}

func (r *recorder) Handle(_ context.Context, cmd bot.Command) (bot.Reply, error) {
	r.cmds = append(r.cmds, cmd)
	return r.reply, r.err
}

func TestAdapter_Run(t *testing.T) {
	h := &recorder{reply: bot.Reply{Title: "Daily Papers"}}
	in := strings.NewReader("/papers today\n\n   \n/papers search  diffusion models\nfrobnicate\n")
	var out bytes.Buffer
	if err := console.New(h, in, &out, false).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := len(h.cmds), 2; got != want {
		t.Fatalf("handled %d commands, want %d", got, want)
	}
	if got, want := h.cmds[1].Args, "diffusion models"; got != want {
		t.Fatalf("Args=%q, want %q", got, want)
	}
	if h.cmds[0].Platform != "console" || !h.cmds[0].Admin {
		t.Fatalf("command context=%+v, want the console platform as admin", h.cmds[0])
	}
	if got := strings.Count(out.String(), "Daily Papers"); got != 2 {
		t.Fatalf("printed %d replies, want 2:\n%s", got, out.String())
	}
	if !strings.Contains(out.String(), `error: Unknown command "frobnicate"`) {
		t.Fatalf("output lacks the unknown-command error:\n%s", out.String())
	}
	if strings.Contains(out.String(), "> ") {
		t.Fatal("non-interactive console printed a prompt")
	}
}

func TestAdapter_Run_Quit(t *testing.T) {
	h := &recorder{}
	in := strings.NewReader("quit\n/papers today\n")
	if err := console.New(h, in, &bytes.Buffer{}, true).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(h.cmds) != 0 {
		t.Fatalf("handled %d commands after quit", len(h.cmds))
	}
}

func TestAdapter_Run_Cancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	blocked := blockingReader{}
	done := make(chan error, 1)
	go func() { done <- console.New(&recorder{}, blocked, &bytes.Buffer{}, false).Run(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after ctx was cancelled")
	}
}

type blockingReader struct{}

func (blockingReader) Read([]byte) (int, error) { select {} }

func TestRender(t *testing.T) {
	r := bot.Reply{
		Title: "Daily Papers — Wed 19 Aug 2026 · 1 paper",
		Cards: []bot.Card{{
			Rank: 1, ID: "2608.12313", Title: "Evil \x1b[31mred\x1b[0m title",
			Authors: "A, B, C +661", Upvotes: 27, Published: "2026-08-18",
			Summary: "It works.", SummaryFrom: "Hugging Face", Why: "like \x1b[2J“Saved”\nsecond line",
			Links: []bot.Link{{Label: "arXiv", URL: "https://arxiv.org/abs/2608.12313"}},
		}},
		Next: &bot.Command{Name: bot.CmdToday, Args: "2026-08-19", Page: 1},
	}
	got := console.Render(r)
	for _, want := range []string{
		" 1. Evil [31mred[0m title  [2608.12313]",
		"A, B, C +661 · ▲ 27 · 2026-08-18",
		"TL;DR: It works.  (source: Hugging Face)",
		"arXiv https://arxiv.org/abs/2608.12313",
		"More: /papers today 2026-08-19 page 2",
		"    like [2J“Saved” second line\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Render lacks %q:\n%s", want, got)
		}
	}
	if strings.ContainsRune(got, 0x1b) {
		t.Error("Render let an escape character through")
	}
}

// TestAdapter_Run_Panic checks that a panicking command is answered with
// "Internal error." and the console goes on to the next line.
func TestAdapter_Run_Panic(t *testing.T) {
	n := 0
	h := bottest.HandlerFunc(func(context.Context, bot.Command) (bot.Reply, error) {
		if n++; n == 1 {
			panic("boom")
		}
		return bot.Reply{Title: "Daily Papers"}, nil
	})
	var out, logs bytes.Buffer
	c := console.New(h, strings.NewReader("/papers today\n/papers today\n"), &out, false)
	c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	if err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Internal error.") || !strings.Contains(out.String(), "Daily Papers") {
		t.Fatalf("output=%q, want the error, then the next answer", out.String())
	}
	if !strings.Contains(logs.String(), "command panicked") {
		t.Fatalf("log=%q, want the panic", logs.String())
	}
}
