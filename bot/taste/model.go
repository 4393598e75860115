package taste

import (
	"cmp"
	"math"
	"slices"
)

// Paper is a Doc with its tf-idf vector, what every Model scores.
type Paper struct {
	Doc
	Vector Vector
}

// Paper returns d with its vector.
func (v *Vocabulary) Paper(d Doc) Paper { return Paper{Doc: d, Vector: v.Vector(d)} }

// Model is what a channel reads, learnt from its signals.
type Model interface {
	// Score rates a paper for the channel: higher is more wanted. Scores
	// are standardised over the papers the model was trained on (mean 0,
	// unit spread), so that models of different kinds can be added.
	Score(p Paper) float64
	// Reason says in one short line why the paper scores as it does:
	// "like <title of the nearest saved paper>" or "matches your
	// interests: <words>". It is never "" for a trained model.
	Reason(p Paper) string
}

// Lesson is what a channel said, the input of training.
type Lesson struct {
	Saves    []Paper // what the channel saved: positives
	NotForUs []Paper // marked "not for us": strong negatives
	// Others are stored papers the channel said nothing of, a sample of
	// the corpus: weak negatives, and the papers scores are standardised
	// over. They should not include Saves or NotForUs.
	Others []Paper
	// Interests is the channel's sentence, "retrieval and RAG"; "" when it
	// has none.
	Interests string
}

// Ranked is one paper's place in a ranking: its index in the papers
// ranked, its score, and its reason when asked for.
type Ranked struct {
	Index int
	Score float64
	Why   string
}

// Rank orders papers by m, best first; papers that tie keep their order.
// The first explain papers get their reason (all of them when explain is
// negative): reasons cost more than scores, and only the papers shown
// need one. When popularity > 0, each score gains popularity times the
// paper's standardised log upvotes (z over these papers): a paper the
// whole field reads rises a little, not above what the channel clearly
// wants. upvotes may be nil.
func Rank(m Model, papers []Paper, upvotes []int, popularity float64, explain int) []Ranked {
	out := make([]Ranked, len(papers))
	pop := popularityScores(upvotes, len(papers))
	lm, _ := m.(*Linear)
	var splits []split
	if lm != nil {
		splits = make([]split, len(papers))
	}
	for i, p := range papers {
		var sc float64
		if lm != nil {
			sc, splits[i] = lm.scoreSplit(p)
		} else {
			sc = m.Score(p)
		}
		out[i] = Ranked{Index: i, Score: sc + popularity*pop[i]}
	}
	slices.SortStableFunc(out, func(a, b Ranked) int { return cmp.Compare(b.Score, a.Score) })
	if explain < 0 || explain > len(out) {
		explain = len(out)
	}
	for i := range out[:explain] {
		if j := out[i].Index; lm != nil {
			out[i].Why = lm.reason(papers[j], splits[j]) // the score's parts, not computed again
		} else {
			out[i].Why = m.Reason(papers[j])
		}
	}
	return out
}

// popularityScores are the z-scores of log(1+upvotes), zero without spread.
func popularityScores(upvotes []int, n int) []float64 {
	out := make([]float64, n)
	if len(upvotes) != n {
		return out
	}
	var st stats
	for i, u := range upvotes {
		out[i] = math.Log1p(float64(max(u, 0)))
		st.add(out[i])
	}
	mean, sd := st.meanSD()
	for i := range out {
		out[i] = (out[i] - mean) / sd
	}
	return out
}

// stats accumulates a mean and a standard deviation.
type stats struct{ n, sum, sq float64 }

func (s *stats) add(x float64) { s.n++; s.sum += x; s.sq += x * x }

// meanSD returns the mean and the standard deviation, 1 when there is no
// spread, so dividing by it is always safe.
func (s stats) meanSD() (float64, float64) {
	if s.n == 0 {
		return 0, 1
	}
	mean := s.sum / s.n
	v := s.sq/s.n - mean*mean
	if v <= 1e-12 {
		return mean, 1
	}
	return mean, math.Sqrt(v)
}

// Sum is several models added: each Score the sum of theirs, each Reason
// that of the model that gives the paper the most.
type Sum []Model

// Score adds the models' scores.
func (s Sum) Score(p Paper) float64 {
	var t float64
	for _, m := range s {
		t += m.Score(p)
	}
	return t
}

// Reason is the reason of the model that scores p highest.
func (s Sum) Reason(p Paper) string {
	best, why := math.Inf(-1), ""
	for _, m := range s {
		if sc := m.Score(p); sc > best {
			best, why = sc, m.Reason(p)
		}
	}
	return why
}
