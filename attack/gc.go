package attack

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// denseRate is the planned rate, per second, from which a coming stretch of
// the plan counts as a dense burst: there a collection in the middle would
// delay hundreds of requests by its pauses and its CPU.
const denseRate = 10_000

// Bounds of a hold: how long the collector stays off at most, how long it
// then runs as usual before the next hold, and how far the heap may grow
// meanwhile.
const (
	maxHold    = 2 * time.Second
	holdPause  = 5 * time.Second
	guardBytes = 256 << 20
)

// burstGC keeps the garbage collector out of a dense burst's way, and out of
// nothing else. When the plan shows a dense burst coming it collects once,
// then holds the collector off, with the heap's growth bounded by a memory
// limit (the collector runs anyway if the heap reaches it), for at most
// maxHold; then it restores the settings and waits holdPause before it holds
// again. A steady dense rate thus runs mostly with the usual collector, and
// the heap stays bounded by what is in flight, not by the run's length.
// Nothing is touched when the user set GOGC or GOMEMLIMIT.
type burstGC struct {
	held    bool
	since   time.Time // when the hold began or, once released, ended
	percent int
	limit   int64
}

// userTuned reports whether the user set the collector's knobs.
var userTuned = os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != ""

// set holds or releases the collector for the planned rate ahead.
func (g *burstGC) set(rate float64) {
	if userTuned {
		return
	}
	now := time.Now()
	switch {
	case g.held && (rate < denseRate || now.Sub(g.since) >= maxHold):
		g.release()
	case !g.held && rate >= denseRate && (g.since.IsZero() || now.Sub(g.since) >= holdPause):
		runtime.GC()
		heap := []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
		metrics.Read(heap)
		g.limit = debug.SetMemoryLimit(int64(heap[0].Value.Uint64()) + guardBytes)
		g.percent = debug.SetGCPercent(-1)
		g.held, g.since = true, time.Now()
	}
}

// release restores the collector's settings.
func (g *burstGC) release() {
	if g.held {
		debug.SetGCPercent(g.percent)
		debug.SetMemoryLimit(g.limit)
		g.held, g.since = false, time.Now()
	}
}
