package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"paperboy/bot/text"
)

// The reading list in chat: /papers save, unsave and saved, and the Save
// and "Not for us" buttons (Command.Toggle), which any member may press.
// A save is the channel's (everyone sees the list, with who saved each
// paper); a "Not for us" is one person's, answered only to them.

// errNoReadingList answers the reading list's commands where no store
// keeps signals.
var errNoReadingList = Errorf(EUNAVAILABLE, "The reading list is not available here.")

// maxSignalName bounds the name kept with a signal, in characters.
const maxSignalName = 80

// signalFor returns the signal cmd gives about paper id: the command's
// user, and its channel, or the channel whose day's thread it came from.
func (e *Engine) signalFor(ctx context.Context, cmd Command, kind, id string) (Signal, error) {
	channel, err := e.listChannel(ctx, cmd)
	if err != nil {
		return Signal{}, err
	}
	name := text.Truncate(text.CleanTitle(strings.TrimPrefix(strings.TrimSpace(cmd.UserName), "@")), maxSignalName)
	return Signal{Platform: cmd.Platform, Channel: channel, PaperID: id,
		User: cmp.Or(cmd.User, cmd.Platform), Name: name, Kind: kind, At: e.now()}, nil
}

// listChannel is the channel whose reading list cmd is about: its own, or
// the one whose day's thread it came from.
func (e *Engine) listChannel(ctx context.Context, cmd Command) (string, error) {
	parent, err := e.ReadingList.ThreadChannel(ctx, cmd.Platform, cmd.Channel)
	return cmp.Or(parent, cmd.Channel), err
}

// handleSave saves a paper for the channel; a Save button pressed again
// takes the presser's save back.
func (e *Engine) handleSave(ctx context.Context, cmd Command) (Reply, error) {
	p, s, err := e.paperSignal(ctx, cmd, SignalSave)
	if err != nil {
		return Reply{}, err
	}
	added, err := e.ReadingList.AddSignal(ctx, s)
	if err != nil {
		return Reply{}, err
	}
	title := quoteTitle(p)
	switch {
	case added:
		return notice("Saved %s to this channel's reading list; /papers saved shows it.", title), nil
	case !cmd.Toggle:
		return notice("You saved %s already; it is on this channel's reading list.", title), nil
	}
	if _, err := e.ReadingList.RemoveSignal(ctx, s); err != nil {
		return Reply{}, err
	}
	return notice("Took back your save of %s.", title), nil
}

// handleNotForUs records one person's quiet "fewer like this"; pressed
// again, it takes it back. Only the presser ever sees the answer.
func (e *Engine) handleNotForUs(ctx context.Context, cmd Command) (Reply, error) {
	p, s, err := e.paperSignal(ctx, cmd, SignalNotForUs)
	if err != nil {
		return Reply{}, err
	}
	added, err := e.ReadingList.AddSignal(ctx, s)
	if err != nil || added {
		return notice("Noted, fewer like this."), err
	}
	if _, err := e.ReadingList.RemoveSignal(ctx, s); err != nil {
		return Reply{}, err
	}
	return notice("Undone: %s counts like any other paper again.", quoteTitle(p)), nil
}

// paperSignal looks up the command's paper and makes the signal of the
// given kind that the command gives it.
func (e *Engine) paperSignal(ctx context.Context, cmd Command, kind string) (Paper, Signal, error) {
	if e.ReadingList == nil {
		return Paper{}, Signal{}, errNoReadingList
	}
	p, err := e.lookup(ctx, cmd.Args)
	if err != nil {
		return Paper{}, Signal{}, err
	}
	s, err := e.signalFor(ctx, cmd, kind, p.ID)
	return p, s, err
}

// handleUnsave takes a paper off the channel's reading list, whoever saved
// it: the list is the team's to keep tidy.
func (e *Engine) handleUnsave(ctx context.Context, cmd Command) (Reply, error) {
	if e.ReadingList == nil {
		return Reply{}, errNoReadingList
	}
	id, err := paperID(cmd.Args)
	if err != nil {
		return Reply{}, err
	}
	s, err := e.signalFor(ctx, cmd, SignalSave, id)
	if err != nil {
		return Reply{}, err
	}
	s.User = ""
	n, err := e.ReadingList.RemoveSignal(ctx, s)
	if err != nil {
		return Reply{}, err
	}
	title := id
	if p, err := e.Store.Paper(ctx, id); err == nil {
		title = quoteTitle(p)
	}
	if n == 0 {
		return notice("%s is not on this channel's reading list.", title), nil
	}
	return notice("Took %s off this channel's reading list.", title), nil
}

// paperID parses what a user typed to name a paper.
func paperID(ref string) (string, error) {
	if ref == "" {
		return "", Errorf(EINVALID, "Name a paper: an arXiv id like 2401.01335 or an arxiv.org or huggingface.co/papers link.")
	}
	id, ok := ParsePaperRef(ref)
	if !ok {
		return "", Errorf(EINVALID, "%q is not an arXiv id or paper link; use an id like 2401.01335 or an arxiv.org or huggingface.co/papers link.", shorten(ref, 80))
	}
	return id, nil
}

// quoteTitle is a paper's cleaned title in quotes, for answers.
func quoteTitle(p Paper) string {
	if t := text.Truncate(text.CleanTitle(p.Title), 120); t != "" {
		return "“" + t + "”"
	}
	return p.ID
}

// notice is an answer for the asker alone.
func notice(format string, args ...any) Reply {
	return Reply{Text: fmt.Sprintf(format, args...), Ephemeral: true}
}
