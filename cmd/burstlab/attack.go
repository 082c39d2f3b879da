package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/burst"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/render"
)

func attackCommand() *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "rate", Value: "50/s", Usage: "requests per time unit, as vegeta writes it: `500/s`, 50/100ms, or a bare number per second; 0 sends as fast as -max-workers closed-loop workers get answers"},
		&cli.DurationFlag{Name: "duration", Usage: "how long to attack (required: every run is bounded)"},
		&cli.StringFlag{Name: "format", Value: "http", Usage: "targets format on stdin: http (vegeta's METHOD URL lines) or json"},
		&cli.StringFlag{Name: "targets", Usage: "read targets from `FILE` instead of stdin"},
		&cli.StringFlag{Name: "name", Value: "attack", Usage: "name of the record"},
		&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "keep the record (run.json, latency.hlog) in `DIR`"},
		&cli.StringSliceFlag{Name: "header", Aliases: []string{"H"}, Usage: "add `NAME: VALUE` to every request (repeatable)"},
		&cli.DurationFlag{Name: "slo-p99", Usage: "a window is healthy when its p99 is under this (or under the baseline's times the tolerance)"},
	}
	flags = append(flags, clientFlags()...)
	flags = append(flags, gateFlags()...)
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
			if c.Duration("duration") <= 0 {
				return usagef("attack: -duration must be > 0 (every run is bounded)")
			}
			if _, err := parseGateFlags(c, nil); err != nil {
				return err
			}
			tgts, err := readTargets(c, c.String("format"))
			if err != nil {
				return err
			}
			client, eng, err := clientOptions(c)
			if err != nil {
				return err
			}
			spec := burst.AttackSpec{
				Name: c.String("name"), Targets: tgts, Rate: rate, Duration: c.Duration("duration"),
				Engine: append(eng, attack.WithClient(client)),
				SLOP99: c.Duration("slo-p99"),
			}
			return runAndReport(c, func(ctx context.Context, opt burst.Options) (*report.Record, error) {
				return burst.Attack(ctx, spec, opt)
			}, nil)
		},
	}
}

// runAndReport runs a job with Ctrl-C handling (the first stops sending and
// waits for what is in flight, the second stops waiting), prints the report,
// keeps the record, and applies the gates.
func runAndReport(c *cli.Context, do func(context.Context, burst.Options) (*report.Record, error), profileGates []string) error {
	ctx, abort, stop := interruptible()
	defer stop()
	rec, err := do(ctx, burst.Options{
		Out:      c.String("out"),
		Progress: os.Stderr,
		Live:     isTerminal(os.Stderr),
		Abort:    abort,
	})
	if err != nil && rec == nil {
		return err
	}
	if werr := render.WriteTable(os.Stdout, rec); werr != nil && err == nil {
		err = werr
	}
	if err != nil {
		return err
	}
	if rec.Stopped {
		return exitError{code: exitInterrupt, msg: "interrupted: the record holds what was measured until then"}
	}
	return applyGates(c, rec, profileGates)
}

// interruptible returns a context the first Ctrl-C (or SIGTERM) cancels,
// which stops sending and waits for the requests in flight, and a channel
// the second one closes, which stops waiting. stop releases the signals.
func interruptible() (ctx context.Context, abort <-chan struct{}, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ab := make(chan struct{})
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
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

// clientOptions reads the client flags.
func clientOptions(c *cli.Context) (attack.Client, []attack.Option, error) {
	h2 := c.Bool("http2")
	cl := attack.Client{
		Timeout:        c.Duration("timeout"),
		NoKeepAlive:    !c.Bool("keepalive"),
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
		return cl, nil, usagef("-timeout must be > 0 (every request is bounded)")
	}
	for _, h := range c.StringSlice("proxy-header") {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return cl, nil, usagef("-proxy-header %q: want NAME: VALUE", h)
		}
		if cl.ProxyHeader == nil {
			cl.ProxyHeader = http.Header{}
		}
		cl.ProxyHeader.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if c.IsSet("workers") && c.Uint64("workers") > c.Uint64("max-workers") {
		return cl, nil, usagef("-workers %d is above -max-workers %d", c.Uint64("workers"), c.Uint64("max-workers"))
	}
	opts := []attack.Option{
		attack.Workers(c.Uint64("workers")),
		attack.MaxWorkers(c.Uint64("max-workers")),
		attack.MaxBody(c.Int64("max-body")),
	}
	return cl, opts, nil
}
