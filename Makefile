# burstlab: `make demo` reproduces the incident on the embedded simulator,
# `make test` runs every test.
GO      ?= go
BIN     := bin/burstlab
PKGS    := ./...
# The tests in files built with -tags long (worked out when a target uses it).
LONG_TESTS = $(shell grep -ho '^func Test[A-Za-z0-9_]*' $$(grep -rl '^//go:build long' --include='*_test.go' .) | sed 's/^func //' | paste -sd'|' -)
# The tests in files built with -tags cores: real-time searches whose answer
# rests on the generator keeping its schedule, so each runs with the
# machine's cores to itself.
CORE_TESTS = $(shell grep -ho '^func Test[A-Za-z0-9_]*' $$(grep -rl '^//go:build cores' --include='*_test.go' .) | sed 's/^func //' | paste -sd'|' -)

.PHONY: all build demo test fuzz lint-examples bench vet fmt clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/burstlab

demo: build
	$(BIN) run examples/kustomer-2019.yaml -o out/demo --force

test:
	# Timing fidelity first, while the machine is fresh, and without the race
	# detector, which slows every request several times over.
	$(GO) test -count=1 -run 'Fidelity' ./attack/
	$(GO) vet -tags long,cores $(PKGS)
	# Every test under the race detector; the CLI tests mostly wait on the
	# processes they start, so up to 4 run side by side.
	$(GO) test -race -count=1 -parallel 4 -timeout 15m $(PKGS)
	# Then the real-time end-to-end runs (tens of seconds each, in files built
	# with -tags long, which a plain `go test ./...` leaves out), up to 8 side
	# by side (they mostly wait on the clock) and without the race detector,
	# which would slow their generator below the rates they measure.
	$(GO) test -count=1 -tags long -p 4 -parallel 8 -timeout 15m -run '^($(LONG_TESTS))$$' $(PKGS)
	# Last, the capacity searches (files built with -tags cores), one test
	# at a time with nothing beside them: a search judges the target only
	# while the generator keeps time, which a machine shared with eight
	# other real-time runs cannot promise on 2 cores.
	$(GO) test -count=1 -tags cores -p 1 -parallel 1 -timeout 15m -run '^($(CORE_TESTS))$$' $(PKGS)

# Every fuzz target (func FuzzX in a _test.go file) in turn, FUZZTIME each
# (60s by default), FUZZPROCS workers each: the cores are shared. Go spends
# up to a minute minimizing each new interesting input by default, which
# would eat a short run whole: FUZZMINTIME bounds it. Go 1.26's coordinator
# can fail a target with a bare "context deadline exceeded" as -fuzztime
# ends (golang/go#75804, fixed in 1.27): such a run wrote no failing input
# and is reported as that race; any run that wrote one fails make fuzz.
FUZZTIME    ?= 60s
FUZZPROCS   ?= 1
FUZZMINTIME ?= 5s
fuzz:
	@failed=; log=$$(mktemp); \
	for f in $$(grep -rl --include='*_test.go' '^func Fuzz' . | sort); do \
		pkg=./$$(dirname $$f); \
		for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
			echo "== $$pkg $$t ($(FUZZTIME))"; \
			if $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINTIME) -parallel $(FUZZPROCS) $$pkg >$$log 2>&1; then \
				grep -v '^fuzz: elapsed' $$log; grep '^fuzz: elapsed' $$log | tail -1; \
			elif grep -q 'context deadline exceeded' $$log && ! grep -q 'Failing input written' $$log; then \
				grep '^fuzz: elapsed' $$log | tail -1; \
				echo "   no failing input: the coordinator's deadline race at -fuzztime's end (golang/go#75804), not a finding"; \
			else \
				cat $$log; failed="$$failed $$pkg:$$t"; \
			fi; \
		done; \
	done; rm -f $$log; \
	if [ -n "$$failed" ]; then echo "fuzz failures:$$failed"; exit 1; fi

# The CI and Kubernetes examples, offline: actionlint (pinned) on the GitHub
# workflow; a strict decode of the manifests into the Kubernetes API types
# (internal/examplecheck, its own module with pinned k8s.io/api).
ACTIONLINT := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
lint-examples:
	$(GO) run $(ACTIONLINT) examples/ci/github-actions.yml
	cd internal/examplecheck && $(GO) run . $(addprefix ../../,$(wildcard examples/kubernetes/*.yaml))

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
