package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
	"paperboy/store"
)

func TestCorpus(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"corpus", "-n", "25", "-seed", "2"}, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 25 || !strings.Contains(lines[0], `"authors_parsed"`) {
		t.Fatalf("%d lines, first %.200s", len(lines), lines[0])
	}
	file := filepath.Join(t.TempDir(), "snap.jsonl")
	if err := run(context.Background(), []string{"corpus", "-n", "25", "-seed", "2", "-o", file}, &out); err != nil {
		t.Fatal(err)
	}
	if buf, err := os.ReadFile(file); err != nil || !bytes.Equal(buf, []byte(strings.Join(lines, "\n")+"\n")) {
		t.Fatalf("-o wrote something else than stdout (%v)", err)
	}
	if err := run(context.Background(), []string{"corpus", "-n", "0"}, &out); err == nil {
		t.Fatal("-n 0 accepted")
	}
}

func TestSearch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bench.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveBatch(context.Background(), bot.Batch{Papers: bottest.Corpus(1, 300)}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	args := []string{"search", "-db", path, "-n", "5", "-sqlite3", ""}
	cli, err := exec.LookPath("sqlite3")
	if err == nil {
		args[len(args)-1] = cli
	}
	var out bytes.Buffer
	if err := run(context.Background(), args, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| typical |", "| common |", "| prefix |", "| ids |", "peak RSS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	_, row, _ := strings.Cut(out.String(), "| typical |")
	if cells := strings.Split(strings.SplitN(row, "\n", 2)[0], "|"); cli != "" && !strings.HasSuffix(cells[2], " ms ") {
		t.Errorf("sqlite3 found but not timed:\n%s", out.String())
	}
	if err := run(context.Background(), []string{"search"}, &out); err == nil || !strings.Contains(err.Error(), "-db") {
		t.Fatalf("search without -db: %v", err)
	}
}
