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
	"sync/atomic"
	"time"

	"github.com/burstlab/burstlab/attack"
	"github.com/burstlab/burstlab/attack/outcome"
	"github.com/burstlab/burstlab/live"
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
	// Force lets the record replace an old record in Out; without it Out
	// must be new or empty.
	Force bool
	// StartAt is the plan's t=0 on the wall clock (zero: now plus a short
	// lead); the shards of one plan on several machines share it.
	StartAt time.Time
	// Results, when set, is a file that receives every request's result
	// in vegeta's format ResultFormat (gob, json or csv), as they come.
	Results      string
	ResultFormat string
	// Alerts are alert rules to judge the run with (--alert), beside a
	// profile's own; one of the same name replaces the profile's.
	Alerts []gate.Rule
	// Metrics, when set, counts the run as it goes for a Prometheus scrape
	// (the embedded simulator's metrics beside it).
	Metrics *live.Metrics
}

// lead is how far in the future a run's t=0 is set, so the engine can open
// the first connections before the first request is due.
const lead = 250 * time.Millisecond

// Run carries out the profile's plan against its target. Cancelling ctx stops
// sending; what was measured is still recorded, saved and returned.
func Run(ctx context.Context, p *profiles.Profile, opt Options) (*report.Record, error) {
	pl, err := profiles.PlanShard(ctx, p, opt.Shard)
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
		if opt.Metrics != nil {
			opt.Metrics.Also(s.Gatherer())
		}
	}
	j := job{
		src:     FromPlan(pl, base),
		cfg:     RecorderConfig(pl, base, started),
		engine:  EngineOptions(pl, base),
		started: started,
	}
	if s != nil {
		j.engine = append(j.engine, attack.CleartextHTTP2(sim.StreamsPerConn))
		j.served = s.ServerErrors
	}
	switch sg := p.Target.ScaleSignal; {
	case s != nil:
		// The simulator's own timeline is the ground truth.
		j.events = func() []report.ScaleEvent { return ScaleEvents(s.Events(), started) }
	case sg != nil:
		stop, failures := startSignal(*sg, started, opt.Progress)
		j.events, j.signalFailures = stop, failures
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
	// signalFailures says how sampling the scale signal failed, if it did.
	signalFailures func() string
	// served, when this process serves the target too (the embedded
	// simulator), says what its HTTP server met.
	served func() sim.ServerErrors
}

// execute sends the job's requests, records every result, and keeps the
// record in opt.Out (see recordDir): the interval log as windows become
// final, run.json now and then marked incomplete, and whole at the end.
func (j job) execute(ctx context.Context, opt Options) (*report.Record, error) {
	var dir *recordDir
	if opt.Out != "" {
		var err error
		if dir, err = openRecordDir(opt.Out, opt.Force); err != nil {
			return nil, err
		}
		defer dir.release()
	}
	var w io.Writer
	if dir != nil {
		w = dir.hlog
	}
	prog := newProgress(j.cfg, j.started, opt)
	eng := attack.New(append(j.engine, attack.WithLive(&prog.live), attack.Abort(opt.Abort))...)
	j.cfg.Timeout = eng.RequestTimeout() // a closed stream's window waits this long for its answers
	checkFileLimit(opt.Progress, eng, j.cfg, j.served != nil)
	rec := report.NewRecorder(j.cfg, w)
	results, err := j.results(opt)
	if err != nil {
		if dir != nil {
			dir.discard()
		}
		return nil, err
	}
	var stoppedAt atomic.Int64
	defer context.AfterFunc(ctx, func() { stoppedAt.Store(int64(max(time.Since(j.started), 0))) })()

	if opt.Metrics != nil {
		opt.Metrics.Begin(j.cfg, &prog.live)
	}
	stopProg := prog.start()
	stats, err := eng.Run(ctx, j.src, j.started, func(r outcome.Result) {
		rec.InFlight(prog.live.Released() - prog.live.Done())
		rec.Record(r)
		prog.observe(r)
		results.write(r)
		if opt.Metrics != nil {
			opt.Metrics.Observe(r)
		}
		if dir != nil {
			dir.checkpoint(rec)
		}
	})
	stopProg()
	resultsErr := results.close()
	if err != nil {
		if dir != nil {
			dir.discard()
		}
		return nil, err
	}
	var events []report.ScaleEvent
	if j.events != nil {
		events = j.events()
	}
	rec.StopAt(time.Duration(stoppedAt.Load()))
	if j.signalFailures != nil {
		rec.ScaleSignalFailure(j.signalFailures())
	}
	if j.served != nil {
		j.reportServed(rec, opt.Progress)
	}
	record, logErr := rec.Finish(stats.Stopped, events)
	if record != nil {
		gate.EvaluateAlerts(record, opt.Alerts)
	}
	if opt.Metrics != nil {
		opt.Metrics.Finish()
	}
	// A file that cannot be written loses no more than itself: the record
	// is kept whatever --output did, and returned whatever either did.
	if dir != nil {
		if err := dir.finish(record, logErr); err != nil {
			return record, err
		}
	}
	return record, resultsErr
}

// reportServed says once what the embedded simulator's HTTP server met, and
// marks the run invalid when it could not accept connections for want of
// file descriptors: the requests waiting meanwhile measured the generator's
// process, not the simulated service.
func (j job) reportServed(rec *report.Recorder, progress io.Writer) {
	e := j.served()
	if e.Count > 0 && progress != nil {
		fmt.Fprintf(progress, "burstlab: the simulator's HTTP server met %d errors; the first: %s\n", e.Count, e.First)
	}
	if e.OutOfFiles > 0 {
		rec.GeneratorFault(fmt.Sprintf("the embedded simulator failed %d times to accept a connection for want of file descriptors", e.OutOfFiles))
	}
}

// results opens opt's results file; without one, writing is a no-op.
func (j job) results(opt Options) (*resultSink, error) {
	if opt.Results == "" {
		return &resultSink{}, nil
	}
	names := make([]string, len(j.cfg.Streams))
	for i, s := range j.cfg.Streams {
		names[i] = s.Name
	}
	if _, err := report.NewResultFile(io.Discard, opt.ResultFormat, j.started, names); err != nil {
		return nil, err
	}
	// Opened, not replaced: a FIFO or a device stays what it is.
	f, err := os.Create(opt.Results)
	if err != nil {
		return nil, resultsError("open", opt.Results, err)
	}
	rf, _ := report.NewResultFile(f, opt.ResultFormat, j.started, names)
	return &resultSink{file: f, rf: rf}, nil
}

// resultSink writes results to a results file, keeping the first error.
type resultSink struct {
	file *os.File
	rf   *report.ResultFile
	err  error
}

func (s *resultSink) write(r outcome.Result) {
	if s.rf != nil && s.err == nil {
		s.err = s.rf.Write(r)
	}
}

// close flushes and closes the file; a failure to write it is a
// *WriteError naming the file and the operation.
func (s *resultSink) close() error {
	if s.rf == nil {
		return nil
	}
	if s.err != nil {
		s.file.Close()
		return resultsError("write", s.file.Name(), s.err)
	}
	if err := s.rf.Flush(); err != nil {
		s.file.Close()
		return resultsError("write", s.file.Name(), err)
	}
	return resultsError("close", s.file.Name(), s.file.Close())
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
		Plan: p.Hash(), Shard: pl.Shard.Index, Of: pl.Shard.Count,
	}
	for _, s := range pl.Streams {
		cfg.Streams = append(cfg.Streams, report.StreamOffer{Name: s.Name, Burst: s.Burst, Offered: s.Offered, Closed: s.Workers > 0})
	}
	if pl.Burst.Marked {
		cfg.Burst = &[2]time.Duration{pl.Burst.Start, pl.Burst.End}
	}
	return cfg
}

// EngineOptions turns the profile's client settings, its streams' retry
// policies and its closed (rate: max) streams into engine options; requests
// go to base.
func EngineOptions(pl *profiles.Plan, base string) []attack.Option {
	opts := ClientOptions(pl.Profile.Client)
	if f := retries(pl); f != nil {
		opts = append(opts, attack.Retries(f))
	}
	for i, s := range pl.Streams {
		if s.Workers > 0 {
			opts = append(opts, attack.ClosedLoop(closedSource(pl, i, base), s.Workers, pl.Profile.Duration))
		}
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

// ClientOptions turns a client block (a profile's, or the attack command's
// flags) into engine options: the one place client settings map onto the
// engine. Zero values take the engine's defaults.
func ClientOptions(c profiles.Client) []attack.Option {
	opts := []attack.Option{attack.WithClient(ClientOf(c))}
	if c.Workers > 0 {
		opts = append(opts, attack.Workers(c.Workers))
	}
	if c.MaxWorkers > 0 {
		opts = append(opts, attack.MaxWorkers(c.MaxWorkers))
	}
	if c.MaxBody != 0 {
		opts = append(opts, attack.MaxBody(c.MaxBody))
	}
	return opts
}

// ClientOf turns a client block into the engine's client settings.
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
