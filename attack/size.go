package attack

import (
	"context"
	"math"
	"runtime"
	"sync/atomic"
	"time"
)

// minInFlight is the spare the warm pool keeps at least: connections open
// beyond the requests in flight, enough to carry a few thousand requests per
// second at a millisecond each, few enough that keeping them open costs
// little at a steady rate.
const minInFlight = 8

// busyCPU is the share of the machine's cores above which the generator is
// taken to be short of CPU: more requests in flight would only add lateness.
const busyCPU = 0.75

// trimAfter is how many ticks in a row far more connections must be open
// than the pool would keep before the idle ones are closed.
const trimAfter = 50

// behind is how late the schedule releases requests when it is behind its
// plan: Go's timers wake up to a millisecond late on a busy machine.
const behind = 2 * time.Millisecond

// sizeTick is how often the sizing looks at the run.
const sizeTick = 20 * time.Millisecond

// pace is what the sizing knows of the run and the gate reads when a
// request finds no connection open: the peak planned rate ahead and how
// the target answers.
type pace struct {
	rate       atomic.Uint64 // float64 bits, requests per second
	resp       atomic.Int64  // the quickest recent response (ns)
	freeing    atomic.Bool   // over the last tick, answers kept up with the requests released
	start      time.Time     // the run's
	lastAnswer *atomic.Int64 // when the latest response ended, from start (ns)
}

// answering is how long the target may go without answering, requests in
// flight, and still count as freeing places quickly: one that stays silent
// longer is slow or stalled, whatever it did before. Long enough that a
// generator short of CPU, which reads its answers late and in clumps, does
// not take its own stall for the target's.
const answering = 10 * time.Millisecond

// hold reports whether a request late by that much that finds no
// connection open should wait for a place rather than have one dialed for
// it, inUse requests in flight since flying: only when places free as fast
// as the plan needs them, so that the wait is shorter than a dial. That is:
// over the last tick the answers kept up with the requests released (at a
// queue that backs up they do not, however quick the ones ahead of it), the
// requests in flight, answered in the target's quickest recent response
// time, free places at the planned rate or faster (Little's law), and the
// target still answers. The quickest answer, not the mean: a generator
// short of CPU delays its answers unevenly and makes the mean look like a
// slower target, but at a slow target every answer takes long. A target
// silent for longer than answering is taken to be stalled only while the
// schedule keeps time: a stall of the whole machine silences the answers
// too, and delays the schedule as well. A request at a slow, queueing or
// stalled target goes at once.
func (p *pace) hold(inUse int, flying time.Time, late time.Duration) bool {
	if !p.freeing.Load() {
		return false
	}
	heard := max(time.Duration(p.lastAnswer.Load()), flying.Sub(p.start))
	if time.Since(p.start)-heard > answering && late < behind {
		return false
	}
	rate := math.Float64frombits(p.rate.Load())
	return float64(inUse) >= rate*time.Duration(p.resp.Load()).Seconds()
}

// size keeps the warm pool ahead of the run. The pool holds the requests in
// flight or, while the plan beyond the current 100 ms rises above the rate
// released over the last tick with the schedule on time (a burst coming, or
// the run's start), as many as Little's law asks for that peak planned rate
// (the rate times the target's quickest recent response time, doubled for
// headroom), whichever is more; and beside them a spare that covers twice
// what in-flight has lately grown per tick, three ticks running (at least
// minInFlight). At its ticks the pool dials nothing while the CPU is short
// or the schedule is behind its plan (inside a burst, not before one): a
// dial then costs CPU the generator has none of. A request that finds no
// connection open and is let through (see gate) asks for more, and the pool
// dials them that instant, not at the next tick. Connections far beyond
// that for a second on end are closed when idle. It also holds the
// collector off for a dense burst (burstGC).
func size(ctx context.Context, pool *warmPool, g *gate, s *schedule, p *pace, trim func(), maxWorkers int) {
	t := time.NewTicker(sizeTick)
	defer t.Stop()
	cores := float64(runtime.GOMAXPROCS(0))
	lastCPU, lastAt := processCPU(), time.Now()
	lastReleased, lastDone := s.released.Load(), s.answered.Load()
	p.resp.Store(int64(time.Millisecond)) // until the first answer
	released := 0.0                       // requests released per second over the last tick
	lastInUse, growth := 0, 0.0
	var steps [3]int // in-flight's growth over the last three ticks, latest first
	excess := 0      // ticks in a row with far more connections open than needed
	busyAvg, cpuBusy := 0.0, false
	var hold burstGC
	defer hold.release()
	// spareFor is how many connections the pool should hold for inUse
	// requests in flight.
	spareFor := func(inUse int) int {
		n := inUse
		if rate := s.rate.peakAfter(time.Since(s.start)); rate > 1.25*released && time.Duration(s.late.Load()) < behind {
			n = max(n, int(rate*time.Duration(p.resp.Load()).Seconds()*2))
		}
		return min(n+max(minInFlight, int(math.Ceil(2*growth))), maxWorkers)
	}
	fill := func(want int) {
		if short := pool.want(want) - int(pool.live.Load()); short > 0 {
			pool.fill(ctx, min(short, 256))
			// The dials' own time is no sign of a starved generator.
			lastCPU, lastAt = processCPU(), time.Now()
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.wanted:
			// A due request found no connection open: dial now, unless
			// this process already uses most of the CPU (a generator behind
			// its plan then gets nothing from more connections but less
			// CPU; one on a machine busy with other work does).
			if !cpuBusy {
				inUse, _ := g.state()
				fill(spareFor(inUse))
			}
			continue
		case <-t.C:
		}
		rate := s.rate.peak()
		p.rate.Store(math.Float64bits(rate))
		hold.set(rate)
		cpu, now := processCPU(), time.Now()
		span := now.Sub(lastAt)
		// The CPU counts as busy as soon as one tick is, and as idle again only
		// once the smoothed share (about five ticks) is; a tick that came late
		// (the sizing itself starved) counts as busy.
		busyNow := float64(cpu-lastCPU) / float64(span) / cores
		busyAvg += (busyNow - busyAvg) * 0.3
		cpuBusy = busyNow >= busyCPU || busyAvg >= busyCPU
		busy := cpuBusy || span > 2*sizeTick
		lastCPU, lastAt = cpu, now
		// The quickest answer of the tick stands for the target's response
		// time: a generator short of CPU delays its answers unevenly and
		// makes the mean look like a slower target, but behind a queue or
		// at a slow target every answer takes long.
		if least := s.respLeast.Swap(0); least > 0 {
			p.resp.Store(least)
		}
		rel, done := s.released.Load(), s.answered.Load()
		released = float64(rel-lastReleased) / span.Seconds()
		p.freeing.Store(float64(done-lastDone) >= 0.9*float64(rel-lastReleased))
		lastReleased, lastDone = rel, done
		inUse, _ := g.state()
		// The spare follows a backlog that grows tick after tick, and
		// forgets it over about a second. One step up, as at a burst's
		// start, is a new level, not a trend: the spare dialed ahead of a
		// burst covers it, and dials inside the burst would cost it CPU.
		steps = [3]int{inUse - lastInUse, steps[0], steps[1]}
		growth = max(float64(min(steps[0], steps[1], steps[2])), growth*0.98)
		lastInUse = inUse
		pool.refresh()
		// Connections opened for a stretch that needed more in flight (a
		// stall, a slow spell) stay open in the transport, each with its
		// buffers and goroutines; once far more are open than the pool
		// would keep, for a second on end, the idle ones are closed, and
		// the pool's spare carries on.
		if need := spareFor(inUse); int(pool.live.Load()) > 2*need+minInFlight && !busy {
			excess++
		} else {
			excess = 0
		}
		if excess >= trimAfter {
			trim()
			excess = 0
		}
		if !busy && time.Duration(s.late.Load()) < behind {
			fill(spareFor(inUse))
		}
	}
}
