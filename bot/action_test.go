package bot_test

import (
	"strings"
	"testing"

	"paperboy/bot"
)

func TestAction_RoundTrip(t *testing.T) {
	for _, tt := range []struct {
		verb string
		cmd  bot.Command
	}{
		{bot.ActionRun, bot.Command{Name: bot.CmdTLDR, Args: "2608.12313"}},
		{bot.ActionRun, bot.Command{Name: bot.CmdAbstract, Args: "hep-th/9901001"}},
		{bot.ActionRun, bot.Command{Name: bot.CmdSearch, Args: "diffusion models", Page: 3}},
		{bot.ActionShare, bot.Command{Name: bot.CmdSearch, Args: "graph neural networks"}},
		{bot.ActionRun, bot.Command{Name: bot.CmdToday, Args: "2026-08-19", Page: 1}},
		{bot.ActionRun, bot.Command{Name: bot.CmdToday}},
	} {
		id, ok := bot.EncodeAction(tt.verb, tt.cmd)
		if !ok || len(id) > bot.MaxActionLen {
			t.Fatalf("EncodeAction(%v)=%q,%v", tt.cmd, id, ok)
		}
		verb, cmd, err := bot.DecodeAction(id)
		if err != nil || verb != tt.verb || cmd.Name != tt.cmd.Name || cmd.Args != tt.cmd.Args || cmd.Page != tt.cmd.Page {
			t.Fatalf("DecodeAction(%q)=%q %+v %v, want %q %+v", id, verb, cmd, err, tt.verb, tt.cmd)
		}
	}
}

func TestAction_TooLong(t *testing.T) {
	if id, ok := bot.EncodeAction(bot.ActionRun, bot.Command{Name: bot.CmdSearch, Args: strings.Repeat("word ", 30)}); ok {
		t.Fatalf("EncodeAction of a 150-byte query=%q, want false", id)
	}
}

func TestDecodeAction_Garbled(t *testing.T) {
	for _, id := range []string{
		"", "pb1", "pb1 run", "pb1 run 0", "pb0 run 0 tldr 2608.12313", "pb1 delete 0 tldr 2608.12313",
		"pb1 run 0 subscribe", "pb1 run -1 search x", "pb1 run x search x", "pb1 run 0 tldr not-a-paper",
		"pb1 run 0 abstract", "pb1 run 99999 search x", strings.Repeat("a", 500),
	} {
		if _, _, err := bot.DecodeAction(id); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("DecodeAction(%q) err=%v, want EINVALID", id, err)
		}
	}
}

func TestAction_Ask(t *testing.T) {
	id, ok := bot.EncodeAction(bot.ActionAsk, bot.Command{Name: bot.CmdAsk, Args: "2608.17271"})
	if !ok {
		t.Fatal("no action id")
	}
	verb, cmd, err := bot.DecodeAction(id)
	if err != nil || verb != bot.ActionAsk || cmd.Args != "2608.17271" {
		t.Fatalf("DecodeAction=%q %+v %v", verb, cmd, err)
	}
	for _, bad := range []string{"pb1 ask 0 ask not-a-paper", "pb1 ask 0 tldr 2608.17271", "pb1 ask 0 ask"} {
		if _, _, err := bot.DecodeAction(bad); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("DecodeAction(%q) err=%v, want EINVALID", bad, err)
		}
	}
	cmd, err = bot.AskAbout("2608.17271", "  what did\nthey measure? ")
	if err != nil || cmd.Name != bot.CmdAsk || cmd.Args != "2608.17271 what did they measure?" {
		t.Fatalf("AskAbout=%+v %v", cmd, err)
	}
	if _, err := bot.AskAbout("2608.17271", " "); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("empty question: err=%v, want EINVALID", err)
	}
}
