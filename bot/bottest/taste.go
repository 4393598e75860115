package bottest

import (
	"context"
	"fmt"
	"sync"

	"paperboy/bot"
)

// TasteStore is an in-memory bot.TasteStore: Papers in the order stored,
// and the states saved. Saves counts SaveTasteState calls by name.
type TasteStore struct {
	mu     sync.Mutex
	Papers []bot.Paper
	States map[string]bot.TasteState
	Saves  map[string]int
}

var _ bot.TasteStore = (*TasteStore)(nil)

// Paper returns the stored paper with the id, or an ENOTFOUND error.
func (s *TasteStore) Paper(_ context.Context, id string) (bot.Paper, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.Papers {
		if p.ID == id {
			return p, nil
		}
	}
	return bot.Paper{}, bot.Errorf(bot.ENOTFOUND, "No paper %s.", id)
}

// TasteCorpus returns the limit papers stored last, newest first.
func (s *TasteStore) TasteCorpus(_ context.Context, limit int) ([]bot.Paper, int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []bot.Paper
	for i := len(s.Papers) - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, s.Papers[i])
	}
	return out, len(s.Papers), nil
}

// TasteState returns the state saved under name.
func (s *TasteStore) TasteState(_ context.Context, name string, data bool) (bot.TasteState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.States[name]
	if !ok {
		return bot.TasteState{}, bot.Errorf(bot.ENOTFOUND, "No taste state %q.", name)
	}
	if !data {
		st.Data = nil
	}
	return st, nil
}

// SaveTasteState keeps st and counts the save.
func (s *TasteStore) SaveTasteState(_ context.Context, st bot.TasteState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.States == nil {
		s.States, s.Saves = map[string]bot.TasteState{}, map[string]int{}
	}
	s.States[st.Name] = st
	s.Saves[st.Name]++
	return nil
}

// Signals is an in-memory bot.Signals: each channel's signals, keyed
// "platform:channel".
type Signals struct {
	mu  sync.Mutex
	All map[string][]bot.Signal
}

// Add records a signal.
func (s *Signals) Add(sig bot.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.All == nil {
		s.All = map[string][]bot.Signal{}
	}
	k := sig.Platform + ":" + sig.Channel
	s.All[k] = append(s.All[k], sig)
}

// ChannelSignals returns the channel's signals, oldest first.
func (s *Signals) ChannelSignals(_ context.Context, platform, channel string) ([]bot.Signal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Signal(nil), s.All[platform+":"+channel]...), nil
}

// TasteCorpus returns a store of 40 papers on four topics, ten each; the
// dense retrieval ones are 2601.00000 to 2601.00009.
func TasteCorpus() *TasteStore {
	topics := []string{"dense retrieval and reranking of passages", "diffusion models for image generation",
		"robot manipulation and grasping", "speech recognition and speaker diarization"}
	s := &TasteStore{}
	for i := range 40 {
		t := topics[i/10]
		s.Papers = append(s.Papers, bot.Paper{ID: fmt.Sprintf("2601.%05d", i), Title: fmt.Sprintf("Study %d of %s", i, t),
			Abstract: fmt.Sprintf("We improve %s with a new method, variant %d.", t, i%3)})
	}
	return s
}

// TasteDay returns a day for TasteCorpus's topics whose most upvoted paper
// is off-topic for retrieval and whose retrieval paper is last.
func TasteDay() []bot.Paper {
	return []bot.Paper{
		{ID: "2602.00001", Title: "Speech recognition for meetings", Abstract: "Speaker diarization and speech recognition.", Upvotes: 90},
		{ID: "2602.00002", Title: "Grasping with robots", Abstract: "Robot manipulation and grasping.", Upvotes: 40},
		{ID: "2602.00003", Title: "Dense retrieval for long documents", Abstract: "Reranking passages for dense retrieval.", Upvotes: 3},
	}
}
