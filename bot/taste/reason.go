package taste

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Reason says why p scores as it does, in one short line: the nearest
// saved paper when the saves weigh most in its score, else the words it
// shares with the interest sentence (or, when it shares none, the words
// the sentence's feedback learnt that it has most of).
func (m *Linear) Reason(p Paper) string {
	_, sp := m.scoreSplit(p)
	return m.reason(p, sp)
}

// reason is Reason for a paper whose score's split is known.
func (m *Linear) reason(p Paper, sp split) string {
	if len(m.saved) > 0 && (sp.saves >= sp.interest || !m.cosine.configured) {
		return "like " + quoteTitle(m.nearestSaved(p.Vector).Title)
	}
	if ws := m.matched(m.cosine, p.Vector); len(ws) > 0 {
		return "matches your interests: " + strings.Join(ws, ", ")
	}
	if ws := m.matched(m.feedback, p.Vector); len(ws) > 0 {
		return "matches your interests: " + strings.Join(ws, ", ")
	}
	if len(m.saved) > 0 {
		return "like " + quoteTitle(m.nearestSaved(p.Vector).Title)
	}
	return "matches your interests"
}

// MaxReasonTitle bounds the saved title quoted in a reason, in characters.
const MaxReasonTitle = 90

func quoteTitle(t string) string {
	if utf8.RuneCountInString(t) > MaxReasonTitle {
		r := []rune(t)[:MaxReasonTitle-1]
		t = strings.TrimSpace(string(r)) + "…"
	}
	return "“" + t + "”"
}

// matched returns the terms of x that gain most from the weights of w,
// best first.
func (m *Linear) matched(w part, x Vector) []string {
	if m.terms == nil {
		return nil
	}
	type term struct {
		col  int32
		gain float64
	}
	var ts []term
	for j, c := range x.Cols {
		if g := float64(w.weightAt(c)) * float64(x.Vals[j]); g > 0 {
			ts = append(ts, term{c, g})
		}
	}
	slices.SortFunc(ts, func(a, b term) int { return cmp.Or(cmp.Compare(b.gain, a.gain), cmp.Compare(a.col, b.col)) })
	var out []string
	for _, t := range ts {
		if len(out) == maxReasonWords {
			break
		}
		if w := m.terms.Term(t.col); !covered(out, w) {
			out = append(out, w)
		}
	}
	return out
}

const maxReasonWords = 3

// covered reports whether w is already said by a chosen term, or says it:
// "retrieval" once "dense retrieval" is there.
func covered(chosen []string, w string) bool {
	for _, c := range chosen {
		if strings.Contains(" "+c+" ", " "+w+" ") || strings.Contains(" "+w+" ", " "+c+" ") {
			return true
		}
	}
	return false
}
