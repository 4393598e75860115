# Boring on purpose. CI runs .ci/run: .ci/lint, then the README's test command.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: build test lint bench
build:
	CGO_ENABLED=0 go build -ldflags "-s -w -X main.version=$(VERSION)" -o bin/paperboy ./cmd/paperboy

test:
	go test -count=1 ./...

lint:
	.ci/lint

bench:
	go test -run '^$$' -bench . -benchtime 1x ./...
