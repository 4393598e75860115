package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Button actions. A button on a reply carries an action id that says what
// to do when it is pressed: run a command for the presser (ActionRun: the
// "TL;DR", "Abstract" and "More" buttons) or run it and show the result to
// the whole channel (ActionShare). ActionAsk opens a box for a question
// about the paper in the command's Args (a Discord or Slack modal); the
// question is then asked with CmdAsk, for the presser (see AskAbout).
// ActionToggle is Save or Not for us (CmdSave, CmdNotForUs) on a paper:
// DecodeAction returns its command with Toggle set, to run for the presser.
const (
	ActionRun    = "run"
	ActionShare  = "share"
	ActionAsk    = "ask"
	ActionToggle = "toggle"
)

// MaxActionLen is the longest action id, in bytes: Discord's custom_id
// limit, the smaller of the platforms'.
const MaxActionLen = 100

// actionPrefix starts every action id, versioned so a future format can
// tell old buttons still on screen from new ones.
const actionPrefix = "pb1"

// actionCommands are the commands a button may run.
var actionCommands = map[string]bool{CmdToday: true, CmdSearch: true, CmdTLDR: true, CmdAbstract: true, CmdAsk: true, CmdRelated: true,
	CmdSaved: true, CmdSave: true, CmdNotForUs: true}

// toggles are the commands of ActionToggle, and only of it.
var toggles = map[string]bool{CmdSave: true, CmdNotForUs: true}

// EncodeAction returns the action id of a button that does verb with cmd.
// It reports false when cmd cannot be carried in MaxActionLen bytes (a very
// long search); the caller then shows no button rather than a wrong one.
func EncodeAction(verb string, cmd Command) (string, bool) {
	id := strings.Join([]string{actionPrefix, verb, strconv.Itoa(cmd.Page), cmd.Name, cmd.Args}, " ")
	id = strings.TrimSuffix(id, " ")
	if len(id) > MaxActionLen || !utf8.ValidString(id) {
		return "", false
	}
	return id, true
}

// DecodeAction parses an action id made by EncodeAction. Anything else, or
// a garbled id, gives an EINVALID error with a polite message: action ids
// come back from the platform and must be treated as user input.
func DecodeAction(id string) (verb string, cmd Command, err error) {
	bad := Errorf(EINVALID, "That button is no longer valid; run the command again.")
	if len(id) > MaxActionLen || !utf8.ValidString(id) {
		return "", Command{}, bad
	}
	parts := strings.SplitN(id, " ", 5)
	if len(parts) < 4 || parts[0] != actionPrefix {
		return "", Command{}, bad
	}
	verb, name := parts[1], parts[3]
	page, perr := strconv.Atoi(parts[2])
	if (verb != ActionRun && verb != ActionShare && verb != ActionAsk && verb != ActionToggle) || !actionCommands[name] ||
		toggles[name] != (verb == ActionToggle) || perr != nil || page < 0 || page > 1000 {
		return "", Command{}, bad
	}
	cmd = Command{Name: name, Page: page}
	if len(parts) == 5 {
		cmd.Args = strings.Join(strings.Fields(parts[4]), " ")
	}
	if (name == CmdTLDR || name == CmdAbstract || verb == ActionAsk || verb == ActionToggle) && !validRef(cmd.Args) || verb == ActionAsk && name != CmdAsk {
		return "", Command{}, bad
	}
	cmd.Toggle = verb == ActionToggle
	return verb, cmd, nil
}

// AskAbout returns the command that asks question about the paper ref, for
// the question typed into an ActionAsk box. The error has code EINVALID
// when the question is empty.
func AskAbout(ref, question string) (Command, error) {
	question = strings.Join(strings.Fields(question), " ")
	if question == "" {
		return Command{}, Errorf(EINVALID, "Type a question about the paper, e.g. what did they measure?")
	}
	return Command{Name: CmdAsk, Args: ref + " " + question}, nil
}

func validRef(s string) bool {
	_, ok := ParsePaperRef(s)
	return ok
}
