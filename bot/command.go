package bot

import (
	"strconv"
	"strings"

	"paperboy/bot/text"
)

// Command names: the subcommands of /papers.
const (
	CmdToday       = "today"
	CmdSearch      = "search"
	CmdTLDR        = "tldr"
	CmdAbstract    = "abstract"
	CmdSubscribe   = "subscribe"
	CmdUnsubscribe = "unsubscribe"
	CmdStatus      = "status"
	CmdTop         = "top"
	CmdHelp        = "help"
	CmdAsk         = "ask"
	CmdRelated     = "related"
	CmdSave        = "save"
	CmdUnsave      = "unsave"
	CmdSaved       = "saved"
	// CmdNotForUs is the "Not for us" button's command; it is not typed.
	CmdNotForUs = "notforus"
)

// Command is one /papers request, from any platform. Adapters fill in where it
// came from; the engine does not care which platform that is.
type Command struct {
	// Name is one of the Cmd… constants.
	Name string
	// Args is the rest of the command text: a date, a query, a paper.
	Args string
	// Page is the 0-based page of results, for "More" buttons.
	Page int

	Platform string // "discord", "slack", "console"
	Channel  string // the channel the command was typed in
	User     string // the platform's user id
	// UserName is how the user shows on the platform (a nick or display
	// name), kept as text with their saves; "" when unknown.
	UserName string
	// Toggle marks a button press of Save or Not for us: pressing again
	// undoes the first press (see DecodeAction).
	Toggle bool
	// Admin reports whether the adapter verified that User may change the
	// channel's subscription.
	Admin bool
	// Admins says who may change subscriptions on the platform, for the
	// message that refuses everyone else, e.g. "members with Manage
	// Channels"; "" means "channel admins".
	Admins string
}

// ParseCommand parses the text of a /papers command as a user types it:
// "/papers search diffusion models", "papers today 2026-08-19", or just
// "tldr 2401.01335". It forgives extra spaces and letter case in the
// subcommand. An empty text is help; an unknown subcommand gives an EINVALID
// error whose message lists the commands.
func ParseCommand(text string) (Command, error) {
	text = strings.TrimSpace(text)
	if rest, ok := cutWord(text, "/papers"); ok {
		text = rest
	} else if rest, ok := cutWord(text, "papers"); ok {
		text = rest
	}
	name, args, _ := strings.Cut(text, " ")
	name = strings.ToLower(strings.TrimSpace(name))
	cmd := Command{Name: name, Args: strings.Join(strings.Fields(args), " ")}
	switch name {
	case "":
		cmd.Name = CmdHelp
	case CmdToday, CmdSearch, CmdTLDR, CmdAbstract, CmdSubscribe, CmdUnsubscribe, CmdStatus, CmdTop, CmdHelp, CmdAsk, CmdRelated,
		CmdSave, CmdUnsave, CmdSaved:
	case "find", "s":
		cmd.Name = CmdSearch
	case "summary", "summarize", "tl;dr":
		cmd.Name = CmdTLDR
	default:
		return Command{}, Errorf(EINVALID, "Unknown command %q. %s", shorten(name, 40), commandList)
	}
	switch cmd.Name {
	case CmdSearch:
		cmd.Args, cmd.Page = cutPage(cmd.Args)
	case CmdSaved:
		cmd.Args, cmd.Page = cutSavedPage(cmd.Args)
	}
	return cmd, nil
}

// commandList names the commands, for error messages.
const commandList = "Try /papers today, /papers search <words>, /papers tldr <arXiv id or link>, or /papers help."

// cutWord removes word (case-insensitively) from the start of s when it is a
// whole word there.
func cutWord(s, word string) (string, bool) {
	if len(s) < len(word) || !strings.EqualFold(s[:len(word)], word) {
		return s, false
	}
	rest := s[len(word):]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return s, false
	}
	return strings.TrimSpace(rest), true
}

// cutPage takes a trailing "page N" (1-based, as users count) off a search
// query and returns the 0-based page.
func cutPage(args string) (string, int) {
	fields := strings.Fields(args)
	if n := len(fields); n >= 2 && strings.EqualFold(fields[n-2], "page") {
		if p, err := strconv.Atoi(fields[n-1]); err == nil && p >= 1 && p <= 1000 {
			return strings.Join(fields[:n-2], " "), p - 1
		}
	}
	return args, 0
}

// cutSavedPage reads the arguments of /papers saved: "bibtex" or nothing,
// then a page as "N" or "page N".
func cutSavedPage(args string) (string, int) {
	args, page := cutPage(args)
	fields := strings.Fields(args)
	if n := len(fields); page == 0 && n > 0 {
		if p, err := strconv.Atoi(fields[n-1]); err == nil && p >= 1 && p <= 1000 {
			return strings.Join(fields[:n-1], " "), p - 1
		}
	}
	return strings.ToLower(args), page
}

// String returns the command as a user would type it, e.g. for a "More"
// button that repeats a search on the next page.
func (c Command) String() string {
	s := "/papers " + c.Name
	if c.Args != "" {
		s += " " + c.Args
	}
	// A search for words that end in "page N" needs its page spelled out,
	// or parsing the text again would take those words for the page.
	if rest, _ := cutPage(c.Args); c.Page > 0 || c.Name == CmdSearch && rest != c.Args {
		s += " page " + strconv.Itoa(c.Page+1)
	}
	return s
}

// shorten cuts s to at most n bytes on a rune boundary, for echoing input,
// marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return text.CutBytes(s, n) + "…"
}
