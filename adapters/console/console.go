// Package console is a terminal chat for paperboy: it reads /papers commands
// line by line and prints the replies as plain text. It is what `paperboy run`
// uses when no chat platform is configured, so paperboy can be tried, demoed
// and scripted with no tokens at all:
//
//	printf '/papers today\n/papers search diffusion\n' | paperboy
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"paperboy/bot"
)

// Handler answers commands; *bot.Engine implements it.
type Handler interface {
	Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error)
}

// Adapter is the console chat.
type Adapter struct {
	In      io.Reader
	Out     io.Writer
	Handler Handler
	// Interactive prints a greeting and a prompt; set it when In is a
	// terminal. Without it every line is answered and nothing else printed.
	Interactive bool
	// Timeout bounds one answer; 0 means bot.DefaultAnswerTimeout.
	Timeout time.Duration
	// Logger receives internal errors and panics of commands; nil means
	// slog.Default().
	Logger *slog.Logger
}

// New returns a console adapter reading commands from in and writing replies
// to out.
func New(h Handler, in io.Reader, out io.Writer, interactive bool) *Adapter {
	return &Adapter{In: in, Out: out, Handler: h, Interactive: interactive}
}

// Run answers lines until the input ends, the user types "quit" or ctx is
// cancelled. It returns nil in all three cases, and an error only when
// reading or writing fails.
func (a *Adapter) Run(ctx context.Context) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	done := make(chan struct{})
	defer close(done)
	go a.read(lines, errc, done)
	if a.Interactive {
		fmt.Fprintln(a.Out, "paperboy console: type /papers help, or quit to leave.")
		a.prompt()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			return err
		case line := <-lines:
			if done := a.answer(ctx, line); done {
				return nil
			}
			a.prompt()
		}
	}
}

// read sends the input's lines to lines, then nil (at the end) or the read
// error to errc. It is the only goroutine Run starts; it ends with the input,
// or at the next line once Run has returned and closed done.
func (a *Adapter) read(lines chan<- string, errc chan<- error, done <-chan struct{}) {
	sc := bufio.NewScanner(a.In)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		select {
		case lines <- sc.Text():
		case <-done:
			return
		}
	}
	if err := sc.Err(); err != nil {
		errc <- fmt.Errorf("read console input: %w", err)
		return
	}
	errc <- nil
}

// answer handles one line and reports whether the user asked to leave.
func (a *Adapter) answer(ctx context.Context, line string) bool {
	line = strings.TrimSpace(line)
	switch strings.ToLower(line) {
	case "":
		return false
	case "quit", "exit", "/quit", "/exit":
		return true
	}
	defer bot.Recover(a.Logger, "console", func() { fmt.Fprint(a.Out, Render(bot.ErrorReply(errInternal))) })
	cmd, err := bot.ParseCommand(line)
	reply := bot.ErrorReply(err)
	if err == nil {
		cmd.Platform, cmd.Channel, cmd.User, cmd.Admin = "console", "console", "console", true
		reply = bot.Answer(ctx, a.Handler, cmd, a.Timeout, a.Logger)
	}
	fmt.Fprint(a.Out, Render(reply))
	return false
}

// errInternal is what the user sees when answering a line panicked.
var errInternal = bot.Errorf(bot.EINTERNAL, "Internal error.")

func (a *Adapter) prompt() {
	if a.Interactive {
		fmt.Fprint(a.Out, "> ")
	}
}
