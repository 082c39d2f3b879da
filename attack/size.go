package attack

import (
	"context"
	"runtime"
	"time"
)

// minInFlight is the gate's floor: enough to carry a few thousand requests
// per second at a millisecond each, few enough that the connections kept
// open for it cost little at a steady rate.
const minInFlight = 8

// growAfter is how many ticks in a row the gate's limit must be short of
// what Little's law asks before it grows. A generator that falls behind sees
// its own queueing as a slower target for a moment; growing on that adds
// connections and workers exactly when the CPU has none to spare for them.
const growAfter = 3

// smoothResponse folds a tick's mean response time into the estimate: it
// follows a slower target within about 100 ms and a quicker one over about a
// second, so the connections opened for a slow stretch are not dropped at
// its first quick answer.
func smoothResponse(est, tick time.Duration) time.Duration {
	if tick > est {
		return est + (tick-est)/4
	}
	return est + (tick-est)/20
}

// busyCPU is the share of the machine's cores above which the generator is
// taken to be short of CPU: more requests in flight would only add lateness.
const busyCPU = 0.75

// size sizes the run every 20 ms. The gate's limit follows Little's law: the
// peak planned rate of the lookahead window (retries included) times the
// target's observed response time, doubled for headroom (at least
// minInFlight, at most maxWorkers). It grows toward that only while the
// process has CPU to spare and only once the shortfall has lasted growAfter
// ticks: when the CPU is busy, requests wait for the generator, not the
// target, and more in flight would only thrash. When requests wait at the
// gate while the CPU is idle, the gate is all that holds them back: a slow
// or stalled target answers late, so its response time shows late, and an
// open model must keep sending (the incident's many clients did); the limit
// then doubles every growAfter ticks. Ahead of the plan the pool keeps as
// many connections dialed as the limit, so bursts find them open.
func size(ctx context.Context, pool *warmPool, g *gate, s *schedule, maxWorkers int) {
	const tick = 20 * time.Millisecond
	t := time.NewTicker(tick)
	defer t.Stop()
	cores := float64(runtime.GOMAXPROCS(0))
	lastCPU, lastAt := processCPU(), time.Now()
	lastDone, lastSum := s.completed.Load(), s.respSum.Load()
	resp := time.Millisecond // the target's response time, smoothed over ticks
	waitTicks, growTicks := 0, 0
	busyAvg := 0.0
	var hold burstGC
	defer hold.release()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rate := s.rate.peak()
		hold.set(rate)
		cpu, now := processCPU(), time.Now()
		span := now.Sub(lastAt)
		// The CPU counts as busy as soon as one tick is, and as idle again only
		// once the smoothed share (about five ticks) is; a tick that came late
		// (the sizing itself starved) counts as busy.
		busyNow := float64(cpu-lastCPU) / float64(span) / cores
		if span > 2*tick {
			busyNow = 1
		}
		busyAvg += (busyNow - busyAvg) * 0.3
		busy := busyNow >= busyCPU || busyAvg >= busyCPU
		lastCPU, lastAt = cpu, now
		done, sum := s.completed.Load(), s.respSum.Load()
		if n := done - lastDone; n > 0 {
			resp = smoothResponse(resp, time.Duration((sum-lastSum)/n))
		}
		lastDone, lastSum = done, sum
		limit, inUse, waiting := g.state()
		if waiting && !busy {
			waitTicks++
		} else {
			waitTicks = 0
		}
		target := min(max(int(rate*resp.Seconds()*2), minInFlight), maxWorkers)
		if !busy && limit < target {
			growTicks++
		} else {
			growTicks = 0
		}
		switch {
		case waitTicks >= growAfter:
			limit, waitTicks = max(limit*2, target), 0
		case growTicks >= growAfter:
			limit = target
		case limit > target && inUse < limit/2:
			limit = max(limit*9/10, target)
		}
		limit = min(limit, maxWorkers)
		if pool != nil {
			pool.refresh()
			// Open the connections before the gate lets the requests that
			// need them through, so none is dialed on demand.
			if short := pool.want(limit) - int(pool.live.Load()); short > 0 && !busy {
				pool.fill(ctx, min(short, 256))
			}
		}
		g.setLimit(limit)
	}
}
