package attack

import (
	"sync"
	"time"
)

// gate admits requests into flight, up to the cap on requests in flight. A
// due request goes through at once, as vegeta's would: a worker is started
// for it when none is idle, and when no connection is open for it (the warm
// pool keeps a spare ahead of what is in flight), the transport dials one
// for it alone while the schedule goes on, and the gate asks the warmer for
// more that instant, not at its next tick. Only when the requests in flight
// free places faster than the plan needs them does a request that finds no
// connection wait for a place instead (see pace.hold): that wait is shorter
// than a dial, the backlog leaves in order, and no connection is dialed
// inside a dense burst at a quick target, where the CPU has none to spare
// and more in flight only makes two cores thrash. A slow, queueing or
// stalled target frees places too slowly for that, so in-flight grows with
// it at once, as the incident's many clients did.
//
// Only one goroutine waits at a gate (the schedule, or a closed loop), so
// one reusable signal serves as its wake-up.
type gate struct {
	mu      sync.Mutex
	limit   int
	inUse   int
	waiting bool
	signal  chan struct{}

	// ready reports whether a connection is open for one more request in
	// flight, inUse counting those already in flight; nil: always.
	ready func(inUse int) bool
	// hold reports whether a request, late by that much, that finds no
	// connection open waits for a place rather than have one dialed for
	// it, inUse in flight since flying; nil: never.
	hold   func(inUse int, flying time.Time, late time.Duration) bool
	flying time.Time // when in-flight last rose from none
	// wanted is signalled when a request finds no connection open.
	wanted chan struct{}
}

func newGate(limit int) *gate {
	return &gate{limit: max(limit, 1), signal: make(chan struct{}, 1), wanted: make(chan struct{}, 1)}
}

// acquire waits for a place for a request due now; false when stop
// closed first.
func (g *gate) acquire(stop <-chan struct{}) bool { return g.acquireLate(stop, 0) }

// acquireLate waits for a place for a request already late by that much;
// false when stop closed first.
func (g *gate) acquireLate(stop <-chan struct{}, late time.Duration) bool {
	var recheck *time.Timer
	for {
		g.mu.Lock()
		ready := g.ready == nil || g.ready(g.inUse)
		if g.inUse < g.limit && (ready || g.hold == nil || !g.hold(g.inUse, g.flying, late)) {
			if g.inUse == 0 && g.hold != nil {
				g.flying = time.Now()
			}
			g.inUse++
			g.waiting = false
			g.mu.Unlock()
			if !ready {
				g.want()
			}
			return true
		}
		g.waiting = true
		held := g.inUse < g.limit
		g.mu.Unlock()
		// A held request looks again after a while even if nothing
		// frees a place: a target that stops answering stops counting as
		// quick (see pace.hold).
		var again <-chan time.Time
		if held {
			if recheck == nil {
				recheck = time.NewTimer(answering)
				defer recheck.Stop()
			} else {
				recheck.Reset(answering)
			}
			again = recheck.C
		}
		select {
		case <-g.signal:
		case <-again:
		case <-stop:
			g.mu.Lock()
			g.waiting = false
			g.mu.Unlock()
			return false
		}
	}
}

// want asks the warmer for connections, without waiting.
func (g *gate) want() {
	select {
	case g.wanted <- struct{}{}:
	default:
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

// opened says a connection was opened: the waiter, if any, looks again.
func (g *gate) opened() {
	g.mu.Lock()
	g.wake()
	g.mu.Unlock()
}

// wake signals the waiter, which looks again. g.mu is held.
func (g *gate) wake() {
	if g.waiting {
		select {
		case g.signal <- struct{}{}:
		default:
		}
	}
}

// state returns the places in use and whether the schedule waits.
func (g *gate) state() (inUse int, waiting bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inUse, g.waiting
}
