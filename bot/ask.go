package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// Ask limits.
const (
	// MaxAskPapers is how many papers a question is answered from: enough
	// to compare a few, few enough for a small model's context.
	MaxAskPapers = 5
	// MaxQuestionLen bounds a question, in bytes; longer input is cut.
	MaxQuestionLen = 500
	// answerTTL is how long a cached answer is served. Answers depend on
	// the papers retrieved, which the key holds, so this only bounds how
	// long a model's slip stays around.
	answerTTL = 24 * time.Hour
	// maxWindowDays bounds how many day batches a date range reads.
	maxWindowDays = 62
)

// AskResult is the engine's answer to a question.
type AskResult struct {
	Question string // the question, without the paper asked about
	// Paper is the id of the one paper asked about, or "".
	Paper  string
	Window Window // the batch dates the question named, if any
	// Answer is the checked answer with citations [n] into Papers; "" when
	// there is none, and Note says why.
	Answer string
	// Note is what the user reads when there is no answer, or how the
	// answer came about.
	Note string
	// Model is the LLM that answered; "" when none did.
	Model string
	// Papers are the papers the answer was asked from, numbered from 1.
	Papers []Paper
	// Cited are the numbers of the Papers the answer cites, in order.
	Cited  []int
	Cached bool
}

// Notes shown instead of an answer.
const (
	noteNoLLM      = "No LLM endpoint is configured (summarize.base_url); one would summarise these papers into an answer. These papers match best."
	noteNoPapers   = "No stored papers match that question."
	noteUnanswered = "The papers found do not answer that question."
	noteRejected   = "The LLM's answer failed paperboy's checks (citations, mentions, links or markup) and is not shown; these are the papers it was given."
	noteLLMDown    = "The LLM did not answer; these papers match best."
)

// Ask answers a question from the stored papers. Text that starts with an
// arXiv id or paper link asks about that paper alone, from its title and
// abstract. Otherwise the papers that best match the question are found by
// search (a date phrase such as "this week" or "since Monday" keeps only
// papers of those days' batches), and the LLM answers from their titles
// and abstracts, citing them as [1], [2]. The answer is shown only when it
// passes check.Answer; otherwise, without an LLM, or when the papers do not
// answer, the result has the papers and a Note saying why. Answers are
// cached per question, papers, model and prompt version for a day.
// The error has code EINVALID for an empty question and ENOTFOUND for a
// paper that is not stored.
func (e *Engine) Ask(ctx context.Context, text string) (AskResult, error) {
	res, err := e.askPapers(ctx, text)
	if err != nil || len(res.Papers) == 0 {
		return res, err
	}
	e.answer(ctx, &res)
	return res, nil
}

// askPapers parses the question and finds the papers to answer it from.
func (e *Engine) askPapers(ctx context.Context, text string) (AskResult, error) {
	text = shorten(strings.Join(strings.Fields(text), " "), MaxQuestionLen)
	first, rest, _ := strings.Cut(text, " ")
	if id, ok := ParsePaperRef(first); ok {
		if strings.TrimSpace(rest) == "" {
			return AskResult{}, Errorf(EINVALID, "Ask a question after the paper, e.g. /papers ask %s what did they measure?", shorten(first, 40))
		}
		p, err := e.Store.Paper(ctx, id)
		if err != nil {
			return AskResult{}, err
		}
		return AskResult{Question: rest, Paper: p.ID, Papers: []Paper{p}}, nil
	}
	if text == "" {
		return AskResult{}, Errorf(EINVALID, "Ask a question, e.g. /papers ask which papers this week use self-play?")
	}
	w, question := ParseWindow(text, e.now().In(e.location()))
	res := AskResult{Question: text, Window: w}
	papers, err := e.retrieve(ctx, question, w)
	if err != nil {
		return AskResult{}, err
	}
	res.Papers = papers
	if len(papers) == 0 {
		res.Note = noteNoPapers
	}
	return res, nil
}

// retrieve returns the papers that best match question, within w.
func (e *Engine) retrieve(ctx context.Context, question string, w Window) ([]Paper, error) {
	terms := questionTerms(question)
	if w.IsZero() {
		hits, err := e.ranked(ctx, terms, question, MaxAskPapers)
		return papersOf(hits), err
	}
	if terms == "" {
		days, err := e.windowPapers(ctx, w)
		return days[:min(len(days), MaxAskPapers)], err
	}
	hits, err := e.windowHits(ctx, terms, question, w, MaxAskPapers)
	if ErrorCode(err) == EINVALID { // nothing to search for
		return nil, nil
	}
	return papersOf(hits), err
}

// ranked returns the best hits for terms (the words to match) and question
// (the whole text, for search by meaning), at most limit.
func (e *Engine) ranked(ctx context.Context, terms, question string, limit int) ([]Hit, error) {
	if terms == "" {
		terms = question
	}
	hits, _, err := e.search(ctx, terms, question, limit, 0)
	if ErrorCode(err) == EINVALID { // nothing to search for
		return nil, nil
	}
	return hits, err
}

func papersOf(hits []Hit) []Paper {
	out := make([]Paper, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.Paper)
	}
	return out
}

// questionWords are words of a question that say nothing about its topic.
// Leaving them out of the search keeps "which papers do self-play?" from
// matching every paper that says "which".
var questionWords = setOf("a an the of on in at to for from by with about and or not no " +
	"what which who whom whose when where why how is are was were be been do does did done " +
	"can could would should will shall may might has have had any anything something some " +
	"paper papers work works study studies there their they them it its this that these those " +
	"me my i you we our us tell show find give list new recent latest please use uses using used " +
	"came come out published released")

// questionTerms returns the words of question worth searching for.
func questionTerms(question string) string {
	var out []string
	for _, f := range strings.Fields(question) {
		f = strings.Trim(f, "?!.,;:\"'()")
		if f != "" && !questionWords[strings.ToLower(f)] {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

// answer asks the LLM, or the cache, and fills in res.
func (e *Engine) answer(ctx context.Context, res *AskResult) {
	ans := e.answerer()
	model, prompt := ans.AnswerVersion()
	if model == "" {
		res.Note = noteNoLLM
		return
	}
	key := SummaryKey{PaperID: answerKey(res.Question, res.Papers), Model: model, PromptVersion: prompt}
	if s, err := e.Store.Summary(ctx, key); err == nil && e.now().Sub(s.Created) < answerTTL {
		res.Cached = true
		e.accept(res, model, s.Text)
		return
	}
	callCtx, cancel := context.WithTimeout(ctx, e.summaryTimeout())
	defer cancel()
	raw, err := ans.Answer(callCtx, res.Question, res.Papers)
	if err != nil {
		e.logger().Warn("llm answer failed; listing the papers", "model", model, "error", err)
		res.Note = noteLLMDown
		return
	}
	if !e.accept(res, model, raw) {
		return
	}
	s := Summary{SummaryKey: key, Text: raw, Source: SourceLLM, Created: e.now().UTC()}
	if err := e.Store.SaveSummary(ctx, s); err != nil {
		e.logger().Warn("cache answer", "error", err)
	}
}

// accept checks raw, the model's answer, and fills in res. It reports
// whether the answer may be cached: checked answers and "the papers do
// not say" may, rejected answers are asked again next time.
func (e *Engine) accept(res *AskResult, model, raw string) bool {
	text, cited, err := e.checkAnswer(raw, res.Papers)
	switch {
	case err != nil:
		e.logger().Warn("llm answer rejected; listing the papers", "model", model, "reason", ErrorMessage(err))
		res.Note = noteRejected
		return false
	case text == "":
		res.Note, res.Model = noteUnanswered, model
	default:
		res.Answer, res.Cited, res.Model = text, cited, model
		res.Note = "Answered by " + model + " from the titles and abstracts of the papers below."
	}
	return true
}

// answerKey names a cached answer: "ask:" and a hash of the question (its
// words, in lower case) and the ids of the papers, in order.
func answerKey(question string, papers []Paper) string {
	h := sha256.New()
	h.Write([]byte(strings.ToLower(strings.Join(strings.Fields(question), " "))))
	for _, p := range papers {
		h.Write([]byte{0})
		h.Write([]byte(p.ID))
	}
	return "ask:" + hex.EncodeToString(h.Sum(nil))[:32]
}

func (e *Engine) answerer() Answerer {
	if e.Answerer != nil {
		return e.Answerer
	}
	return NopAnswerer{}
}

// setOf returns the set of the space-separated words.
func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
