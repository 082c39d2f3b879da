package attack

import (
	"context"
	"sync/atomic"
	"time"
)

// loop is a closed loop: workers each send the next request of src as soon
// as their last one is answered, from the run's start for d. Its own gate
// holds it to its workers, apart from the plan's in-flight limit.
type loop struct {
	src     Source
	workers int
	d       time.Duration

	start    time.Time
	released *atomic.Int64
	gate     *gate
	next     Request // read from src, not yet sent
	has      bool    // next holds a request
}

func (l *loop) prepare(start time.Time, released *atomic.Int64) {
	l.start, l.released, l.gate = start, released, newGate(l.workers)
	l.next, l.has = l.src.Next()
}

// firstURL is the URL of the loop's first request, "" when it has none.
func (l *loop) firstURL() string {
	if !l.has {
		return ""
	}
	return l.next.URL
}

// run hands the loop's requests to the workers as fast as they take them,
// from the run's start until d has passed or ctx ends, and returns how many
// it released. It sends nothing before the start, nor once d has passed
// while it waited for a worker.
func (l *loop) run(ctx context.Context, ws *workers) int64 {
	var handed int64
	select {
	case <-time.After(time.Until(l.start)):
	case <-ctx.Done():
	}
	for l.has && ctx.Err() == nil && time.Since(l.start) < l.d {
		if !l.gate.acquire(ctx.Done()) {
			break
		}
		if time.Since(l.start) >= l.d {
			l.gate.release()
			break
		}
		req := l.next
		req.gate, req.closed = l.gate, true
		handed++
		l.released.Add(1)
		ws.hand(req)
		l.next, l.has = l.src.Next()
	}
	return handed
}
