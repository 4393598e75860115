// Command paperboy-bench makes the numbers in docs/benchmarks.md that need
// more than `go test -bench`: a synthetic arXiv snapshot of any size, and
// search latency at scale measured side by side with the C sqlite3 CLI on
// the same database and query set.
//
//	paperboy-bench corpus -n 300000 -o /tmp/snap-300k.jsonl
//	paperboy --db /tmp/300k.db import /tmp/snap-300k.jsonl
//	paperboy-bench search -db /tmp/300k.db
//
// It is a development tool: the paperboy binary does not include it.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
)

const usage = `usage:
  paperboy-bench corpus [-n 300000] [-seed 1] [-o FILE]
      write n synthetic papers as arXiv's metadata snapshot (JSON Lines)
  paperboy-bench search -db FILE|URL [-n 200] [-sqlite3 sqlite3] [-class typical,common,prefix,ids] [-exec BIN]
      time /papers search in-process and plain bm25 in the sqlite3 CLI, query by query
      (a postgres:// URL times paperboy's search on PostgreSQL, without the CLI;
      -exec times one-shot 'BIN --db DB search QUERY' processes instead)
  paperboy-bench taste [-data FILE] [-db URL] [-popularity 0.15] [-cpuprofile FILE]
      the taste benchmark: eight teams' top 5 by their saves, their interest sentence
      and both, on six months of real Daily Papers, beside the reference anchors
  paperboy-bench known [-half report|tune|all] [-seed 1] [-per-kind 150] [-pg] [-pg-url URL]
                       [-engine NAME] [-kind KIND] [-misses KIND]
      known-item queries built from the Daily Papers fixture: top-1 / top-3 / MRR per kind,
      paperboy against a Bleve index of the same papers
  paperboy-bench paraphrase [-fixture FILE] [-dims 128]
      hybrid search quality on paraphrase sets of real Daily Papers, with an LSA
      stand-in embedding: tunes the fusion on one half, reports on the other
`

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "paperboy-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command; usage:\n%s", usage)
	}
	switch args[0] {
	case "corpus":
		return runCorpus(args[1:], stdout)
	case "search":
		return runSearch(ctx, args[1:], stdout)
	case "taste":
		return runTaste(ctx, args[1:], stdout)
	case "known":
		return runKnown(ctx, args[1:], stdout)
	case "paraphrase":
		return runParaphrase(ctx, args[1:], stdout)
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}

func runCorpus(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	n := fs.Int("n", 300000, "papers to write")
	seed := fs.Int64("seed", 1, "corpus seed: the same seed writes the same papers")
	out := fs.String("o", "-", "output file; - is stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 {
		return errors.New("corpus: -n must be at least 1")
	}
	if *out == "-" {
		return bottest.WriteSnapshot(stdout, *seed, *n)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if err := bottest.WriteSnapshot(f, *seed, *n); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// class is a fixed query set.
type class struct {
	name    string
	queries []string
}

var classes = []class{
	{"typical", bottest.TypicalQueries},
	{"common", bottest.CommonQueries},
	{"prefix", bottest.PrefixQueries},
	{"ids", bottest.IDQueries},
}

func runSearch(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	dbPath := fs.String("db", "", "paperboy database to search (required)")
	n := fs.Int("n", 200, "queries per class (the sets repeat when shorter)")
	cli := fs.String("sqlite3", "sqlite3", "the sqlite3 command line shell; empty to skip it")
	only := fs.String("class", "typical,common,prefix,ids", "query classes to run")
	bin := fs.String("exec", "", "time this paperboy binary's one-shot `paperboy --db DB search QUERY` processes (start, open, search, print) instead of searches in this process")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dbPath == "" {
		return errors.New("search: -db FILE is required")
	}
	pg := store.IsPostgres(*dbPath)
	if _, err := os.Stat(*dbPath); err != nil && !pg {
		return fmt.Errorf("search: %w", err)
	}
	r := searchRun{db: *dbPath, bin: *bin}
	if *bin == "" { // the binary opens (and may migrate) the store itself
		db, err := store.Open(*dbPath)
		if err != nil {
			return err
		}
		defer db.Close()
		r.engine = &bot.Engine{Store: db}
	}
	if *cli != "" && !pg { // the sqlite3 CLI reads SQLite files only
		var err error
		if r.shell, err = startSQLite3(*cli, *dbPath); err != nil {
			return err
		}
		defer r.shell.close()
	}
	fmt.Fprintf(stdout, "database %s, %d queries per class, %s\n\n", store.Redact(*dbPath), *n, runtime.Version())
	fmt.Fprintln(stdout, "| class | paperboy p50 | paperboy p99 | sqlite3 CLI p50 | sqlite3 CLI p99 | p99 ratio |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|")
	for _, c := range classes {
		if !slices.Contains(strings.Split(*only, ","), c.name) {
			continue
		}
		row, err := r.class(ctx, c, *n)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, row)
	}
	hwm, rss := memory()
	fmt.Fprintf(stdout, "\npaperboy process after the searches: RSS %d MB, peak RSS %d MB\n", rss>>20, hwm>>20)
	return nil
}

// searchRun is what runSearch times: paperboy's search in this process
// (engine) or one-shot processes of a binary (bin), and the sqlite3 CLI
// beside it when shell is set.
type searchRun struct {
	db, bin string
	engine  *bot.Engine
	shell   *sqlite3
}

// class times n queries of c and returns its table row.
func (r searchRun) class(ctx context.Context, c class, n int) (string, error) {
	var ours, theirs []time.Duration
	for i := range n {
		q := c.queries[i%len(c.queries)]
		start := time.Now()
		if r.bin != "" {
			if out, err := exec.CommandContext(ctx, r.bin, "--db", r.db, "search", q).CombinedOutput(); err != nil {
				return "", fmt.Errorf("%s search %q: %w: %s", r.bin, q, err, out)
			}
		} else if _, _, err := r.engine.Search(ctx, q, 10, 0); err != nil {
			return "", fmt.Errorf("search %q: %w", q, err)
		}
		ours = append(ours, time.Since(start))
		if r.shell != nil {
			d, err := r.shell.time(plainQuery(c.name, q))
			if err != nil {
				return "", fmt.Errorf("sqlite3 %q: %w", q, err)
			}
			theirs = append(theirs, d)
		}
	}
	row := fmt.Sprintf("| %s | %s | %s |", c.name, ms(pct(ours, 50)), ms(pct(ours, 99)))
	switch {
	case r.shell != nil && pct(theirs, 99) < 2*time.Millisecond:
		// The shell's timer counts whole milliseconds: no ratio below two.
		row += fmt.Sprintf(" %s | %s | – |", ms(pct(theirs, 50)), ms(pct(theirs, 99)))
	case r.shell != nil:
		row += fmt.Sprintf(" %s | %s | %.2g× |", ms(pct(theirs, 50)), ms(pct(theirs, 99)),
			float64(pct(ours, 99))/float64(pct(theirs, 99)))
	default:
		row += " – | – | – |"
	}
	return row, nil
}

// plainQuery is what the raw engine runs for a query: FTS5's bm25 ranking
// (the rank the database configures, bm25(10, 1, 3)) over the same match
// expression paperboy builds, or a primary-key lookup for an id.
func plainQuery(class, q string) string {
	if class == "ids" {
		return "SELECT id FROM papers WHERE paper_id = '" + q + "';"
	}
	expr := strings.ReplaceAll(store.MatchExpr(q), "'", "''")
	return "SELECT rowid FROM papers_fts WHERE papers_fts MATCH '" + expr + "' ORDER BY rank LIMIT 10;"
}

// sqlite3 is a running sqlite3 shell that times each statement.
type sqlite3 struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func startSQLite3(path, db string) (*sqlite3, error) {
	cmd := exec.Command(path, "-readonly", db)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s (install it, or pass -sqlite3 '' to skip it): %w", path, err)
	}
	s := &sqlite3{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	s.out.Buffer(make([]byte, 64<<10), 16<<20)
	if _, err := io.WriteString(in, ".timer on\n"); err != nil {
		return nil, err
	}
	return s, nil
}

// time runs one statement and returns the wall time the shell reports.
func (s *sqlite3) time(stmt string) (time.Duration, error) {
	if _, err := io.WriteString(s.in, stmt+"\n"); err != nil {
		return 0, err
	}
	for s.out.Scan() {
		line := s.out.Text()
		rest, ok := strings.CutPrefix(line, "Run Time: real ")
		if !ok {
			continue // a result row
		}
		secs, _, _ := strings.Cut(rest, " ")
		f, err := strconv.ParseFloat(secs, 64)
		if err != nil {
			return 0, fmt.Errorf("unreadable timer line %q", line)
		}
		return time.Duration(f * float64(time.Second)), nil
	}
	if err := s.out.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("sqlite3 exited")
}

func (s *sqlite3) close() {
	s.in.Close()
	s.cmd.Wait()
}

// pct returns the p-th percentile of ds.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

// memory returns the process's peak and current resident set size, in
// bytes, from /proc (0 where there is no /proc).
func memory() (hwm, rss int64) {
	buf, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for line := range strings.Lines(string(buf)) {
		k, v, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmHWM":
			hwm = kb << 10
		case "VmRSS":
			rss = kb << 10
		}
	}
	return hwm, rss
}
