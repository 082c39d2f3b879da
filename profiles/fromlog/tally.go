package fromlog

import "time"

// Finest is the finest tick of a route's curve, used when the log's times
// have a sub-second part; whole-second logs are counted per second.
const Finest = 100 * time.Millisecond

// MaxCells bounds the counts a tally holds (routes × ticks): past it, the
// tick doubles (100 ms becomes 1 s first), so memory stays bounded however
// long the log is, and a long log's curve is coarser.
const MaxCells = 1 << 22

// tally counts requests per route per tick. Route r's counts are
// counts[r+1]; counts[0] holds the requests of routes beyond the router's
// cap. Index k of every slice is the tick origin+k, ticks counted from the
// Unix epoch.
type tally struct {
	tick    int64 // ns
	origin  int64
	counts  [][]uint32
	cells   int
	started bool
	sub     bool // some time had a sub-second part
	spread  int64
}

func newTally() *tally { return &tally{tick: int64(Finest)} }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// add counts one request of route (-1: beyond the cap) at ns.
func (t *tally) add(route int, ns int64, sub bool) {
	t.sub = t.sub || sub
	if !sub && t.tick < int64(time.Second) {
		// A time to the second stands for a request somewhere in that
		// second: spread such requests evenly over its ticks, round robin.
		per := int64(time.Second) / t.tick
		ns += (t.spread % per) * t.tick
		t.spread++
	}
	t.count(route, ns)
}

// count counts one request of route at ns.
func (t *tally) count(route int, ns int64) {
	slot := route + 1
	for slot >= len(t.counts) {
		t.counts = append(t.counts, nil)
	}
	abs := floorDiv(ns, t.tick)
	if !t.started {
		t.origin, t.started = abs, true
	}
	i := abs - t.origin
	if i < 0 {
		pre := max(-i, 64)
		if need := min(pre, MaxCells) * int64(t.routesHeld()); int64(t.cells)+need > MaxCells {
			t.widenFor(need)
			t.count(route, ns)
			return
		}
		t.prepend(pre)
		i = abs - t.origin
	}
	c := t.counts[slot]
	if i >= int64(len(c)) {
		grow := i + 1 - int64(len(c))
		if int64(t.cells)+grow > MaxCells {
			// Widen first: a far-off time must not allocate its ticks.
			t.widenFor(i + 1)
			t.count(route, ns)
			return
		}
		c = append(c, make([]uint32, grow)...)
		t.counts[slot] = c
		t.cells += int(grow)
	}
	c[i]++
}

// prepend moves the origin n ticks earlier.
func (t *tally) prepend(n int64) {
	t.origin -= n
	for s, c := range t.counts {
		if len(c) == 0 {
			continue
		}
		nc := make([]uint32, int(n)+len(c))
		copy(nc[n:], c)
		t.counts[s] = nc
		t.cells += int(n)
	}
}

// widenFor widens the tick (100 ms to 1 s, then doubling) until a span
// of n ticks more fits, with the counts, in half of MaxCells.
func (t *tally) widenFor(n int64) {
	for int64(t.cells)+n > MaxCells/2 {
		f := int64(2)
		if t.tick < int64(time.Second) {
			f = int64(time.Second) / t.tick
		}
		t.widen(f)
		n = n/f + 1
	}
}

// routesHeld counts the routes with counts.
func (t *tally) routesHeld() int {
	n := 0
	for _, c := range t.counts {
		if len(c) > 0 {
			n++
		}
	}
	return n
}

// widen multiplies the tick by f, merging counts.
func (t *tally) widen(f int64) {
	no := floorDiv(t.origin, f)
	t.cells = 0
	for s, c := range t.counts {
		if len(c) == 0 {
			continue
		}
		last := floorDiv(t.origin+int64(len(c))-1, f) - no
		nc := make([]uint32, last+1)
		for k, v := range c {
			nc[floorDiv(t.origin+int64(k), f)-no] += v
		}
		t.counts[s] = nc
		t.cells += len(nc)
	}
	t.origin = no
	t.tick *= f
}

// finish counts per second when no time had a sub-second part, and returns
// the tick.
func (t *tally) finish() time.Duration {
	if !t.sub && t.tick < int64(time.Second) {
		t.widen(int64(time.Second) / t.tick)
	}
	return time.Duration(t.tick)
}
