// Package burst runs a burst test end to end: it plans a profile, starts the
// embedded simulator when the profile targets it, drives the attack engine
// along the plan, records every result into windows and returns the analysed
// record. It is what `burstlab run` and `burstlab attack` do; the commands
// only parse flags and print.
package burst

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/profiles"
	"github.com/burstlab/burstlab/report"
	"github.com/burstlab/burstlab/report/gate"
	"github.com/burstlab/burstlab/sim"
)

// Options are the choices of one run beside what it sends.
type Options struct {
	// Out is the record directory; "" keeps nothing on disk.
	Out string
	// Progress receives progress lines; nil is silent.
	Progress io.Writer
	// Live rewrites one progress line in place (a terminal) instead of
	// printing a plain line every few seconds (CI logs).
	Live bool
	// Abort, when closed after ctx is cancelled, ends the wait for requests
	// still in flight (a second Ctrl-C).
	Abort <-chan struct{}
	// Shard, for run, sends one interleaved share of the plan (zero: all).
	Shard profiles.Shard
	// StartAt is the plan's t=0 on the wall clock (zero: now plus a short
	// lead); the shards of one plan on several machines share it.
	StartAt time.Time
	// Alerts are alert rules to judge the run with (--alert), beside a
	// profile's own; one of the same name replaces the profile's.
	Alerts []gate.Rule
}

// lead is how far in the future a run's t=0 is set, so the engine can open
// the first connections before the first request is due.
const lead = 250 * time.Millisecond

// Run carries out the profile's plan against its target. Cancelling ctx stops
// sending; what was measured is still recorded, saved and returned.
func Run(ctx context.Context, p *profiles.Profile, opt Options) (*report.Record, error) {
	pl, err := profiles.NewShardPlan(p, opt.Shard)
	if err != nil {
		return nil, err
	}
	started := time.Now().Add(lead)
	if !opt.StartAt.IsZero() {
		if opt.StartAt.Before(time.Now()) {
			return nil, fmt.Errorf("start time %s has passed", opt.StartAt.Format(time.RFC3339))
		}
		started = opt.StartAt
	}
	base := p.Target.URL
	var s *sim.Sim
	if p.Target.Sim != nil {
		s, err = sim.New(p.Target.Sim.WithDefaults())
		if err != nil {
			return nil, err
		}
		if base, err = s.Start("127.0.0.1:0"); err != nil {
			return nil, fmt.Errorf("starting the simulator: %w", err)
		}
		defer s.Close()
	}
	j := job{
		src:     FromPlan(pl, base),
		cfg:     RecorderConfig(pl, base, started),
		engine:  EngineOptions(pl),
		started: started,
	}
	switch sg := p.Target.ScaleSignal; {
	case s != nil:
		// The simulator's own timeline is the ground truth.
		j.events = func() []report.ScaleEvent { return ScaleEvents(s.Events(), started) }
	case sg != nil:
		stop := startSignal(*sg, started, opt.Progress)
		j.events = stop
		defer stop()
	}
	opt.Alerts = gate.MergeRules(p.Rules(), opt.Alerts)
	return j.execute(ctx, opt)
}

// job is one run's wiring: what to send, how to record it.
type job struct {
	src     attack.Source
	cfg     report.Config
	engine  []attack.Option
	started time.Time
	events  func() []report.ScaleEvent // the target's scale timeline, if known
}

// execute sends the job's requests, records every result, and keeps the
// record in opt.Out: the interval log is written as windows become final and
// renamed into place at the end, run.json last, so a directory never holds
// half a record.
func (j job) execute(ctx context.Context, opt Options) (*report.Record, error) {
	var hlog *os.File
	if opt.Out != "" {
		if err := os.MkdirAll(opt.Out, 0o755); err != nil {
			return nil, err
		}
		var err error
		if hlog, err = os.CreateTemp(opt.Out, "."+report.HlogFile+".*"); err != nil {
			return nil, err
		}
		defer func() {
			if hlog != nil {
				hlog.Close()
				os.Remove(hlog.Name())
			}
		}()
	}
	var w io.Writer
	if hlog != nil {
		w = hlog
	}
	rec := report.NewRecorder(j.cfg, w)
	prog := newProgress(j.cfg, j.started, opt)
	eng := attack.New(append(j.engine, attack.WithLive(&prog.live), attack.Abort(opt.Abort))...)

	stopProg := prog.start()
	stats, err := eng.Run(ctx, j.src, j.started, func(r outcome.Result) {
		rec.Record(r)
		prog.observe(r)
	})
	stopProg()
	if err != nil {
		return nil, err
	}
	var events []report.ScaleEvent
	if j.events != nil {
		events = j.events()
	}
	record, err := rec.Finish(stats.Stopped, events)
	if record != nil {
		gate.EvaluateAlerts(record, opt.Alerts)
	}
	if err != nil {
		return record, err
	}
	if opt.Out == "" {
		return record, nil
	}
	if err := hlog.Close(); err != nil {
		return record, err
	}
	if err := os.Chmod(hlog.Name(), 0o644); err != nil {
		return record, err
	}
	if err := os.Rename(hlog.Name(), filepath.Join(opt.Out, report.HlogFile)); err != nil {
		return record, err
	}
	hlog = nil
	return record, report.Save(opt.Out, record)
}

// RecorderConfig describes pl to a recorder.
func RecorderConfig(pl *profiles.Plan, target string, started time.Time) report.Config {
	p := pl.Profile
	a := p.Analysis
	cfg := report.Config{
		Name: p.Name, Profile: p.Path(), Target: target, Seed: p.Seed,
		Started: started, Duration: p.Duration, Window: pl.Window, Warmup: p.Warmup,
		SLOP99: a.SLOP99, Tolerance: a.Tolerance, HealthyWindows: a.HealthyWindows,
		ErrorRatio: a.ErrorRatio, ApdexT: a.ApdexT, LatenessBound: a.LatenessBound,
	}
	for _, s := range pl.Streams {
		cfg.Streams = append(cfg.Streams, report.StreamOffer{Name: s.Name, Burst: s.Burst, Offered: s.Offered})
	}
	if pl.Burst.Marked {
		cfg.Burst = &[2]time.Duration{pl.Burst.Start, pl.Burst.End}
	}
	return cfg
}

// EngineOptions turns the profile's client settings and its streams' retry
// policies into engine options.
func EngineOptions(pl *profiles.Plan) []attack.Option {
	c := pl.Profile.Client
	workers := c.Workers
	if workers == 0 {
		workers = attack.DefaultWorkers
	}
	opts := []attack.Option{
		attack.WithClient(ClientOf(c)),
		attack.Workers(min(workers, c.MaxWorkers)),
		attack.MaxWorkers(c.MaxWorkers),
		attack.MaxBody(c.MaxBody),
	}
	if f := retries(pl); f != nil {
		opts = append(opts, attack.Retries(f))
	}
	return opts
}

// retries returns the engine's retry decision for the plan's streams, nil
// when no stream retries. Attempts count from 1 in profiles and from 0 in
// the engine; the jitter is drawn from the plan's seed, so it repeats.
func retries(pl *profiles.Plan) attack.RetryFunc {
	any := false
	for _, s := range pl.Streams {
		any = any || s.Retry != nil
	}
	if !any {
		return nil
	}
	return func(r outcome.Result) (time.Duration, bool) {
		p := pl.Streams[r.Stream].Retry
		attempt := r.Attempt + 1
		if !p.Retries(r.Class.String(), attempt) {
			return 0, false
		}
		a := profiles.Arrival{Stream: r.Stream, StreamSeq: r.Key}
		return p.Delay(attempt+1, pl.RetryRand(a, attempt+1)), true
	}
}

// ClientOf turns a profile's client block into the engine's client settings.
func ClientOf(c profiles.Client) attack.Client {
	return attack.Client{
		Timeout:        c.Timeout,
		NoKeepAlive:    c.KeepAlive != nil && !*c.KeepAlive,
		Connections:    c.Connections,
		MaxConnections: c.MaxConnections,
		HTTP2:          c.HTTP2,
		H2C:            c.H2C,
		Insecure:       c.Insecure,
		RootCAs:        c.RootCAs,
		Cert:           c.Cert,
		Key:            c.Key,
		Redirects:      c.Redirects,
		LocalAddr:      c.LocalAddr,
		DNSTTL:         c.DNSTTL,
		ProxyHeader:    c.ProxyHeader,
		UnixSocket:     c.UnixSocket,
	}
}

// ScaleEvents turns the simulator's ground-truth timeline into record events
// relative to started.
func ScaleEvents(evs []sim.Event, started time.Time) []report.ScaleEvent {
	out := make([]report.ScaleEvent, 0, len(evs))
	for _, e := range evs {
		at := e.At.Sub(started).Seconds()
		out = append(out, report.ScaleEvent{AtS: max(at, 0), Kind: e.Kind, Replicas: e.Replicas, Desired: e.Desired})
	}
	return out
}
