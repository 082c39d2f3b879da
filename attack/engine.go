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
// Attribution is exact: each planned request carries its sequence number in
// the URL fragment (never sent on the wire), which vegeta copies into the
// result, so a result is matched to its planned request whatever order the
// workers ran in.
package attack

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Request is one planned request as the engine sends it.
type Request struct {
	Seq     int64         // unique within the run
	Stream  int           // the stream it belongs to
	Attempt int           // 0 for the first try
	At      time.Duration // intended send time, from the start of the run
	Method  string
	URL     string
	Header  http.Header
	Body    []byte
}

// Source hands out planned requests in time order; false means the plan is done.
// It is called from a single goroutine.
type Source interface {
	Next() (Request, bool)
}

// SourceFunc adapts a function to a Source.
type SourceFunc func() (Request, bool)

// Next calls f.
func (f SourceFunc) Next() (Request, bool) { return f() }

// Engine sends a plan's requests through one vegeta Attacker.
type Engine struct {
	timeout    time.Duration
	workers    uint64
	maxWorkers uint64
	maxBody    int64
	vopts      []func(*vegeta.Attacker)
}

// Option configures an Engine.
type Option func(*Engine)

// Timeout bounds each request, body included. Default 30s.
func Timeout(d time.Duration) Option { return func(e *Engine) { e.timeout = d } }

// Workers is the number of workers started before the first request. Default 16.
func Workers(n uint64) Option { return func(e *Engine) { e.workers = n } }

// MaxWorkers caps concurrent requests. When every worker is busy the request
// waits for one and leaves late, and its lateness is recorded. Default 10000.
func MaxWorkers(n uint64) Option { return func(e *Engine) { e.maxWorkers = n } }

// MaxBody caps the bytes of each response body that are read. Default 1 MiB.
func MaxBody(n int64) Option { return func(e *Engine) { e.maxBody = n } }

// VegetaOptions passes further options to the underlying vegeta Attacker,
// after the engine's own.
func VegetaOptions(opts ...func(*vegeta.Attacker)) Option {
	return func(e *Engine) { e.vopts = append(e.vopts, opts...) }
}

// New returns an Engine with the given options.
func New(opts ...Option) *Engine {
	e := &Engine{timeout: 30 * time.Second, workers: 16, maxWorkers: 10000, maxBody: 1 << 20}
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
	Planned  int64 // requests the source handed out
	Sent     int64
	Unsent   int64 // handed out but never sent, because the run was stopped
	Start    time.Time
	Duration time.Duration // from start to the last result
	Stopped  bool          // ctx was cancelled before the plan ended
}

// Run sends every request of src at its intended time and calls out once per
// request, from one goroutine, with its result; requests never sent because
// ctx was cancelled come back with class Unsent. Run returns when every sent
// request has completed or timed out. start is the instant offsets count from;
// a zero start means now.
func (e *Engine) Run(ctx context.Context, src Source, start time.Time, out func(Result)) Stats {
	if start.IsZero() {
		start = time.Now()
	}
	opts := []func(*vegeta.Attacker){
		vegeta.Timeout(e.timeout),
		vegeta.Workers(e.workers),
		vegeta.MaxWorkers(e.maxWorkers),
		vegeta.MaxBody(e.maxBody),
		vegeta.KeepAlive(true),
	}
	opts = append(opts, e.vopts...)
	atk := vegeta.NewAttacker(opts...)

	r := &runState{src: src, start: start, inflight: map[int64]Request{}}
	results := atk.Attack(r.targeter, r, 0, "burstlab")

	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			r.stop()
			atk.Stop()
		case <-done:
		}
	}()

	stats := Stats{Start: start}
	var last time.Duration
	finish := func(res *vegeta.Result) {
		req, ok := r.claim(res.URL)
		if !ok {
			return // a tick after stop: no planned request went out
		}
		rr := Result{
			Seq: req.Seq, Stream: req.Stream, Attempt: req.Attempt, Intended: req.At,
			Sent:    res.Timestamp.Sub(start),
			End:     res.Timestamp.Add(res.Latency).Sub(start),
			Code:    res.Code,
			Error:   res.Error,
			Class:   Classify(res.Code, res.Error),
			BytesIn: res.BytesIn, BytesOut: res.BytesOut,
		}
		if rr.Class == OK {
			rr.Error = ""
		}
		last = max(last, rr.End)
		stats.Sent++
		out(rr)
	}

loop:
	for {
		select {
		case res, ok := <-results:
			if !ok {
				break loop
			}
			finish(res)
		case <-ctx.Done():
			// Stop sending; wait for what is in flight, up to the timeout.
			deadline := time.After(e.timeout + time.Second)
			for r.outstanding() > 0 {
				select {
				case res, ok := <-results:
					if !ok {
						break loop
					}
					finish(res)
				case <-deadline:
					break loop
				}
			}
			break loop
		}
	}
	close(done)
	stats.Stopped = ctx.Err() != nil
	// Whatever was planned and not sent comes back as unsent, so no planned
	// request is silently dropped.
	queued, inflight := r.leftovers()
	for _, req := range queued {
		out(Result{Seq: req.Seq, Stream: req.Stream, Attempt: req.Attempt, Intended: req.At, Sent: -1, End: -1, Class: Unsent, Error: "not sent: run stopped"})
		stats.Unsent++
	}
	now := time.Since(start)
	for _, req := range inflight {
		out(Result{Seq: req.Seq, Stream: req.Stream, Attempt: req.Attempt, Intended: req.At, Sent: -1, End: now, Class: TimedOut, Error: "no answer before the run stopped"})
		stats.Sent++
	}
	if stats.Stopped {
		go func() {
			for range results {
			}
		}()
	}
	stats.Planned = r.handed
	stats.Duration = last
	return stats
}

// runState is the pacer and the targeter of one run: the pacer queues each
// planned request at its time, the targeter hands the queue's head to the
// worker that took the tick.
type runState struct {
	src   Source
	start time.Time

	mu       sync.Mutex
	queue    []Request // released to workers, not yet picked up
	inflight map[int64]Request
	stopped  bool
	handed   int64
}

// Pace implements vegeta.Pacer on absolute time: it ignores elapsed and hits
// and waits until start + the next request's offset. Requests due within a
// millisecond leave at once (Go's sleep granularity is about that anyway).
func (r *runState) Pace(_ time.Duration, _ uint64) (time.Duration, bool) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return 0, true
	}
	r.mu.Unlock()
	next, ok := r.src.Next()
	if !ok {
		return 0, true
	}
	r.mu.Lock()
	r.queue = append(r.queue, next)
	r.handed++
	r.mu.Unlock()
	wait := time.Until(r.start.Add(next.At))
	if wait <= time.Millisecond {
		return 0, false
	}
	return wait, false
}

// Rate implements vegeta.Pacer; the engine's rate comes from the plan.
func (r *runState) Rate(time.Duration) float64 { return 0 }

func (r *runState) stop() {
	r.mu.Lock()
	r.stopped = true
	r.mu.Unlock()
}

// errStopped ends the targeter after a stop.
var errStopped = errors.New("run stopped")

func (r *runState) targeter(t *vegeta.Target) error {
	r.mu.Lock()
	if r.stopped || len(r.queue) == 0 {
		r.mu.Unlock()
		return errStopped
	}
	req := r.queue[0]
	r.queue[0] = Request{}
	r.queue = r.queue[1:]
	r.inflight[req.Seq] = req
	r.mu.Unlock()
	t.Method = req.Method
	t.URL = req.URL + "#bl" + strconv.FormatInt(req.Seq, 10)
	t.Header = req.Header
	t.Body = req.Body
	return nil
}

// claim finds the planned request a result belongs to and removes it from the
// in-flight set.
func (r *runState) claim(url string) (Request, bool) {
	i := strings.LastIndex(url, "#bl")
	if i < 0 {
		return Request{}, false
	}
	seq, err := strconv.ParseInt(url[i+3:], 10, 64)
	if err != nil {
		return Request{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	req, ok := r.inflight[seq]
	delete(r.inflight, seq)
	return req, ok
}

func (r *runState) outstanding() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inflight) + len(r.queue)
}

// leftovers returns the requests released but never picked up, and those
// sent but never answered, emptying both sets.
func (r *runState) leftovers() (queued, inflight []Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	queued, r.queue = r.queue, nil
	for _, req := range r.inflight {
		inflight = append(inflight, req)
	}
	r.inflight = map[int64]Request{}
	return queued, inflight
}
