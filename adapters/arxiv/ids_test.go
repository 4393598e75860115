package arxiv_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"paperboy/adapters/arxiv"
	"paperboy/bot"
)

func TestClient_Papers(t *testing.T) {
	c, f := MustNewClient(t, func(w http.ResponseWriter, r *http.Request) {
		ids := strings.Split(r.URL.Query().Get("id_list"), ",")
		var entries []string
		for _, id := range ids {
			if id != "2699.99999" { // arXiv does not know it
				entries = append(entries, id, "2026-08-18T10:00:00Z")
			}
		}
		serve(http.StatusOK, feed(len(entries)/2, entries...))(w, r)
	})
	ids := make([]string, 0, arxiv.MaxIDs+2)
	for i := range arxiv.MaxIDs + 1 {
		ids = append(ids, fmt.Sprintf("2608.%05d", i+1))
	}
	ids = append(ids, "2699.99999")
	papers, err := c.Papers(context.Background(), ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(papers) != arxiv.MaxIDs+1 || papers[0].ID != "2608.00001" || papers[0].Title != "Paper 2608.00001" {
		t.Fatalf("got %d papers, first %+v", len(papers), papers[0])
	}
	if len(f.requests) != 2 || f.requests[1].Query().Get("max_results") != "2" {
		t.Fatalf("requests=%v, want two batches, the second of 2 ids", f.requests)
	}
}

func TestClient_Papers_Unavailable(t *testing.T) {
	c, _ := MustNewClient(t, serve(http.StatusServiceUnavailable, "down"))
	c.MaxAttempts = 2
	_, err := c.Papers(context.Background(), []string{"2608.00001"})
	if bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Fatalf("err=%v, want EUNAVAILABLE", err)
	}
}
