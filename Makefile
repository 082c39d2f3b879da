# burstlab: `make demo` reproduces the incident on the embedded simulator,
# `make test` runs every test.
GO      ?= go
BIN     := bin/burstlab
PKGS    := ./...

.PHONY: all build demo test bench vet fmt clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/burstlab

demo: build
	$(BIN) run examples/kustomer-2019.yaml -o out/demo

test:
	# Timing fidelity first, while the machine is fresh, and without the race
	# detector, which slows every request several times over.
	$(GO) test -count=1 -run 'Fidelity' ./attack/
	$(GO) vet -tags long $(PKGS)
	# -tags long adds the real-time end-to-end runs (tens of seconds each)
	# that a plain `go test ./...` leaves out.
	$(GO) test -race -count=1 -tags long -timeout 15m $(PKGS)

# First burstlab beside vegeta's CLI, a bare-vegeta burst and hey, through their
# command lines against an out-of-process server (writes docs/bench.md); then the
# in-process benchmarks, one package at a time: timing benchmarks must not share
# the cores with another package's benchmarks.
bench:
	$(GO) run ./internal/sidebyside -out docs/bench.md
	$(GO) test -p 1 -run '^$$' -bench . -benchmem -count 5 $(PKGS)

fmt:
	gofmt -l -w .

clean:
	rm -rf bin out
