package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"paperboy/bot/bottest"
)

// paraphrases are queries that share no word with their paper's title,
// and the concepts that let the fake embedder see what they mean.
var (
	paraphrases = map[string]string{
		"repairing damaged photos":             "2608.16793", // PixRestore: Unified Image Restoration …
		"are the knuckles in view":             "2608.11574", // Hand Visibility Detector …
		"mapping out what a robot should look": "2608.17512", // Embodied-Navigator …
	}
	testConcepts = map[string]string{
		"repairing": "restor", "restoration": "restor", "restore": "restor", "restoring": "restor",
		"photos": "image", "photo": "image", "images": "image",
		"damaged": "degrad", "degraded": "degrad", "degradation": "degrad", "degradations": "degrad",
		"knuckles": "hand", "hands": "hand",
		"view": "visib", "visibility": "visib", "visible": "visib",
		"robot": "embodi", "embodied": "embodi", "agent": "embodi",
		"mapping": "navig", "navigation": "navig", "navigate": "navig", "look": "navig",
	}
)

// fakeEmbeddings is an OpenAI-compatible /v1/embeddings server whose vectors
// come from bottest.HashVector with testConcepts.
func fakeEmbeddings(t *testing.T, inputs *atomic.Int64) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Input []string
			Model string
		}
		if r.URL.Path != "/v1/embeddings" || json.NewDecoder(r.Body).Decode(&req) != nil || req.Model != "hash-embed" {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		inputs.Add(int64(len(req.Input)))
		type datum struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		resp := struct {
			Object string  `json:"object"`
			Data   []datum `json:"data"`
			Model  string  `json:"model"`
		}{Object: "list", Model: req.Model}
		for i := len(req.Input) - 1; i >= 0; i-- { // out of order: the client must sort by index
			resp.Data = append(resp.Data, datum{"embedding", i, bottest.HashVector(req.Input[i], testConcepts)})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestMain_Embed(t *testing.T) {
	env := importedDB(t)
	var inputs atomic.Int64
	srv := fakeEmbeddings(t, &inputs)
	embEnv := map[string]string{"PAPERBOY_DB": env["PAPERBOY_DB"], "PAPERBOY_CONFIG": writeConfig(t, t.TempDir(),
		fmt.Sprintf("embeddings:\n  base_url: %s/v1\n  model: hash-embed\n  batch_size: 7\n", srv.URL))}

	searchTop := func(env map[string]string, query string) []string {
		var out struct{ Results []struct{ ID string } }
		r := mustRun(t, env, "search", "--json", "--limit", "3", query)
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range out.Results {
			ids = append(ids, h.ID)
		}
		return ids
	}
	keywords := map[string]string{}
	for _, q := range []string{"PixRestore", "Hand Visibility Detector", "2608.17512", "Energy-Guided Flow Matching", "agent safety runtime contract"} {
		keywords[q] = searchTop(env, q)[0]
	}

	r := mustRun(t, embEnv, "embed")
	total := inputs.Load()
	if !strings.HasPrefix(r.stdout, fmt.Sprintf("embedded %d of %d papers with hash-embed", total, total)) || total < 50 {
		t.Fatalf("embed: %q after %d inputs", r.stdout, total)
	}
	if r := mustRun(t, embEnv, "embed"); !strings.HasPrefix(r.stdout, "embedded 0 of 0") || inputs.Load() != total {
		t.Fatalf("second embed: %q, %d more inputs; want nothing to do", r.stdout, inputs.Load()-total)
	}
	for query, want := range paraphrases {
		if got := searchTop(env, query); strings.Contains(strings.Join(got, " "), want) {
			t.Fatalf("%q: words alone found %s: the test proves nothing", query, want)
		}
		if got := searchTop(embEnv, query); !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("%q: top 3 %v, want %s", query, got, want)
		}
	}
	for query, want := range keywords {
		if got := searchTop(embEnv, query); len(got) == 0 || got[0] != want {
			t.Errorf("%q: hybrid top %v, words alone %s", query, got, want)
		}
	}
	var rel struct{ Results []struct{ ID string } }
	if err := json.Unmarshal([]byte(mustRun(t, embEnv, "related", "--json", "2608.16793").stdout), &rel); err != nil || len(rel.Results) == 0 {
		t.Fatalf("related by vectors: %v %v", rel, err)
	}
	t.Run("NoEndpoint", func(t *testing.T) {
		r := runMain(t, env, "", "embed")
		if r.code != 2 || !strings.Contains(r.stderr, "embeddings.base_url") {
			t.Fatalf("exit %d %q, want 2 naming embeddings.base_url", r.code, r.stderr)
		}
	})
	t.Run("EndpointDown", func(t *testing.T) {
		srv.Close()
		if got := searchTop(embEnv, "PixRestore"); len(got) == 0 || got[0] != keywords["PixRestore"] {
			t.Fatalf("search with the endpoint down: %v, want words alone", got)
		}
	})
}

// TestMain_EmbedFails: an endpoint that refuses makes embed say why (the
// status and the endpoint's message, the key redacted) and exit 1, also
// when only some batches failed.
func TestMain_EmbedFails(t *testing.T) {
	const key = "sk-embed-very-secret"
	tests := []struct {
		name  string
		fail  func(input []string) bool // which requests the endpoint refuses
		code  int
		want  string
		quote string
	}{
		{"Unauthorized", func([]string) bool { return true }, 401, "HTTP 401", "Incorrect API key provided: REDACTED"},
		{"SomeBatches", func(in []string) bool { return strings.Contains(strings.Join(in, " "), "PixRestore") }, 400, "papers not embedded", "input rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				var req struct{ Input []string }
				json.NewDecoder(r.Body).Decode(&req)
				if !tt.fail(req.Input) {
					resp := `{"data":[`
					for i := range req.Input {
						resp += fmt.Sprintf(`%s{"index":%d,"embedding":[1,%d]}`, map[bool]string{true: ",", false: ""}[i > 0], i, i)
					}
					fmt.Fprint(w, resp+`]}`)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.code)
				msg := map[int]string{401: "Incorrect API key provided: " + key, 400: "input rejected"}[tt.code]
				fmt.Fprintf(w, `{"error":{"message":%q,"type":"invalid_request_error"}}`, msg)
			}))
			defer srv.Close()
			env := importedDB(t)
			env["EMB_KEY"] = key
			env["PAPERBOY_CONFIG"] = writeConfig(t, t.TempDir(),
				fmt.Sprintf("embeddings:\n  base_url: %s/v1\n  model: m\n  api_key: ${EMB_KEY}\n  batch_size: 7\n", srv.URL))
			r := runMain(t, env, "", "embed")
			line := strings.TrimSpace(r.stderr)
			if r.code != 1 || !strings.HasPrefix(line, "paperboy: ") || strings.Count(line, "\n") != 0 {
				t.Fatalf("exit %d, stderr %q; want 1 and one line", r.code, r.stderr)
			}
			if !strings.Contains(line, tt.want) || !strings.Contains(line, tt.quote) || strings.Contains(r.stdout+r.stderr, key) {
				t.Fatalf("stderr %q; want %q and %q, and no key", line, tt.want, tt.quote)
			}
		})
	}
}

// TestMain_ImportEmbeds checks that `import` embeds the papers it stored
// when an embeddings endpoint is configured, so a following `embed` has
// nothing left, and that an endpoint that is down costs only a warning:
// the papers stay imported.
func TestMain_ImportEmbeds(t *testing.T) {
	var inputs atomic.Int64
	srv := fakeEmbeddings(t, &inputs)
	dir := t.TempDir()
	env := map[string]string{"PAPERBOY_DB": filepath.Join(dir, "p.db"), "PAPERBOY_CONFIG": writeConfig(t, dir,
		fmt.Sprintf("embeddings:\n  base_url: %s/v1\n  model: hash-embed\n", srv.URL))}
	r := mustRun(t, env, "import", "sample/daily_papers_2026-08-19.json")
	if n := inputs.Load(); n < 20 || !strings.Contains(r.stderr, fmt.Sprintf("embedded %d of %d papers with hash-embed", n, n)) {
		t.Fatalf("import embedded %d papers; stderr %q", n, r.stderr)
	}
	if r := mustRun(t, env, "embed"); !strings.HasPrefix(r.stdout, "embedded 0 of 0") {
		t.Fatalf("embed after import: %q, want nothing left", r.stdout)
	}

	down := map[string]string{"PAPERBOY_DB": filepath.Join(dir, "q.db"), "PAPERBOY_CONFIG": writeConfig(t, t.TempDir(),
		"embeddings:\n  base_url: http://127.0.0.1:1/v1\n  model: hash-embed\n  timeout: 1s\n")}
	r = mustRun(t, down, "import", "sample/daily_papers_2026-08-19.json")
	if !strings.Contains(r.stderr, "warning:") || !strings.Contains(r.stderr, "paperboy embed") || !strings.Contains(r.stdout, "added") {
		t.Fatalf("import with the endpoint down: stdout %q stderr %q; want the import and a warning", r.stdout, r.stderr)
	}
}
