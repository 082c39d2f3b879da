//go:build linux

package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// lab runs one tool at a time against a fresh arrival server and keeps what
// every run measured.
type lab struct {
	ctx   context.Context
	self  string
	tools *tools
	dir   string
	set   settings
	runs  []runResult
	seq   int
	// commands are the commands run so far, each once, in the order first
	// run, with the server's address and the output path as placeholders.
	commands []string
}

// command is one invocation of a compared tool, written so it can be shown
// as a shell line as well as run.
type command struct {
	tool  string // burstlab, vegeta, hey or reference
	args  []string
	stdin string // the targets piped in, if any
}

// String is the command as a shell line.
func (c command) String() string {
	line := c.tool
	if c.tool == "reference" {
		line = "sidebyside reference"
	}
	for _, a := range c.args {
		if strings.ContainsAny(a, " '\"") {
			a = "'" + a + "'"
		}
		line += " " + a
	}
	if c.stdin != "" {
		line = fmt.Sprintf("echo '%s' | %s", strings.TrimSpace(c.stdin), line)
	}
	return line
}

// binary and argv to execute c.
func (l *lab) argv(c command) (string, []string) {
	switch c.tool {
	case "burstlab":
		return l.tools.burstlab, c.args
	case "vegeta":
		return l.tools.vegeta, c.args
	case "hey":
		return l.tools.hey, c.args
	default:
		return l.self, append([]string{"reference"}, c.args...)
	}
}

// runResult is what one run of one tool measured.
type runResult struct {
	Measure  string
	Round    int
	Side     string
	Planned  int // requests planned; 0 for a closed loop
	Arrived  int64
	P50, P99 time.Duration // server-side lateness; constant-rate runs only
	CPU      time.Duration // user + system of the tool's process
	MaxRSS   int64
	Conns    int     // connections opened between the first and the last arrival
	H2       int64   // arrivals over HTTP/2
	Rate     float64 // arrivals per second over their span
	Exit     int
	Note     string
}

// cpuPerRequest is the tool's CPU time per request the server received.
func (r runResult) cpuPerRequest() time.Duration {
	if r.Arrived == 0 {
		return 0
	}
	return r.CPU / time.Duration(r.Arrived)
}

// trial is one run to make: what, which round, and how.
type trial struct {
	measure string
	round   int
	side    string
	tls     bool
	length  time.Duration // how long the tool should send
	rate    float64       // planned rate, 0 for a closed loop
	server  []string      // the arrival server's extra flags (serve's -slots ...)
	drain   time.Duration // how long the tool may take past its length to finish
	command func(url, out string) command
}

// planned is the number of requests the trial's rate asks for over its
// length; 0 for a closed loop.
func (tr trial) planned() int { return int(math.Round(tr.rate * tr.length.Seconds())) }

// run starts a fresh server, runs the tool against it within a bound, and
// measures the run from the server's log and the tool's rusage.
func (l *lab) run(tr trial) (runResult, error) {
	l.show(tr)
	limit := tr.length + tr.drain + time.Minute
	srv, err := startTarget(l.self, tr.tls, limit+time.Minute, tr.server...)
	if err != nil {
		return runResult{}, err
	}
	defer srv.stop()
	l.seq++
	name := fmt.Sprintf("%02d-%s-%d-%s", l.seq, strings.ReplaceAll(tr.measure, " ", "_"), tr.round, tr.side)
	base := filepath.Join(l.dir, name)
	c := tr.command(srv.url(), base+".record")
	bin, args := l.argv(c)
	u, err := runChild(l.ctx, limit, base+".out", c.stdin, bin, args...)
	if err != nil {
		return runResult{}, err
	}
	time.Sleep(50 * time.Millisecond) // let the server finish its last handlers
	snap, err := srv.arrivals(l.ctx)
	if err != nil {
		return runResult{}, err
	}
	arr := sortedArrivals(snap)
	res := runResult{
		Measure: tr.measure, Round: tr.round, Side: tr.side, Planned: tr.planned(),
		Arrived: snap.Count, CPU: u.CPU, MaxRSS: u.MaxRSS,
		Conns: connsDuring(snap, arr), H2: snap.H2, Rate: arrivalRate(arr), Exit: u.ExitCode,
	}
	if tr.rate > 0 {
		late := lateness(arr, tr.rate)
		res.P50, res.P99 = quantile(late, 0.5), quantile(late, 0.99)
	}
	if u.ExitCode != 0 {
		res.Note = fmt.Sprintf("exit %d: %s", u.ExitCode, u.Stderr)
	}
	if int64(len(snap.Arrivals)) < snap.Count {
		res.Note += fmt.Sprintf(" (%d arrivals beyond the log's capacity untimed)", snap.Count-int64(len(snap.Arrivals)))
	}
	l.runs = append(l.runs, res)
	progress("%-22s round %d %-9s arrived %7d  late p50 %7.2f ms p99 %7.2f ms  cpu %6.1f µs/req  rss %6.1f MiB  conns in span %d  %s",
		tr.measure, tr.round, tr.side, res.Arrived, ms(res.P50), ms(res.P99),
		float64(res.cpuPerRequest())/1e3, mib(res.MaxRSS), res.Conns, res.Note)
	return res, nil
}

// show keeps the trial's command as the report lists it, ADDR for the
// server's address and OUT for the output path, unless it is there already.
func (l *lab) show(tr trial) {
	url := "http://ADDR/"
	if tr.tls {
		url = "https://ADDR/"
	}
	if line := tr.command(url, "OUT").String(); !slices.Contains(l.commands, line) {
		l.commands = append(l.commands, line)
	}
}

// mib is n bytes in MiB.
func mib(n int64) float64 { return float64(n) / (1 << 20) }
