package attack

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/burstlab/burstlab/internal/minheap"
)

// maxAhead bounds how many planned requests are read ahead of their time.
const maxAhead = 200_000

// maxSleep bounds one sleep of the schedule, so that it reads the plan ahead
// (and the sizing sees a burst coming) even across a long quiet stretch.
const maxSleep = 100 * time.Millisecond

// schedule releases a run's requests at their intended times: the plan, read
// a little ahead, and the retries the results ask for. One goroutine runs it
// (dispatch); the result loop adds retries and settles requests
// under mu, and the sizing reads its atomics.
type schedule struct {
	src       Source
	start     time.Time
	lookahead time.Duration
	srcDone   bool
	ahead     deque[Request] // read from the source, not yet due
	handed    int64          // requests released to the workers
	released  *atomic.Int64  // handed, for progress displays

	canRetry bool // a failure may schedule a retry
	mu       sync.Mutex
	retries  *minheap.Heap[Request] // retries scheduled at run time, not yet due, the earliest first
	retrySeq int64                  // retries are numbered -1, -2, ...
	pending  int64                  // released and not yet settled
	wake     chan struct{}

	rate       rateWindow
	late       atomic.Int64 // how late the latest request was released (ns)
	respLeast  atomic.Int64 // the quickest response since the sizing last looked (ns); 0: none
	lastAnswer atomic.Int64 // when the latest response ended, from the start (ns); 0: none yet
	answered   atomic.Int64 // responses seen
}

func newSchedule(src Source, start time.Time, lookahead time.Duration, canRetry bool) *schedule {
	return &schedule{src: src, start: start, lookahead: lookahead, canRetry: canRetry, wake: make(chan struct{}, 1),
		retries: minheap.New(func(a, b Request) bool { return a.Intended < b.Intended })}
}

// fill reads the plan until it covers the lookahead window.
func (s *schedule) fill() {
	if s.srcDone {
		return
	}
	horizon := time.Since(s.start) + s.lookahead
	for s.ahead.len() < maxAhead && (s.ahead.len() == 0 || s.ahead.back().Intended < horizon) {
		req, ok := s.src.Next()
		if !ok {
			s.srcDone = true
			return
		}
		req.first = req.Intended
		s.ahead.push(req)
		s.rate.add(req.Intended, 1)
	}
}

// firstURL is the URL of the first planned request, "" for an empty plan.
func (s *schedule) firstURL() string {
	if s.ahead.len() == 0 {
		return ""
	}
	return s.ahead.front().URL
}

// dispatch releases every request at its intended time until the plan and
// its retries are done or ctx ends, and returns how many it released. A
// request leaves once it is due, never before: Go's timers wake up to a
// millisecond late on an idle machine, but a busy one (a run in full swing)
// wakes them at its next network event. Releasing what is due within a
// millisecond at once, as an earlier engine did, sent requests up to that
// much early and doubled the median lateness seen at the server.
func (s *schedule) dispatch(ctx context.Context, ws *workers, g *gate) int64 {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for ctx.Err() == nil {
		s.fill()
		due, ok := s.peek()
		if !ok {
			if s.finished() {
				return s.handed
			}
			select {
			case <-s.wake:
			case <-ctx.Done():
			}
			continue
		}
		if wait := time.Until(s.start.Add(due)); wait > 0 {
			timer.Reset(min(wait, maxSleep))
			select {
			case <-timer.C:
			case <-s.wake: // a retry may be due sooner
				timer.Stop()
			case <-ctx.Done():
			}
			continue
		}
		// Take a place in flight before releasing the request: a gate that
		// holds the schedule here (see gate) lets the backlog leave in order.
		late := time.Since(s.start.Add(due))
		s.late.Store(int64(late))
		if !g.acquireLate(ctx.Done(), late) {
			break
		}
		req := s.pop()
		req.gate = g
		ws.hand(req)
	}
	return s.handed
}

// peek returns the intended time of the earliest request not yet released.
func (s *schedule) peek() (time.Duration, bool) {
	at, ok := time.Duration(0), false
	if s.ahead.len() > 0 {
		at, ok = s.ahead.front().Intended, true
	}
	if s.canRetry {
		s.mu.Lock()
		if s.retries.Len() > 0 && (!ok || s.retries.Min().Intended < at) {
			at, ok = s.retries.Min().Intended, true
		}
		s.mu.Unlock()
	}
	return at, ok
}

// pop takes the earliest request not yet released, counting it released.
func (s *schedule) pop() Request {
	s.handed++
	s.released.Add(1)
	if s.canRetry {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.pending++
		if s.retries.Len() > 0 && (s.ahead.len() == 0 || s.retries.Min().Intended < s.ahead.front().Intended) {
			req := s.retries.Pop()
			s.rate.add(req.Intended, -1)
			return req
		}
	}
	req := s.ahead.pop()
	s.rate.add(req.Intended, -1)
	return req
}

// finished reports whether nothing is left to release: the plan is read to
// its end and no request in flight may still be retried.
func (s *schedule) finished() bool {
	if !s.srcDone || s.ahead.len() > 0 {
		return false
	}
	if !s.canRetry {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.retries.Len() == 0 && s.pending == 0
}

// retryAfter schedules the next attempt of res's request at intended time
// at, and wakes the schedule: the retry may be due before what it waits for.
func (s *schedule) retryAfter(a answer, at time.Duration) {
	req := a.req
	s.mu.Lock()
	s.retrySeq--
	req.Seq = s.retrySeq
	req.Attempt++
	req.Intended = at
	s.retries.Push(req)
	s.rate.add(at, 1)
	s.mu.Unlock()
	s.nudge()
}

// settled notes that a released request's result was handed on (after its
// retry, if any, was scheduled). The last one in flight wakes the schedule,
// which may be waiting for it to know whether the run is over; any other
// changes nothing the schedule waits for.
func (s *schedule) settled() {
	if !s.canRetry {
		return
	}
	s.mu.Lock()
	s.pending--
	last := s.pending == 0
	s.mu.Unlock()
	if last {
		s.nudge()
	}
}

// nudge wakes the schedule if it waits, without blocking.
func (s *schedule) nudge() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// leftovers returns every request read from the plan or scheduled as a
// retry and never released, emptying both.
func (s *schedule) leftovers() []Request {
	out := s.ahead.drain()
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.retries.Len() > 0 {
		out = append(out, s.retries.Pop())
	}
	return out
}

// observe counts a response and its time (wire to body read), from which the
// sizing estimates the target's response time, and keeps the quickest and
// when the latest came (end, from the run's start).
func (s *schedule) observe(end, d time.Duration) {
	s.lastAnswer.Store(int64(end))
	s.answered.Add(1)
	for {
		least := s.respLeast.Load()
		if least != 0 && least <= int64(d) || s.respLeast.CompareAndSwap(least, max(int64(d), 1)) {
			return
		}
	}
}

// bucket is the resolution of the upcoming-rate estimate.
const bucket = 100 * time.Millisecond

// rateWindow counts the planned requests read ahead per 100 ms bucket, in a
// ring that spans well past the lookahead; the sizing reads its peak.
type rateWindow struct {
	counts [64]atomic.Int64
}

func (w *rateWindow) add(at time.Duration, n int64) {
	w.counts[int(at/bucket)%len(w.counts)].Add(n)
}

// peakAfter is the highest planned rate, per second, of the buckets read
// ahead after the one at (the lookahead is well within half the ring).
func (w *rateWindow) peakAfter(at time.Duration) float64 {
	var most int64
	cur := int(at / bucket)
	if at < 0 {
		cur-- // before the start: bucket 0 is ahead
	}
	for k := 1; k < len(w.counts)/2; k++ {
		if b := cur + k; b >= 0 {
			most = max(most, w.counts[b%len(w.counts)].Load())
		}
	}
	return float64(most) * float64(time.Second/bucket)
}

// peak is the highest planned rate, per second, of any bucket read ahead.
func (w *rateWindow) peak() float64 {
	var most int64
	for i := range w.counts {
		most = max(most, w.counts[i].Load())
	}
	return float64(most) * float64(time.Second/bucket)
}
