package summarize

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLimitTransport: a body over the transport's limit fails to read with
// errTooLarge (never a silent cut), one at the limit reads whole. The
// embeddings client gets its own, larger limit through the same transport.
func TestLimitTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("x", 100))
	}))
	defer srv.Close()
	read := func(limit int64) (int, error) {
		resp, err := (&http.Client{Transport: newTransport(limit)}).Get(srv.URL)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return len(b), err
	}
	if n, err := read(10); !errors.Is(err, errTooLarge) {
		t.Fatalf("over the limit: read %d bytes, err %v; want errTooLarge", n, err)
	}
	if n, err := read(100); err != nil || n != 100 {
		t.Fatalf("at the limit: read %d bytes, err %v; want all 100", n, err)
	}
	if maxEmbedBody <= maxResponseBody {
		t.Fatalf("the embeddings limit (%d) must hold batches far larger than a TL;DR (%d)", maxEmbedBody, maxResponseBody)
	}
}
