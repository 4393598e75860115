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
	fromSaves := m.saves.z(p.Vector) + m.centroid.z(p.Vector)
	fromInterest := m.cosine.z(p.Vector) + m.feedback.z(p.Vector)
	if len(m.saved) > 0 && (fromSaves >= fromInterest || !m.cosine.configured) {
		return "like " + quoteTitle(m.nearestSaved(p.Vector).Title)
	}
	if ws := m.matched(m.cosine.w, p.Vector); len(ws) > 0 {
		return "matches your interests: " + strings.Join(ws, ", ")
	}
	if ws := m.matched(m.feedback.w, p.Vector); len(ws) > 0 {
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

func (m *Linear) nearestSaved(x Vector) Paper {
	best, at := -1.0, 0
	for i, s := range m.saved {
		if c := s.Vector.Dot(x); c > best {
			best, at = c, i
		}
	}
	return m.saved[at]
}

// matched returns the terms of x that gain most from weights w, best first.
func (m *Linear) matched(w Vector, x Vector) []string {
	if m.terms == nil {
		return nil
	}
	type term struct {
		col  int32
		gain float64
	}
	var ts []term
	for i, j := 0, 0; i < len(w.Cols) && j < len(x.Cols); {
		switch {
		case w.Cols[i] < x.Cols[j]:
			i++
		case w.Cols[i] > x.Cols[j]:
			j++
		default:
			if g := float64(w.Vals[i]) * float64(x.Vals[j]); g > 0 {
				ts = append(ts, term{w.Cols[i], g})
			}
			i++
			j++
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
