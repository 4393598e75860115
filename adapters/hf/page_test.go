package hf_test

import (
	"strings"
	"testing"

	"paperboy/adapters/hf"
	"paperboy/bot"
)

func TestParsePage_Fixture(t *testing.T) {
	res := MustParseFile(t, hf.ParsePage, "daily-papers-page.txt")
	if got, want := len(res.items), 87; got != want {
		t.Fatalf("papers=%d, want %d", got, want)
	}
	if got, want := len(res.skips), 0; got != want {
		t.Fatalf("skips=%d, want %d: %+v", got, want, res.skips)
	}
	tests := []struct {
		index         int
		title         string
		abstractStart string
		abstractEnd   string
	}{
		{0, "D-HUMOR: Dark Humor Understanding via Multimodal Open-ended Reasoning",
			"Dark humor in online memes poses unique challenges",
			"D-Humor-Dark-Humor-Understanding-via-Multimodal-Open-ended-Reasoning"},
		{2, "Training Language Models to Self-Correct via Reinforcement Learning",
			"Self-correction is a highly desirable capability", "."},
		{86, "Mirror Descent Policy Optimization",
			"Mirror descent (MD), a well-known first-order method",
			"Code is available at https://github.com/manantomar/Mirror-Descent-Policy-Optimization."},
	}
	for _, tt := range tests {
		p := res.items[tt.index].Paper
		if got, want := p.Title, tt.title; got != want {
			t.Fatalf("paper %d: Title=%q, want %q", tt.index, got, want)
		}
		if !strings.HasPrefix(p.Abstract, tt.abstractStart) || !strings.HasSuffix(p.Abstract, tt.abstractEnd) {
			t.Fatalf("paper %d: Abstract=%.80q…, want %q … %q", tt.index, p.Abstract, tt.abstractStart, tt.abstractEnd)
		}
		if got, want := p.ID, bot.DerivedID(tt.title); got != want {
			t.Fatalf("paper %d: ID=%q, want %q", tt.index, got, want)
		}
	}
	seen := make(map[string]bool)
	for _, it := range res.items {
		p := it.Paper
		if it.Date != "" || p.HasArxivID() || p.ArxivURL != "" || seen[p.ID] {
			t.Fatalf("paper %q: Date=%q ID=%q ArxivURL=%q, want no date, a fresh derived id, no links", p.Title, it.Date, p.ID, p.ArxivURL)
		}
		seen[p.ID] = true
		if strings.Contains(p.Title, "\n") || len(p.Abstract) < 1000 {
			t.Fatalf("paper %q: title and abstract were mixed up", p.Title)
		}
	}
}

func TestParsePage_Rules(t *testing.T) {
	abstract := "We study things. " + strings.Repeat("Long abstract text. ", 20)
	tests := []struct {
		name   string
		input  string
		titles []string
		skips  []string // Where of each skip
	}{
		{"Chrome", "new\n\nSubscribe\n\nThu, September 11, 2025\n\nTitle A\n\n" + abstract + "\n\n42\n\nSubmitted by akhaliq\n\nLoad more",
			[]string{"Title A"}, nil},
		{"CRLF", "Daily Papers\r\n\r\nSep 11\r\n\r\nTitle A\r\n\r\n" + abstract + "\r\n", []string{"Title A"}, nil},
		{"URLEndsAbstract", "Title A\n\n" + abstract + "see https://x.test/code", []string{"Title A"}, nil},
		{"MultiParagraph", "Title A\n\n" + abstract + "\n\n" + abstract + "\n\nTitle B\n\n" + abstract, []string{"Title A", "Title B"}, nil},
		{"NoAbstract", "Title A\n\nTitle B\n\n" + abstract, []string{"Title B"}, []string{"line 1 (Title A)"}},
		{"TextBeforeTitle", abstract + "\n\nTitle A\n\n" + abstract, []string{"Title A"}, []string{"line 1 (We study things. Long abstract text. Lon…)"}},
		{"Duplicate", "Title A\n\n" + abstract + "\n\ntitle  a\n\n" + abstract, []string{"Title A"}, []string{"line 5 (title a)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := run(hf.ParsePage, strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			var titles, skips []string
			for _, it := range res.items {
				titles = append(titles, it.Paper.Title)
			}
			for _, s := range res.skips {
				skips = append(skips, s.Where)
			}
			if got, want := strings.Join(titles, "|"), strings.Join(tt.titles, "|"); got != want {
				t.Fatalf("titles=%q, want %q", got, want)
			}
			if got, want := strings.Join(skips, "|"), strings.Join(tt.skips, "|"); got != want {
				t.Fatalf("skips=%q, want %q", got, want)
			}
		})
	}
}

func TestParsePage_NoPapers(t *testing.T) {
	tests := []struct{ name, input string }{
		{"Empty", ""},
		{"ChromeOnly", "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\nSep 11\n"},
		{"JSON", `[{"paper":{"id":"2608.00001","title":"T"}}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := run(hf.ParsePage, strings.NewReader(tt.input)); err == nil {
				t.Fatal("err=nil, want an error")
			}
		})
	}
}
