package attack

import (
	"sync"
)

// gate bounds the requests in flight at once, with a limit the engine moves
// as the plan and the target change. The pacer takes a place before it
// releases a request to the workers, so a full gate holds the dispatch loop
// itself: vegeta then has no reason to start more workers, and the backlog
// leaves in order as places free up. A dense burst
// against a fast target needs few connections, and more in flight only makes
// two cores thrash; a stalled target needs many, as the incident's many
// clients had. Requests waiting at the gate leave late and their lateness is
// recorded.
type gate struct {
	mu      sync.Mutex
	limit   int
	inUse   int
	waiters []chan struct{}
}

func newGate(limit int) *gate { return &gate{limit: max(limit, 1)} }

// acquire waits for a place; false when stop closed first.
func (g *gate) acquire(stop <-chan struct{}) bool {
	g.mu.Lock()
	if g.inUse < g.limit && len(g.waiters) == 0 {
		g.inUse++
		g.mu.Unlock()
		return true
	}
	ch := make(chan struct{})
	g.waiters = append(g.waiters, ch)
	g.mu.Unlock()
	select {
	case <-ch:
		return true
	case <-stop:
		g.mu.Lock()
		for i, w := range g.waiters {
			if w == ch {
				g.waiters = append(g.waiters[:i], g.waiters[i+1:]...)
				g.mu.Unlock()
				return false
			}
		}
		g.mu.Unlock()
		// The place was handed over while we gave up: give it back.
		g.release()
		return false
	}
}

// release gives a place back, to the longest waiter if the limit allows.
func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inUse--
	g.wake()
}

// setLimit moves the limit; a higher one lets waiters through at once.
func (g *gate) setLimit(n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit = max(n, 1)
	g.wake()
}

func (g *gate) wake() {
	for g.inUse < g.limit && len(g.waiters) > 0 {
		close(g.waiters[0])
		g.waiters[0] = nil
		g.waiters = g.waiters[1:]
		g.inUse++
	}
}

// state returns the limit, the places in use and the waiters.
func (g *gate) state() (limit, inUse, waiting int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit, g.inUse, len(g.waiters)
}
