// Package attack drives vegeta's Attacker from a plan, open-model and free of
// coordinated omission.
//
// The plan says when every request is meant to leave. A pacer on absolute
// time releases each planned request at its intended time, whatever happened
// to the ones before it, and every result is measured from that intended
// time: latency = response end − intended send time. When the generator
// itself falls behind, the request leaves late and its lateness (actual −
// intended) is recorded too, never hidden.
//
// Dense bursts break naive generators not in the dispatch loop but in what
// happens when they fall behind: every worker busy, more workers started,
// new connections dialed mid-burst, which costs the CPU the generator no
// longer has. The engine reads the plan ahead, sizes the connections the
// coming second needs from its planned rate and the response times it
// observes, and dials them before they are needed (warm.go).
//
// Attribution is exact: each planned request carries its sequence number in
// the URL fragment (never sent on the wire), which vegeta copies into the
// result, so a result is matched to its planned request whatever order the
// workers ran in.
package attack

import (
	"github.com/burstlab/burstlab/attack/outcome"

	"context"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Request is one planned request as the engine sends it.
type Request struct {
	Seq     int64         // unique within the run
	Stream  int           // the stream it belongs to
	Attempt int           // 0 for the first try
	Key     int64         // the source's own id of the request; its retries keep it
	At      time.Duration // intended send time, from the start of the run
	Planned time.Duration // the first attempt's intended time; set by the engine
	Method  string
	URL     string
	Header  http.Header
	Body    []byte
}

// result is req's outcome: sent and ended at those offsets, in class c.
func (req Request) result(sent, end time.Duration, c outcome.Class, errText string) outcome.Result {
	return outcome.Result{
		Seq: req.Seq, Stream: req.Stream, Attempt: req.Attempt, Key: req.Key,
		Intended: req.At, Planned: req.Planned, Sent: sent, End: end, Class: c, Error: errText,
	}
}

// Source hands out planned requests in time order; false means the plan is
// done. It is called from a single goroutine.
type Source interface {
	Next() (Request, bool)
}

// SourceFunc adapts a function to a Source.
type SourceFunc func() (Request, bool)

// Next calls f.
func (f SourceFunc) Next() (Request, bool) { return f() }

// Engine sends a plan's requests through one vegeta Attacker. An Engine may
// run several plans one after another; each run gets a fresh Attacker.
type Engine struct {
	timeout    time.Duration
	workers    uint64
	maxWorkers uint64
	maxBody    int64
	lookahead  time.Duration
	noWarm     bool
	client     Client
	retry      RetryFunc
	live       *Live
	abort      <-chan struct{}
}

// RetryFunc decides whether a failed result is tried again, and after how
// long from its end. It is called from one goroutine.
type RetryFunc func(outcome.Result) (after time.Duration, ok bool)

// Retries makes the engine try failed requests again, as clients do: the new
// attempt is planned at the failure's end plus the delay f gives, and its
// result carries Attempt > 0.
func Retries(f RetryFunc) Option { return func(e *Engine) { e.retry = f } }

// Live counts a run's progress for a display; read it with its methods while
// the run goes on.
type Live struct {
	released atomic.Int64
	done     atomic.Int64
	errors   atomic.Int64
	retries  atomic.Int64
}

// Released is the number of requests released to the workers so far.
func (l *Live) Released() int64 { return l.released.Load() }

// Done is the number of results so far.
func (l *Live) Done() int64 { return l.done.Load() }

// Errors is the number of results that were not OK.
func (l *Live) Errors() int64 { return l.errors.Load() }

// Retries is the number of retries scheduled so far.
func (l *Live) Retries() int64 { return l.retries.Load() }

// WithLive makes the engine count its progress into l.
func WithLive(l *Live) Option { return func(e *Engine) { e.live = l } }

// Abort ends the wait for in-flight requests after a cancel as soon as ch
// closes (a second Ctrl-C): they are reported as timed out.
func Abort(ch <-chan struct{}) Option { return func(e *Engine) { e.abort = ch } }

// Option configures an Engine.
type Option func(*Engine)

// Timeout bounds each request, reading its body and following its redirects
// included. Default 30s.
func Timeout(d time.Duration) Option { return func(e *Engine) { e.timeout = d } }

// Workers is the number of workers started before the first request. Default 64.
func Workers(n uint64) Option { return func(e *Engine) { e.workers = n } }

// MaxWorkers caps concurrent requests. When every worker is busy the request
// waits for one and leaves late, and its lateness is recorded. Default 10000.
func MaxWorkers(n uint64) Option { return func(e *Engine) { e.maxWorkers = n } }

// MaxBody caps the bytes of each response body that are kept; the rest is
// read and discarded, within the timeout. Default 1 MiB.
func MaxBody(n int64) Option { return func(e *Engine) { e.maxBody = n } }

// WithClient sets the HTTP client settings (TLS, keep-alive, redirects ...).
func WithClient(c Client) Option {
	return func(e *Engine) {
		e.client = c
		if c.Timeout > 0 {
			e.timeout = c.Timeout
		}
	}
}

// NoWarmup turns off dialing connections ahead of the plan, so every
// connection is dialed on demand as in plain vegeta. For comparison only.
func NoWarmup() Option { return func(e *Engine) { e.noWarm = true } }

// New returns an Engine with the given options.
func New(opts ...Option) *Engine {
	e := &Engine{timeout: 30 * time.Second, workers: 64, maxWorkers: 10000, maxBody: 1 << 20, lookahead: 1500 * time.Millisecond}
	for _, o := range opts {
		o(e)
	}
	if e.workers > e.maxWorkers {
		e.workers = e.maxWorkers
	}
	return e
}

// Stats sums up what a run did.
type Stats struct {
	Planned   int64 // requests the source handed out
	Sent      int64
	Unsent    int64 // handed out but never sent, because the run was stopped
	Start     time.Time
	Duration  time.Duration // from start to the last result
	Stopped   bool          // ctx was cancelled before the plan ended
	Retries   int64         // retries scheduled
	WarmConns int64         // connections dialed ahead of need and used
	ColdDials int64         // connections dialed on demand during the run
}

// Run sends every request of src at its intended time and calls out once per
// request, from one goroutine, with its result; requests never sent because
// ctx was cancelled come back with class Unsent. Run returns when every sent
// request has completed or timed out (after a cancel: at most one timeout
// later). Offsets count from start; a zero start means now. A start a little
// in the future gives the engine time to open the first connections.
func (e *Engine) Run(ctx context.Context, src Source, start time.Time, out func(outcome.Result)) (Stats, error) {
	if start.IsZero() {
		start = time.Now()
	}
	live := e.live
	if live == nil {
		live = &Live{}
	}
	r := newRunState(src, start, e.lookahead)
	r.canRetry = e.retry != nil
	r.released = &live.released
	r.fillAhead()

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	dial, err := e.client.dialer(e.timeout)
	if err != nil {
		return Stats{}, err
	}
	tlsCfg, err := e.client.tlsConfig()
	if err != nil {
		return Stats{}, err
	}
	var pool *warmPool
	var dialTLS dialFunc
	if addr, secure := dialTarget(r.firstURL()); !e.noWarm && e.client.UnixSocket == "" && addr != "" {
		pool = &warmPool{dial: dial, addr: addr}
		if secure && !e.client.H2C {
			pool.tls = tlsCfg.Clone()
			pool.tls.NextProtos = []string{"http/1.1"}
			if e.client.http2() {
				pool.tls.NextProtos = []string{"h2", "http/1.1"}
			}
			dialTLS = pool.DialTLSContext
		}
		dial = pool.DialContext
		defer pool.close()
	}
	tr := e.client.transport(dial, dialTLS, tlsCfg, e.timeout)
	// The run's connections end with it: none is left open at the target.
	if c, ok := tr.(interface{ CloseIdleConnections() }); ok {
		defer c.CloseIdleConnections()
	}
	g := newGate(minInFlight)
	r.gate = g
	if e.noWarm {
		g.setLimit(int(e.maxWorkers))
	} else {
		go warmer(runCtx, pool, g, r, e.maxWorkers)
	}
	atk := e.attacker(&wire{next: tr, gate: g, state: r, timeout: e.timeout, redirects: orDefault(e.client.Redirects, vegeta.DefaultRedirects)})

	results := atk.Attack(r.targeter, r, 0, "burstlab")
	go func() {
		<-runCtx.Done()
		r.stop()
		atk.Stop()
	}()

	stats := Stats{Start: start}
	var last time.Duration
	finish := func(res *vegeta.Result) {
		f, ok := r.claim(res.URL)
		if !ok {
			return // an idle tick, or a tick after stop: no planned request went out
		}
		req, sent := f.req, f.sent
		if sent.IsZero() {
			sent = res.Timestamp // never reached the wire
		}
		rr := req.result(sent.Sub(start), res.Timestamp.Add(res.Latency).Sub(start), outcome.Classify(res.Code, res.Error), res.Error)
		rr.Code, rr.BytesIn, rr.BytesOut = res.Code, res.BytesIn, res.BytesOut
		if rr.Class == outcome.OK {
			rr.Error = ""
		}
		again, after := false, time.Duration(0)
		if rr.Class != outcome.OK && e.retry != nil {
			after, again = e.retry(rr)
		}
		r.settle(req.Seq, again, rr.End+after)
		rr.Retried = again
		if again {
			live.retries.Add(1)
			stats.Retries++
		}
		last = max(last, rr.End)
		stats.Sent++
		live.done.Add(1)
		if rr.Class != outcome.OK {
			live.errors.Add(1)
		}
		out(rr)
	}

	stopped := ctx.Done()
loop:
	for {
		select {
		case res, ok := <-results:
			if !ok {
				break loop
			}
			finish(res)
		case <-stopped:
			// Stop sending; wait for what is in flight, up to the timeout.
			deadline := time.After(e.timeout + time.Second)
			for r.inFlight() > 0 {
				select {
				case res, ok := <-results:
					if !ok {
						break loop
					}
					finish(res)
				case <-deadline:
					break loop
				case <-e.abort:
					break loop
				}
			}
			break loop
		}
	}
	cancel()
	stats.Stopped = ctx.Err() != nil
	// Whatever was released and never sent comes back as unsent, and what was
	// sent and never answered as a timeout: no planned request goes missing.
	queued, inflight := r.leftovers()
	for _, req := range queued {
		out(req.result(-1, -1, outcome.Unsent, "not sent: run stopped"))
		stats.Unsent++
	}
	now := time.Since(start)
	for _, f := range inflight {
		req, sent := f.req, time.Duration(-1)
		if !f.sent.IsZero() {
			sent = f.sent.Sub(start)
		}
		out(req.result(sent, now, outcome.TimedOut, "no answer before the run stopped"))
		stats.Sent++
	}
	if stats.Stopped {
		// Workers still finishing after the deadline must not block forever.
		go func() {
			for range results {
			}
		}()
	}
	stats.Planned = r.handed
	stats.Duration = last
	if pool != nil {
		stats.WarmConns, stats.ColdDials = pool.warm.Load(), pool.cold.Load()
	}
	return stats, nil
}

// dialTarget returns the host:port a URL's requests dial ("" when unknown)
// and whether they speak TLS there.
func dialTarget(raw string) (addr string, secure bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	secure = u.Scheme == "https"
	if u.Port() != "" {
		return u.Host, secure
	}
	switch u.Scheme {
	case "http":
		return net.JoinHostPort(u.Hostname(), "80"), false
	case "https":
		return net.JoinHostPort(u.Hostname(), "443"), true
	}
	return "", false
}

// minInFlight is the gate's floor: enough to carry about 25k requests/s at
// a millisecond each, few enough not to thrash two cores.
const minInFlight = 32

// growAfter is how many ticks in a row the gate's limit must be short of
// what Little's law asks before it grows. A generator that falls behind sees
// its own queueing as a slower target for a moment; growing on that adds
// connections and workers exactly when the CPU has none to spare for them.
const growAfter = 3

// smoothResponse folds a tick's mean response time into the estimate: it
// follows a slower target within about 100 ms and a quicker one over about a
// second, so the connections opened for a slow stretch are not dropped at
// its first quick answer.
func smoothResponse(est, tick time.Duration) time.Duration {
	if tick > est {
		return est + (tick-est)/4
	}
	return est + (tick-est)/20
}

// busyCPU is the share of the machine's cores above which the generator is
// taken to be short of CPU: more requests in flight would only add lateness.
const busyCPU = 0.75

// warmer sizes the run every 20 ms. The gate's limit follows Little's law:
// the peak planned rate of the lookahead window times the target's observed
// response time, doubled for headroom (at least minInFlight, at most
// maxWorkers). It grows toward that only while the process has CPU to spare
// and only once the shortfall has lasted growAfter ticks: when the CPU is
// busy, requests wait for the generator, not the target, and more in flight
// would only thrash. A target that stalls answers nothing, so its response
// time shows late: when requests wait at the gate, the CPU is idle and not
// one request completed for 100 ms, the limit doubles, as an open model must
// keep sending (the incident's many clients did). Ahead of the plan the warmer
// keeps as many connections dialed as the limit, so bursts find them open.
func warmer(ctx context.Context, pool *warmPool, g *gate, r *runState, maxWorkers uint64) {
	const tick = 20 * time.Millisecond
	t := time.NewTicker(tick)
	defer t.Stop()
	cores := float64(runtime.GOMAXPROCS(0))
	lastCPU, lastAt := processCPU(), time.Now()
	lastDone, lastSum := r.completed.Load(), r.respSum.Load()
	resp := time.Millisecond // the target's response time, smoothed over ticks
	stalledTicks, growTicks := 0, 0
	busyAvg := 0.0
	var gc gcHold
	defer gc.release()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rate := r.upcomingRate()
		gc.set(rate >= denseRate)
		cpu, now := processCPU(), time.Now()
		span := now.Sub(lastAt)
		// The CPU counts as busy as soon as one tick is, and as idle again only
		// once the smoothed share (about five ticks) is; a tick that came late
		// (the warmer itself starved) counts as busy.
		busyNow := float64(cpu-lastCPU) / float64(span) / cores
		if span > 2*tick {
			busyNow = 1
		}
		busyAvg += (busyNow - busyAvg) * 0.3
		busy := busyNow >= busyCPU || busyAvg >= busyCPU
		lastCPU, lastAt = cpu, now
		done, sum := r.completed.Load(), r.respSum.Load()
		if n := done - lastDone; n > 0 {
			resp = smoothResponse(resp, time.Duration((sum-lastSum)/n))
		}
		lastSum = sum
		limit, inUse, waiting := g.state()
		// A stall is requests on the wire and none completing; an idle
		// stretch of the plan is not one.
		if done == lastDone && inUse > 0 {
			stalledTicks++
		} else {
			stalledTicks = 0
		}
		// Behind schedule, the planned rate says nothing about what the
		// target can take: size from what it completes instead.
		if r.behind() {
			rate = float64(done-lastDone) / span.Seconds()
		}
		lastDone = done

		target := min(max(int(rate*resp.Seconds()*2), minInFlight), int(maxWorkers))
		if !busy && limit < target {
			growTicks++
		} else {
			growTicks = 0
		}
		switch {
		case waiting > 0 && !busy && stalledTicks >= 5:
			limit = max(limit*2, target)
		case growTicks >= growAfter:
			limit = target
		case limit > target && inUse < limit/2:
			limit = max(limit*9/10, target)
		}
		limit = min(limit, int(maxWorkers))
		if pool != nil {
			pool.refresh()
			// Open the connections before the gate lets the requests that
			// need them through, so none is dialed on demand.
			if short := pool.want(limit) - int(pool.live.Load()); short > 0 && !busy {
				pool.fill(ctx, min(short, 256))
			}
		}
		g.setLimit(limit)
	}
}
