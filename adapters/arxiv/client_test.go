package arxiv_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"paperboy/adapters/arxiv"
	"paperboy/bot"
)

// fake records what a Client under test did: requests the server saw,
// limiter calls and requested sleeps. No test waits on the wall clock.
type fake struct {
	mu       sync.Mutex
	requests []*url.URL
	agents   []string
	waits    int
	sleeps   []time.Duration
}

// Wait is the Client's Limiter.
func (f *fake) Wait(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits++
	return ctx.Err()
}

// Sleep is the Client's Sleep seam.
func (f *fake) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	return ctx.Err()
}

// seen returns the number of requests and limiter calls.
func (f *fake) seen() (requests, waits int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.requests), f.waits
}

// now is the test clock: Thursday 2026-09-24 09:00 UTC, after arXiv
// announced the listing dated that day.
var now = time.Date(2026, 9, 24, 9, 0, 0, 0, time.UTC)

// MustNewClient returns a Client for an httptest server running h, with a
// fake limiter and sleep, following cs.LG, cs.AI and cs.CL.
func MustNewClient(t *testing.T, h http.HandlerFunc) (*arxiv.Client, *fake) {
	t.Helper()
	f := &fake{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests = append(f.requests, r.URL)
		f.agents = append(f.agents, r.UserAgent())
		f.mu.Unlock()
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	c := arxiv.New(srv.URL+"/api/query", []string{"cs.LG", "cs.AI", "cs.CL"})
	c.RSSURL = srv.URL + "/rss/"
	c.Limiter = f
	c.Sleep = f.Sleep
	c.Now = func() time.Time { return now }
	c.Logger = slog.New(slog.DiscardHandler)
	return c, f
}

// serve answers with the status and body.
func serve(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// sequence answers the n-th request with the n-th handler, repeating the last.
func sequence(hs ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		h := hs[min(n, len(hs)-1)]
		n++
		mu.Unlock()
		h(w, r)
	}
}

// catCL is a real API page whose three entries were submitted just before
// the Wednesday 2026-09-23 14:00 ET cutoff, i.e. in the listing dated
// Thursday 2026-09-24. Its totalResults is set to 3, as a windowed query
// would report.
func catCL(t *testing.T) string {
	s := string(MustReadFile(t, "api_query_cat_cs.CL_max3_2026-09-24.xml"))
	return strings.Replace(s, "<opensearch:totalResults>119894<", "<opensearch:totalResults>3<", 1)
}

// feed returns an API response with total results and entries of the ids,
// each published at the paired time.
func feed(total int, entries ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <opensearch:totalResults>%d</opensearch:totalResults>`, total)
	for i := 0; i+1 < len(entries); i += 2 {
		fmt.Fprintf(&b, `
  <entry><id>http://arxiv.org/abs/%sv1</id><title>Paper %s</title><summary>Abstract.</summary>
    <published>%s</published><author><name>A. Author</name></author>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/><arxiv:primary_category term="cs.LG"/></entry>`,
			entries[i], entries[i], entries[i+1])
	}
	b.WriteString("\n</feed>\n")
	return b.String()
}

func TestClient_Fetch(t *testing.T) {
	c, f := MustNewClient(t, serve(http.StatusOK, catCL(t)))
	b, err := c.Fetch(context.Background(), "2026-09-24")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := b.Date+" "+b.Source, "2026-09-24 arxiv"; got != want {
		t.Fatalf("Date Source=%q, want %q", got, want)
	}
	var got []string
	for _, p := range b.Papers {
		got = append(got, p.ID)
	}
	// 2609.28449 is a cs.SE paper cross-listed to cs.AI and cs.CL: not a
	// new submission in the followed categories.
	if got, want := join(got), "2609.28471|2609.28442"; got != want {
		t.Fatalf("papers=%q, want %q (newest first, no cross-list)", got, want)
	}
	if got, want := b.Papers[0].GitHubURL, "https://github.com/petekirby/contrastive-av"; got != want {
		t.Fatalf("GitHubURL=%q, want %q", got, want)
	}
	q := f.requests[0].Query()
	for key, want := range map[string]string{
		"search_query": "(cat:cs.LG OR cat:cs.AI OR cat:cs.CL) AND submittedDate:[202609221800 TO 202609231800]",
		"sortBy":       "submittedDate",
		"sortOrder":    "descending",
		"start":        "0",
		"max_results":  "1000",
	} {
		if got := q.Get(key); got != want {
			t.Fatalf("%s=%q, want %q", key, got, want)
		}
	}
	if got, want := f.requests[0].Path, "/api/query"; got != want {
		t.Fatalf("path=%q, want %q", got, want)
	}
	if got, want := f.agents[0], arxiv.DefaultUserAgent; got != want {
		t.Fatalf("User-Agent=%q, want %q", got, want)
	}
	if requests, waits := f.seen(); requests != 1 || waits != 1 || len(f.sleeps) != 0 {
		t.Fatalf("requests=%d waits=%d sleeps=%v, want 1 1 []", requests, waits, f.sleeps)
	}
}

func TestClient_Fetch_Window(t *testing.T) {
	tests := []struct {
		name, date, window string
	}{
		{"Thursday", "2026-09-24", "[202609221800 TO 202609231800]"},
		{"MondayHasFriday", "2026-09-28", "[202609241800 TO 202609251800]"},
		{"TuesdayHasWeekend", "2026-09-29", "[202609251800 TO 202609281800]"},
		{"Winter", "2026-12-16", "[202612141900 TO 202612151900]"},
		{"DaylightStarts", "2026-03-10", "[202603061900 TO 202603091800]"},
		{"DaylightEnds", "2026-11-03", "[202610301800 TO 202611021900]"},
		{"NewYear", "2027-01-01", "[202612301900 TO 202612311900]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := MustNewClient(t, serve(http.StatusOK, feed(0)))
			c.Now = func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }
			_, err := c.Fetch(context.Background(), tt.date)
			if got, want := bot.ErrorMessage(err), "arXiv announced nothing for "+tt.date+" in cs.LG, cs.AI, cs.CL."; got != want {
				t.Fatalf("message=%q, want %q", got, want)
			}
			if got, want := bot.ErrorCode(err), bot.ENOBATCH; got != want {
				t.Fatalf("code=%q, want %q", got, want)
			}
			q := f.requests[0].Query().Get("search_query")
			if got, want := q[strings.Index(q, "["):], tt.window; got != want {
				t.Fatalf("window=%q, want %q", got, want)
			}
		})
	}
}

func TestClient_Fetch_Paging(t *testing.T) {
	// Newest first, as arXiv sorts them. The window of 2026-09-24 is
	// [2026-09-22 18:00, 2026-09-23 18:00) UTC.
	entries := []string{
		"2609.00007", "2026-09-23T18:00:00Z", // at the cutoff: the next day's
		"2609.00006", "2026-09-23T17:59:59Z",
		"2609.00005", "2026-09-23T09:00:00Z",
		"2609.00004", "2026-09-23T01:00:00Z",
		"2609.00003", "2026-09-22T20:00:00Z",
		"2609.00002", "2026-09-22T18:00:00Z", // at the start: kept
		"2609.00001", "2026-09-22T17:59:59Z", // the previous day's
	}
	const pageSize = 3
	var pages []string
	c, f := MustNewClient(t, func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("start"))
		pages = append(pages, r.URL.Query().Get("start")+"/"+r.URL.Query().Get("max_results"))
		list := entries
		if start > 0 { // a paper submitted since the first page shifts the rest down
			list = append([]string{"2609.00008", "2026-09-24T08:59:00Z"}, entries...)
		}
		page := list[min(2*start, len(list)):min(2*(start+pageSize), len(list))]
		serve(http.StatusOK, feed(len(list)/2, page...))(w, r)
	})
	c.PageSize = pageSize
	b, err := c.Fetch(context.Background(), "2026-09-24")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := join(pages), "0/3|3/3|6/3"; got != want {
		t.Fatalf("pages=%q, want %q", got, want)
	}
	var got []string
	for _, p := range b.Papers {
		got = append(got, p.ID)
	}
	if got, want := join(got), "2609.00006|2609.00005|2609.00004|2609.00003|2609.00002"; got != want {
		t.Fatalf("papers=%q, want %q", got, want)
	}
	if requests, waits := f.seen(); requests != 3 || waits != 3 {
		t.Fatalf("requests=%d waits=%d, want 3 3: one limiter call per request", requests, waits)
	}
}

func TestClient_Fetch_NoRequest(t *testing.T) {
	tests := []struct {
		name, date string
		categories []string
		code, msg  string
	}{
		{"Saturday", "2026-09-26", nil, bot.ENOBATCH, "arXiv announces no papers on weekends, and 2026-09-26 is a Saturday."},
		{"Sunday", "2026-09-27", nil, bot.ENOBATCH, "arXiv announces no papers on weekends, and 2026-09-27 is a Sunday."},
		{"NotYetAnnounced", "2026-09-25", nil, bot.ENOBATCH, "arXiv has not announced the papers for 2026-09-25 yet; they come out at 2026-09-25 00:00 UTC."},
		{"BadDate", "24/09/2026", nil, bot.EINVALID, `"24/09/2026" is not a date; use YYYY-MM-DD, e.g. 2026-08-19.`},
		{"BadCategory", "2026-09-24", []string{"cs.LG) OR (all:x"}, bot.EINVALID, `"cs.LG) OR (all:x" is not an arXiv category; use names like cs.LG or stat.ML in source.arxiv.categories.`},
		{"NoCategory", "2026-09-24", []string{}, bot.EINVALID, "No arXiv categories are configured; set source.arxiv.categories, e.g. [cs.LG, cs.AI]."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := MustNewClient(t, serve(http.StatusOK, catCL(t)))
			if tt.categories != nil {
				c.Categories = tt.categories
			}
			_, err := c.Fetch(context.Background(), tt.date)
			if got, want := bot.ErrorCode(err), tt.code; got != want {
				t.Fatalf("code=%q, want %q (err %v)", got, want, err)
			}
			if got, want := bot.ErrorMessage(err), tt.msg; got != want {
				t.Fatalf("message=%q, want %q", got, want)
			}
			if requests, waits := f.seen(); requests != 0 || waits != 0 {
				t.Fatalf("requests=%d waits=%d, want none", requests, waits)
			}
		})
	}
}

func TestClient_Fetch_Retries(t *testing.T) {
	retryAt := now.Add(10 * time.Second).Format(http.TimeFormat)
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		attempts int
		code     string // "" for success
		msg      string
		requests int
		sleeps   []time.Duration // exact; nil means "check the backoff range"
	}{
		{
			name: "RetryAfterSeconds",
			handler: sequence(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "7")
				serve(http.StatusTooManyRequests, "Rate exceeded.")(w, r)
			}, serve(http.StatusOK, catCL(t))),
			requests: 2, sleeps: []time.Duration{7 * time.Second},
		},
		{
			name: "RetryAfterDate",
			handler: sequence(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", retryAt)
				serve(http.StatusServiceUnavailable, "")(w, r)
			}, serve(http.StatusOK, catCL(t))),
			requests: 2, sleeps: []time.Duration{10 * time.Second},
		},
		{
			name:     "ThrottledEmptyPage",
			handler:  sequence(serve(http.StatusOK, feed(3)), serve(http.StatusOK, catCL(t))),
			requests: 2,
		},
		{
			name:     "Unavailable",
			handler:  serve(http.StatusServiceUnavailable, "<html>Service Unavailable</html>"),
			attempts: 3, code: bot.EUNAVAILABLE,
			msg:      "arXiv did not answer for 2026-09-24 after 3 tries (last: HTTP 503); try again later.",
			requests: 3,
		},
		{
			name:     "Garbage",
			handler:  serve(http.StatusOK, "<html>Oops</html>"),
			attempts: 2, code: bot.EUNAVAILABLE,
			msg:      "arXiv did not answer for 2026-09-24 after 2 tries (last: unreadable response); try again later.",
			requests: 2,
		},
		{
			name: "RetryAfterTooLong",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "3600")
				serve(http.StatusTooManyRequests, "")(w, r)
			},
			code:     bot.EUNAVAILABLE,
			msg:      "arXiv did not answer for 2026-09-24 after 1 try (last: HTTP 429); try again later.",
			requests: 1, sleeps: []time.Duration{},
		},
		{
			name: "ConnectionDropped",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
			},
			attempts: 2, code: bot.EUNAVAILABLE,
			msg:      "arXiv did not answer for 2026-09-24 after 2 tries (last: connection error); try again later.",
			requests: 2,
		},
		{
			name:     "Rejected",
			handler:  serve(http.StatusBadRequest, string(MustReadFile(t, "api_query_idlist_abc_http400_2026-04-12.xml"))),
			code:     bot.EINVALID,
			msg:      "arXiv rejected the query: incorrect id format for abc",
			requests: 1, sleeps: []time.Duration{},
		},
		{
			name:     "RejectedNoFeed",
			handler:  serve(http.StatusBadRequest, "Bad Request"),
			code:     bot.EINVALID,
			msg:      "arXiv rejected the query (HTTP 400).",
			requests: 1, sleeps: []time.Duration{},
		},
		{
			name:     "ErrorEntryWithOK",
			handler:  serve(http.StatusOK, string(MustReadFile(t, "api_query_idlist_abc_http400_2026-04-12.xml"))),
			code:     bot.EINVALID,
			msg:      "arXiv rejected the query: incorrect id format for abc",
			requests: 1, sleeps: []time.Duration{},
		},
		{
			name:     "NotFound",
			handler:  serve(http.StatusNotFound, "Not Found"),
			code:     bot.EUNAVAILABLE,
			msg:      "arXiv answered HTTP 404; check source.arxiv.base_url.",
			requests: 1, sleeps: []time.Duration{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := MustNewClient(t, tt.handler)
			if tt.attempts > 0 {
				c.MaxAttempts = tt.attempts
			}
			b, err := c.Fetch(context.Background(), "2026-09-24")
			if got, want := bot.ErrorCode(err), tt.code; got != want {
				t.Fatalf("code=%q, want %q (err %v)", got, want, err)
			}
			if got, want := bot.ErrorMessage(err), tt.msg; err != nil && got != want {
				t.Fatalf("message=%q, want %q", got, want)
			}
			if err == nil && len(b.Papers) != 2 {
				t.Fatalf("len(Papers)=%d, want 2", len(b.Papers))
			}
			requests, waits := f.seen()
			if requests != tt.requests || waits != tt.requests {
				t.Fatalf("requests=%d waits=%d, want %d each", requests, waits, tt.requests)
			}
			checkSleeps(t, f.sleeps, tt.sleeps, requests)
		})
	}
}

// checkSleeps compares the requested sleeps with want, or, when want is
// nil, checks one backoff per retry: 3 s doubling, with jitter down to half.
func checkSleeps(t *testing.T, got, want []time.Duration, requests int) {
	t.Helper()
	if want != nil {
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("sleeps=%v, want %v", got, want)
		}
		return
	}
	if len(got) != requests-1 {
		t.Fatalf("sleeps=%v, want %d", got, requests-1)
	}
	for i, d := range got {
		hi := 3 * time.Second << i
		if d < hi/2 || d > hi {
			t.Fatalf("sleeps[%d]=%v, want in [%v, %v]", i, d, hi/2, hi)
		}
	}
}

func TestClient_Fetch_Timeout(t *testing.T) {
	c, f := MustNewClient(t, func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answer only when the client gave up
	})
	c.HTTPClient = &http.Client{Timeout: 20 * time.Millisecond}
	c.MaxAttempts = 2
	_, err := c.Fetch(context.Background(), "2026-09-24")
	if got, want := bot.ErrorMessage(err), "arXiv did not answer for 2026-09-24 after 2 tries (last: timeout); try again later."; got != want {
		t.Fatalf("message=%q, want %q", got, want)
	}
	if requests, _ := f.seen(); requests != 2 {
		t.Fatalf("requests=%d, want 2", requests)
	}
}

func TestClient_Fetch_Cancelled(t *testing.T) {
	c, _ := MustNewClient(t, serve(http.StatusServiceUnavailable, ""))
	ctx, cancel := context.WithCancel(context.Background())
	c.Sleep = func(ctx context.Context, d time.Duration) error {
		cancel() // shutting down while waiting to retry
		return ctx.Err()
	}
	_, err := c.Fetch(ctx, "2026-09-24")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err=%v, want context.Canceled", err)
	}
}

func TestClient_Listing(t *testing.T) {
	rss := string(MustReadFile(t, "rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml"))
	t.Run("OK", func(t *testing.T) {
		c, f := MustNewClient(t, serve(http.StatusOK, rss))
		b, err := c.Listing(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := f.requests[0].Path, "/rss/cs.LG+cs.AI+cs.CL"; got != want {
			t.Fatalf("path=%q, want %q", got, want)
		}
		var got []string
		for _, p := range b.Papers {
			got = append(got, p.ID)
		}
		if got, want := b.Date+" "+join(got), "2026-09-24 2609.26811|2609.26820"; got != want {
			t.Fatalf("batch=%q, want %q (new papers only)", got, want)
		}
	})
	t.Run("ErrSkipDay", func(t *testing.T) {
		empty := rss[:strings.Index(rss, "<item>")] + "</channel></rss>"
		c, _ := MustNewClient(t, serve(http.StatusOK, empty))
		_, err := c.Listing(context.Background())
		if got, want := bot.ErrorCode(err), bot.ENOBATCH; got != want {
			t.Fatalf("code=%q, want %q (err %v)", got, want, err)
		}
	})
}

func TestNew(t *testing.T) {
	c := arxiv.New("", nil)
	if got, want := c.BaseURL+" "+c.RSSURL+" "+c.Name(), "https://export.arxiv.org/api/query https://rss.arxiv.org/rss/ arxiv"; got != want {
		t.Fatalf("BaseURL RSSURL Name=%q, want %q", got, want)
	}
	if got, want := join(c.Categories), join(arxiv.DefaultCategories); got != want {
		t.Fatalf("Categories=%q, want %q", got, want)
	}
	if c.HTTPClient == nil || c.HTTPClient.Timeout == 0 || c.Limiter == nil || c.Sleep == nil || c.Now == nil || c.Logger == nil {
		t.Fatalf("New left a field unset: %+v", c)
	}
}
