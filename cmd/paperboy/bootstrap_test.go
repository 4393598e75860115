package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// offlineSource returns a config whose Hugging Face is a local server that
// rejects every request, so a bootstrap falls back to the bundled sample.
func offlineSource(t *testing.T, dir string) map[string]string {
	t.Helper()
	offline := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
	}))
	t.Cleanup(offline.Close)
	cfg := writeConfig(t, dir, "source:\n  hf:\n    base_url: "+offline.URL+"\n")
	return map[string]string{"PAPERBOY_CONFIG": cfg, "PAPERBOY_DB": filepath.Join(dir, "p.db")}
}

func TestRun_SnapshotOnlyStoreLeftAsItIs(t *testing.T) {
	dir := t.TempDir()
	env := offlineSource(t, dir)
	mustRun(t, env, "import", "testdata/arxiv_snapshot.jsonl")
	before := filepath.Join(dir, "before.jsonl")
	mustRun(t, env, "export", before)

	r := runMain(t, env, "/papers help\n", "run")
	if r.code != 0 {
		t.Fatalf("run: exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "sample") {
		t.Fatalf("run loaded the sample into a store with papers: %s", r.stderr)
	}
	after := filepath.Join(dir, "after.jsonl")
	mustRun(t, env, "export", after)
	b, _ := os.ReadFile(before)
	a, _ := os.ReadFile(after)
	if len(b) == 0 || string(a) != string(b) {
		t.Fatalf("the store changed: %d bytes exported before, %d after", len(b), len(a))
	}
}

// readmeCommand matches a /papers example in README.md's quick start,
// written in backticks or in the printf line.
var readmeCommand = regexp.MustCompile("`(/papers [^`<\\[]*)`|(/papers [^\\\\'<\\[]*)\\\\n")

func TestREADME_ExamplesAnswerOnSample(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(data), "## Quick start")
	end := strings.Index(string(data), "## Configuration")
	if start < 0 || end < start {
		t.Fatal("README.md has no Quick start section before Configuration")
	}
	var cmds []string
	for _, m := range readmeCommand.FindAllStringSubmatch(string(data)[start:end], -1) {
		cmds = append(cmds, strings.TrimSpace(m[1]+m[2]))
	}
	if len(cmds) < 4 {
		t.Fatalf("found only %q in the quick start", cmds)
	}
	env := offlineSource(t, t.TempDir())
	for _, cmd := range cmds {
		r := runMain(t, env, cmd+"\n", "run")
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", cmd, r.code, r.stderr)
		}
		for _, bad := range []string{"No papers match", "not found", "Unknown", "Internal error"} {
			if strings.Contains(r.stdout, bad) || strings.TrimSpace(r.stdout) == "" {
				t.Errorf("README example %q answers %q on the bundled sample:\n%s", cmd, bad, r.stdout)
			}
		}
	}
}
