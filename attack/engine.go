// Package attack sends a plan's requests at their intended times, open-model
// and free of coordinated omission.
//
// The plan says when every request is meant to leave. The schedule releases
// each planned request at its intended time, whatever happened to the ones
// before it, and every result is measured from that intended time: latency =
// response end − intended send time. When the generator itself falls behind,
// the request leaves late and its lateness (actual − intended) is recorded
// too, never hidden.
//
// The engine owns its loop: one goroutine reads the plan and releases each
// request when it is due (schedule.go), a pool of workers sends them over
// net/http and reads the responses (send.go), and one goroutine hands the
// results on in completion order. A request stays in hand from the plan to
// its result, so attribution is exact and costs nothing. vegeta is kept for
// what users know it by: its targets formats and its rate syntax
// (targets.go).
//
// Dense bursts break naive generators not in the dispatch loop but in what
// happens when they fall behind: every worker busy, more workers started,
// new connections dialed mid-burst, which costs the CPU the generator no
// longer has. The engine reads the plan ahead, sizes the connections the
// coming second needs from its planned rate and the response times it
// observes, and dials them before they are needed (size.go, warm.go). A
// target that backs up needs the opposite: in-flight growing by thousands
// per second. There a due request still leaves at once, a worker started
// for it and, if none is open, a connection dialed for it alone; it waits
// for a place only where places free faster than the plan needs them
// (gate.go).
package attack

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
)

// Request is one planned request as the engine sends it.
type Request struct {
	Seq      int64         // unique within the run
	Stream   int           // the stream it belongs to
	Attempt  int           // 0 for the first try
	Key      int64         // the source's own id of the request; its retries keep it
	Intended time.Duration // intended send time, from the start of the run
	Method   string
	URL      string
	Header   http.Header
	Body     []byte

	first  time.Duration // the first attempt's intended time; set by the engine
	gate   *gate         // the gate whose place the request holds in flight
	closed bool          // sent by a closed loop: the intended time is the send time
}

// result is req's outcome: sent and ended at those offsets, in class c.
func (req *Request) result(sent, end time.Duration, c outcome.Class, errText string) outcome.Result {
	return outcome.Result{
		Seq: req.Seq, Stream: req.Stream, Attempt: req.Attempt, Key: req.Key,
		Intended: req.Intended, FirstIntended: req.first, Sent: sent, End: end, Class: c, Error: errText,
		Method: req.Method, URL: req.URL,
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

// Defaults of the engine's settings, the one place they are stated; the
// CLI's flags and the profile's client block take them from here.
const (
	DefaultTimeout    = 30 * time.Second
	DefaultWorkers    = 64
	DefaultMaxWorkers = 10000
	DefaultMaxBody    = 1 << 20
)

// Engine sends a plan's requests. An Engine may run several plans one after
// another.
type Engine struct {
	timeout    time.Duration
	workers    int
	maxWorkers int
	maxBody    int64
	lookahead  time.Duration
	noWarm     bool
	loops      []*loop // closed loops beside the plan
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
// closes (a second Ctrl-C): they are cancelled and reported as abandoned.
func Abort(ch <-chan struct{}) Option { return func(e *Engine) { e.abort = ch } }

// Option configures an Engine.
type Option func(*Engine)

// Timeout bounds each request, reading its body and following its redirects
// included. Default 30s.
func Timeout(d time.Duration) Option { return func(e *Engine) { e.timeout = d } }

// Workers is the number of workers started before the first request.
// Default 64.
func Workers(n uint64) Option { return func(e *Engine) { e.workers = int(min(n, 1<<30)) } }

// MaxWorkers caps concurrent requests. When every worker is busy the request
// waits for one and leaves late, and its lateness is recorded. Default 10000.
func MaxWorkers(n uint64) Option { return func(e *Engine) { e.maxWorkers = int(min(n, 1<<30)) } }

// MaxBody caps the bytes of each response body that are counted in BytesIn,
// as vegeta's -max-body caps what it keeps; the rest is read and discarded,
// within the timeout. Default 1 MiB.
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

// ClosedLoop adds a closed loop to the run, vegeta's -rate 0: workers
// workers each send src's next request as soon as their last one is
// answered, as fast as the target allows, from the run's start for d. There
// is no intended time: each result's Intended is its actual send time, so
// its latency counts from the send and its lateness is zero. A run may have
// several closed loops beside its plan (or instead of one).
func ClosedLoop(src Source, workers int, d time.Duration) Option {
	return func(e *Engine) { e.loops = append(e.loops, &loop{src: src, workers: max(workers, 1), d: d}) }
}

// RequestTimeout is the bound on each request.
func (e *Engine) RequestTimeout() time.Duration { return e.timeout }

// New returns an Engine with the given options.
func New(opts ...Option) *Engine {
	e := &Engine{timeout: DefaultTimeout, workers: DefaultWorkers, maxWorkers: DefaultMaxWorkers, maxBody: DefaultMaxBody, lookahead: 1500 * time.Millisecond}
	for _, o := range opts {
		o(e)
	}
	e.maxWorkers = max(e.maxWorkers, 1)
	e.workers = min(e.workers, e.maxWorkers)
	return e
}

// Stats sums up what a run did.
type Stats struct {
	Planned   int64 // requests the source handed out
	Sent      int64 // requests that went to a worker (their results came back)
	Unsent    int64 // handed out but never sent, because the run was stopped
	Start     time.Time
	Duration  time.Duration // from start to the last result
	Stopped   bool          // ctx was cancelled before the plan ended
	Retries   int64         // retries scheduled
	WarmConns int64         // connections dialed ahead of need and used
	ColdDials int64         // connections dialed on demand during the run
}

// Run sends every request of src (nil: no plan) at its intended time, runs
// the closed loops beside it, and calls out once per request, from one
// goroutine, with its result; requests read from the plan but never sent
// because ctx was cancelled come back with class Unsent. Run returns when
// every sent request has completed or timed out. Offsets count
// from start; a zero start means now. A start a little in the future gives
// the engine time to open the first connections.
func (e *Engine) Run(ctx context.Context, src Source, start time.Time, out func(outcome.Result)) (Stats, error) {
	if start.IsZero() {
		start = time.Now()
	}
	live := e.live
	if live == nil {
		live = &Live{}
	}
	if src == nil {
		src = SourceFunc(func() (Request, bool) { return Request{}, false })
	}
	sc := newSchedule(src, start, e.lookahead, e.retry != nil)
	sc.released = &live.released
	sc.fill()
	first := sc.firstURL()
	loopWorkers := 0
	for _, l := range e.loops {
		l.prepare(start, &live.released)
		if first == "" {
			first = l.firstURL()
		}
		loopWorkers += l.workers
	}

	c, err := e.client.connect(first, e.timeout, !e.noWarm)
	if err != nil {
		return Stats{}, err
	}
	defer c.close()
	reqCtx, cancelReqs := e.requestContext(ctx)
	defer cancelReqs()
	g := newGate(e.maxWorkers)
	ws := newWorkers(&sender{client: c.client, ctx: reqCtx, start: start, timeout: e.timeout, maxBody: e.maxBody, observe: sc.observe}, e.maxWorkers+loopWorkers)
	defer ws.close()

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	dispatched := make(chan int64, 1+len(e.loops))
	if sc.ahead.len() > 0 {
		ws.spawn(e.workers + loopWorkers)
	} else {
		ws.spawn(loopWorkers)
	}
	if !e.noWarm && c.pool != nil {
		// A request goes through when a connection is open for it; without
		// keep-alive every request opens its own, and the gate only caps.
		p := &pace{start: start, lastAnswer: &sc.lastAnswer}
		if !e.client.NoKeepAlive {
			g.ready, g.hold = c.pool.ready, p.hold
			c.pool.opened = g.opened
			c.pool.dialing = make(chan struct{}, maxColdDials)
		}
		trim := func() {
			for _, t := range c.idle {
				t.CloseIdleConnections()
			}
		}
		go size(runCtx, c.pool, g, sc, p, trim, e.maxWorkers)
	}
	go func() { dispatched <- sc.dispatch(runCtx, ws, g) }()
	for _, l := range e.loops {
		go func() { dispatched <- l.run(runCtx, ws) }()
	}

	stats := e.collect(sc, ws, dispatched, live, out)
	stats.Start = start
	cancel()
	stats.Stopped = ctx.Err() != nil
	// Whatever was read from the plan and never sent (retries too) comes
	// back as unsent: no request read from the plan goes missing.
	for _, req := range sc.leftovers() {
		out(req.result(-1, -1, outcome.Unsent, "not sent: run stopped"))
		stats.Unsent++
	}
	if c.pool != nil {
		stats.WarmConns, stats.ColdDials = c.pool.warm.Load(), c.pool.cold.Load()
	}
	return stats, nil
}

// requestContext is the context every request is sent in: after ctx is
// cancelled (a first Ctrl-C), the engine's abort (a second) cancels what is
// still in flight.
func (e *Engine) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	reqCtx, cancel := context.WithCancel(context.Background())
	if e.abort == nil {
		return reqCtx, cancel
	}
	stop := context.AfterFunc(ctx, func() {
		select {
		case <-e.abort:
			cancel()
		case <-reqCtx.Done():
		}
	})
	return reqCtx, func() { stop(); cancel() }
}

// collect hands every result on, in completion order, and schedules the
// retries they ask for, until the schedule and every closed loop have ended
// (each sends its count of released requests on dispatched) and every
// released request has its result.
func (e *Engine) collect(sc *schedule, ws *workers, dispatched <-chan int64, live *Live, out func(outcome.Result)) Stats {
	var stats Stats
	ended := 0
	for ended <= len(e.loops) || stats.Sent < stats.Planned {
		select {
		case a := <-ws.results:
			rr := a.res
			again, after := false, time.Duration(0)
			if rr.Class != outcome.OK && e.retry != nil {
				after, again = e.retry(rr)
			}
			if again {
				rr.Retried = true
				sc.retryAfter(a, rr.End+after)
				live.retries.Add(1)
				stats.Retries++
			}
			sc.settled()
			stats.Duration = max(stats.Duration, rr.End)
			stats.Sent++
			live.done.Add(1)
			if rr.Class != outcome.OK {
				live.errors.Add(1)
			}
			out(rr)
		case n := <-dispatched:
			stats.Planned += n
			ended++
		}
	}
	return stats
}
