package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeHF answers daily_papers?date= like Hugging Face: one paper on
// 2026-08-18, an empty list on other days. It counts requests per day.
type fakeHF struct {
	mu    sync.Mutex
	asked map[string]int
}

func (f *fakeHF) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	date := r.URL.Query().Get("date")
	f.mu.Lock()
	f.asked[date]++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if date != "2026-08-18" || r.URL.Query().Get("p") != "0" {
		w.Write([]byte("[]"))
		return
	}
	w.Write([]byte(`[{"paper":{"id":"2608.99999","title":"Late Tuesday","upvotes":500,"authors":[{"name":"A. Author"}],
		"publishedAt":"2026-08-17T00:00:00.000Z","summary":"An abstract."},"publishedAt":"2026-08-18T00:00:00.000Z",
		"title":"Late Tuesday","submittedOnDailyAt":"2026-08-18T00:00:00.000Z"}]`))
}

func TestMain_Top(t *testing.T) {
	env := importedDB(t)
	hf := &fakeHF{asked: map[string]int{}}
	srv := httptest.NewServer(hf)
	defer srv.Close()
	cfg := writeConfig(t, t.TempDir(), "source:\n  hf:\n    base_url: "+srv.URL+"\n")
	type top struct {
		Period  string
		Days    []string
		Missing []string
		Papers  []struct {
			ID      string
			Title   string
			Authors []string
			URL     string
			Upvotes int
		}
	}
	run := func(args ...string) top {
		t.Helper()
		r := mustRun(t, env, append([]string{"--config", cfg, "top", "--json"}, args...)...)
		var got top
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%v\n%s", err, r.stdout)
		}
		return got
	}
	got := run("--week", "--date", "2026-08-19")
	if got.Period != "2026-W34" || len(got.Papers) == 0 || got.Papers[0].ID != "2608.99999" {
		t.Fatalf("period %q, first %+v; want 2026-W34 led by the fetched Tuesday paper", got.Period, got.Papers)
	}
	if strings.Join(got.Days, ",") != "2026-08-18,2026-08-19" || len(got.Missing) != 0 {
		t.Fatalf("days %v, missing %v", got.Days, got.Missing)
	}
	for i := 1; i < len(got.Papers); i++ {
		if got.Papers[i].Upvotes > got.Papers[i-1].Upvotes {
			t.Fatalf("papers not in upvote order at %d", i)
		}
	}
	seen := map[string]bool{}
	month := run("--month", "--date", "2026-08-19", "--limit", "0")
	for _, p := range month.Papers {
		if seen[p.ID] {
			t.Fatalf("paper %s listed twice in the month", p.ID)
		}
		seen[p.ID] = true
	}
	// 2608.12313 is on both the 13th (2 votes) and the 19th (27 votes).
	if !seen["2608.12313"] || month.Period != "2026-08" || len(month.Papers) != 46 {
		t.Fatalf("month %q: %d papers, want 46 distinct from both sample days and the fetched one", month.Period, len(month.Papers))
	}
	if hf.asked["2026-08-18"] != 1 {
		t.Fatalf("2026-08-18 fetched %d times; once stored it is not fetched again", hf.asked["2026-08-18"])
	}
	r := runMain(t, env, "", "--config", cfg, "top", "--date", "2026-08-19")
	if r.code != 2 || !strings.Contains(r.stderr, "--week") {
		t.Fatalf("top without a period: exit %d, %q; want 2 and what to add", r.code, r.stderr)
	}
}
