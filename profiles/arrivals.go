package profiles

import (
	"math"
	"math/rand/v2"
	"time"
)

// rateGen draws a rate stream's arrivals by inverting Λ: the k-th even
// arrival is at Λ⁻¹(k), the k-th Poisson arrival at Λ⁻¹(S_k) with S_k the
// k-th arrival of a unit-rate Poisson process. It holds no more than the
// next arrival.
type rateGen struct {
	fn      rateFunc
	limit   float64 // Λ at the end of the stream
	count   int64   // even: the number of arrivals, ⌈limit⌉
	poisson bool
	rng     *rand.Rand
	s       float64 // poisson: unit-process time of the next arrival
	n       int64   // arrivals popped
	next    time.Duration
	ok      bool
	stop    time.Duration // no arrival at or after it
}

func newRateGen(fn rateFunc, poisson bool, rng *rand.Rand) *rateGen {
	g := &rateGen{fn: fn, limit: fn.total(), poisson: poisson, rng: rng, stop: seconds(fn.end())}
	g.count = evenCount(g.limit)
	g.advance()
	return g
}

// evenCount is ⌈x⌉, forgiving the rounding error of a Λ that should be a
// whole number (200/s for 70 s is 14000, not 14000.000000000002 + 1).
func evenCount(x float64) int64 {
	if r := math.Round(x); math.Abs(x-r) <= 1e-9*math.Max(1, x) {
		return int64(r)
	}
	return int64(math.Ceil(x))
}

// seconds converts to a Duration, rounding to the nearest nanosecond.
func seconds(t float64) time.Duration {
	return time.Duration(math.Round(t * 1e9))
}

func (g *rateGen) advance() {
	var x float64
	if g.poisson {
		g.s += g.rng.ExpFloat64()
		if g.s >= g.limit {
			g.ok = false
			return
		}
		x = g.s
	} else {
		if g.n >= g.count {
			g.ok = false
			return
		}
		x = float64(g.n)
	}
	at := seconds(g.fn.inv(x))
	if at >= g.stop {
		at = g.stop - 1
	}
	if g.ok && at < g.next {
		at = g.next // float rounding must not reorder arrivals
	}
	g.next, g.ok = at, true
}

func (g *rateGen) peek() (time.Duration, bool) { return g.next, g.ok }

func (g *rateGen) pop() Arrival {
	a := Arrival{Intended: g.next, StreamSeq: g.n}
	g.n++
	g.advance()
	return a
}
