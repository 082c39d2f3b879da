//go:build linux

package main

import (
	"fmt"
	"strings"
)

// benchReport is everything docs/bench.md says.
type benchReport struct {
	Machine  machine
	Settings settings
	Tools    *tools
	Rows     []row
	Runs     []runResult
	Commands []string
}

// markdown writes the report: how and where it was measured, the table
// with the targets, the commands and every run.
func (r *benchReport) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	m := r.Machine
	p("# burstlab beside vegeta and hey, through the command line\n\n")
	p("Written by `make bench` (`go run ./internal/sidebyside -out docs/bench.md`) on %s.\n", m.Date)
	if r.Settings.Quick {
		p("\n**Quick run (`-quick`): shorter runs and single rounds, to try the bench out. " +
			"These are not the issue's measures; `make bench` takes them.**\n")
	}
	p("\nMachine: %d CPUs (%s), %s, %s. Tools: burstlab at %s, the vegeta CLI %s (`%s`), hey %s.\n",
		m.NProc, m.CPU, m.Go, m.Kernel, r.Tools.burstlabRevision, r.Tools.vegetaVersion, r.Tools.vegetaBuild, r.Tools.heyVersion)
	p("\nHow it is measured:\n\n")
	p("- Every run is one tool process against a fresh out-of-process loopback server (this program as `sidebyside serve`) "+
		"that answers 200 with a 3-byte body and logs when each request arrived and when each connection was opened. "+
		"Requests to `/warm` (the reference's warm-up) are answered but not counted. "+
		"For the backed-up target it runs with `-slots %d -service %s`: at most %d requests are served at once, each for %s, "+
		"the rest wait in a queue; arrivals are logged before the queue.\n", backedSlots, durationFlag(backedService), backedSlots, durationFlag(backedService))
	p("- Server-side send lateness at a constant rate r, over the requests that arrived: with the arrivals sorted, lateness_k = arrival_k − (t0 + k/r), " +
		"t0 = min over k of (arrival_k − k/r), so each tool's most punctual request is 0 late, whatever it takes as its start.\n")
	p("- CPU per request: the tool process's user + system time (rusage) over the requests the server received. " +
		"Peak RSS: the process's rusage maxrss. 1 MiB = 2^20 bytes.\n")
	p("- Comparisons run interleaved (burstlab, peer, burstlab, peer, ...) in one invocation. " +
		"The table gives the median of each side and the median of the per-pair ratios burstlab / peer.\n")
	p("- The machine's other work moves every figure; read p99 and the ratios with the per-run figures below.\n")

	p("\n| measure | burstlab | peer | peer's | ratio | target (issues 11, 21) | |\n|---|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		p("| %s | %s | %s | %s | %s | %s | %s |\n", row.Measure, cell(row.Burstlab), row.Peer, row.PeerValue, row.Ratio, row.Target, row.Met)
	}

	p("\nCommands (ADDR: the server's address, OUT: a temporary file or directory):\n\n```sh\n")
	for _, c := range r.Commands {
		p("%s\n", c)
	}
	p("```\n\nThe bare-vegeta reference (`sidebyside reference`) is a vegeta Attacker with %d fixed workers "+
		"(Workers = MaxWorkers = %d), a client with MaxConnsPerHost = %d whose %d connections are opened before "+
		"the burst by %d warm-up requests held open together, a pacer on absolute time and the collector off "+
		"during the burst.\n", burstConns, burstConns, burstConns, burstConns, burstConns)

	p("\nEvery run:\n\n| measure | round | tool | arrived | lateness p50 (ms) | p99 (ms) | CPU/request (µs) | peak RSS (MiB) | connections opened in span | requests/s received | note |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, run := range r.Runs {
		late50, late99 := "—", "—"
		if run.Planned > 0 {
			late50, late99 = number(ms(run.P50), 2), number(ms(run.P99), 2)
		}
		arrived := fmt.Sprint(run.Arrived)
		if run.Planned > 0 {
			arrived = fmt.Sprintf("%d of %d", run.Arrived, run.Planned)
		}
		p("| %s | %d | %s | %s | %s | %s | %.1f | %.1f | %d | %.0f | %s |\n", run.Measure, run.Round, run.Side, arrived,
			late50, late99, float64(run.cpuPerRequest())/1e3, mib(run.MaxRSS), run.Conns, run.Rate, cell(run.Note))
	}
	return b.String()
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.TrimSpace(s), "|", "\\|")
}
