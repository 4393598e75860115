package taste

import (
	"fmt"
	"strings"
	"testing"
)

// corpus is a fixed corpus of four topics, eight papers each, whose
// ranking is known: a channel that saves retrieval papers wants the
// retrieval candidates first.
func corpus() []Doc {
	topics := map[string][]string{
		"retrieval": {"dense retrieval", "retrieval-augmented generation", "reranking passages", "query expansion"},
		"diffusion": {"diffusion models", "image generation", "denoising score", "text-to-image synthesis"},
		"robots":    {"robot manipulation", "grasping policies", "legged locomotion", "sim-to-real transfer"},
		"speech":    {"speech recognition", "acoustic models", "speaker diarization", "text-to-speech voices"},
	}
	var docs []Doc
	for _, topic := range []string{"retrieval", "diffusion", "robots", "speech"} {
		ws := topics[topic]
		for i := range 8 {
			docs = append(docs, Doc{
				ID:       fmt.Sprintf("%s-%d", topic, i),
				Title:    fmt.Sprintf("Better %s with %s", ws[i%4], ws[(i+1)%4]),
				Abstract: fmt.Sprintf("We study %s and %s. Our method improves %s on standard benchmarks, a large model.", ws[i%4], ws[(i+2)%4], ws[(i+3)%4]),
			})
		}
	}
	return docs
}

func papers(v *Vocabulary, docs []Doc) []Paper {
	out := make([]Paper, len(docs))
	for i, d := range docs {
		out[i] = v.Paper(d)
	}
	return out
}

// candidates are new papers, one a topic, the retrieval one last.
var candidates = []Doc{
	{ID: "new-speech", Title: "Speaker diarization at scale", Abstract: "Speech recognition and acoustic models for meetings."},
	{ID: "new-robots", Title: "Legged locomotion from video", Abstract: "Robot manipulation and grasping policies."},
	{ID: "new-diffusion", Title: "Fast diffusion models", Abstract: "Image generation by denoising score matching."},
	{ID: "new-retrieval", Title: "Dense retrieval for long documents", Abstract: "Reranking passages with query expansion for retrieval-augmented generation."},
}

func TestRank_Saves(t *testing.T) {
	docs := corpus()
	v := BuildVocabulary(append(docs, candidates...), DefaultVocabulary)
	all := papers(v, docs)
	m := Train(v, Lesson{Saves: all[:3], Others: all[3:]}, DefaultOptions)
	ranked := Rank(m, papers(v, candidates), nil, 0, -1)
	if got, want := papers(v, candidates)[ranked[0].Index].ID, "new-retrieval"; got != want {
		t.Fatalf("first=%s, want %s (%+v)", got, want, ranked)
	}
	if why := ranked[0].Why; !strings.HasPrefix(why, "like “Better ") {
		t.Fatalf("Why=%q, want the nearest saved title", why)
	}
}

func TestRank_Interests(t *testing.T) {
	docs := corpus()
	v := BuildVocabulary(append(docs, candidates...), DefaultVocabulary)
	m := Train(v, Lesson{Others: papers(v, docs), Interests: "speech recognition and speaker diarization"}, DefaultOptions)
	ranked := Rank(m, papers(v, candidates), nil, 0, -1)
	if got, want := papers(v, candidates)[ranked[0].Index].ID, "new-speech"; got != want {
		t.Fatalf("first=%s, want %s (%+v)", got, want, ranked)
	}
	if why := ranked[0].Why; !strings.HasPrefix(why, "matches your interests: ") || !strings.Contains(why, "diarization") {
		t.Fatalf("Why=%q, want the matched words", why)
	}
	for _, r := range ranked {
		if r.Why == "" {
			t.Fatalf("%d has no reason", r.Index)
		}
	}
}

// A "not for us" paper's near-duplicate sinks below a paper of the same
// saved topic.
func TestRank_NotForUsSinks(t *testing.T) {
	docs := corpus()
	v := BuildVocabulary(append(docs, candidates...), DefaultVocabulary)
	all := papers(v, docs)
	dup := Doc{ID: "dup", Title: docs[4].Title, Abstract: docs[4].Abstract}
	plain := Train(v, Lesson{Saves: all[:3], Others: all[4:]}, DefaultOptions)
	marked := Train(v, Lesson{Saves: all[:3], NotForUs: all[3:5], Others: all[5:]}, DefaultOptions)
	if a, b := plain.Score(v.Paper(dup)), marked.Score(v.Paper(dup)); b >= a-1 {
		t.Fatalf("score of the marked paper's duplicate %.2f, unmarked %.2f: did not sink", b, a)
	}
}

func TestRank_Popularity(t *testing.T) {
	docs := corpus()
	v := BuildVocabulary(docs, DefaultVocabulary)
	var zero Linear
	ranked := Rank(&zero, papers(v, docs[:3]), []int{1, 50, 3}, 1, -1)
	if got, want := docs[ranked[0].Index].ID, docs[1].ID; got != want {
		t.Fatalf("first=%s, want the most upvoted %s when the model has no opinion", got, want)
	}
}

func TestVocabulary_Cutoffs(t *testing.T) {
	docs := corpus()
	v := BuildVocabulary(docs, VocabularyOptions{MinDocs: 2, MaxShare: 0.5})
	has := map[string]bool{}
	for c := range v.Len() {
		has[v.Term(int32(c))] = true
	}
	for _, w := range []string{"retrieval", "dense retrieval", "speech"} {
		if !has[w] {
			t.Errorf("%q dropped", w)
		}
	}
	for _, w := range []string{"benchmarks", "the", "we"} { // in every paper, or stop words
		if has[w] {
			t.Errorf("%q kept", w)
		}
	}
}

func TestMarshal(t *testing.T) {
	docs := corpus()
	v := BuildVocabulary(docs, DefaultVocabulary)
	data, _ := v.MarshalBinary()
	var v2 Vocabulary
	if err := v2.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if v2.ID() != v.ID() || v2.Len() != v.Len() {
		t.Fatalf("vocabulary %s/%d, want %s/%d", v2.ID(), v2.Len(), v.ID(), v.Len())
	}
	all := papers(v, docs)
	m := Train(v, Lesson{Saves: all[:3], NotForUs: all[30:], Others: all[3:30], Interests: "dense retrieval"}, DefaultOptions)
	blob, _ := m.MarshalBinary()
	m2, err := DecodeLinear(blob, &v2)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range papers(&v2, candidates) {
		if a, b := m.Score(p), m2.Score(p); a != b || m.Reason(p) != m2.Reason(p) {
			t.Fatalf("%s: decoded model scores %v %q, want %v %q", p.ID, b, m2.Reason(p), a, m.Reason(p))
		}
	}
	other := BuildVocabulary(docs[:10], DefaultVocabulary)
	if _, err := DecodeLinear(blob, other); err != ErrStale {
		t.Fatalf("err=%v on another vocabulary, want ErrStale", err)
	}
	if _, err := DecodeLinear(blob[:len(blob)/2], &v2); err == nil {
		t.Fatal("a truncated model decoded")
	}
	if err := v2.UnmarshalBinary(data[:len(data)/2]); err == nil {
		t.Fatal("a truncated vocabulary decoded")
	}
}

// A decoded model finds its weights through its index and scores every
// paper with the same bits as the model trained, over a vocabulary of
// many columns.
func TestMarshal_ScoresSame(t *testing.T) {
	docs := bigCorpus()
	v := BuildVocabulary(docs, VocabularyOptions{MinDocs: 1, MaxShare: 1})
	all := papers(v, docs)
	m := Train(v, Lesson{Saves: all[40:60], NotForUs: all[60:62], Others: all[62:], Interests: "dense retrieval"}, DefaultOptions)
	blob, _ := m.MarshalBinary()
	m2, err := DecodeLinear(blob, v)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all {
		if a, b := m.Score(p), m2.Score(p); a != b || m.Reason(p) != m2.Reason(p) {
			t.Fatalf("%s: decoded model scores %v %q, want %v %q", p.ID, b, m2.Reason(p), a, m.Reason(p))
		}
	}
}
