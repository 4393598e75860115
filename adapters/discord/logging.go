package discord

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot/text"
)

// libraryLog is where discordgo's own log lines go: the logger and token of
// the adapter made last. discordgo has one logger for the whole process (a
// package variable), so the adapters share it; a process has one adapter.
var libraryLog atomic.Pointer[libraryLogger]

// routeOnce installs the bridge into discordgo once.
var routeOnce sync.Once

// libraryLogger sends discordgo's lines to an adapter's slog logger.
type libraryLogger struct {
	log   *slog.Logger
	token string
}

// maxLibraryLine bounds one discordgo line, in characters: some quote
// whole payloads.
const maxLibraryLine = 500

// routeLibraryLogs makes discordgo log through a.log, so that its lines
// follow log.format and log.level like every other line, and sets the
// session's level to what a.log lets through. discordgo's informational
// lines ("called", "connecting to gateway") are debug lines here.
func (a *Adapter) routeLibraryLogs() {
	libraryLog.Store(&libraryLogger{log: a.log.With("source", "discordgo"), token: a.token})
	routeOnce.Do(func() { discordgo.Logger = logLibraryLine })
	a.session.LogLevel = discordgo.LogWarning
	if a.log.Enabled(context.Background(), slog.LevelDebug) {
		a.session.LogLevel = discordgo.LogDebug
	}
}

// logLibraryLine is discordgo.Logger: one discordgo line, as one slog record
// without the token, cut to maxLibraryLine characters.
func logLibraryLine(level, _ int, format string, args ...any) {
	l := libraryLog.Load()
	if l == nil {
		return
	}
	msg := strings.TrimSpace(fmt.Sprintf(format, args...))
	if l.token != "" {
		msg = strings.ReplaceAll(msg, l.token, "REDACTED")
	}
	msg = text.Truncate(msg, maxLibraryLine)
	lv := slog.LevelDebug
	switch level {
	case discordgo.LogError:
		lv = slog.LevelError
	case discordgo.LogWarning:
		lv = slog.LevelWarn
	}
	l.log.Log(context.Background(), lv, msg)
}
