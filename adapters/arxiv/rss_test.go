package arxiv_test

import (
	"strings"
	"testing"
	"time"

	"paperboy/adapters/arxiv"
	"paperboy/bot"
)

func TestParseRSS(t *testing.T) {
	res := MustParseFile(t, arxiv.ParseRSS, "rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml")
	if got, want := len(res.skips), 0; got != want {
		t.Fatalf("len(skips)=%d, want %d: %+v", got, want, res.skips)
	}
	tests := []struct {
		id, date, authors, categories string
		published                     time.Time
	}{
		// new, new, cross, replace: every item is a paper, only new ones
		// are filed under the announcement day (the channel's pubDate, a
		// -0400 time, read in its own zone).
		{"2609.26811", "2026-09-24", "Fabien Polly", "cs.LG", time.Date(2026, 9, 24, 4, 0, 0, 0, time.UTC)},
		{"2609.26820", "2026-09-24", "Naser Mansour|Sidahmed Benabderrahmane|Ameer Rahwan", "cs.LG|cs.AI", time.Date(2026, 9, 24, 4, 0, 0, 0, time.UTC)},
		{"2205.06398", "", "Pritam Dey|Zhengwu Zhang|David B. Dunson", "stat.ME|stat.AP|stat.ML", time.Time{}},
		{"2009.13987", "", "Michael Joswig|Marek Kaluba|Lukas Ruff", "cs.LG|math.MG|stat.ML", time.Time{}},
	}
	if got, want := len(res.items), len(tests); got != want {
		t.Fatalf("len(items)=%d, want %d", got, want)
	}
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			it := res.items[i]
			if got, want := it.Paper.ID, tt.id; got != want {
				t.Fatalf("ID=%q, want %q", got, want)
			}
			if got, want := it.Date, tt.date; got != want {
				t.Fatalf("Date=%q, want %q", got, want)
			}
			if got, want := join(it.Paper.Authors), tt.authors; got != want {
				t.Fatalf("Authors=%q, want %q", got, want)
			}
			if got, want := join(it.Paper.Categories), tt.categories; got != want {
				t.Fatalf("Categories=%q, want %q", got, want)
			}
			if got, want := it.Paper.Published, tt.published; !got.Equal(want) {
				t.Fatalf("Published=%v, want %v", got, want)
			}
			if got, want := it.Paper.ArxivURL, "https://arxiv.org/abs/"+tt.id; got != want {
				t.Fatalf("ArxivURL=%q, want %q", got, want)
			}
			if a := it.Paper.Abstract; strings.Contains(a, "Announce Type") || strings.HasPrefix(a, "Abstract") || a != strings.TrimSpace(a) {
				t.Fatalf("Abstract=%.80q…, want arXiv's prefix removed", a)
			}
		})
	}
	if got, want := res.items[3].Paper.Abstract, "We introduce a class of random polytopes which simultaneously generalizes several known constructions. While being fairly general, these polytopes are also computationally exceptionally benign. We indicate how these properties can be exploited for classification and clustering tasks in data analysis. Crucially, our construction lets users smoothly trade off between a tighter description of the data and faster computation."; got != want {
		t.Fatalf("Abstract=%q, want %q", got, want)
	}
}

func TestParseRSS_Edges(t *testing.T) {
	const head = `<?xml version="1.0"?><rss xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel><title>cs.LG updates on arXiv.org</title>`
	tests := []struct {
		name   string
		input  string
		ids    string
		dates  string
		skips  string
		errHas string
	}{
		{
			name:  "SkipDay",
			input: head + `<pubDate>Sat, 26 Sep 2026 00:00:00 -0400</pubDate><skipDays><day>Sunday</day><day>Saturday</day></skipDays></channel></rss>`,
		},
		{
			name: "MalformedItems",
			input: head + `<pubDate>Thu, 24 Sep 2026 00:00:00 -0400</pubDate>` +
				`<item><title>No id</title></item>` +
				`<item><title>Bad guid, good link</title><guid>urn:x</guid><link>https://arxiv.org/abs/2609.00001</link>` +
				`<description>arXiv:2609.00001v1 Announce Type: new 
Abstract: Text.</description><dc:creator>A. One, B. Two, and C. Three</dc:creator></item>` +
				`<item><guid>oai:arXiv.org:2609.00002v1</guid><title></title></item>` +
				`</channel></rss>`,
			ids:   "2609.00001",
			dates: "2026-09-24", // announce type read from the description
			skips: "item 1 (No id): no id|item 3 (oai:arXiv.org:2609.00002v1): no title",
		},
		{
			name:  "PubDateOnItemsOnly",
			input: head + `<item><guid>oai:arXiv.org:2609.00003v2</guid><title>T</title><pubDate>Mon, 5 Oct 2026 00:00:00 -0400</pubDate><arxiv:announce_type>new</arxiv:announce_type></item></channel></rss>`,
			ids:   "2609.00003",
			dates: "2026-10-05",
		},
		{name: "NotXML", input: "arXiv:2609.00001v1", errHas: "no <rss> element"},
		{name: "Atom", input: `<feed xmlns="http://www.w3.org/2005/Atom"/>`, errHas: "root element is <feed>, not <rss>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := parse(arxiv.ParseRSS, strings.NewReader(tt.input))
			if tt.errHas != "" {
				if res.err == nil || !strings.Contains(res.err.Error(), tt.errHas) {
					t.Fatalf("err=%v, want one containing %q", res.err, tt.errHas)
				}
				return
			}
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got, want := ids(res.items), tt.ids; got != want {
				t.Fatalf("ids=%q, want %q", got, want)
			}
			var dates, skips []string
			for _, it := range res.items {
				dates = append(dates, it.Date)
			}
			for _, s := range res.skips {
				skips = append(skips, s.Where+": "+s.Reason)
			}
			if got, want := join(dates), tt.dates; got != want {
				t.Fatalf("dates=%q, want %q", got, want)
			}
			if got, want := join(skips), tt.skips; got != want {
				t.Fatalf("skips=%q, want %q", got, want)
			}
		})
	}
}

func TestParseRSS_Authors(t *testing.T) {
	input := `<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><guid>oai:arXiv.org:2609.00001v1</guid><title>T</title>` +
		`<dc:creator>A. One (MIT and Harvard), John Smith, Jr., B. Two and C. Three</dc:creator></item></channel></rss>`
	res := parse(arxiv.ParseRSS, strings.NewReader(input))
	if res.err != nil {
		t.Fatal(res.err)
	}
	if got, want := join(res.items[0].Paper.Authors), "A. One|John Smith Jr.|B. Two|C. Three"; got != want {
		t.Fatalf("Authors=%q, want %q", got, want)
	}
	if got, want := bot.ErrorCode(res.err), ""; got != want {
		t.Fatalf("code=%q, want %q", got, want)
	}
}
