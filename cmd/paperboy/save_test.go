package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
)

// savedIDs runs saved --json and returns the ids and who saved each.
func savedIDs(t *testing.T, env map[string]string, channel string) ([]string, [][]string) {
	t.Helper()
	r := mustRun(t, env, "saved", "--channel", channel, "--json")
	var list []struct {
		ID      string   `json:"id"`
		Title   string   `json:"title"`
		URL     string   `json:"url"`
		SavedBy []string `json:"saved_by"`
		SavedAt string   `json:"saved_at"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("saved --json: %v\n%s", err, r.stdout)
	}
	ids, by := []string{}, [][]string{}
	for _, p := range list {
		if p.URL == "" || p.SavedAt == "" {
			t.Errorf("saved --json entry without url or saved_at: %+v", p)
		}
		ids, by = append(ids, p.ID), append(by, p.SavedBy)
	}
	return ids, by
}

func TestMain_Save(t *testing.T) {
	env := importedDB(t)
	r := mustRun(t, env, "save", "--channel", "slack:C0TEAM", "2608.12313", "https://arxiv.org/abs/2608.17271v2")
	if !strings.Contains(r.stdout, "saved 2 papers (0 already saved)") {
		t.Fatalf("save: %q", r.stdout)
	}
	if r = mustRun(t, env, "save", "--channel", "slack:C0TEAM", "2608.12313"); !strings.Contains(r.stdout, "(1 already saved)") {
		t.Fatalf("save again: %q", r.stdout)
	}
	mustRun(t, env, "save", "--channel", "slack:C0TEAM", "--not-for-us", "2608.16157")
	ids, by := savedIDs(t, env, "slack:C0TEAM")
	if len(ids) != 2 || !reflect.DeepEqual(by[0], []string{"cli"}) {
		t.Fatalf("saved=%v by %v; want the 2 saves (a not-for-us mark is no save)", ids, by)
	}
	if other, _ := savedIDs(t, env, "discord:123"); len(other) != 0 {
		t.Fatalf("another channel's list: %v", other)
	}
	mustRun(t, env, "unsave", "--channel", "slack:C0TEAM", "2608.12313")
	if ids, _ = savedIDs(t, env, "slack:C0TEAM"); !reflect.DeepEqual(ids, []string{"2608.17271"}) {
		t.Fatalf("after unsave: %v", ids)
	}
	if r = mustRun(t, env, "saved", "--channel", "slack:C0TEAM"); !strings.Contains(r.stdout, "2608.17271") || !strings.Contains(r.stdout, "saved by cli") {
		t.Fatalf("saved: %q", r.stdout)
	}
}

func TestMain_Save_Usage(t *testing.T) {
	env := importedDB(t)
	for _, args := range [][]string{
		{"save", "2608.12313"},
		{"save", "--channel", "teams:C1", "2608.12313"},
		{"save", "--channel", "slack:general", "2608.12313"},
		{"save", "--channel", "slack:C1"},
		{"save", "--channel", "slack:C1", "not-a-paper"},
		{"saved", "--channel", "discord:12", "--json", "--bibtex"},
		{"unsave", "--channel", "email:nobody"},
	} {
		r := runMain(t, env, "", args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "paperboy: ") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, r.code, r.stderr)
		}
	}
	if r := runMain(t, env, "", "save", "--channel", "teams:C1", "2608.12313"); !strings.Contains(r.stderr, "discord, slack or email") {
		t.Errorf("bad platform: %q, want what to write", r.stderr)
	}
}

// fakeArxiv answers id_list queries with an entry for each id it knows;
// down makes it answer 503 instead.
type fakeArxiv struct {
	mu       sync.Mutex
	down     bool
	requests int
}

func (f *fakeArxiv) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.requests++
	down := f.down
	f.mu.Unlock()
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	var b strings.Builder
	b.WriteString(`<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">`)
	for _, id := range strings.Split(r.URL.Query().Get("id_list"), ",") {
		if strings.HasPrefix(id, "2699.") {
			continue // arXiv does not know it
		}
		fmt.Fprintf(&b, `<entry><id>http://arxiv.org/abs/%sv1</id><title>Fetched %s</title><summary>Abstract.</summary>
<published>2024-01-02T18:59:00Z</published><author><name>A. Author</name></author>
<category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/><arxiv:primary_category term="cs.LG"/></entry>`, id, id)
	}
	b.WriteString("</feed>\n")
	w.Header().Set("Content-Type", "application/atom+xml")
	fmt.Fprint(w, b.String())
}

// arxivEnv is env with source.arxiv.base_url at a fake arXiv.
func arxivEnv(t *testing.T, env map[string]string, f *fakeArxiv) map[string]string {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	out := map[string]string{"PAPERBOY_CONFIG": writeConfig(t, t.TempDir(), "source:\n  arxiv:\n    base_url: "+srv.URL+"/api/query\n")}
	for k, v := range env {
		out[k] = v
	}
	return out
}

func TestMain_SaveFrom(t *testing.T) {
	f := &fakeArxiv{}
	env := arxivEnv(t, importedDB(t), f)
	r := mustRun(t, env, "save", "--channel", "discord:42", "--from", "testdata/reading/list.txt")
	if !strings.Contains(r.stdout, "saved 3 papers") || !strings.Contains(r.stdout, "1 pending") || !strings.Contains(r.stdout, "does not know") {
		t.Fatalf("save --from list: %q", r.stdout)
	}
	r = mustRun(t, env, "save", "--channel", "discord:42", "--from", "testdata/reading/zotero.bib")
	if !strings.Contains(r.stdout, "saved 2 papers") || !strings.Contains(r.stdout, "fetched 2 from arXiv") {
		t.Fatalf("save --from bib: %q", r.stdout)
	}
	r = mustRun(t, env, "save", "--channel", "discord:42", "--from", "testdata/reading/zotero.json")
	if !strings.Contains(r.stdout, "saved 2 papers (2 already saved)") || !strings.Contains(r.stderr, "1 of 3 entries name no arXiv paper") {
		t.Fatalf("save --from csl: %q, stderr %q", r.stdout, r.stderr)
	}
	ids, _ := savedIDs(t, env, "discord:42")
	want := []string{"2310.06825", "2401.01335", "2699.99999", "2608.17271", "2608.12313"}
	if !sameSet(ids, want) {
		t.Fatalf("saved=%v, want %v", ids, want)
	}
	r = mustRun(t, env, "saved", "--channel", "discord:42", "--bibtex")
	if !strings.Contains(r.stdout, "title = {{Fetched 2401.01335}}") || strings.Count(r.stdout, "archivePrefix = {arXiv}") != 5 {
		t.Fatalf("saved --bibtex:\n%s", r.stdout)
	}
}

// TestMain_SaveFrom_Offline seeds while arXiv is down: the papers are kept
// as pending, and the next save, with arXiv back, fetches them.
func TestMain_SaveFrom_Offline(t *testing.T) {
	f := &fakeArxiv{down: true}
	env := arxivEnv(t, importedDB(t), f)
	r := mustRun(t, env, "save", "--channel", "slack:C1", "--from", "testdata/reading/zotero.bib")
	if !strings.Contains(r.stdout, "saved 2 papers") || !strings.Contains(r.stdout, "2 pending") || !strings.Contains(r.stdout, "out of reach") {
		t.Fatalf("offline save: %q", r.stdout)
	}
	f.mu.Lock()
	f.down = false
	f.mu.Unlock()
	r = mustRun(t, env, "save", "--channel", "slack:C1", "2608.12313")
	if !strings.Contains(r.stdout, "fetched 2 from arXiv") || strings.Contains(r.stdout, "pending") {
		t.Fatalf("save with arXiv back: %q", r.stdout)
	}
	if r = mustRun(t, env, "saved", "--channel", "slack:C1"); !strings.Contains(r.stdout, "Fetched 2401.01335") {
		t.Fatalf("pending paper not resolved: %q", r.stdout)
	}
}

// TestMain_SavedBibTeX_Python parses saved --bibtex with Debian's
// python3-bibtexparser, where it is installed.
func TestMain_SavedBibTeX_Python(t *testing.T) {
	py := "/usr/bin/python3"
	if exec.Command(py, "-c", "import bibtexparser").Run() != nil {
		t.Skip("python3-bibtexparser is not installed (apt-get install python3-bibtexparser)")
	}
	env := importedDB(t)
	mustRun(t, env, "save", "--channel", "slack:C1", "2608.12313", "2608.17271", "2608.16157")
	r := mustRun(t, env, "saved", "--channel", "slack:C1", "--bibtex")
	cmd := exec.Command(py, "-c", `import sys, bibtexparser
for e in bibtexparser.loads(sys.stdin.read()).entries: print(e["eprint"], e["archiveprefix"])`)
	cmd.Stdin = strings.NewReader(r.stdout)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bibtexparser: %v\n%s", err, out)
	}
	if got := strings.Fields(string(out)); !sameSet(got, []string{"2608.12313", "arXiv", "2608.17271", "arXiv", "2608.16157", "arXiv"}) {
		t.Fatalf("bibtexparser read %q", out)
	}
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		if count[s]--; count[s] < 0 {
			return false
		}
	}
	return true
}
