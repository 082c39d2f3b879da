//go:build linux

package main

import (
	"sync"
	"time"
)

// warmGate holds warm-up requests (GET /warm?n=N) until N of them are in
// flight together, then releases them all: a client that sends N at once
// thereby has N connections open, each used once, before its burst. The
// arrival server does not count these requests.
type warmGate struct {
	mu      sync.Mutex
	waiting int
	open    chan struct{}
}

// wait returns when n requests are waiting together, or after limit.
func (g *warmGate) wait(n int, limit time.Duration) {
	g.mu.Lock()
	if g.open == nil {
		g.open = make(chan struct{})
	}
	ch := g.open
	g.waiting++
	if g.waiting >= n {
		close(ch)
		g.open, g.waiting = nil, 0
	}
	g.mu.Unlock()
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
}
