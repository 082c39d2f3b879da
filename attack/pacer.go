package attack

import (
	"container/heap"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// maxAhead bounds how many planned requests are read ahead of their time.
const maxAhead = 200_000

// bucket is the resolution of the upcoming-rate estimate.
const bucket = 100 * time.Millisecond

// runState is the pacer and the targeter of one run. The pacer reads the plan
// a little ahead (so the warmer can see a burst coming), releases each
// request into the queue at its time, and the targeter hands the queue's head
// to the worker that took the tick. Pace runs on vegeta's dispatch goroutine;
// the targeter on the workers; everything shared is under mu.
type runState struct {
	src       Source
	start     time.Time
	lookahead time.Duration
	done      bool // the source is exhausted (dispatch goroutine only)

	mu       sync.Mutex
	ahead    deque[Request] // read from the source, not yet due
	retries  retryHeap      // retries scheduled at run time, not yet due
	retrySeq int64          // retries are numbered -1, -2, ...
	canRetry bool           // a failure may still schedule a retry
	buckets  map[int64]int
	queue    deque[Request] // released to workers, not yet picked up
	queued   int            // planned requests in the queue (the rest are idle ticks)

	// The in-flight set has its own lock: the workers and the result loop
	// touch it for every request, apart from the pacer's plan.
	flightMu sync.Mutex
	inflight map[int64]flight
	stopped  bool
	stopCh   chan struct{} // closed on stop
	gate     *gate
	handed   int64
	released *atomic.Int64 // handed, for progress displays

	respSum   atomic.Int64 // response times seen on the wire, summed (ns)
	completed atomic.Int64 // responses seen on the wire
}

func newRunState(src Source, start time.Time, lookahead time.Duration) *runState {
	r := &runState{src: src, start: start, lookahead: lookahead, buckets: map[int64]int{}, inflight: map[int64]flight{}, stopCh: make(chan struct{})}
	return r
}

// fillAhead reads the plan until it covers the lookahead window.
func (r *runState) fillAhead() {
	horizon := time.Since(r.start) + r.lookahead
	r.mu.Lock()
	defer r.mu.Unlock()
	for !r.done && r.ahead.len() < maxAhead && (r.ahead.len() == 0 || r.ahead.back().At < horizon) {
		req, ok := r.src.Next()
		if !ok {
			r.done = true
			break
		}
		req.Planned = req.At
		r.ahead.push(req)
		r.buckets[int64(req.At/bucket)]++
	}
}

// firstURL is the URL of the first planned request, "" for an empty plan.
func (r *runState) firstURL() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ahead.len() == 0 {
		return ""
	}
	return r.ahead.front().URL
}

// maxSleep bounds one pacer sleep. Longer gaps are filled with idle ticks
// that never reach the network, so a stop or a newly scheduled retry is seen
// within this long.
const maxSleep = 20 * time.Millisecond

// idleURL marks an idle tick; the wire answers it without any network.
const idleURL = "http://burstlab.idle/"

// Pace implements vegeta.Pacer on absolute time: it ignores elapsed and hits
// and waits until start + the next request's offset. Requests due within a
// millisecond leave at once (Go's sleep granularity is about that anyway).
// Every call queues exactly one item for the tick that follows: the next
// planned request or retry, or an idle tick when the next one is further
// away than maxSleep.
func (r *runState) Pace(_ time.Duration, _ uint64) (time.Duration, bool) {
	r.fillAhead()
	r.mu.Lock()
	next, ok := r.peek()
	switch {
	case r.stopped:
		r.mu.Unlock()
		return 0, true
	case !ok && r.canRetry && r.inFlight()+r.queued > 0:
		// The plan is done but a request in flight may still fail and be
		// retried: keep ticking idly. Idle ticks in the queue do not count,
		// or each would keep the next one coming.
		r.queue.push(Request{URL: idleURL})
		r.mu.Unlock()
		return maxSleep, false
	case !ok:
		r.mu.Unlock()
		return 0, true
	case time.Until(r.start.Add(next.At)) > maxSleep:
		r.queue.push(Request{URL: idleURL})
		r.mu.Unlock()
		return maxSleep, false
	}
	r.mu.Unlock()
	// Take a place in flight before releasing the request; a full gate holds
	// the dispatch loop here.
	if !r.gate.acquire(r.stopCh) {
		return 0, true
	}
	r.mu.Lock()
	next, _ = r.peek() // a retry may have come first meanwhile
	r.pop(next)
	r.queue.push(next)
	r.queued++
	r.handed++
	r.released.Add(1)
	r.mu.Unlock()
	wait := time.Until(r.start.Add(next.At))
	if wait <= time.Millisecond {
		return 0, false
	}
	return wait, false
}

// peek returns the earliest planned request or retry not yet released.
// r.mu is held.
func (r *runState) peek() (Request, bool) {
	switch {
	case len(r.retries) > 0 && (r.ahead.len() == 0 || r.retries[0].At < r.ahead.front().At):
		return r.retries[0], true
	case r.ahead.len() > 0:
		return r.ahead.front(), true
	}
	return Request{}, false
}

// pop removes next, which peek returned. r.mu is held.
func (r *runState) pop(next Request) {
	if len(r.retries) > 0 && r.retries[0].Seq == next.Seq {
		heap.Pop(&r.retries)
		return
	}
	r.ahead.pop()
	b := int64(next.At / bucket)
	if r.buckets[b]--; r.buckets[b] <= 0 {
		delete(r.buckets, b)
	}
}

// settle removes a finished request from the in-flight set and, when retry
// is set, schedules its next attempt at intended time at, in one step, so
// the pacer never sees the plan done between the two.
func (r *runState) settle(seq int64, retry bool, at time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.flightMu.Lock()
	f, ok := r.inflight[seq]
	delete(r.inflight, seq)
	r.flightMu.Unlock()
	if ok && f.sent.IsZero() {
		r.gate.release() // it never reached the wire to give its place back
	}
	if !retry || !ok || r.stopped {
		return
	}
	req := f.req
	r.retrySeq--
	req.Seq = r.retrySeq
	req.Attempt++
	req.At = at
	heap.Push(&r.retries, req)
}

// retryHeap orders retries by intended time.
type retryHeap []Request

func (h retryHeap) Len() int           { return len(h) }
func (h retryHeap) Less(i, j int) bool { return h[i].At < h[j].At }
func (h retryHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *retryHeap) Push(x any)        { *h = append(*h, x.(Request)) }
func (h *retryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Rate implements vegeta.Pacer: the planned rate of the coming window.
func (r *runState) Rate(time.Duration) float64 { return r.upcomingRate() }

// behind reports whether the next planned request is overdue by more than
// 5 ms: the run is behind its schedule.
func (r *runState) behind() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	next, ok := r.peek()
	return ok && time.Since(r.start)-next.At > 5*time.Millisecond
}

// upcomingRate is the highest planned rate, per second, of any 100 ms bucket
// in the lookahead window.
func (r *runState) upcomingRate() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	peak := 0
	for _, n := range r.buckets {
		peak = max(peak, n)
	}
	return float64(peak) * float64(time.Second/bucket)
}

// observe counts a response and its time (wire to body read), from which the
// warmer sizes the run.
func (r *runState) observe(d time.Duration) {
	r.respSum.Add(int64(d))
	r.completed.Add(1)
}

func (r *runState) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.stopped {
		r.stopped = true
		close(r.stopCh)
	}
}

// errStopped ends the targeter after a stop.
var errStopped = errors.New("run stopped")

// fragment marks a planned request's URL with its sequence number. Fragments
// are never sent on the wire; vegeta copies the URL into the result.
const fragment = "#burstlab="

func (r *runState) targeter(t *vegeta.Target) error {
	r.mu.Lock()
	if r.stopped || r.queue.len() == 0 {
		r.mu.Unlock()
		return errStopped
	}
	req := r.queue.pop()
	if req.URL == idleURL {
		r.mu.Unlock()
		t.Method, t.URL = http.MethodGet, idleURL
		return nil
	}
	r.queued--
	// Into the in-flight set before the plan's lock is let go, so the pacer
	// never sees the request in neither place.
	r.flightMu.Lock()
	r.inflight[req.Seq] = flight{req: req}
	r.flightMu.Unlock()
	r.mu.Unlock()
	t.Method = req.Method
	t.URL = req.URL + fragment + strconv.FormatInt(req.Seq, 10)
	t.Header = req.Header
	t.Body = req.Body
	return nil
}

// flight is a planned request a worker has taken.
type flight struct {
	req  Request
	sent time.Time // when it went on the wire; zero until then
}

// markSent notes when planned request seq went on the wire.
func (r *runState) markSent(seq int64, at time.Time) {
	r.flightMu.Lock()
	if f, ok := r.inflight[seq]; ok && f.sent.IsZero() {
		f.sent = at
		r.inflight[seq] = f
	}
	r.flightMu.Unlock()
}

// claim finds the planned request a result belongs to; settle removes it.
func (r *runState) claim(url string) (flight, bool) {
	i := strings.LastIndex(url, fragment)
	if i < 0 {
		return flight{}, false
	}
	seq, err := strconv.ParseInt(url[i+len(fragment):], 10, 64)
	if err != nil {
		return flight{}, false
	}
	r.flightMu.Lock()
	defer r.flightMu.Unlock()
	f, ok := r.inflight[seq]
	return f, ok
}

// inFlight is the number of planned requests taken by a worker and not yet
// answered. Lock order: r.mu, then r.flightMu.
func (r *runState) inFlight() int {
	r.flightMu.Lock()
	defer r.flightMu.Unlock()
	return len(r.inflight)
}

// leftovers returns the requests released but never picked up, and those
// sent but never answered, emptying both sets.
func (r *runState) leftovers() (queued []Request, inflight []flight) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queued = 0
	for _, q := range r.queue.drain() {
		if q.URL != idleURL {
			queued = append(queued, q)
		}
	}
	r.flightMu.Lock()
	defer r.flightMu.Unlock()
	for _, f := range r.inflight {
		inflight = append(inflight, f)
	}
	r.inflight = map[int64]flight{}
	return queued, inflight
}
