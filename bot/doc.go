// Package bot is paperboy's core: what a paper, a day's batch, a command, a
// reply and an error are, and the engine that answers commands; its
// subpackages are rooms of it, such as bot/delivery, which delivers the
// daily batch. Everything else is a plug that bot defines the shape of and
// never imports.
//
// # What lives here
//
//   - The domain: Paper, Batch, Item (a paper read from a file or a
//     source), Command, Reply and Card, Error with its codes (EINVALID,
//     ENOTFOUND, EUNAVAILABLE, ...), Subscription, Delivery and Claim,
//     Period and the default schedules of weeks and months.
//   - The interfaces bot consumes, each small and owned here: Store,
//     Source, Chat, Summarizer, Answerer, Embedder, Vectors, Ledger,
//     Signals. store implements the storage ones; adapters/hf and
//     adapters/arxiv are Sources; adapters/discord, adapters/slack,
//     adapters/email and adapters/console are Chats; summarize is the
//     Summarizer, Answerer and Embedder.
//   - The Engine: /papers today, search (words, and meaning when an
//     Embedder is set), tldr with its cache, ask, related, top, subscribe;
//     Fetch and Importer, which store papers.
//   - The policies every package calls instead of writing its own: Retry,
//     RetryAfter (the one Retry-After reader, with the one cap), Sleep and
//     Later (waiting on a remote), Budget (a rate limit shared across
//     replicas, with the map of paperboy's limiters) and NewTransport
//     (every outbound HTTP client's transport) with IsHTTPURL, Secret
//     (redaction), the limits of a paper and Paper.Limit, which makes every
//     paper fit to store before a store sees it (limits.go). Text cleaning lives in bot/text, the
//     checks of LLM output in bot/check.
//
// # The import rule
//
// bot imports the standard library only, and so does each of its
// subpackages (besides bot itself); .ci/lint checks it. Dependencies point
// at bot: adapters, store and summarize import bot and never each other,
// and only cmd/paperboy wires them together.
//
// # Rooms
//
// A new concern gets its own leaf package under bot/, with a package doc
// saying what lives there and what it may import:
//
//   - bot/text: text cleaning for people (hard wraps, TeX to Unicode,
//     invisible characters), Extractive and Sentences, and the one way
//     paperboy cuts text to a limit (Truncate, CutBytes, CutRunes), and
//     Plural for counts in prose. A leaf:
//     the standard library only; everything may import it.
//   - bot/bottest: hand-written fakes of bot's interfaces, for tests only.
//   - bot/internal/abstracts: the real abstracts fixture, for the tests
//     inside bot/text and bot/check (which bottest cannot serve).
//   - bot/taste: the taste model, which places papers for a channel from
//     its saves and "not for us" marks (Signal, Card.Why).
//   - bot/check: the checks every LLM answer passes before anyone sees
//     it (a TL;DR, an answer with its citations, the arXiv ids an answer
//     names), with Rules for what counts as a link. Imports bot/text and
//     the standard library; it knows nothing of Paper, so callers pass ids
//     and counts.
//   - bot/delivery: the Deliverer and Scheduler, which post each batch
//     to every subscribed channel exactly once through the Ledger (leases,
//     fan-out per platform, catch-up digests, notices, refreshing the
//     day's post, week and month digests). Imports bot and bot/text; bot
//     never imports it: the subscribe command reaches the scheduler
//     through the functions of Channels, which cmd/paperboy fills.
//   - bot/cite: reading and writing reference lists (BibTeX, CSL JSON,
//     lists of arXiv ids) for `saved --bibtex` and importing saves.
package bot
