package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// result is what one run of paperboy printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// runMain runs paperboy with args in dir, with stdin and an environment of
// only env, the way main() would, and returns what it printed.
func runMain(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{
		Stdin:  strings.NewReader(stdin),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		// The fake sources answer at once: their waits take no time.
		sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	}
	err := m.Run(context.Background(), args)
	if cerr := m.Close(); cerr != nil {
		t.Fatalf("Close: %v", cerr)
	}
	if err != nil {
		fmt.Fprintf(&stderr, "paperboy: %s\n", errorLine(err))
	}
	return result{stdout.String(), stderr.String(), exitCode(err)}
}

// mustRun is runMain that fails the test unless paperboy exits 0.
func mustRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	r := runMain(t, env, "", args...)
	if r.code != 0 {
		t.Fatalf("paperboy %s: exit %d\nstderr: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// writeConfig writes a config file into dir and returns its path.
func writeConfig(t *testing.T, dir, yaml string) string {
	t.Helper()
	path := filepath.Join(dir, "paperboy.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// importedDB returns a database with the real HF fixtures imported, and
// the env that points paperboy at it.
func importedDB(t *testing.T) map[string]string {
	t.Helper()
	env := map[string]string{"PAPERBOY_DB": filepath.Join(t.TempDir(), "test.db")}
	mustRun(t, env, "import", "sample/daily_papers_2026-08-13.json", "sample/daily_papers_2026-08-19.json",
		"testdata/daily_papers_2024-05-27.json", "testdata/daily_papers_2025-01-27.json", "testdata/daily-papers-page.txt")
	return env
}

func TestMain_Usage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"Version", []string{"version"}, 0, ""},
		{"UnknownCommand", []string{"frobnicate"}, 2, "paperboy: unknown command"},
		{"UnknownFlag", []string{"today", "--frob"}, 2, "paperboy: today: flag provided but not defined"},
		{"MissingConfig", []string{"--config", filepath.Join(dir, "missing.yaml"), "today"}, 2, "does not exist"},
		{"SearchWithoutWords", []string{"search"}, 2, "search needs words"},
		{"BadLimit", []string{"search", "--limit", "0", "x"}, 2, "--limit"},
		{"BadDate", []string{"--db", filepath.Join(dir, "a.db"), "today", "--date", "19.08.2026"}, 2, "YYYY-MM-DD"},
		{"TLDRGarbage", []string{"--db", filepath.Join(dir, "a.db"), "tldr", "not-a-paper"}, 2, "not an arXiv id"},
		{"TLDRUnknown", []string{"--db", filepath.Join(dir, "a.db"), "tldr", "2401.00001"}, 1, "paperboy: No paper"},
		{"ImportNothing", []string{"import"}, 2, "import needs at least one file"},
		{"ImportMissingFile", []string{"--db", filepath.Join(dir, "a.db"), "import", filepath.Join(dir, "nope.json")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMain(t, nil, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if tt.code != 0 && !strings.HasPrefix(r.stderr, "paperboy: ") {
				t.Fatalf("stderr=%q, want a line starting with 'paperboy: '", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("stderr=%q, want it to contain %q", r.stderr, tt.want)
			}
		})
	}
}

func TestMain_Config(t *testing.T) {
	dir := t.TempDir()
	t.Run("Malformed", func(t *testing.T) {
		path := writeConfig(t, dir, "database: [unclosed\n")
		r := runMain(t, nil, "", "--config", path, "today")
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 {
			t.Fatalf("exit %d, stderr %q; want 2 and one line", r.code, r.stderr)
		}
	})
	t.Run("EveryProblemByKey", func(t *testing.T) {
		path := writeConfig(t, dir, "timezone: Mars/Olympus\nsource:\n  kind: rss\nsummarize:\n  base_url: ftp://x\nsubscriptions:\n  - platform: irc\n")
		r := runMain(t, nil, "", "--config", path, "today")
		if r.code != 2 {
			t.Fatalf("exit %d, want 2", r.code)
		}
		for _, key := range []string{"timezone", "source.kind", "summarize.base_url", "summarize.model", "subscriptions[0].platform", "subscriptions[0].channel"} {
			if !strings.Contains(r.stderr, key+":") {
				t.Errorf("stderr does not name %s: %q", key, r.stderr)
			}
		}
	})
	t.Run("UnknownKey", func(t *testing.T) {
		path := writeConfig(t, dir, "databse: x.db\n")
		r := runMain(t, nil, "", "--config", path, "today")
		if r.code != 2 || !strings.Contains(r.stderr, "databse") {
			t.Fatalf("exit %d, stderr %q; want 2 naming the unknown key", r.code, r.stderr)
		}
	})
	t.Run("Example", func(t *testing.T) {
		data, err := os.ReadFile("../../config.example.yaml")
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseConfig(data, true, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("config.example.yaml does not validate: %v", err)
		}
	})
	t.Run("SecretsExpandedNotPrinted", func(t *testing.T) {
		c, err := ParseConfig([]byte("summarize:\n  api_key: ${KEY}\n"), true, func(string) string { return "sk-very-secret" })
		if err != nil {
			t.Fatal(err)
		}
		if string(c.Summarize.APIKey) != "sk-very-secret" {
			t.Fatalf("APIKey=%q, want it expanded", c.Summarize.APIKey)
		}
		if s := fmt.Sprintf("%v %+v", c.Summarize.APIKey, c.Summarize); strings.Contains(s, "sk-very") {
			t.Fatalf("formatted config leaks the key: %s", s)
		}
	})
}

func TestMain_Today(t *testing.T) {
	env := importedDB(t)
	for _, day := range []string{"2024-05-27", "2025-01-27", "2026-08-13", "2026-08-19"} {
		r := mustRun(t, env, "today", "--date", day, "--json")
		var got struct {
			Date   string
			Papers []struct {
				ID      string
				Upvotes int
				Authors []string
			}
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%s: %v\n%s", day, err, r.stdout)
		}
		if got.Date != day || len(got.Papers) == 0 {
			t.Fatalf("%s: date %s, %d papers", day, got.Date, len(got.Papers))
		}
		for i := 1; i < len(got.Papers); i++ {
			if got.Papers[i].Upvotes > got.Papers[i-1].Upvotes {
				t.Fatalf("%s: papers not in upvote order at %d", day, i)
			}
		}
	}
	r := mustRun(t, env, "today", "--date", "2026-08-19")
	if !strings.Contains(r.stdout, "Daily Papers — Wed 19 Aug 2026") {
		t.Fatalf("today output lacks the headline:\n%s", r.stdout)
	}
}

// TestMain_TodayFallback: on a day without a batch, the JSON form shows
// the batch the text form shows (the latest earlier one) and names it.
func TestMain_TodayFallback(t *testing.T) {
	env := importedDB(t)
	var got struct {
		Date      string `json:"date"`
		BatchDate string `json:"batch_date"`
		Papers    []struct{ ID string }
	}
	r := mustRun(t, env, "today", "--date", "2026-08-22", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Date != "2026-08-22" || got.BatchDate != "2026-08-19" || len(got.Papers) == 0 {
		t.Fatalf("date %q, batch_date %q, %d papers; want 2026-08-22, 2026-08-19 and its papers", got.Date, got.BatchDate, len(got.Papers))
	}
	text := mustRun(t, env, "today", "--date", "2026-08-22").stdout
	if !strings.Contains(text, "showing the latest, Wed 19 Aug 2026") || !strings.Contains(text, got.Papers[0].ID) {
		t.Fatalf("text form shows another batch than the JSON's first paper %s:\n%.600s", got.Papers[0].ID, text)
	}
}

func TestMain_Search(t *testing.T) {
	env := importedDB(t)
	r := mustRun(t, env, "search", "--json", "--limit", "5", "self-play")
	var got struct {
		Query   string
		Results []struct{ ID, Title, URL, Published string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.Query != "self-play" || len(got.Results) == 0 || len(got.Results) > 5 {
		t.Fatalf("got %+v", got)
	}
	r = mustRun(t, env, "search", "--json", "https://arxiv.org/abs/2608.12313v3")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Results) == 0 || got.Results[0].ID != "2608.12313" {
		t.Fatalf("search by link: %+v, want 2608.12313 first", got.Results)
	}
	for _, q := range []string{`"unbalanced`, "AND OR NOT", "c++ gpt-4 *", "'); DROP TABLE papers;--", "title:", "\x00"} {
		if r := runMain(t, env, "", "search", "--json", q); r.code != 0 {
			t.Fatalf("search %q: exit %d %s", q, r.code, r.stderr)
		}
	}
}

func TestMain_TLDR(t *testing.T) {
	env := importedDB(t)
	tldr := func(t *testing.T, env map[string]string, paper string) (id, source, text string, cached bool) {
		t.Helper()
		r := mustRun(t, env, "tldr", "--json", paper)
		var got struct {
			ID, Source, TLDR, Model string
			Cached                  bool
		}
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatal(err)
		}
		return got.ID, got.Source, got.TLDR, got.Cached
	}
	t.Run("HF", func(t *testing.T) {
		for _, ref := range []string{"2608.12313", "2608.12313v2", "https://arxiv.org/abs/2608.12313", "https://huggingface.co/papers/2608.12313"} {
			if id, source, text, _ := tldr(t, env, ref); id != "2608.12313" || source != "hf" || text == "" {
				t.Fatalf("tldr %s: id %s source %s text %q", ref, id, source, text)
			}
		}
	})
	t.Run("Extractive", func(t *testing.T) {
		if _, source, text, _ := tldr(t, env, "2608.17271"); source != "extractive" || text == "" {
			t.Fatalf("source %s text %q, want extractive (2608.17271 has no ai_summary)", source, text)
		}
	})
	t.Run("LLM", func(t *testing.T) {
		var calls atomic.Int32
		answer := "Self-play lets a model teach itself to reason better."
		llm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}]}`, answer)
		}))
		defer llm.Close()
		llmEnv := map[string]string{"PAPERBOY_DB": env["PAPERBOY_DB"],
			"PAPERBOY_CONFIG": writeConfig(t, t.TempDir(), "summarize:\n  base_url: "+llm.URL+"/v1\n  model: test-model\n")}
		_, source, text, cached := tldr(t, llmEnv, "2608.17271")
		if source != "llm" || text != answer || cached {
			t.Fatalf("first: source %s text %q cached %v", source, text, cached)
		}
		_, source, _, cached = tldr(t, llmEnv, "2608.17271v1")
		if source != "llm" || !cached || calls.Load() != 1 {
			t.Fatalf("second: source %s cached %v upstream calls %d; want a cache hit and 1 call in all", source, cached, calls.Load())
		}
		answer = "@everyone <@&123> check https://spam.example <!channel>"
		if _, source, text, _ := tldr(t, llmEnv, "2608.12313"); source != "hf" || strings.Contains(text, "@everyone") {
			t.Fatalf("hostile answer: source %s text %q, want the HF fallback", source, text)
		}
		llm.Close() // the LLM is down now
		if _, source, text, _ := tldr(t, llmEnv, "2501.14249"); source != "extractive" || text == "" {
			t.Fatalf("LLM down: source %s text %q, want a non-empty extractive fallback", source, text)
		}
	})
}

func TestMain_ImportFormats(t *testing.T) {
	env := map[string]string{"PAPERBOY_DB": filepath.Join(t.TempDir(), "test.db")}
	for _, f := range []string{
		"testdata/api_query_search_testing_start0_max10_2026-04-12.xml",
		"testdata/rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml",
		"testdata/daily-papers-page.txt",
	} {
		r := mustRun(t, env, "import", f)
		if !strings.Contains(r.stdout, "added") {
			t.Fatalf("import %s printed no summary: %q", f, r.stdout)
		}
	}
	data, err := os.ReadFile("sample/daily_papers_2026-08-13.json")
	if err != nil {
		t.Fatal(err)
	}
	r := runMain(t, env, string(data), "import", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "20 added") {
		t.Fatalf("import - : exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	r = runMain(t, env, string(data), "import", "-")
	if r.code != 0 || !strings.Contains(r.stdout, "0 added, 20 updated") {
		t.Fatalf("re-import: %q, want every paper updated, none added", r.stdout)
	}
}

func TestMain_ImportHostile(t *testing.T) {
	env := map[string]string{"PAPERBOY_DB": filepath.Join(t.TempDir(), "test.db")}
	path := filepath.Join(t.TempDir(), "hostile.json")
	if err := os.WriteFile(path, hostileBatch(), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runMain(t, env, "", "import", "--date", "2026-08-20", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "4 added") {
		t.Fatalf("summary %q, want the 4 valid papers added", r.stdout)
	}
	if got := strings.Count(r.stderr, "warning:"); got < 3 {
		t.Fatalf("%d warnings, want one per bad item:\n%s", got, r.stderr)
	}
	out := mustRun(t, env, "today", "--date", "2026-08-20", "--json").stdout
	for _, want := range []string{"2609.00001", "2609.00002", "2609.00003", "2609.00004"} {
		if !strings.Contains(out, want) {
			t.Fatalf("today lacks %s:\n%s", want, out)
		}
	}
	text := mustRun(t, env, "today", "--date", "2026-08-20").stdout
	if strings.Contains(text, `\textbf`) || !strings.Contains(text, "+697") {
		t.Fatalf("rendered batch: TeX left or 700 authors not abbreviated:\n%.2000s", text)
	}
}

// hostileBatch is a daily_papers array with every kind of trouble: mentions,
// TeX, a 20 kB title, 700 authors, nulls, malformed items, a duplicate id.
func hostileBatch() []byte {
	authors := make([]string, 700)
	for i := range authors {
		authors[i] = fmt.Sprintf(`{"name":"Author %d"}`, i)
	}
	item := func(id, title, extra string) string {
		return fmt.Sprintf(`{"paper":{"id":%s,"title":%s,"summary":"An abstract with $\\alpha$ and \\textbf{bold}.","authors":[{"name":"A"}],"publishedAt":"2026-08-19T00:00:00.000Z","upvotes":3%s},"title":%s,"numComments":0}`, id, title, extra, title)
	}
	long := `"` + strings.Repeat("Long ", 4000) + `"`
	items := []string{
		item(`"2609.00001"`, `"@everyone <@&123> \\textbf{Mention} attack"`, ""),
		item(`"2609.00002"`, long, ""),
		strings.Replace(item(`"2609.00003"`, `"Seven hundred authors"`, ""), `[{"name":"A"}]`, "["+strings.Join(authors, ",")+"]", 1),
		item(`"2609.00004"`, `"Nulls everywhere"`, `,"ai_summary":null,"githubRepo":null,"ai_keywords":null`),
		item(`"2609.00001"`, `"Duplicate id"`, ""),
		item(`2609.00005`, `"Numeric id"`, ""),
		`"not an object"`,
		`{"paper":null}`,
		item(`"2609.00006"`, `""`, ""),
	}
	return []byte("[" + strings.Join(items, ",\n") + "]")
}

func TestMain_RunConsole(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	offline := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
	}))
	defer offline.Close()
	cfg := writeConfig(t, dir, "source:\n  hf:\n    base_url: "+offline.URL+"\n")
	env := map[string]string{"PAPERBOY_CONFIG": cfg}
	r := runMain(t, env, "/papers today\n/papers search reasoning\n/papers tldr 2608.12313\n/papers help\n")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "paperboy.db")); err != nil {
		t.Fatalf("no ./paperboy.db: %v", err)
	}
	for _, want := range []string{"Daily Papers — Wed 19 Aug 2026", "Search: reasoning", "TL;DR:", "/papers search <words>"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("console output lacks %q", want)
		}
	}
	if !strings.Contains(r.stderr, "sample") {
		t.Errorf("stderr does not say the sample was loaded: %s", r.stderr)
	}
}

func TestMain_ExportRoundTrip(t *testing.T) {
	env := importedDB(t)
	dir := t.TempDir()
	all, day := filepath.Join(dir, "all.jsonl"), filepath.Join(dir, "day.jsonl")
	mustRun(t, env, "export", all)
	mustRun(t, env, "export", "--date", "2026-08-19", day)
	fresh := map[string]string{"PAPERBOY_DB": filepath.Join(dir, "fresh.db")}
	r := mustRun(t, fresh, "import", all, day)
	if !strings.Contains(r.stdout, "(paperboy JSON Lines): 149 added, 0 updated, 0 skipped") ||
		!strings.Contains(r.stdout, "0 added, 26 updated") {
		t.Fatalf("import of the export: %q", r.stdout)
	}
	before := mustRun(t, env, "today", "--date", "2026-08-19", "--json").stdout
	after := mustRun(t, fresh, "today", "--date", "2026-08-19", "--json").stdout
	if before != after {
		t.Fatalf("the day's batch differs after export and import:\n%s\nvs\n%s", before, after)
	}
}

func TestMain_ImportBadFiles(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"PAPERBOY_DB": filepath.Join(dir, "test.db")}
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name, file, want string
	}{
		{"Empty", write("empty.json", " \n"), "empty; nothing to import"},
		{"Binary", write("bin.dat", "\x7fELF\x00\x01\x02"), "binary data"},
		{"HTML", write("page.xml", "<html><body>hi</body></html>"), "neither an arXiv Atom feed nor an arXiv RSS listing"},
		{"Directory", dir, "is a directory"},
		{"NotJSONArray", write("broken.json", "[{"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runMain(t, env, "", "import", tt.file)
			if tt.want == "" { // a broken array: the reader reports it; nothing is lost because nothing was valid
				if r.code == 0 && !strings.Contains(r.stderr, "warning:") {
					t.Fatalf("exit 0 and no warning for %s", tt.file)
				}
				return
			}
			if r.code != 1 || strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 1 and one line containing %q", r.code, r.stderr, tt.want)
			}
		})
	}
	t.Run("OneBadAmongGood", func(t *testing.T) {
		r := runMain(t, env, "", "import", filepath.Join(dir, "empty.json"), "sample/daily_papers_2026-08-13.json")
		if r.code != 1 || !strings.Contains(r.stdout, "20 added") || !strings.Contains(r.stderr, "1 of 2 files") {
			t.Fatalf("exit %d, stdout %q, stderr %q; want the good file imported and exit 1", r.code, r.stdout, r.stderr)
		}
	})
}

// TestREADME_SlackManifest keeps the manifest shown in the README the same
// as adapters/slack/manifest.yaml.
func TestREADME_SlackManifest(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile("../../adapters/slack/manifest.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body := string(manifest[strings.Index(string(manifest), "display_information:"):])
	if !strings.Contains(string(readme), body) {
		t.Fatal("README.md's Slack manifest differs from adapters/slack/manifest.yaml; copy the file's YAML into the README")
	}
}

// buildBinary returns the paperboy binary, built on first use.
func buildBinary(tb testing.TB) string {
	tb.Helper()
	built.once.Do(build)
	if built.err != nil {
		tb.Fatal(built.err)
	}
	return built.bin
}

// build builds the binary into built, once (through built.once).
func build() {
	if built.dir, built.err = os.MkdirTemp("", "paperboy-test-bin-"); built.err != nil {
		return
	}
	built.bin = filepath.Join(built.dir, "paperboy")
	if out, err := exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
		built.err = fmt.Errorf("build: %v\n%s", err, out)
	}
}

// built is the binary buildBinary builds once for the whole test run (a
// link of it takes seconds); TestMain starts that early in a whole run,
// and removes the binary.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

// discordYAML is the discord: section of a config that points at a fake.
func discordYAML(apiURL string) string {
	return `
discord:
  token: test-token
  application_id: "111111111111111111"
  api_base_url: ` + apiURL + "\n"
}

func TestMain_Search_Dates(t *testing.T) {
	env := importedDB(t)
	var got struct {
		Results     []struct{ ID string }
		From, To    string
		UnreadDates string `json:"unread_dates"`
	}
	r := mustRun(t, env, "search", "--json", "agent from 2026-08-13 to 2026-08-13")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.From != "2026-08-13" || got.To != "2026-08-13" || len(got.Results) == 0 {
		t.Fatalf("got %+v, want 13 Aug's agent papers", got)
	}
	day := mustRun(t, env, "today", "--json", "--date", "2026-08-13").stdout
	for _, h := range got.Results {
		if !strings.Contains(day, `"`+h.ID+`"`) {
			t.Fatalf("%s is not in the batch of 13 Aug", h.ID)
		}
	}
	r = mustRun(t, env, "search", "--json", "self-play since Junly")
	got.From, got.To = "", ""
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.UnreadDates != "since Junly" || got.From != "" || got.To != "" {
		t.Fatalf("got %+v, want all dates and unread_dates", got)
	}
}
