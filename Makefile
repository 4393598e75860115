# Boring on purpose. CI runs .ci/run: .ci/lint, then the README's test command.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: build test lint bench bench-scale
build:
	CGO_ENABLED=0 go build -ldflags "-s -w -X main.version=$(VERSION)" -o bin/paperboy ./cmd/paperboy

test:
	go test -race -count=1 ./...

lint:
	.ci/lint

# The commands behind docs/benchmarks.md (several minutes; builds a 100k-paper database).
bench:
	go test -run '^$$' -bench ImportJSONL -benchtime 1x ./cmd/paperboy/
	go test -run '^$$' -bench Search -benchtime=500x ./store/
	go test -run '^$$' -bench 'SaveBatch|Summary' -benchtime=40x ./store/
	go test -run '^$$' -bench TLDRCacheHit -benchtime 20000x ./cmd/paperboy/
	go test -run '^$$' -bench ParseSnapshot -benchtime 2s ./adapters/arxiv/

# Issue #6 at arXiv scale: generate a snapshot of N papers, import it with
# the real binary (timed), then time /papers search side by side with the
# sqlite3 CLI on that database. Needs sqlite3 and ~3.5 GB of disk per
# million papers in BENCH_DIR. make bench-scale N=1000000 for the 1M table.
N ?= 300000
BENCH_DIR ?= /tmp/paperboy-bench
bench-scale: build
	mkdir -p $(BENCH_DIR)
	test -s $(BENCH_DIR)/snap-$(N).jsonl || go run ./cmd/paperboy-bench corpus -n $(N) -o $(BENCH_DIR)/snap-$(N).jsonl
	rm -f $(BENCH_DIR)/$(N).db $(BENCH_DIR)/$(N).db-wal $(BENCH_DIR)/$(N).db-shm
	bin/paperboy --db $(BENCH_DIR)/$(N).db import $(BENCH_DIR)/snap-$(N).jsonl
	go run ./cmd/paperboy-bench search -db $(BENCH_DIR)/$(N).db -n 200
