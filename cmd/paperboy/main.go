// Command paperboy delivers the day's machine-learning papers to the chats
// where teams already talk. See README.md for the commands and configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"paperboy/bot"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	err := m.Run(ctx, os.Args[1:])
	m.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "paperboy: %s\n", errorLine(err))
	}
	os.Exit(exitCode(err))
}

// Main is the program, separated from main() so tests can run it with their
// own arguments, input, output and environment.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// StdinIsTerminal makes the console interactive (a prompt, a greeting).
	StdinIsTerminal bool
	// StderrIsTerminal shows progress bars (import) on Stderr.
	StderrIsTerminal bool

	// sleep, when set, is the sources', the LLM's and the embeddings' wait:
	// between tries and arXiv's spacing of its requests (tests set it, so
	// that a fake source's answers come at once and a test's time is not
	// the machine's).
	sleep func(context.Context, time.Duration) error

	closers []func() error
}

// NewMain returns a Main wired to the process's standard streams and
// environment.
func NewMain() *Main {
	return &Main{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		StdinIsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		StderrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// Close releases what Run opened (the database). It is safe to call twice.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}

// command is one subcommand: its flags and what it does with its arguments.
type command struct {
	usage string // one line: "search [--json] [--limit N] QUERY..."
	help  string
	run   func(ctx context.Context, m *Main, o *options, args []string) error
	flags func(fs *flag.FlagSet, o *options)
}

// commands lists the subcommands of the contract in product.md. It is
// filled in init because help refers to it.
var commands map[string]*command

func init() {
	commands = map[string]*command{
		"run":        runCommand,
		"import":     importCommand,
		"fetch":      fetchCommand,
		"today":      todayCommand,
		"search":     searchCommand,
		"tldr":       tldrCommand,
		"ask":        askCommand,
		"related":    relatedCommand,
		"embed":      embedCommand,
		"post":       postCommand,
		"top":        topCommand,
		"refresh":    refreshCommand,
		"export":     exportCommand,
		"copy-store": copyStoreCommand,
		"save":       saveCommand,
		"unsave":     unsaveCommand,
		"saved":      savedCommand,
		"status":     statusCommand,
		"discord":    discordCommand,
		"version":    versionCommand,
		"help":       helpCommand,
	}
}

// commandOrder is the order commands appear in the usage text.
var commandOrder = []string{"run", "import", "fetch", "today", "search", "tldr", "top", "ask", "related", "embed", "post", "refresh", "save", "unsave", "saved", "status", "export", "copy-store", "discord", "version", "help"}

// options holds the flags every command accepts and those some do.
type options struct {
	config   string
	db       string
	noExpand bool
	json     bool
	date     string
	limit    int
	dryRun   bool
	// week and month are top's period flags.
	week, month bool
	// batch and concurrency are embed's --batch and --concurrency.
	batch, concurrency int
	// from, to and resume are copy-store's.
	from, to string
	resume   bool
	// categories is import's --categories; nil when not given.
	categories categoryFilter
	// signal holds the flags of save, unsave and saved.
	signal signalOptions
}

// Run runs the command line args (without the program name).
func (m *Main) Run(ctx context.Context, args []string) error {
	name, rest := "run", args
	// Global flags may come before the command; find the command name.
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			name, rest = a, append(append([]string(nil), args[:i]...), args[i+1:]...)
			break
		}
		if a == "-h" || a == "-help" || a == "--help" { // before any command: the command list
			name, rest = "help", nil
			break
		}
		if (a == "--config" || a == "-config" || a == "--db" || a == "-db") && i+1 < len(args) {
			i++
		}
	}
	cmd, ok := commands[name]
	if !ok {
		return usageErrorf("unknown command %q; run `paperboy help` for the list", name)
	}
	o := &options{}
	fs := newFlagSet(name, o, cmd)
	pos, err := parseInterleaved(fs, rest)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return helpCommand.run(ctx, m, o, []string{name})
		}
		return usageErrorf("%s: %v; run `paperboy help %s`", name, err, name)
	}
	return cmd.run(ctx, m, o, pos)
}

func newFlagSet(name string, o *options, cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.config, "config", "", "configuration file (default $PAPERBOY_CONFIG, else ./paperboy.yaml if it exists)")
	fs.Func("db", "the database `PATH|URL`: a SQLite file or a postgres:// URL (default $PAPERBOY_DB, else the config's database)", func(s string) error {
		if strings.TrimSpace(s) == "" {
			// Not "use the default": an empty --db is a script's unset variable.
			return errors.New("empty; name the database file, e.g. --db paperboy.db (or a postgres:// URL), or leave --db out")
		}
		o.db = s
		return nil
	})
	fs.BoolVar(&o.noExpand, "no-expand-env", false, "do not expand ${VAR} in the configuration file")
	if cmd.flags != nil {
		cmd.flags(fs, o)
	}
	return fs
}

// parseInterleaved parses flags wherever they appear among the positional
// arguments, so `paperboy search diffusion --limit 3` works. Everything after
// "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// usageError marks bad usage: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// exitCode maps an error to the exit status of the contract: 0 ok, 1
// failure, 2 bad usage or bad configuration.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue), bot.ErrorCode(err) == bot.EINVALID:
		return 2
	default:
		return 1
	}
}

// errorLine is the one line printed after "paperboy: ": a coded error's
// message, or the wrapped error chain for anything else.
func errorLine(err error) string {
	var e *bot.Error
	if errors.As(err, &e) {
		return oneLine(e.Message)
	}
	return oneLine(err.Error())
}
