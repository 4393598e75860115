package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"paperboy/bot/taste"
)

// How a subscription orders its candidates before top cuts them.
const (
	// RankUpvotes keeps the source's order: Hugging Face's upvotes, or
	// arXiv's newest first.
	RankUpvotes = "upvotes"
	// RankTaste orders by the channel's model: its saves, "not for us"
	// marks and interest sentence (see Taste).
	RankTaste = "taste"
	// RankAuto is RankUpvotes until the channel has saves or an interest
	// sentence, then RankTaste. It is the default.
	RankAuto = "auto"
)

// ParseRank checks a rank setting: "" means RankAuto.
func ParseRank(s string) (string, error) {
	switch k := strings.ToLower(strings.TrimSpace(s)); k {
	case "", RankAuto:
		return RankAuto, nil
	case RankUpvotes, RankTaste:
		return k, nil
	}
	return "", Errorf(EINVALID, "%q is not a ranking; use upvotes, taste or auto.", shorten(s, 20))
}

// TasteStore keeps the corpus ranking by taste learns from, and what it
// learnt: the vocabulary and each channel's model, shared by every
// process on the database. store.DB implements it.
type TasteStore interface {
	// Paper returns the stored paper with the canonical id; the error has
	// code ENOTFOUND when there is none.
	Paper(ctx context.Context, id string) (Paper, error)
	// TasteCorpus returns the limit papers stored last, newest first (none
	// when limit is 0), and how many papers are stored.
	TasteCorpus(ctx context.Context, limit int) ([]Paper, int, error)
	// TasteState returns the state stored under name; the error has code
	// ENOTFOUND when there is none. Without data, only its Fingerprint and
	// Papers are read.
	TasteState(ctx context.Context, name string, data bool) (TasteState, error)
	// SaveTasteState stores s under its name, replacing what was there.
	SaveTasteState(ctx context.Context, s TasteState) error
}

// TasteState is one learnt thing, encoded: the vocabulary, or a channel's
// model. Fingerprint says what it was made from, Papers how many papers
// were stored then.
type TasteState struct {
	Name        string
	Fingerprint string
	Papers      int
	Data        []byte
}

// Taste ranks a channel's candidates by what the channel reads (package
// taste): the channel's signals train a model over the stored corpus's
// vocabulary. The vocabulary is built from the papers stored last and
// kept in the store, rebuilt only when the store has grown by Regrow; a
// channel's model is kept there too, retrained when its signals, its
// interest sentence or the vocabulary change. One process holds one
// vocabulary and at most maxModels models, so memory grows with the
// vocabulary, not with the channels. A held model is used only while the
// channel's signals, sentence and vocabulary give its fingerprint, which
// is computed from the store on every ranking: a save, wherever it was
// made, reaches the next ranking. A Taste is safe for concurrent use.
type Taste struct {
	Store   TasteStore
	Signals Signals
	// Options and Vocabulary tune the model; zero values mean
	// taste.DefaultOptions and taste.DefaultVocabulary.
	Options    taste.Options
	Vocabulary taste.VocabularyOptions
	// Corpus is how many of the papers stored last each model is trained
	// against (its weak negatives); 0 means 4,000.
	Corpus int
	// VocabularyPapers is how many of the papers stored last the
	// vocabulary is built from; 0 means 20,000. idf from 20,000 papers is
	// as good as from 300,000 and builds in seconds.
	VocabularyPapers int
	// Regrow is the growth of the store, as a share of the papers the
	// vocabulary saw, that rebuilds it; 0 means 0.1.
	Regrow float64
	// Popularity blends in the day's upvotes (see taste.Rank); 0 means
	// none. DefaultPopularity is what paperboy runs with.
	Popularity float64
	Logger     *slog.Logger

	mu    sync.Mutex
	vocab *taste.Vocabulary
	built TasteState // the vocabulary's state, without data
	// vectors caches papers' vectors in vocab, at most maxVectors.
	vectors map[string]taste.Vector
	// models caches decoded models by state name, at most maxModels.
	models map[string]heldModel
}

// heldModel is a decoded model and the fingerprint it was made from.
type heldModel struct {
	fingerprint string
	m           taste.Model
}

// maxModels bounds the model cache: at about 250 KB a decoded model, 4 MB,
// whatever the number of channels. It serves a channel ranked again soon
// (a preview, a post planned again); a fan-out to many channels reads
// each model once anyway.
const maxModels = 16

// maxVectors bounds the vector cache: a corpus of training papers and a
// few days of candidates. At about 1.5 KB a vector, 12 MB at most.
const maxVectors = 8000

// paper returns p as the model reads it, with its vector in v, from the
// cache when it is there.
func (t *Taste) paper(v *taste.Vocabulary, p Paper) taste.Paper {
	d := taste.Doc{ID: p.ID, Title: p.Title, Abstract: p.Abstract}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.vocab != v {
		return v.Paper(d)
	}
	if x, ok := t.vectors[p.ID]; ok {
		return taste.Paper{Doc: d, Vector: x}
	}
	tp := v.Paper(d)
	if len(t.vectors) >= maxVectors {
		clear(t.vectors)
	}
	t.vectors[p.ID] = tp.Vector
	return tp
}

// DefaultPopularity is the weight of a paper's standardised log upvotes
// beside its taste score, on a day from Hugging Face: a paper about two
// spreads above the day's usual upvotes gains what a paper a third of a
// spread more to the channel's taste has. On the taste benchmark it costs
// about a point (docs/benchmarks.md).
const DefaultPopularity = 0.15

// vocabularyState is the name of the vocabulary's TasteState.
const vocabularyState = "vocabulary"

// Ranking is a subscription's candidates in order, and for those placed
// by taste, the reason of each.
type Ranking struct {
	Papers []Paper
	// By is RankTaste when the channel's taste ordered the papers, else
	// RankUpvotes.
	By  string
	Why map[string]string
}

// Order ranks the candidates of sub (already filtered): by taste when the
// subscription asks for it (RankTaste, or RankAuto once the channel has
// saves or interests), else in their order. A failure of the store falls
// back to their order, with a warning: a day's post is never held back by
// its ranking.
func (t *Taste) Order(ctx context.Context, sub Subscription, papers []Paper) Ranking {
	plain := Ranking{Papers: papers, By: RankUpvotes}
	rank, _ := ParseRank(sub.Rank)
	if t == nil || rank == RankUpvotes || len(papers) == 0 {
		return plain
	}
	r, err := t.order(ctx, sub, papers)
	if err != nil {
		t.logger().Warn("ranking by taste failed; keeping the source's order",
			"platform", sub.Platform, "channel", sub.Channel, "error", err)
		return plain
	}
	if r.By == "" {
		return plain
	}
	return r
}

func (t *Taste) order(ctx context.Context, sub Subscription, papers []Paper) (Ranking, error) {
	lesson, err := t.signals(ctx, sub)
	if err != nil || lesson.empty() {
		return Ranking{}, err
	}
	v, err := t.vocabulary(ctx)
	if err != nil {
		return Ranking{}, err
	}
	m, err := t.model(ctx, v, sub, lesson)
	if err != nil {
		return Ranking{}, err
	}
	return t.rankBy(m, v, papers, sub.Top), nil
}

// rankBy orders papers by model m, blending in upvotes when they have any.
// The first top papers (all when top is 0) get their reason.
func (t *Taste) rankBy(m taste.Model, v *taste.Vocabulary, papers []Paper, top int) Ranking {
	popularity := t.Popularity
	tp := make([]taste.Paper, len(papers))
	ups := make([]int, len(papers))
	anyUp := false
	for i, p := range papers {
		tp[i], ups[i] = t.paper(v, p), p.Upvotes
		anyUp = anyUp || p.Upvotes > 0
	}
	if !anyUp {
		popularity = 0
	}
	if top <= 0 {
		top = -1
	}
	r := Ranking{By: RankTaste, Why: make(map[string]string, min(len(papers), max(top, 0)))}
	for _, x := range taste.Rank(m, tp, ups, popularity, top) {
		p := papers[x.Index]
		r.Papers = append(r.Papers, p)
		if x.Why != "" {
			r.Why[p.ID] = x.Why
		}
	}
	return r
}

// tasteDoc is what the model reads of a paper: title and abstract, never
// Hugging Face's keywords or AI summary. The text is not cleaned: the
// model reads only words, so TeX markup costs a few rare terms, and
// cleaning costs more than the rest of ranking. Reasons clean the titles
// they quote.
func tasteDoc(p Paper) taste.Doc {
	return taste.Doc{ID: p.ID, Title: p.Title, Abstract: p.Abstract}
}

// lesson is what a channel said, by paper id.
type lesson struct {
	interests       string
	saves, notForUs []string
}

func (l lesson) empty() bool { return len(l.saves) == 0 && strings.TrimSpace(l.interests) == "" }

// signals reads the channel's saves and "not for us" marks. A paper both
// saved and marked counts as saved: someone in the channel wants it.
func (t *Taste) signals(ctx context.Context, sub Subscription) (lesson, error) {
	l := lesson{interests: strings.TrimSpace(sub.Interests)}
	if t.Signals == nil {
		return l, nil
	}
	sigs, err := t.Signals.ChannelSignals(ctx, sub.Platform, sub.Channel)
	if err != nil {
		return l, fmt.Errorf("read signals: %w", err)
	}
	saved := map[string]bool{}
	for _, s := range sigs {
		if s.Kind == SignalSave {
			saved[s.PaperID] = true
		}
	}
	marked := map[string]bool{}
	for _, s := range sigs {
		if s.Kind == SignalNotForUs && !saved[s.PaperID] {
			marked[s.PaperID] = true
		}
	}
	l.saves, l.notForUs = sortedKeys(saved), sortedKeys(marked)
	return l, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// fingerprint names what a channel's model is made of.
func (l lesson) fingerprint(vocabulary string, o taste.Options) string {
	h := sha256.New()
	fmt.Fprintf(h, "taste v1\n%s\n%+v\n%s\n", vocabulary, o, l.interests)
	for _, id := range l.saves {
		fmt.Fprintf(h, "s %s\n", id)
	}
	for _, id := range l.notForUs {
		fmt.Fprintf(h, "n %s\n", id)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func (t *Taste) logger() *slog.Logger {
	if t.Logger != nil {
		return t.Logger
	}
	return slog.Default()
}

// MaxInterests bounds an interest sentence, in characters.
const MaxInterests = 300

// ParseInterests checks an interest sentence: one line of at most
// MaxInterests characters, spaces collapsed.
func ParseInterests(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if n := len([]rune(s)); n > MaxInterests {
		return "", Errorf(EINVALID, "The interests are %d characters; keep them under %d, one sentence.", n, MaxInterests)
	}
	return s, nil
}

// optionFields splits command options at spaces, keeping a quoted value
// whole: interests="retrieval and RAG" (straight or curly quotes, as
// phones type them) is one field, without its quotes.
func optionFields(s string) []string {
	var out []string
	var cur strings.Builder
	var closing rune
	for _, r := range s {
		switch {
		case closing != 0 && r == closing:
			closing = 0
		case closing == 0 && (r == '"' || r == '“'):
			closing = '"'
			if r == '“' {
				closing = '”'
			}
		case closing == 0 && (r == ' ' || r == '\t' || r == '\n'):
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
