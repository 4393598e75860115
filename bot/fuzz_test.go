package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"paperboy/bot"
	"paperboy/bot/text"
)

// FuzzParseCommand checks that any command text parses or fails with a
// user-facing EINVALID, and that a parsed command survives String and
// ParseCommand again.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/papers today", "/papers search diffusion models page 2", "tldr 2401.01335v2",
		"/PAPERS   help", "papers", "/papers frobnicate", "search page 0", "subscribe top=5 now", "\x00", "/papers search \"x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cmd, err := bot.ParseCommand(text)
		if err != nil {
			if bot.ErrorCode(err) != bot.EINVALID || bot.ErrorMessage(err) == "" {
				t.Fatalf("ParseCommand(%q): %v, want EINVALID with a message", text, err)
			}
			return
		}
		again, err := bot.ParseCommand(cmd.String())
		if err != nil || again.Name != cmd.Name || again.Page != cmd.Page {
			t.Fatalf("round trip of %q: %+v → %q → %+v, %v", text, cmd, cmd.String(), again, err)
		}
	})
}

// FuzzDecodeAction checks that any button id decodes to a command the
// engine accepts, or fails politely; never a panic.
func FuzzDecodeAction(f *testing.F) {
	for _, s := range []string{"pb1 run 0 tldr 2608.12313", "pb1 share 2 search graph nets", "pb1 run 1 today 2026-08-19", "", "pb1 run 9 abstract x-0123456789abcdef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		verb, cmd, err := bot.DecodeAction(id)
		if err != nil {
			if bot.ErrorCode(err) != bot.EINVALID {
				t.Fatalf("DecodeAction(%q): %v, want EINVALID", id, err)
			}
			return
		}
		back, ok := bot.EncodeAction(verb, cmd)
		if !ok || len(back) > bot.MaxActionLen {
			t.Fatalf("decoded %q to %+v, which does not encode again", id, cmd)
		}
	})
}

// FuzzParsePaperRef checks that whatever is accepted as a paper reference
// is a canonical id that parses to itself.
func FuzzParsePaperRef(f *testing.F) {
	for _, s := range []string{"2401.01335v2", "hep-th/9901001", "https://arxiv.org/abs/2401.01335", "https://huggingface.co/papers/2608.12313",
		"arxiv.org/pdf/2401.01335v1.pdf", "x-0123456789abcdef", "javascript:alert(1)", "https://x/../abs/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := bot.ParsePaperRef(s)
		if !ok {
			return
		}
		if again, ok := bot.ParsePaperRef(id); !ok || again != id || !utf8.ValidString(id) || strings.ContainsAny(id, " \n<>") {
			t.Fatalf("ParsePaperRef(%q)=%q is not canonical (%q, %v)", s, id, again, ok)
		}
	})
}

// FuzzParseExport checks that the export reader never fails on content:
// every line is either a paper or a skip.
func FuzzParseExport(f *testing.F) {
	f.Add(`{"id":"2401.01335","title":"A","authors":["B"],"date":"2026-08-19"}` + "\n" + `{"id":1}`)
	f.Add("\n\n{")
	f.Add(`{"id":"2401.01335","title":"A","batches":[{"date":"2026-08-19","rank":3,"source":"hf"},{"date":"2026-8-1","rank":-1}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		err := bot.ParseExport(strings.NewReader(data), func(it bot.Item) error {
			if _, ok := bot.ParsePaperRef(it.Paper.ID); !ok || strings.TrimSpace(it.Paper.Title) == "" {
				t.Fatalf("emitted a paper without a usable id or title: %+v", it.Paper)
			}
			for _, m := range it.Batches {
				if _, err := bot.ParseDate(m.Date); err != nil || m.Rank < 0 || text.StorableText(m.Source) != m.Source {
					t.Fatalf("emitted a bad batch place: %+v", m)
				}
			}
			return nil
		}, func(bot.Skip) {})
		if err != nil {
			t.Fatalf("ParseExport: %v", err)
		}
	})
}
