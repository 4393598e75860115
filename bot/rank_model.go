package bot

import (
	"context"
	"errors"
	"fmt"

	"paperboy/bot/taste"
	"paperboy/bot/text"
)

// vocabulary returns the vocabulary: the one held, unless the store has a
// newer one (another process rebuilt it) or has grown by Regrow since it
// was built, when it is loaded or rebuilt.
func (t *Taste) vocabulary(ctx context.Context) (*taste.Vocabulary, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	stored, err := t.Store.TasteState(ctx, vocabularyState, false)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, fmt.Errorf("read vocabulary: %w", err)
	}
	_, papers, err := t.Store.TasteCorpus(ctx, 0)
	if err != nil {
		return nil, fmt.Errorf("count papers: %w", err)
	}
	grown := float64(papers) > float64(stored.Papers)*(1+t.regrow())
	switch {
	case stored.Fingerprint == "" || grown:
		return t.buildVocabulary(ctx, papers)
	case t.vocab != nil && t.built.Fingerprint == stored.Fingerprint:
		return t.vocab, nil
	}
	return t.loadVocabulary(ctx)
}

func (t *Taste) loadVocabulary(ctx context.Context) (*taste.Vocabulary, error) {
	s, err := t.Store.TasteState(ctx, vocabularyState, true)
	if err != nil {
		return nil, fmt.Errorf("read vocabulary: %w", err)
	}
	v, err := taste.DecodeVocabulary(s.Data)
	if err != nil {
		return nil, fmt.Errorf("decode vocabulary: %w", err)
	}
	if taste.Outdated(s.Data) {
		// Stored by an older version: store it as this one reads it in
		// place, the same vocabulary under the same fingerprint, so the
		// next process need not convert it again.
		s.Data, _ = v.MarshalBinary()
		if err := t.Store.SaveTasteState(ctx, s); err != nil {
			return nil, fmt.Errorf("save vocabulary: %w", err)
		}
	}
	s.Data = nil
	t.vocab, t.built, t.vectors = v, s, map[string]taste.Vector{}
	return v, nil
}

// buildVocabulary builds the vocabulary from the papers stored last and
// stores it.
func (t *Taste) buildVocabulary(ctx context.Context, stored int) (*taste.Vocabulary, error) {
	papers, _, err := t.Store.TasteCorpus(ctx, positive(t.VocabularyPapers, 20_000))
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	docs := make([]taste.Doc, len(papers))
	for i, p := range papers {
		docs[i] = tasteDoc(p)
	}
	o := t.Vocabulary
	if o == (taste.VocabularyOptions{}) {
		o = taste.DefaultVocabulary
	}
	v := taste.BuildVocabulary(docs, o)
	data, _ := v.MarshalBinary()
	s := TasteState{Name: vocabularyState, Fingerprint: v.ID(), Papers: stored, Data: data}
	if err := t.Store.SaveTasteState(ctx, s); err != nil {
		return nil, fmt.Errorf("save vocabulary: %w", err)
	}
	s.Data = nil
	t.vocab, t.built, t.vectors = v, s, map[string]taste.Vector{}
	return v, nil
}

// model returns the channel's model: the stored one when it was made from
// the same signals and vocabulary, else a new one, trained and stored.
func (t *Taste) model(ctx context.Context, v *taste.Vocabulary, sub Subscription, l lesson) (taste.Model, error) {
	o := t.options()
	fp := l.fingerprint(v.ID(), o)
	name := "channel:" + sub.Platform + ":" + sub.Channel
	if m, ok := t.heldModel(name, fp); ok {
		return m, nil
	}
	s, err := t.Store.TasteState(ctx, name, true)
	if err != nil && ErrorCode(err) != ENOTFOUND {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if err == nil && s.Fingerprint == fp {
		m, err := taste.DecodeLinear(s.Data, v)
		if err == nil && taste.OutdatedLinear(s.Data) {
			// Stored by an older version: store it as this one reads it
			// in place, the same model under the same fingerprint.
			s.Data, _ = m.MarshalBinary()
			if err := t.Store.SaveTasteState(ctx, s); err != nil {
				return nil, fmt.Errorf("save model: %w", err)
			}
		}
		if err == nil {
			t.holdModel(name, fp, m)
			return m, nil
		}
		if !errors.Is(err, taste.ErrStale) {
			t.logger().Warn("stored taste model unreadable; retraining", "channel", sub.Channel, "error", err)
		}
	}
	m, papers, err := t.train(ctx, v, l, o)
	if err != nil {
		return nil, err
	}
	data, _ := m.MarshalBinary()
	if err := t.Store.SaveTasteState(ctx, TasteState{Name: name, Fingerprint: fp, Papers: papers, Data: data}); err != nil {
		return nil, fmt.Errorf("save model: %w", err)
	}
	// Held decoded: a trained model also has dense weights, 400 KB a part.
	if held, err := taste.DecodeLinear(data, v); err == nil {
		t.holdModel(name, fp, held)
	}
	return m, nil
}

// heldModel returns the model held under name when it was made from fp.
// The fingerprint covers the vocabulary's ID, so a model of a vocabulary
// since replaced is never returned.
func (t *Taste) heldModel(name, fp string) (taste.Model, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	h, ok := t.models[name]
	return h.m, ok && h.fingerprint == fp
}

// holdModel keeps m under name, dropping another model at random when
// maxModels are held.
func (t *Taste) holdModel(name, fp string, m taste.Model) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.models == nil {
		t.models = map[string]heldModel{}
	}
	if _, ok := t.models[name]; !ok && len(t.models) >= maxModels {
		for k := range t.models {
			delete(t.models, k)
			break
		}
	}
	t.models[name] = heldModel{fingerprint: fp, m: m}
}

// train fits a model of the lesson against the papers stored last. Saved
// papers not stored (yet) are left out.
func (t *Taste) train(ctx context.Context, v *taste.Vocabulary, l lesson, o taste.Options) (*taste.Linear, int, error) {
	saves, err := t.papers(ctx, v, l.saves)
	if err != nil {
		return nil, 0, err
	}
	nope, err := t.papers(ctx, v, l.notForUs)
	if err != nil {
		return nil, 0, err
	}
	corpus, stored, err := t.Store.TasteCorpus(ctx, positive(t.Corpus, 4000))
	if err != nil {
		return nil, 0, fmt.Errorf("read corpus: %w", err)
	}
	said := map[string]bool{}
	for _, id := range append(l.saves, l.notForUs...) {
		said[id] = true
	}
	others := make([]taste.Paper, 0, len(corpus))
	for _, p := range corpus {
		if !said[p.ID] {
			others = append(others, t.paper(v, p))
		}
	}
	lesson := taste.Lesson{Saves: saves, NotForUs: nope, Others: others, Interests: l.interests}
	return taste.Train(v, lesson, o), stored, nil
}

// papers returns the stored papers of ids with their vectors, skipping
// those not stored.
func (t *Taste) papers(ctx context.Context, v *taste.Vocabulary, ids []string) ([]taste.Paper, error) {
	var out []taste.Paper
	for _, id := range ids {
		p, err := t.Store.Paper(ctx, id)
		switch {
		case ErrorCode(err) == ENOTFOUND:
			continue
		case err != nil:
			return nil, fmt.Errorf("read paper %s: %w", id, err)
		}
		tp := t.paper(v, p)
		tp.Title = text.CleanTitle(p.Title) // reasons quote it
		out = append(out, tp)
	}
	return out, nil
}

func (t *Taste) options() taste.Options {
	if t.Options == (taste.Options{}) {
		return taste.DefaultOptions
	}
	return t.Options
}

func (t *Taste) regrow() float64 {
	if t.Regrow > 0 {
		return t.Regrow
	}
	return 0.1
}

func positive(n, otherwise int) int {
	if n > 0 {
		return n
	}
	return otherwise
}
