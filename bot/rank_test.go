package bot_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/bot/taste"
)

// tasteCorpus stores 40 papers on four topics; the retrieval ones are
// 2601.000x with x < 10.
func tasteCorpus() *bottest.TasteStore { return bottest.TasteCorpus() }

// day is a batch whose most upvoted paper is off-topic and whose
// retrieval paper is last.
var day = bottest.TasteDay()

func TestTaste_Order(t *testing.T) {
	ctx := context.Background()
	st, sigs := tasteCorpus(), &bottest.Signals{}
	tt := &bot.Taste{Store: st, Signals: sigs}
	sub := bot.Subscription{Platform: "slack", Channel: "C1"}
	t.Run("AutoWithoutSignals", func(t *testing.T) {
		r := tt.Order(ctx, sub, day)
		if r.By != bot.RankUpvotes || r.Papers[0].ID != day[0].ID || len(r.Why) != 0 {
			t.Fatalf("By=%s first=%s why=%v, want the source's order", r.By, r.Papers[0].ID, r.Why)
		}
	})
	for i := range 3 {
		sigs.Add(bot.Signal{Platform: "slack", Channel: "C1", PaperID: fmt.Sprintf("2601.%05d", i), User: "U1", Kind: bot.SignalSave})
	}
	t.Run("AutoWithSaves", func(t *testing.T) {
		r := tt.Order(ctx, sub, day)
		if r.By != bot.RankTaste || r.Papers[0].ID != "2602.00003" {
			t.Fatalf("By=%s order=%v, want the retrieval paper first", r.By, r.Papers)
		}
		for _, p := range r.Papers {
			if !strings.HasPrefix(r.Why[p.ID], "like “Study ") {
				t.Fatalf("Why[%s]=%q, want like a saved title", p.ID, r.Why[p.ID])
			}
		}
	})
	t.Run("ModelKept", func(t *testing.T) {
		tt.Order(ctx, sub, day)
		if n := st.Saves["channel:slack:C1"]; n != 1 {
			t.Fatalf("model saved %d times for the same signals, want once", n)
		}
		sigs.Add(bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2601.00035", User: "U2", Kind: bot.SignalNotForUs})
		tt.Order(ctx, sub, day)
		if n := st.Saves["channel:slack:C1"]; n != 2 {
			t.Fatalf("model saved %d times after a new signal, want retrained once more", n)
		}
		if n := st.Saves["vocabulary"]; n != 1 {
			t.Fatalf("vocabulary built %d times, want once", n)
		}
	})
	t.Run("Upvotes", func(t *testing.T) {
		up := sub
		up.Rank = bot.RankUpvotes
		if r := tt.Order(ctx, up, day); r.By != bot.RankUpvotes || r.Papers[0].ID != day[0].ID {
			t.Fatalf("rank=upvotes gave By=%s first=%s", r.By, r.Papers[0].ID)
		}
	})
	t.Run("Interests", func(t *testing.T) {
		other := bot.Subscription{Platform: "discord", Channel: "D1", Rank: bot.RankTaste, Interests: "robot grasping"}
		r := tt.Order(ctx, other, day)
		if r.Papers[0].ID != "2602.00002" || !strings.HasPrefix(r.Why["2602.00002"], "matches your interests: ") {
			t.Fatalf("order=%v why=%v, want the robot paper first, by its words", r.Papers, r.Why)
		}
	})
}

// A new process reads the vocabulary and the model from the store instead
// of building them again.
func TestTaste_SharedStore(t *testing.T) {
	ctx := context.Background()
	st, sigs := tasteCorpus(), &bottest.Signals{}
	sigs.Add(bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2601.00001", User: "U1", Kind: bot.SignalSave})
	sub := bot.Subscription{Platform: "slack", Channel: "C1"}
	first := (&bot.Taste{Store: st, Signals: sigs}).Order(ctx, sub, day)
	second := (&bot.Taste{Store: st, Signals: sigs}).Order(ctx, sub, day)
	if st.Saves["vocabulary"] != 1 || st.Saves["channel:slack:C1"] != 1 {
		t.Fatalf("saves %v, want each state built once", st.Saves)
	}
	if fmt.Sprint(first.Papers) != fmt.Sprint(second.Papers) {
		t.Fatalf("second process ranks %v, first %v", second.Papers, first.Papers)
	}
}

func TestParseRank(t *testing.T) {
	for in, want := range map[string]string{"": bot.RankAuto, "Taste": bot.RankTaste, " upvotes ": bot.RankUpvotes} {
		if got, err := bot.ParseRank(in); err != nil || got != want {
			t.Errorf("ParseRank(%q)=%q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := bot.ParseRank("best"); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("ParseRank(best) err=%v, want EINVALID", err)
	}
	if _, err := bot.ParseInterests(strings.Repeat("x", bot.MaxInterests+1)); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("long interests err=%v, want EINVALID", err)
	}
}

func TestEngine_SubscribeTaste(t *testing.T) {
	ctx := context.Background()
	e, subs, _ := channelsEngine(t)
	cmd := bot.Command{Platform: "slack", Channel: "C1", User: "U1", Admin: true, Name: bot.CmdSubscribe,
		Args: `rank=taste interests="retrieval and  RAG" top=5`}
	r, err := e.Handle(ctx, cmd)
	if err != nil {
		t.Fatal(err)
	}
	got, err := subs.Subscription(ctx, "slack", "C1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Rank != bot.RankTaste || got.Interests != "retrieval and RAG" || got.Top != 5 {
		t.Fatalf("rank=%q interests=%q top=%d", got.Rank, got.Interests, got.Top)
	}
	if !strings.Contains(r.Text, "Ranking: taste; interests: retrieval and RAG.") {
		t.Fatalf("reply %q does not say the ranking", r.Text)
	}
	cmd.Args = "interests=“diffusion models” rank=auto"
	if _, err := e.Handle(ctx, cmd); err != nil {
		t.Fatal(err)
	}
	if got, _ := subs.Subscription(ctx, "slack", "C1"); got.Interests != "diffusion models" || got.Rank != bot.RankAuto {
		t.Fatalf("curly quotes: interests=%q rank=%q", got.Interests, got.Rank)
	}
	for _, args := range []string{"rank=best", `interests="` + strings.Repeat("word ", 80) + `"`} {
		cmd.Args = args
		if _, err := e.Handle(ctx, cmd); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%.30s: err=%v, want EINVALID", args, err)
		}
	}
	cmd.Admin, cmd.Args = false, "rank=taste"
	if _, err := e.Handle(ctx, cmd); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Errorf("non-admin: err=%v, want EFORBIDDEN", err)
	}
}

// legacyVocabulary is a vocabulary in the encoding stores held before the
// current one (format 3: terms with their counts, then the columns by
// hash, which decoding derives again).
func legacyVocabulary(docs int, terms map[string]int) []byte {
	names := slices.Sorted(maps.Keys(terms))
	out := binary.AppendUvarint(nil, 3)
	out = binary.AppendUvarint(out, uint64(len("legacy")))
	out = append(out, "legacy"...)
	out = binary.AppendUvarint(out, uint64(docs))
	out = binary.AppendUvarint(out, uint64(len(names)))
	for _, t := range names {
		out = binary.AppendUvarint(out, uint64(len(t)))
		out = append(out, t...)
		out = binary.AppendUvarint(out, uint64(terms[t]))
	}
	for range names {
		out = binary.AppendUvarint(out, 0)
	}
	return out
}

// A vocabulary stored in an older encoding is used as it is, and stored
// again, once, in the one read in place.
func TestTaste_OutdatedVocabulary(t *testing.T) {
	ctx := context.Background()
	st, sigs := tasteCorpus(), &bottest.Signals{}
	old := legacyVocabulary(40, map[string]int{"dense": 10, "retrieval": 10, "dense retrieval": 10, "speech": 10, "robot": 10, "grasping": 10})
	st.SaveTasteState(ctx, bot.TasteState{Name: "vocabulary", Fingerprint: "legacy", Papers: 40, Data: old})
	sub := bot.Subscription{Platform: "slack", Channel: "C1", Rank: bot.RankTaste, Interests: "dense retrieval"}
	for range 2 { // two processes
		if r := (&bot.Taste{Store: st, Signals: sigs}).Order(ctx, sub, day); r.By != bot.RankTaste || r.Papers[0].ID != "2602.00003" {
			t.Fatalf("By=%s order=%v, want the retrieval paper first", r.By, r.Papers)
		}
	}
	s, _ := st.TasteState(ctx, "vocabulary", true)
	if s.Fingerprint != "legacy" || taste.Outdated(s.Data) || st.Saves["vocabulary"] != 2 {
		t.Fatalf("vocabulary %q outdated=%v saved %d times, want the same one stored again once",
			s.Fingerprint, taste.Outdated(s.Data), st.Saves["vocabulary"]-1)
	}
}

// readsCounted counts the TasteState reads with data, by name.
type readsCounted struct {
	*bottest.TasteStore
	reads map[string]int
}

func (s readsCounted) TasteState(ctx context.Context, name string, data bool) (bot.TasteState, error) {
	if data {
		s.reads[name]++
	}
	return s.TasteStore.TasteState(ctx, name, data)
}

// A process holds the models it decoded or trained while their
// fingerprints hold, and notices a signal another process recorded (and
// the model it trained) at its next ranking.
func TestTaste_ModelHeld(t *testing.T) {
	ctx := context.Background()
	st, sigs := readsCounted{tasteCorpus(), map[string]int{}}, &bottest.Signals{}
	sigs.Add(bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2601.00001", User: "U1", Kind: bot.SignalSave})
	sub := bot.Subscription{Platform: "slack", Channel: "C1"}
	first, second := &bot.Taste{Store: st, Signals: sigs}, &bot.Taste{Store: st, Signals: sigs}
	first.Order(ctx, sub, day) // trains and stores
	before := st.reads["channel:slack:C1"]
	for range 3 {
		second.Order(ctx, sub, day)
		first.Order(ctx, sub, day)
	}
	if n := st.reads["channel:slack:C1"] - before; n != 1 {
		t.Fatalf("model read %d times in 6 rankings, want once (by the second process)", n)
	}
	sigs.Add(bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2601.00030", User: "U2", Kind: bot.SignalSave}) // a robot paper
	want := first.Order(ctx, sub, day)                                                                              // retrains and stores
	before = st.reads["channel:slack:C1"]
	got := second.Order(ctx, sub, day)
	if n := st.reads["channel:slack:C1"] - before; n != 1 || st.Saves["channel:slack:C1"] != 2 {
		t.Fatalf("after a new signal: %d reads, %d saves; want the second process to read the model the first stored", n, st.Saves["channel:slack:C1"])
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || !strings.Contains(fmt.Sprint(got.Why), "Study 30") {
		t.Fatalf("second process ranks %v, first %v; want both to follow the new save", got, want)
	}
}

// legacyModel is a model in the encoding stores held before the current
// one (format 1), with no part configured: it scores every paper 0.
func legacyModel(vocabulary string) []byte {
	out := binary.AppendUvarint(nil, 1)
	out = binary.AppendUvarint(out, uint64(len(vocabulary)))
	out = append(out, vocabulary...)
	out = append(out, make([]byte, 8*8)...) // the options
	for range 4 {                           // the parts: not configured, no weight, bias, mean, spread, weight
		out = append(out, 0, 0)
		out = append(out, make([]byte, 4*8)...)
	}
	return append(out, 0, 0) // no saved paper, no "not for us"
}

// A model stored in an older encoding is used as it is (not retrained),
// and stored again, once, in the one read in place.
func TestTaste_OutdatedModel(t *testing.T) {
	ctx := context.Background()
	st, sigs := tasteCorpus(), &bottest.Signals{}
	sigs.Add(bot.Signal{Platform: "slack", Channel: "C1", PaperID: "2601.00001", User: "U1", Kind: bot.SignalSave})
	sub := bot.Subscription{Platform: "slack", Channel: "C1", Rank: bot.RankTaste}
	(&bot.Taste{Store: st, Signals: sigs}).Order(ctx, sub, day) // trains and stores
	const name = "channel:slack:C1"
	trained, _ := st.TasteState(ctx, name, true)
	vs, _ := st.TasteState(ctx, "vocabulary", true)
	v, err := taste.DecodeVocabulary(vs.Data)
	if err != nil {
		t.Fatal(err)
	}
	old := legacyModel(v.ID())
	m, err := taste.DecodeLinear(old, v)
	if err != nil || !taste.OutdatedLinear(old) {
		t.Fatalf("the format 1 model: %v, outdated %v", err, taste.OutdatedLinear(old))
	}
	want, _ := m.MarshalBinary()
	st.SaveTasteState(ctx, bot.TasteState{Name: name, Fingerprint: trained.Fingerprint, Papers: trained.Papers, Data: old})
	saves := st.Saves[name]
	for range 2 { // two processes
		if r := (&bot.Taste{Store: st, Signals: sigs}).Order(ctx, sub, day); r.By != bot.RankTaste {
			t.Fatalf("By=%s, want taste", r.By)
		}
	}
	s, _ := st.TasteState(ctx, name, true)
	if s.Fingerprint != trained.Fingerprint || !bytes.Equal(s.Data, want) || st.Saves[name] != saves+1 {
		t.Fatalf("model %q, converted %v, stored %d times; want the format 1 model stored again once in format 2",
			s.Fingerprint, bytes.Equal(s.Data, want), st.Saves[name]-saves)
	}
}
