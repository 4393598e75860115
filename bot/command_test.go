package bot_test

import (
	"strings"
	"testing"

	"paperboy/bot"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		in   string
		name string
		args string
		page int
	}{
		{"/papers today", bot.CmdToday, "", 0},
		{"  /papers   TODAY   2026-08-19 ", bot.CmdToday, "2026-08-19", 0},
		{"papers search  diffusion   models", bot.CmdSearch, "diffusion models", 0},
		{"search diffusion page 3", bot.CmdSearch, "diffusion", 2},
		{"search page", bot.CmdSearch, "page", 0},
		{"/PAPERS tldr 2401.01335v2", bot.CmdTLDR, "2401.01335v2", 0},
		{"/papers", bot.CmdHelp, "", 0},
		{"", bot.CmdHelp, "", 0},
		{"/papers help", bot.CmdHelp, "", 0},
		{"/paperssearch x", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			cmd, err := bot.ParseCommand(tt.in)
			if tt.name == "" {
				if bot.ErrorCode(err) != bot.EINVALID {
					t.Fatalf("err=%v, want EINVALID", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cmd.Name != tt.name || cmd.Args != tt.args || cmd.Page != tt.page {
				t.Fatalf("got %q %q page %d, want %q %q page %d", cmd.Name, cmd.Args, cmd.Page, tt.name, tt.args, tt.page)
			}
		})
	}
	t.Run("ErrUnknown", func(t *testing.T) {
		_, err := bot.ParseCommand("/papers frobnicate " + strings.Repeat("x", 10000))
		if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(bot.ErrorMessage(err), "/papers help") {
			t.Fatalf("err=%v, want EINVALID pointing at help", err)
		}
	})
}

func TestCommand_String(t *testing.T) {
	cmd, err := bot.ParseCommand("/papers search graph networks page 2")
	if err != nil {
		t.Fatal(err)
	}
	cmd.Page++
	if got, want := cmd.String(), "/papers search graph networks page 3"; got != want {
		t.Fatalf("String()=%q, want %q", got, want)
	}
	again, _ := bot.ParseCommand(cmd.String())
	if again.Page != cmd.Page || again.Args != cmd.Args {
		t.Fatalf("round trip: %+v, want %+v", again, cmd)
	}

	// Words that end like a page keep their first page explicit (found by
	// FuzzParseCommand).
	cmd = bot.Command{Name: bot.CmdSearch, Args: "pAge 2"}
	if got, want := cmd.String(), "/papers search pAge 2 page 1"; got != want {
		t.Fatalf("String()=%q, want %q", got, want)
	}
	if again, _ := bot.ParseCommand(cmd.String()); again.Args != "pAge 2" || again.Page != 0 {
		t.Fatalf("round trip: %+v", again)
	}
}

func TestParsePaperRef(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"2401.01335", "2401.01335"},
		{"2401.01335v2", "2401.01335"},
		{"arXiv:2401.01335", "2401.01335"},
		{"0704.0001", "0704.0001"},
		{"hep-th/9901001", "hep-th/9901001"},
		{"hep-th/9901001v3", "hep-th/9901001"},
		{"math.AG/0601001", "math.AG/0601001"},
		{"https://arxiv.org/abs/2401.01335v2", "2401.01335"},
		{"http://arxiv.org/pdf/2401.01335v1.pdf", "2401.01335"},
		{"https://arxiv.org/pdf/2401.01335", "2401.01335"},
		{"https://www.arxiv.org/abs/hep-th/9901001", "hep-th/9901001"},
		{"https://export.arxiv.org/abs/2401.01335", "2401.01335"},
		{"arxiv.org/abs/2401.01335", "2401.01335"},
		{"<https://arxiv.org/abs/2401.01335>", "2401.01335"},
		{"https://huggingface.co/papers/2608.12313", "2608.12313"},
		{"https://huggingface.co/papers/2608.12313#community", "2608.12313"},
		{"https://hf.co/papers/2608.12313", "2608.12313"},
		{"x-0123456789abcdef", "x-0123456789abcdef"},
		{"not-a-paper", ""},
		{"2401.1", ""},
		{"12345.67890", ""},
		{"https://example.com/abs/2401.01335", ""},
		{"https://huggingface.co/models/2401.01335", ""},
		{"javascript:alert(1)", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := bot.ParsePaperRef(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ParsePaperRef(%q)=%q,%v, want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestDerivedID(t *testing.T) {
	a := bot.DerivedID("Dark Humor\n  Understanding")
	b := bot.DerivedID("dark humor understanding")
	if a != b {
		t.Fatalf("DerivedID differs for the same title: %s vs %s", a, b)
	}
	if id, ok := bot.ParsePaperRef(a); !ok || id != a {
		t.Fatalf("ParsePaperRef(%q)=%q,%v: derived ids must round-trip", a, id, ok)
	}
	if a == bot.DerivedID("Another title") {
		t.Fatal("different titles gave the same id")
	}
}

func TestErrorMessage(t *testing.T) {
	if got, want := bot.ErrorMessage(bot.Errorf(bot.ENOTFOUND, "No paper %s.", "x")), "No paper x."; got != want {
		t.Fatalf("ErrorMessage=%q, want %q", got, want)
	}
	if got, want := bot.ErrorMessage(errString("open /secret/path: permission denied")), "Internal error."; got != want {
		t.Fatalf("ErrorMessage=%q, want %q", got, want)
	}
	if got, want := bot.ErrorCode(nil), ""; got != want {
		t.Fatalf("ErrorCode(nil)=%q, want %q", got, want)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://arxiv.org/abs/1":      "https://arxiv.org/abs/1",
		"http://github.com/x/y":        "http://github.com/x/y",
		"javascript:alert(1)":          "",
		"https://x.org/a b":            "",
		"/avatars/x.svg":               "",
		"ftp://x.org/f":                "",
		"https://x.org/<script>":       "",
		"https://ok.org/path?q=1&r=2":  "https://ok.org/path?q=1&r=2",
		"  https://trim.org/x  ":       "https://trim.org/x",
		"https://evil.org/\n@everyone": "",
	} {
		if got := bot.SafeURL(in); got != want {
			t.Errorf("SafeURL(%q)=%q, want %q", in, got, want)
		}
	}
}
