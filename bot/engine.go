package bot

import (
	"context"
	"log/slog"
	"time"

	"paperboy/bot/check"
)

// Engine answers /papers commands and runs the work behind the command line:
// today's batch, search, TL;DRs, fetching and importing. Beyond its
// collaborators it holds only the LLM calls in flight, so one Engine serves
// every adapter at once. An Engine must not be copied after first use.
type Engine struct {
	Store Store
	// Source fetches batches; nil when fetching is not configured.
	Source Source
	// Summarizer asks an LLM for TL;DRs; nil means NopSummarizer.
	Summarizer Summarizer
	// Embedder and Vectors turn on search by meaning: hybrid search,
	// related papers by vectors, and embedding papers as they arrive. Both
	// nil (or an Embedder without a model) means words alone.
	Embedder Embedder
	Vectors  Vectors
	// Background, when set, takes the embedding of a fetched batch's new
	// papers (work that needs a context) instead of Fetch doing it before
	// it returns, and must not block: `run` sets it, so that a slow
	// embeddings endpoint never holds a delivery. nil embeds in Fetch.
	Background func(work func(ctx context.Context))
	// Answerer asks an LLM to answer questions from papers; nil means
	// NopAnswerer: questions get the papers that would answer them.
	Answerer Answerer
	// Location is the timezone that decides what "today" is in chat;
	// nil means UTC.
	Location *time.Location
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Logger receives warnings (an LLM that failed, a cache write that
	// failed); nil means slog.Default().
	Logger *slog.Logger
	// PageSize is how many papers one reply shows; 0 means 10.
	PageSize int
	// SummaryTimeout bounds how long a TL;DR request waits for the LLM
	// before it falls back to Hugging Face's summary or the abstract; the
	// wait also ends 2 s before the request ctx's deadline, so that a chat
	// shows the fallback before its apology for a late reply. 0 means 20 s.
	SummaryTimeout time.Duration
	// SummaryBudget bounds the LLM call a request starts, retries
	// included. The call is not the request's: its answer is checked and
	// cached even after the user got the fallback. 0 means
	// 2 × SummaryTimeout + 10 s.
	SummaryBudget time.Duration
	// TLDRRules are the rules LLM answers are checked by (see
	// check.TLDR); the zero value is the strictest.
	TLDRRules check.Rules
	// OnTLDR, when set, is told about each TL;DR event (see TLDREvent),
	// for metrics. It is called from several goroutines at once.
	OnTLDR func(TLDREvent)
	// Channels enables /papers subscribe, unsubscribe and status; nil
	// where there is no chat platform.
	Channels *Channels
	// ReadingList enables /papers save, unsave and saved and the Save and
	// "Not for us" buttons; nil turns them off.
	ReadingList ReadingList

	tldr tldrFlights
}

// Handle answers one command. Errors are *Error values with a code and a
// message for the user (render them with ErrorReply) or, for failures the
// user cannot fix, plain errors that ErrorReply shows as "Internal error.".
func (e *Engine) Handle(ctx context.Context, cmd Command) (Reply, error) {
	switch cmd.Name {
	case CmdToday:
		return e.handleToday(ctx, cmd)
	case CmdSearch:
		return e.handleSearch(ctx, cmd)
	case CmdTLDR:
		return e.handleTLDR(ctx, cmd)
	case CmdAbstract:
		return e.handleAbstract(ctx, cmd)
	case CmdSubscribe:
		return e.handleSubscribe(ctx, cmd)
	case CmdUnsubscribe:
		return e.handleUnsubscribe(ctx, cmd)
	case CmdStatus:
		return e.handleStatus(ctx, cmd)
	case CmdTop:
		return e.handleTop(ctx, cmd)
	case CmdAsk:
		return e.handleAsk(ctx, cmd)
	case CmdRelated:
		return e.handleRelated(ctx, cmd)
	case CmdSave:
		return e.handleSave(ctx, cmd)
	case CmdNotForUs:
		return e.handleNotForUs(ctx, cmd)
	case CmdUnsave:
		return e.handleUnsave(ctx, cmd)
	case CmdSaved:
		return e.handleSaved(ctx, cmd)
	case CmdHelp, "":
		return Help(), nil
	default:
		return Reply{}, Errorf(EINVALID, "Unknown command %q. %s", shorten(cmd.Name, 40), commandList)
	}
}

// Help returns the list of commands.
func Help() Reply {
	return Reply{
		Title: "paperboy: the day's machine-learning papers",
		Text: "/papers today [YYYY-MM-DD] — the day's papers, most upvoted first\n" +
			"/papers search <words> — search every stored paper (an arXiv id or link finds that paper)\n" +
			"/papers tldr <arXiv id or link> — a one-line summary, with where it came from\n" +
			"/papers abstract <arXiv id or link> — the full abstract\n" +
			"/papers top [week|month] [YYYY-MM-DD] — the period's best papers by upvotes\n" +
			"/papers ask [<arXiv id or link>] <question> — an answer from the stored papers (or one paper), with citations\n" +
			"/papers related <arXiv id or link> — papers like that one\n" +
			"/papers save | unsave <arXiv id or link> — this channel's reading list (or press Save on a paper)\n" +
			"/papers saved [page|bibtex] — the reading list, newest first, with who saved each; as BibTeX\n" +
			"/papers subscribe | unsubscribe | status — daily posts in this channel (admins)\n" +
			"/papers help — this list",
		Ephemeral: true,
	}
}

func (e *Engine) now() time.Time { return e.Clock() }

// Clock returns the engine's current time: Now's, or the real time when
// Now is unset. Whatever works on the engine's behalf (bot/delivery) reads
// the time here.
func (e *Engine) Clock() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) location() *time.Location {
	if e.Location != nil {
		return e.Location
	}
	return time.UTC
}

func (e *Engine) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.Default()
}

func (e *Engine) summarizer() Summarizer {
	if e.Summarizer != nil {
		return e.Summarizer
	}
	return NopSummarizer{}
}

func (e *Engine) pageSize() int {
	if e.PageSize > 0 {
		return e.PageSize
	}
	return 10
}

// lookup resolves what a user typed to name a paper into a stored paper.
func (e *Engine) lookup(ctx context.Context, ref string) (Paper, error) {
	id, err := paperID(ref)
	if err != nil {
		return Paper{}, err
	}
	return e.Store.Paper(ctx, id)
}
