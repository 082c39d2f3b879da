package attack

import (
	"sync"
)

// gate bounds the requests in flight at once, with a limit the engine moves
// as the plan and the target change. The schedule takes a place before it
// releases a request to the workers, so a full gate holds the schedule
// itself: no more workers start, and the backlog leaves in order as places
// free up. A dense burst against a fast target
// needs few places, and more in flight only makes two cores thrash; a
// stalled target needs many, as the incident's many clients had.
//
// Only the schedule waits at the gate (it is one goroutine), so one reusable
// signal serves as its wake-up.
type gate struct {
	mu      sync.Mutex
	limit   int
	inUse   int
	waiting bool
	signal  chan struct{}
}

func newGate(limit int) *gate { return &gate{limit: max(limit, 1), signal: make(chan struct{}, 1)} }

// acquire waits for a place; false when stop closed first.
func (g *gate) acquire(stop <-chan struct{}) bool {
	for {
		g.mu.Lock()
		if g.inUse < g.limit {
			g.inUse++
			g.waiting = false
			g.mu.Unlock()
			return true
		}
		g.waiting = true
		g.mu.Unlock()
		select {
		case <-g.signal:
		case <-stop:
			g.mu.Lock()
			g.waiting = false
			g.mu.Unlock()
			return false
		}
	}
}

// release gives a place back.
func (g *gate) release() {
	g.mu.Lock()
	g.inUse--
	g.wake()
	g.mu.Unlock()
}

// setLimit moves the limit; a higher one lets the waiter through at once.
func (g *gate) setLimit(n int) {
	g.mu.Lock()
	g.limit = max(n, 1)
	g.wake()
	g.mu.Unlock()
}

// wake signals the waiter when a place is free. g.mu is held.
func (g *gate) wake() {
	if g.waiting && g.inUse < g.limit {
		select {
		case g.signal <- struct{}{}:
		default:
		}
	}
}

// state returns the limit, the places in use and whether the schedule
// waits.
func (g *gate) state() (limit, inUse int, waiting bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit, g.inUse, g.waiting
}
