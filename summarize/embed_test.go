package summarize

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"paperboy/bot"
)

func embedServer(t *testing.T, h http.HandlerFunc) *Embedder {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := NewEmbedder(EmbedderConfig{BaseURL: srv.URL + "/v1", Model: "nomic-embed-text", APIKey: "sk-secret"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEmbedder(t *testing.T) {
	var auth, path string
	c := embedServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.URL.Path
		fmt.Fprint(w, `{"object":"list","model":"nomic-embed-text","data":[`+
			`{"object":"embedding","index":1,"embedding":[0,1]},{"object":"embedding","index":0,"embedding":[1,0]}]}`)
	})
	got, err := c.Embed(context.Background(), []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !slices.Equal(got[0], []float32{1, 0}) || !slices.Equal(got[1], []float32{0, 1}) {
		t.Fatalf("Embed=%v, want the vectors in input order", got)
	}
	if path != "/v1/embeddings" || auth != "Bearer sk-secret" || c.EmbedModel() != "nomic-embed-text" {
		t.Fatalf("path %q auth %q model %q", path, auth, c.EmbedModel())
	}
}

func TestEmbedder_Errors(t *testing.T) {
	tests := []struct {
		name, body, want string
		status           int
	}{
		{"Missing", `{"data":[{"index":0,"embedding":[1]}]}`, "mixed or no length", 200},
		{"MixedLength", `{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[1,2]}]}`, "mixed or no length", 200},
		{"BadIndex", `{"data":[{"index":0,"embedding":[1]},{"index":5,"embedding":[1]}]}`, "not given", 200},
		{"Unauthorized", `{"error":{"message":"bad key sk-secret"}}`, "HTTP 401; check embeddings.api_key", 401},
		{"NotFound", `{"error":"model not found"}`, "HTTP 404", 404},
		{"Garbage", `<html>`, "could not be read", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := embedServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				fmt.Fprint(w, tt.body)
			})
			_, err := c.Embed(context.Background(), []string{"a", "b"})
			msg := bot.ErrorMessage(err)
			if bot.ErrorCode(err) != bot.EUNAVAILABLE || !strings.Contains(msg, tt.want) || strings.Contains(msg, "sk-secret") || strings.Contains(msg, "/v1/embeddings") {
				t.Fatalf("err=%v, want EUNAVAILABLE with %q, no key, no path", err, tt.want)
			}
		})
	}
}

func TestNewEmbedder_Invalid(t *testing.T) {
	for _, cfg := range []EmbedderConfig{{BaseURL: "ftp://x", Model: "m"}, {BaseURL: "http://x/v1"}, {BaseURL: "http://x", Model: "m", Timeout: -1}} {
		if _, err := NewEmbedder(cfg); err == nil {
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}
