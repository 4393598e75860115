# Boring on purpose. CI runs .ci/run: .ci/lint, then the README's test command.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: build test lint bench
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
