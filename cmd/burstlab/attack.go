package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/burst"
	"github.com/burstlab/burstlab/live"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
	"github.com/burstlab/burstlab/report/render"
)

func attackCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "rate", Value: "50/s", Usage: "requests per time unit, as vegeta writes it: `500/s`, 50/100ms, or a bare number per second; 0 sends as fast as -max-workers closed-loop workers get answers"},
		&cli.DurationFlag{Name: "duration", Usage: "how long to attack (required: every run is bounded)"},
		&cli.StringFlag{Name: "format", Value: "http", Usage: "targets format on stdin: http (vegeta's METHOD URL lines) or json"},
		&cli.StringFlag{Name: "targets", Usage: "read targets from `FILE` instead of stdin"},
		&cli.StringFlag{Name: "name", Value: "attack", Usage: "name of the record"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "keep the record (run.json, latency.hlog) in `DIR`, new or empty"},
		forceFlag,
		&cli.StringSliceFlag{Name: "header", Aliases: []string{"H"}, Usage: "add `NAME: VALUE` to every request (repeatable)"},
		&cli.DurationFlag{Name: "slo-p99", Usage: "a window is healthy when its p99 is under this (or under the baseline's times the tolerance)"},
	}
	flags = append(flags, clientFlags()...)
	flags = append(flags, resultFlags()...)
	flags = append(flags, gateFlags()...)
	flags = append(flags, alertFlag())
	return &cli.Command{
		Name:      "attack",
		Usage:     "vegeta-style ad-hoc attack: targets on stdin, a constant rate, burstlab's measurement and report",
		UsageText: "echo 'GET http://127.0.0.1:8080/' | burstlab attack -rate 500/s -duration 10s [-o DIR] [--gate EXPR]...",
		Flags:     flags,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("attack: unexpected argument %q (targets come on stdin)", c.Args().First())
			}
			rate, err := attack.ParseRate(c.String("rate"))
			if err != nil {
				return usageError{err}
			}
			if rate == 0 && !c.IsSet("max-workers") {
				return usagef("attack: -rate 0 (as fast as possible) needs -max-workers N, the number of closed-loop workers")
			}
			spec := burst.AttackSpec{Name: c.String("name"), Rate: rate, Duration: c.Duration("duration"), SLOP99: c.Duration("slo-p99")}
			if err := spec.Check(); err != nil {
				return usagef("attack: %v", err)
			}
			gates, err := parseGateFlags(c, nil)
			if err != nil {
				return err
			}
			alerts, err := parseAlertFlags(c, nil, gates, []string{burst.AttackStream})
			if err != nil {
				return err
			}
			tgts, err := readTargets(c, c.String("format"))
			if err != nil {
				return err
			}
			client, err := clientBlock(c)
			if err != nil {
				return err
			}
			spec.Targets, spec.Engine, spec.Workers = tgts, burst.ClientOptions(client), int(client.MaxWorkers)
			return runAndReport(c, func(ctx context.Context, opt burst.Options) (*report.Record, error) {
				return burst.Attack(ctx, spec, opt)
			}, gates, alerts)
		},
	}
}

// runAndReport runs a job with Ctrl-C handling (the first stops sending and
// waits for what is in flight, the second stops waiting), prints the report,
// keeps the record, and applies the gates. gates and alerts (the --alert
// rules) are parsed and checked.
func runAndReport(c *cli.Context, do func(context.Context, burst.Options) (*report.Record, error), gates []gate.Gate, alerts []gate.Rule) error {
	format := c.String("output-format")
	if !slices.Contains(report.ResultFormats, format) {
		return usagef("-output-format %q: want %s", format, strings.Join(report.ResultFormats, ", "))
	}
	metrics, stopMetrics, err := serveMetrics(c)
	if err != nil {
		return err
	}
	defer stopMetrics()
	ctx, abort, stop := interruptible()
	defer stop()
	rec, err := do(ctx, burst.Options{
		Out:          c.String("out"),
		Force:        c.Bool("force"),
		Progress:     os.Stderr,
		Live:         isTerminal(os.Stderr),
		Abort:        abort,
		Results:      c.String("output"),
		ResultFormat: format,
		Alerts:       alerts,
		Metrics:      metrics,
	})
	if err != nil && rec == nil {
		if ctx.Err() != nil {
			return exitError{code: exitInterrupt, msg: "interrupted before anything was sent"}
		}
		return err
	}
	// What was measured is printed even when a file of the run could not
	// be written; that failure then decides the exit code (3).
	tableErr := render.WriteTable(os.Stdout, rec)
	if err != nil {
		return err
	}
	if rec.Stopped {
		// The gates' files (--junit, --summary) are written all the same,
		// the stopped run failing them; the stop decides the exit code,
		// even when stdout is gone with the terminal that hung up.
		var io ioFailure
		if err := applyGates(c, rec, gates); errors.As(err, &io) {
			return err
		}
		msg := "interrupted: the record holds what was measured until then"
		if tableErr != nil {
			msg += " (the report could not be printed: " + tableErr.Error() + ")"
		}
		return exitError{code: exitInterrupt, msg: msg}
	}
	if tableErr != nil {
		return writeFailure("the report", "stdout", tableErr)
	}
	return judge(c, rec, gates)
}

// forceFlag lets a run replace the record already in -o DIR.
var forceFlag = &cli.BoolFlag{Name: "force", Usage: "replace the record already in -o DIR, whole (without it DIR must be new or empty)"}

// resultFlags ask for every request's result in vegeta's formats.
func resultFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "output", Usage: "write every request's result to `FILE` as vegeta does (vegeta report, plot and encode read it; so does burstlab report)"},
		&cli.StringFlag{Name: "output-format", Value: report.ResultFormats[0], Usage: "format of -output: gob, json or csv"},
		&cli.StringFlag{Name: "metrics-addr", Usage: "serve Prometheus metrics of the run at http://`HOST:PORT`/metrics while it runs (port 0 picks one; the address is printed on stderr)"},
		&cli.DurationFlag{Name: "metrics-linger", Usage: "keep serving -metrics-addr this long after the run, so a last scrape sees the final counters"},
	}
}

// serveMetrics starts the -metrics-addr endpoint, if asked for; stop
// lingers as asked, then closes it.
func serveMetrics(c *cli.Context) (*live.Metrics, func(), error) {
	addr := c.String("metrics-addr")
	if addr == "" {
		return nil, func() {}, nil
	}
	if c.Duration("metrics-linger") < 0 {
		return nil, nil, usagef("-metrics-linger must be ≥ 0")
	}
	m := live.New()
	srv, err := live.Serve(addr, m)
	if err != nil {
		return nil, nil, usagef("-metrics-addr: %v", err)
	}
	fmt.Fprintf(os.Stderr, "burstlab: metrics at %s\n", srv.URL())
	return m, func() { srv.Close(c.Duration("metrics-linger")) }, nil
}

// stopSignals end a run, a search, a plan's counting or the simulator
// as Ctrl-C does: SIGINT, SIGTERM, and SIGHUP (the terminal or the session
// that started burstlab went away), so the record is written and its
// directory unlocked whichever ended it. A signal burstlab was started
// with ignored (nohup, a background job) stays ignored: catching it would
// undo what the user asked for.
var stopSignals = func() []os.Signal {
	var sigs []os.Signal
	for _, s := range []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	return sigs
}()

// stopContext returns a context the first stop signal cancels.
func stopContext() (context.Context, context.CancelFunc) {
	if len(stopSignals) == 0 { // NotifyContext with none would catch every signal
		return context.WithCancel(context.Background())
	}
	return signal.NotifyContext(context.Background(), stopSignals...)
}

// interruptible returns a context the first stop signal (see stopSignals)
// cancels, which stops sending and waits for the requests in flight, and a
// channel the second one closes, which stops waiting. stop releases the
// signals.
func interruptible() (ctx context.Context, abort <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ab := make(chan struct{})
	sig := make(chan os.Signal, 2)
	if len(stopSignals) > 0 { // none would be every signal
		signal.Notify(sig, stopSignals...)
	}
	go func() {
		if _, ok := <-sig; !ok {
			return
		}
		os.Stderr.WriteString("\nburstlab: stopping; waiting for requests in flight (Ctrl-C again to stop waiting)\n")
		cancel()
		if _, ok := <-sig; ok {
			close(ab)
		}
	}()
	return ctx, ab, func() {
		signal.Stop(sig)
		close(sig)
		cancel()
	}
}

// readTargets reads the targets from -targets FILE or stdin, in the given
// format, with the -header flags added to every request.
func readTargets(c *cli.Context, format string) ([]vegeta.Target, error) {
	header := http.Header{}
	for _, h := range c.StringSlice("header") {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return nil, usagef("-header %q: want NAME: VALUE", h)
		}
		header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	in := os.Stdin
	if f := c.String("targets"); f != "" {
		var err error
		if in, err = os.Open(f); err != nil {
			return nil, usageError{err}
		}
		defer in.Close()
	}
	tgts, err := attack.ReadTargets(in, format, header)
	if err != nil {
		return nil, usageError{err}
	}
	return tgts, nil
}

// clientFlags are the HTTP client flags a vegeta user expects.
func clientFlags() []cli.Flag {
	return []cli.Flag{
		&cli.DurationFlag{Name: "timeout", Value: attack.DefaultTimeout, Usage: "per request, body and redirects included"},
		&cli.Uint64Flag{Name: "workers", Value: attack.DefaultWorkers, Usage: "workers ready at start"},
		&cli.Uint64Flag{Name: "max-workers", Value: attack.DefaultMaxWorkers, Usage: "cap on requests in flight; a request over it leaves late, and its lateness is counted"},
		&cli.IntFlag{Name: "connections", Value: 10000, Usage: "idle connections kept per host"},
		&cli.IntFlag{Name: "max-connections", Usage: "open connections per host (0: unlimited)"},
		&cli.BoolFlag{Name: "keepalive", Value: true, Usage: "reuse connections"},
		&cli.BoolFlag{Name: "http2", Value: true, Usage: "negotiate HTTP/2 over TLS"},
		&cli.BoolFlag{Name: "h2c", Usage: "HTTP/2 without TLS"},
		&cli.BoolFlag{Name: "insecure", Usage: "skip TLS certificate verification"},
		&cli.StringSliceFlag{Name: "root-certs", Usage: "trust the CAs in these PEM `FILES` instead of the system's"},
		&cli.StringFlag{Name: "cert", Usage: "TLS client certificate `FILE` (PEM)"},
		&cli.StringFlag{Name: "key", Usage: "TLS client key `FILE` (PEM)"},
		&cli.IntFlag{Name: "redirects", Value: 10, Usage: "redirects to follow; -1 follows none"},
		&cli.Int64Flag{Name: "max-body", Value: attack.DefaultMaxBody, Usage: "bytes of each response body counted in bytes_in, as vegeta keeps them (the rest is read and dropped)"},
		&cli.StringFlag{Name: "laddr", Usage: "local IP `ADDRESS` to send from"},
		&cli.DurationFlag{Name: "dns-ttl", Usage: "cache DNS answers this long (0: no cache)"},
		&cli.StringSliceFlag{Name: "proxy-header", Usage: "`NAME: VALUE` sent in CONNECT requests to a proxy (repeatable)"},
		&cli.StringFlag{Name: "unix-socket", Usage: "send over the unix socket at `PATH`"},
	}
}

// clientBlock reads the client flags as a profile's client block, which
// burst maps onto the engine as it does a profile's.
func clientBlock(c *cli.Context) (profiles.Client, error) {
	h2, keepAlive := c.Bool("http2"), c.Bool("keepalive")
	cl := profiles.Client{
		Timeout:        c.Duration("timeout"),
		Workers:        c.Uint64("workers"),
		MaxWorkers:     c.Uint64("max-workers"),
		MaxBody:        c.Int64("max-body"),
		KeepAlive:      &keepAlive,
		Connections:    c.Int("connections"),
		MaxConnections: c.Int("max-connections"),
		HTTP2:          &h2,
		H2C:            c.Bool("h2c"),
		Insecure:       c.Bool("insecure"),
		RootCAs:        c.StringSlice("root-certs"),
		Cert:           c.String("cert"),
		Key:            c.String("key"),
		Redirects:      c.Int("redirects"),
		LocalAddr:      c.String("laddr"),
		DNSTTL:         c.Duration("dns-ttl"),
		UnixSocket:     c.String("unix-socket"),
	}
	if cl.Timeout <= 0 {
		return cl, usagef("-timeout must be > 0 (every request is bounded)")
	}
	for _, h := range c.StringSlice("proxy-header") {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return cl, usagef("-proxy-header %q: want NAME: VALUE", h)
		}
		if cl.ProxyHeader == nil {
			cl.ProxyHeader = map[string][]string{}
		}
		http.Header(cl.ProxyHeader).Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if c.IsSet("workers") && cl.Workers > cl.MaxWorkers {
		return cl, usagef("-workers %d is above -max-workers %d", cl.Workers, cl.MaxWorkers)
	}
	return cl, nil
}
