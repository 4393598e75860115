package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// askOutput is `ask --json`.
type askOutput struct {
	Question, Answer, Model string
	Answered                bool
	Citations, Papers       []struct{ ID, Title, URL string }
}

func ask(t *testing.T, env map[string]string, args ...string) askOutput {
	t.Helper()
	r := mustRun(t, env, append([]string{"ask", "--json"}, args...)...)
	var out askOutput
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return out
}

// fakeChat is an OpenAI-compatible chat completions server that answers
// with reply(user message), and keeps the user messages it got.
type fakeChat struct {
	*httptest.Server
	mu    sync.Mutex
	users []string
}

func newFakeChat(t *testing.T, reply func(user string) string) *fakeChat {
	f := &fakeChat{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Role, Content string }
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) != 2 {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		user := req.Messages[1].Content
		f.mu.Lock()
		f.users = append(f.users, user)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}]}`, reply(user))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeChat) lastUser() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.users) == 0 {
		return ""
	}
	return f.users[len(f.users)-1]
}

func TestMain_Ask(t *testing.T) {
	env := importedDB(t)
	t.Run("NoLLM", func(t *testing.T) {
		out := ask(t, env, "self-play", "for", "reasoning")
		if len(out.Papers) == 0 || out.Answered || len(out.Citations) != 0 || !strings.Contains(out.Answer, "summarize.base_url") {
			t.Fatalf("got %+v, want the papers and a note about summarize.base_url", out)
		}
		for _, p := range out.Papers {
			if p.ID == "" || p.URL == "" && !strings.HasPrefix(p.ID, "x-") { // pasted pages have no links
				t.Fatalf("paper %+v lacks an id or link", p)
			}
		}
	})
	chat := newFakeChat(t, func(user string) string {
		if strings.Contains(user, "[2]") {
			return "The first two papers are about it [1], and so is the second [2]."
		}
		return "They measure it in the abstract [1]."
	})
	llmEnv := map[string]string{"PAPERBOY_DB": env["PAPERBOY_DB"],
		"PAPERBOY_CONFIG": writeConfig(t, t.TempDir(), "summarize:\n  base_url: "+chat.URL+"/v1\n  model: test-model\n")}
	t.Run("LLM", func(t *testing.T) {
		out := ask(t, llmEnv, "self-play for reasoning")
		if !out.Answered || out.Model != "test-model" || len(out.Citations) != 2 {
			t.Fatalf("got %+v, want an answer by test-model citing 2 papers", out)
		}
		for i, c := range out.Citations {
			if c.ID != out.Papers[i].ID || c.URL != out.Papers[i].URL {
				t.Fatalf("citation %d = %+v, want paper [%d] with its link", i, c, i+1)
			}
		}
	})
	t.Run("OnePaper", func(t *testing.T) {
		out := ask(t, llmEnv, "2608.17271", "what", "did", "they", "measure?")
		if len(out.Papers) != 1 || out.Papers[0].ID != "2608.17271" || len(out.Citations) != 1 {
			t.Fatalf("got %+v, want an answer from 2608.17271 alone", out)
		}
		user := chat.lastUser()
		if strings.Count(user, "Title: ") != 1 || !strings.Contains(user, out.Papers[0].Title) {
			t.Fatalf("the LLM was sent %q, want only the paper's title and abstract", user)
		}
	})
	t.Run("Text", func(t *testing.T) {
		r := mustRun(t, llmEnv, "ask", "https://arxiv.org/abs/2608.17271", "what", "did", "they", "measure?")
		if !strings.Contains(r.stdout, "[1]") || !strings.Contains(r.stdout, "test-model") || !strings.Contains(r.stdout, "https://") {
			t.Fatalf("stdout=%s, want the answer, the model and the cited papers' links", r.stdout)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		if r := runMain(t, env, "", "ask"); r.code != 2 {
			t.Fatalf("exit %d, want 2 without a question", r.code)
		}
	})
}

func TestMain_Related(t *testing.T) {
	env := importedDB(t)
	r := mustRun(t, env, "related", "--json", "--limit", "3", "2608.12313")
	var out struct {
		Paper   string
		Results []struct{ ID, Title, URL string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Paper != "2608.12313" || len(out.Results) != 3 {
		t.Fatalf("got %+v, want 3 papers related to 2608.12313", out)
	}
	for _, h := range out.Results {
		if h.ID == out.Paper || h.Title == "" {
			t.Fatalf("result %+v: the paper itself, or untitled", h)
		}
	}
	if r := runMain(t, env, "", "related", "2501.99999"); r.code != 1 || !strings.HasPrefix(r.stderr, "paperboy: ") {
		t.Fatalf("unknown paper: exit %d %q", r.code, r.stderr)
	}
}
