package bottest

import (
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"paperboy/bot"
)

// This file generates a synthetic, deterministic corpus of papers for
// benchmarks (store search and ingest, JSONL import) and large tests. Text
// is drawn from a Zipf distribution over a fixed vocabulary whose head is
// real English and ML words, so that document frequencies look like arXiv's:
// "the" is in every abstract, "model" in most, the long tail in few.

// Shape of the generated text, tuned to arXiv averages.
const (
	vocabSize     = 60000
	zipfS         = 1.07 // Zipf exponent: word rank r has weight ∝ (2+r)^-s
	zipfV         = 2
	titleChars    = 80   // mean title length
	abstractChars = 1200 // mean abstract length
	maxAuthors    = 12
)

// corpusStart is the publication time of the first generated paper.
var corpusStart = time.Date(2024, time.January, 1, 0, 0, 0, 0, time.UTC)

// stopWords and then contentWords open the vocabulary, roughly most frequent
// first. Titles skip the function words in stopWords.
var stopWords = strings.Fields(`the of and a to in we is for that on with
	as by this are an be our from which it can at these its or has have not
	than both such into their using while through also more between over
	how when they where each only two new all`)

var contentWords = strings.Fields(`model models learning language data
	performance results method approach large training task tasks based show
	network neural methods propose framework proposed deep existing generation
	benchmark reasoning diffusion transformer llms image video agents agent
	paper problem information multi time different state high efficient
	evaluation dataset datasets art fine tuning vision text policy graph
	attention inference demonstrate present reinforcement experiments first
	significantly robust knowledge human quality tokens token visual semantic
	representation representations retrieval generative prior key novel
	improve improves training-free spatial temporal alignment preference
	reward optimization gradient loss objective distribution sampling noise
	scaling parameters pretrained pre-trained instruction instructions prompt
	prompts prompting context long short memory cross modal multimodal 3d
	scene scenes object objects detection segmentation classification
	regression features feature embedding embeddings encoder decoder
	architecture layers layer heads head mixture experts sparse dense
	efficient efficiency latency throughput compute memory-efficient
	quantization pruning distillation teacher student self-supervised
	contrastive supervised unsupervised semi labels label annotation synthetic
	real world simulation robot robotic manipulation navigation planning
	control agentic tool tools code program programs mathematical math
	proofs theorem formal verification safety security adversarial attacks
	attack defense privacy fairness bias interpretability explanation
	uncertainty calibration evaluation metrics metric human-aligned judge
	chain thought step steps search tree monte carlo sampling decoding
	speculative autoregressive masked latent space flow matching energy score
	denoising variational adversarial generator discriminator gan vae
	convolutional recurrent lstm rnn cnn vit bert gpt llama open-source
	closed benchmarked leaderboard zero few shot in-context transfer domain
	adaptation generalization out-of-distribution robustness continual
	lifelong federated distributed parallel hardware gpu kernel serving
	edge mobile audio speech music sound molecule protein drug medical
	clinical health biology chemistry physics weather climate finance legal
	education recommendation ranking search engine query documents
	document summarization translation dialogue conversation question
	answering questions answers chat assistant user users feedback
	preference human-in-the-loop interactive environment environments
	games game world models rendering gaussian splatting nerf radiance field
	fields mesh geometry depth pose motion video-language vision-language
	action actions trajectory trajectories sequence sequences structure
	structured unstructured tabular time-series forecasting anomaly
	theoretical analysis bound bounds convergence complexity optimal
	regret bandit markov stochastic deterministic kernel linear nonlinear`)

// firstNames and lastNames make author names; synthetic surnames follow.
var (
	firstNames = strings.Fields(`Wei Yu Jing Li Hao Xin Yang Chen Lei Ming
		Anna Maria Sofia Elena Laura Julia Sarah Emily Olivia Emma James John
		Robert Michael David Daniel Thomas Paul Mark Peter Ahmed Mohamed Ali
		Omar Fatima Priya Rahul Arjun Ananya Vikram Kenji Yuki Hiroshi Sakura
		Min-jun Ji-woo Seo-yeon Lucas Mateo Diego Camila Valentina Noah Liam`)
	lastNames = strings.Fields(`Wang Li Zhang Liu Chen Yang Huang Zhao Wu
		Zhou Xu Sun Ma Zhu Hu Guo He Lin Smith Johnson Williams Brown Jones
		Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
		Anderson Thomas Taylor Moore Jackson Martin Lee Kim Park Choi Patel
		Singh Kumar Sharma Gupta Tanaka Suzuki Sato Takahashi Müller Schmidt
		Schneider Fischer Weber Rossi Russo Dubois Moreau Novak Kowalski Silva
		Santos Costa Ivanov Petrov Cohen Levi Nguyen Tran`)
	categories = strings.Fields(`cs.LG cs.CL cs.CV cs.AI stat.ML cs.RO cs.IR
		cs.NE cs.SD eess.AS eess.IV cs.CR cs.DC cs.HC math.OC q-bio.QM`)
)

// vocab is the generator's vocabulary, most frequent first.
var vocab = buildVocab()

// Vocabulary returns the corpus vocabulary, most frequent word first. The
// first words are real English and ML words, the rest synthetic.
func Vocabulary() []string { return slices.Clone(vocab) }

// buildVocab returns the real words followed by distinct synthetic
// syllable words, vocabSize in all, always the same.
func buildVocab() []string {
	words := make([]string, 0, vocabSize)
	seen := make(map[string]bool, vocabSize)
	for _, w := range slices.Concat(stopWords, contentWords) {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for len(words) < vocabSize {
		w := syllableWord(r, 2+r.IntN(3))
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	return words
}

// syllableWord returns a pronounceable word of n syllables.
func syllableWord(r *rand.Rand, n int) string {
	const onsets, vowels, codas = "bcdfghklmnprstvz", "aeiou", "nrslx"
	var b strings.Builder
	for range n {
		b.WriteByte(onsets[r.IntN(len(onsets))])
		b.WriteByte(vowels[r.IntN(len(vowels))])
		if r.IntN(4) == 0 {
			b.WriteByte(codas[r.IntN(len(codas))])
		}
	}
	return b.String()
}

// Corpus returns n synthetic papers generated from seed. The same seed
// always gives the same papers, and Corpus(seed, k) is a prefix of
// Corpus(seed, n) for k < n. Ids are arXiv-style ("2401.00001") and
// increase with the publication time, which starts on 2024-01-01 and
// advances about two minutes per paper.
func Corpus(seed int64, n int) []bot.Paper {
	return slices.AppendSeq(make([]bot.Paper, 0, n), CorpusSeq(seed, n))
}

// CorpusSeq yields the papers of Corpus(seed, n) one at a time, without
// holding them all in memory.
func CorpusSeq(seed int64, n int) iter.Seq[bot.Paper] {
	return func(yield func(bot.Paper) bool) {
		g := newGenerator(seed)
		for range n {
			if !yield(g.paper()) {
				return
			}
		}
	}
}

// generator holds the state of one corpus: its random source, clock and
// per-month id counter.
type generator struct {
	r     *rand.Rand
	zipf  *rand.Zipf
	t     time.Time
	month time.Month
	seq   int
}

// newGenerator returns the generator of the corpus for seed.
func newGenerator(seed int64) *generator {
	r := rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))
	return &generator{
		r:    r,
		zipf: rand.NewZipf(r, zipfS, zipfV, uint64(len(vocab)-1)),
		t:    corpusStart,
	}
}

// paper returns the next paper.
func (g *generator) paper() bot.Paper {
	g.t = g.t.Add(time.Duration(30+g.r.IntN(180)) * time.Second)
	if g.t.Month() != g.month {
		g.month, g.seq = g.t.Month(), 0
	}
	g.seq++
	p := bot.Paper{
		ID:        fmt.Sprintf("%02d%02d.%05d", g.t.Year()%100, int(g.t.Month()), g.seq),
		Title:     g.title(),
		Abstract:  g.abstract(),
		Authors:   g.authors(),
		Published: g.t,
		Upvotes:   g.upvotes(),
	}
	p.FillLinks()
	g.extras(&p)
	return p
}

// word returns a word drawn from the Zipf distribution.
func (g *generator) word() string {
	return vocab[g.zipf.Uint64()]
}

// contentWord returns a Zipf-drawn word that is not a function word.
func (g *generator) contentWord() string {
	for {
		if i := g.zipf.Uint64(); i >= uint64(len(stopWords)) {
			return vocab[i]
		}
	}
}

// around returns a length near mean: uniform in [mean/2, 3·mean/2).
func (g *generator) around(mean int) int {
	return mean/2 + g.r.IntN(mean)
}

// title returns a capitalized title of about titleChars characters,
// sometimes with a system name before a colon ("Zorakin: …").
func (g *generator) title() string {
	var b strings.Builder
	if g.r.IntN(3) == 0 {
		b.WriteString(capitalize(vocab[len(vocab)/2+g.r.IntN(len(vocab)/2)]) + ": ")
	}
	for want := g.around(titleChars); b.Len() < want; {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
		b.WriteString(capitalize(g.contentWord()))
	}
	return b.String()
}

// abstract returns sentences of words, about abstractChars characters.
func (g *generator) abstract() string {
	var b strings.Builder
	for want := g.around(abstractChars); b.Len() < want; {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		n := 8 + g.r.IntN(20)
		for i := range n {
			w := g.word()
			if i == 0 {
				w = capitalize(w)
			} else {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			if i < n-1 && g.r.IntN(12) == 0 {
				b.WriteByte(',')
			}
		}
		b.WriteByte('.')
	}
	return b.String()
}

// authors returns 1 to maxAuthors names, mostly 2–6.
func (g *generator) authors() []string {
	n := min(1+int(g.r.ExpFloat64()*3.5), maxAuthors)
	names := make([]string, n)
	for i := range names {
		last := lastNames[g.r.IntN(len(lastNames))]
		if g.r.IntN(4) == 0 { // a rarer, synthetic surname
			last = capitalize(vocab[len(stopWords)+g.r.IntN(len(vocab)-len(stopWords))])
		}
		names[i] = firstNames[g.r.IntN(len(firstNames))] + " " + last
	}
	return names
}

// upvotes returns Hugging Face-like upvotes: mostly 0, a few popular papers.
func (g *generator) upvotes() int {
	if g.r.IntN(5) != 0 {
		return 0
	}
	return int(math.Min(500, g.r.ExpFloat64()*15))
}

// extras fills the optional fields for a share of the papers, as Hugging
// Face would: its page, a repository, categories, an AI summary, keywords.
func (g *generator) extras(p *bot.Paper) {
	for i := 1 + g.r.IntN(3); i > 0; i-- {
		if c := categories[g.r.IntN(len(categories))]; !slices.Contains(p.Categories, c) {
			p.Categories = append(p.Categories, c)
		}
	}
	if g.r.IntN(2) == 0 {
		return
	}
	p.HFURL = "https://huggingface.co/papers/" + p.ID
	if g.r.IntN(3) == 0 {
		p.GitHubURL = "https://github.com/" + g.contentWord() + "/" + g.contentWord()
	}
	if g.r.IntN(2) == 0 {
		p.AISummary = capitalize(g.contentWord()) + " " + g.contentWord() + " improves " +
			g.contentWord() + " " + g.contentWord() + " on " + g.contentWord() + "."
		p.AISummaryModel = "synthetic-summarizer"
		for range 1 + g.r.IntN(5) {
			p.Keywords = append(p.Keywords, g.contentWord())
		}
	}
}

// capitalize upper-cases the first letter of an ASCII or Latin word.
func capitalize(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// Query sets for search benchmarks: fixed, and independent of the corpus
// seed, so numbers compare across runs and machines.
var (
	// TypicalQueries are 1–3 content words, ranks drawn log-uniformly from
	// the vocabulary's head to its tail: from frequent to rare.
	TypicalQueries = typicalQueries(rand.New(rand.NewPCG(3, 4)), 200)
	// CommonQueries are 1–2 of the most frequent words, function words
	// included: the worst case for ranking, every document matches.
	CommonQueries = commonQueries(rand.New(rand.NewPCG(5, 6)), 100)
	// PrefixQueries are typical queries whose last word is cut to a partial
	// word of at least 3 letters, as typed into search-as-you-type.
	PrefixQueries = prefixQueries(rand.New(rand.NewPCG(7, 8)), 200)
)

// typicalQueries returns n queries of 1–3 log-uniformly ranked words.
func typicalQueries(r *rand.Rand, n int) []string {
	qs := make([]string, n)
	for i := range qs {
		qs[i] = strings.Join(logUniformWords(r, 1+r.IntN(3), 4), " ")
	}
	return qs
}

// commonQueries returns n queries of 1–2 words among the 60 most frequent.
func commonQueries(r *rand.Rand, n int) []string {
	qs := make([]string, n)
	for i := range qs {
		words := []string{vocab[r.IntN(60)]}
		if r.IntN(2) == 0 {
			words = append(words, vocab[r.IntN(60)])
		}
		qs[i] = strings.Join(words, " ")
	}
	return qs
}

// prefixQueries returns n typical queries with a cut last word.
func prefixQueries(r *rand.Rand, n int) []string {
	qs := make([]string, n)
	for i := range qs {
		words := logUniformWords(r, 1+r.IntN(3), 5)
		last := words[len(words)-1]
		words[len(words)-1] = last[:3+r.IntN(len(last)-3)] // ≥ 3 letters, at least one cut
		qs[i] = strings.Join(words, " ")
	}
	return qs
}

// logUniformWords returns n words whose ranks are log-uniform between the
// end of the function words and 20000, the last at least minLen bytes long.
func logUniformWords(r *rand.Rand, n, minLen int) []string {
	lo, hi := math.Log(float64(len(stopWords))), math.Log(20000)
	words := make([]string, 0, n)
	for len(words) < n {
		w := vocab[int(math.Exp(lo+r.Float64()*(hi-lo)))]
		if len(words) == n-1 && (len(w) < minLen || strings.ContainsAny(w, "-0123456789")) {
			continue
		}
		words = append(words, w)
	}
	return words
}

// IDQueries are arXiv ids of papers in every corpus of at least 70,000
// papers (the first three months), for searches by id.
var IDQueries = idQueries(rand.New(rand.NewPCG(9, 10)), 100)

// idQueries returns n ids from the corpus's first three months.
func idQueries(r *rand.Rand, n int) []string {
	qs := make([]string, n)
	for i := range qs {
		qs[i] = fmt.Sprintf("24%02d.%05d", 1+r.IntN(3), 1+r.IntN(20000))
	}
	return qs
}
