package main

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
)

// The taste benchmark's protocol (docs/benchmarks.md): eight teams, each a
// pattern over Hugging Face's ai_keywords, which decide what is relevant
// and which the ranking never sees; 20 saves and 10 "not for us" from the
// history window; the eval window's days ranked, top 5 read.
var tasteTeams = []tasteTeam{
	{"code", `code generation|software engineering|program synthesis|\bcoding\b|repository-level|code llm`, "code generation and software engineering agents"},
	{"medical", `medical|clinical|biomedical|health|radiology|patholog`, "medical and clinical AI"},
	{"rag", `retrieval-augmented|\brag\b|retrieval|dense retriev|reranking`, "retrieval and retrieval-augmented generation"},
	{"image", `text-to-image|image generation|image editing|image synthesis`, "text-to-image generation and image editing"},
	{"moe", `mixture-of-experts|mixture of experts|\bmoe\b`, "mixture-of-experts models"},
	{"world", `world model`, "world models for planning and simulation"},
	{"gui", `gui agent|computer use|computer-use|web agent|mobile agent|web navigation`, "GUI, web and computer-use agents"},
	{"multilingual", `multilingual|low-resource language|cross-lingual|translation`, "multilingual models and machine translation"},
}

const (
	historyFirst, historyLast = "2026-01-01", "2026-02-28"
	evalFirst, evalLast       = "2026-03-15", "2026-06-30"
	tasteSaves, tasteNope     = 20, 10
	tasteTop                  = 5
	minDayPapers              = 8
)

type tasteTeam struct {
	name, pattern, interests string
}

// loadTasteFixture reads the fixture: the first copy of each paper that has
// ai_keywords, in file order.
func loadTasteFixture(path string) ([]fixturePaper, error) {
	all, err := loadFixture(path)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []fixturePaper
	for _, p := range all {
		if !seen[p.ID] && len(p.Keywords) > 0 {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// teamPlan is what one team does: its saves, its "not for us" marks and
// its eval days, each with the day's papers and the relevant ones.
type teamPlan struct {
	team     tasteTeam
	saves    []string
	notForUs []string
	days     map[string]evalDay
}

type evalDay struct {
	papers   []fixturePaper
	relevant map[string]bool
}

// planTeam is the reference script's plan(): the same saves (Python's
// random.Random(team + "-7").sample), marks and days.
func planTeam(recs []fixturePaper, t tasteTeam) teamPlan {
	rx := regexp.MustCompile("(?i)" + t.pattern)
	rel := func(p fixturePaper) bool { return slices.ContainsFunc(p.Keywords, rx.MatchString) }
	var pos, off []fixturePaper
	for _, p := range recs {
		if historyFirst <= p.Day && p.Day <= historyLast {
			if rel(p) {
				pos = append(pos, p)
			} else {
				off = append(off, p)
			}
		}
	}
	tp := teamPlan{team: t, days: map[string]evalDay{}}
	for _, i := range newPyRandom(t.name+"-7").sample(len(pos), min(tasteSaves, len(pos))) {
		tp.saves = append(tp.saves, pos[i].ID)
	}
	slices.SortStableFunc(off, func(a, b fixturePaper) int { return cmp.Compare(b.Upvotes, a.Upvotes) })
	for _, p := range off[:min(tasteNope, len(off))] {
		tp.notForUs = append(tp.notForUs, p.ID)
	}
	for _, p := range recs {
		if evalFirst <= p.Day && p.Day <= evalLast {
			d := tp.days[p.Day]
			if d.relevant == nil {
				d.relevant = map[string]bool{}
			}
			d.papers = append(d.papers, p)
			if rel(p) {
				d.relevant[p.ID] = true
			}
			tp.days[p.Day] = d
		}
	}
	for day, d := range tp.days {
		if len(d.papers) < minDayPapers || len(d.relevant) == 0 {
			delete(tp.days, day)
		}
	}
	return tp
}

// score is hits in the top 5 over what the top 5 could hold.
type score struct{ hits, ideal int }

func (s score) add(o score) score { return score{s.hits + o.hits, s.ideal + o.ideal} }

func (s score) String() string {
	if s.ideal == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", float64(s.hits)/float64(s.ideal))
}

func (d evalDay) score(ranked []string) score {
	s := score{ideal: min(tasteTop, len(d.relevant))}
	for _, id := range ranked[:min(tasteTop, len(ranked))] {
		if d.relevant[id] {
			s.hits++
		}
	}
	return s
}
