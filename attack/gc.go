package attack

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// denseRate is the planned rate, per second, from which a coming stretch of
// the plan counts as a dense burst: there a GC cycle in the middle would
// delay hundreds of requests by its pauses and its CPU.
const denseRate = 5000

// gcHold holds the garbage collector off for the length of a dense burst:
// it collects once just before, then lets the heap grow, with a memory limit
// as the guard (the collector still runs if the heap reaches it), and
// restores the settings after.
type gcHold struct {
	held      bool
	percent   int
	limit     int64
	heapBytes []metrics.Sample
}

// guardBytes is how far the heap may grow during a held burst.
const guardBytes = 1 << 30

func (g *gcHold) set(dense bool) {
	switch {
	case dense && !g.held:
		runtime.GC()
		g.heapBytes = []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
		metrics.Read(g.heapBytes)
		g.limit = debug.SetMemoryLimit(-1)
		debug.SetMemoryLimit(int64(g.heapBytes[0].Value.Uint64()) + guardBytes)
		g.percent = debug.SetGCPercent(-1)
		g.held = true
	case !dense && g.held:
		g.release()
	}
}

func (g *gcHold) release() {
	if !g.held {
		return
	}
	debug.SetGCPercent(g.percent)
	debug.SetMemoryLimit(g.limit)
	g.held = false
}
