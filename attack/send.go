package attack

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
)

// sender sends one planned request and reads its answer to the end. The
// request timeout is a deadline on the request's context: it covers the
// redirects and reading the body, and costs no goroutine of its own.
type sender struct {
	client  *http.Client
	ctx     context.Context // cancelled to abandon everything in flight
	start   time.Time
	timeout time.Duration
	maxBody int64
	observe func(end, d time.Duration) // a response's end and time, wire to body read
}

// noHeader stands in for a request without headers: the client would
// otherwise make an empty map for every request. Nothing writes to it.
var noHeader = http.Header{}

// send sends req, reads the response and returns its result. It gives the
// request's place at the gate back once the answer is read.
func (s *sender) send(req *Request) outcome.Result {
	defer req.gate.release()
	ctx, cancel := s.ctx, context.CancelFunc(func() {})
	if s.timeout > 0 {
		ctx, cancel = context.WithTimeout(s.ctx, s.timeout)
	}
	defer cancel()
	var body io.Reader
	if len(req.Body) > 0 {
		body = bytes.NewReader(req.Body)
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	sent := time.Since(s.start)
	if req.closed {
		req.Intended, req.first = sent, sent
	}
	if err != nil {
		return req.result(sent, sent, outcome.Other, err.Error())
	}
	hr.Header = noHeader
	if req.Header != nil {
		hr.Header = req.Header
		if h := req.Header.Get("Host"); h != "" {
			hr.Host = h
		}
	}
	resp, err := s.client.Do(hr)
	if err != nil {
		return s.failed(req, sent, err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	end := time.Since(s.start)
	s.observe(end, end-sent)
	if err != nil {
		return s.failed(req, sent, err)
	}
	code := uint16(resp.StatusCode)
	class, errText := outcome.Classify(code, ""), ""
	if class != outcome.OK {
		errText = resp.Status
	}
	r := req.result(sent, end, class, errText)
	r.Code = code
	r.BytesIn = uint64(n)
	if s.maxBody >= 0 && n > s.maxBody {
		r.BytesIn = uint64(s.maxBody)
	}
	r.BytesOut = uint64(len(req.Body))
	return r
}

// failed is the result of a request that got no complete answer.
func (s *sender) failed(req *Request, sent time.Duration, err error) outcome.Result {
	end := time.Since(s.start)
	if errors.Is(err, context.Canceled) && s.ctx.Err() != nil {
		return req.result(sent, end, outcome.Abandoned, "abandoned: no answer before the second Ctrl-C")
	}
	text := err.Error()
	return req.result(sent, end, outcome.Classify(0, text), text)
}

// answer is a sent request and its result.
type answer struct {
	req Request
	res outcome.Result
}

// workers is the pool that sends released requests. A released request goes
// to an idle worker; when none is idle, a new one starts, up to the cap.
// Workers live until the run ends, so a burst reuses the ones (and their
// grown stacks) a quieter stretch started.
type workers struct {
	send    *sender
	jobs    chan Request
	results chan answer
	n       atomic.Int64 // started
	max     int64        // cap
}

func newWorkers(s *sender, maxWorkers int) *workers {
	return &workers{send: s, jobs: make(chan Request), results: make(chan answer, 1024), max: int64(maxWorkers)}
}

// spawn starts workers until n are running.
func (w *workers) spawn(n int) {
	for w.grow(int64(n)) {
		go w.work(nil)
	}
}

// grow counts one more worker when fewer than min(n, the cap) are started,
// and says whether it did. The schedule and every closed loop hand requests
// at once, so the count is claimed, never read and then set.
func (w *workers) grow(n int64) bool {
	for {
		started := w.n.Load()
		if started >= min(n, w.max) {
			return false
		}
		if w.n.CompareAndSwap(started, started+1) {
			return true
		}
	}
}

// hand gives req to an idle worker, or to a new one when none is idle and
// the cap allows; otherwise it waits for one. The schedule and the closed
// loops call it from their own goroutines.
func (w *workers) hand(req Request) {
	select {
	case w.jobs <- req:
		return
	default:
	}
	if w.grow(w.max) {
		go w.work(&req)
		return
	}
	w.jobs <- req
}

func (w *workers) work(first *Request) {
	if first != nil {
		req := *first
		w.results <- answer{req, w.send.send(&req)}
	}
	for req := range w.jobs {
		res := w.send.send(&req)
		w.results <- answer{req, res}
	}
}

// close ends the workers once the run is over.
func (w *workers) close() { close(w.jobs) }
