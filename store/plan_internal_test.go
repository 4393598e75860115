package store

import (
	"slices"
	"testing"
)

func TestPlan_Reshape(t *testing.T) {
	p := plan{papers: 1000000, shares: map[string]float64{
		`"of"`: 0.97, `"the"`: 0.99, `"in"`: 0.9, `"and"`: 0.95, `"or"`: 0.6, `"to"`: 0.93,
		`"mixture"`: 0.01, `"experts"`: 0.02, `"human"`: 0.05, `"loop"`: 0.01, `"gpt"`: 0.02, `"4"`: 0.1,
		`"text"`: 0.1, `"image"`: 0.1, `"mixture-of-experts"`: 0.004,
	}}
	tests := []struct{ phrase, want string }{
		{`"mixture-of-experts"`, `NEAR("mixture" "experts", 1)`},
		{`"human-in-the-loop"`, `NEAR("human" "loop", 2)`},
		{`"text-to-image"`, `NEAR("text" "image", 1)`},
		{`"gpt-4"`, `"gpt-4"`},     // no stop word: the phrase stays
		{`"and/or"`, `"and/or"`},   // stop words only: nothing to keep instead
		{`"of-loop"`, `"loop"`},    // one word left: no NEAR needed
		{`"mixture"`, `"mixture"`}, // one word
	}
	for _, tt := range tests {
		g := p.reshape(group{expr: tt.phrase, phrases: []string{tt.phrase}})
		if g.expr != tt.want {
			t.Errorf("reshape(%s) = %s, want %s", tt.phrase, g.expr, tt.want)
		}
	}
	if g := p.reshape(group{expr: `"mixture-of-experts"`, phrases: []string{`"mixture-of-experts"`}}); g.cost() != 0.03 {
		t.Errorf("cost of the reshaped phrase = %v, want mixture + experts = 0.03", g.cost())
	}
}

func TestPlan_Ranked(t *testing.T) {
	word := func(w string) group { return group{expr: `"` + w + `"`, phrases: []string{`"` + w + `"`}} }
	p := plan{papers: 1000000, shares: map[string]float64{
		`"the"`: 0.99, `"using"`: 0.6, `"learning"`: 0.28, `"model"`: 0.25, `"diffusion"`: 0.03, `"approach"`: 0.35,
		`"zorak"`: 0.0001, `"gen"`: 0, `"generation"`: 0.2, `"generative"`: 0.08, `"general"`: 0.15,
		`("gen" OR "generation" OR "generative" OR "general")`: 0.4,
	}}
	exprs := func(groups []group) []string {
		var out []string
		for _, g := range groups {
			out = append(out, g.expr)
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name   string
		groups []group
		want   []string
	}{
		{"stop words out", []group{word("the"), word("using"), word("diffusion")}, []string{`"diffusion"`}},
		{"all stop words", []group{word("the"), word("using")}, nil},
		{"within budget", []group{word("diffusion"), word("zorak")}, []string{`"diffusion"`, `"zorak"`}},
		// 0.28 + 0.25 + 0.03 of a million postings is over 300,000: the
		// costliest goes first.
		{"over budget", []group{word("learning"), word("model"), word("diffusion")}, []string{`"diffusion"`, `"model"`}},
		{"one common word", []group{word("approach")}, nil},
		{"completions trimmed", []group{word("diffusion"), {
			expr:    `("gen" OR "generation" OR "generative" OR "general")`,
			phrases: []string{`"gen"`, `"generation"`, `"generative"`, `"general"`},
		}}, []string{`"diffusion"`, `("gen" OR "generation")`}},
	}
	for _, tt := range tests {
		pp := p
		pp.groups = tt.groups
		if got := exprs(pp.ranked()); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ranked %v, want %v", tt.name, got, tt.want)
		}
	}
	exact := plan{papers: 100, groups: []group{word("the")}}
	if got := exact.ranked(); len(got) != 1 {
		t.Errorf("unsampled plan ranked %v, want every group", got)
	}
}
