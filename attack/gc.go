package attack

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// denseRate is the planned rate, per second, from which a coming stretch of
// the plan counts as a dense burst: there a GC cycle in the middle would
// delay hundreds of requests by its pauses and its CPU.
const denseRate = 5000

// gcHold keeps the garbage collector out of the schedule's way. For the
// whole run it lets the heap grow to runGCPercent% over the live heap before
// collecting (a run holding thousands of requests in flight otherwise
// collects every few hundred milliseconds, and each cycle delays the pacer).
// For the length of a dense burst it holds the collector off entirely: it
// collects once just before, then lets the heap grow, with a memory limit as
// the guard (the collector still runs if the heap reaches it). Release
// restores the settings.
type gcHold struct {
	started   bool
	runPct    int   // the GOGC setting before the run
	runLimit  int64 // the memory limit before the run
	held      bool
	percent   int
	limit     int64
	heapBytes []metrics.Sample
}

// runGCPercent is the GOGC in force during a run, and runMemoryLimit the
// soft memory limit that bounds what it lets the heap grow to.
const (
	runGCPercent   = 400
	runMemoryLimit = 1536 << 20
)

// guardBytes is how far the heap may grow during a held burst.
const guardBytes = 1 << 30

func (g *gcHold) set(dense bool) {
	if !g.started {
		g.started = true
		// GOGC and GOMEMLIMIT set by the user win.
		g.runPct = debug.SetGCPercent(-1)
		debug.SetGCPercent(g.runPct)
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(runGCPercent)
		}
		g.runLimit = debug.SetMemoryLimit(-1)
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(runMemoryLimit)
		}
	}
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
	if g.held {
		debug.SetGCPercent(g.percent)
		debug.SetMemoryLimit(g.limit)
		g.held = false
	}
	if g.started {
		debug.SetGCPercent(g.runPct)
		debug.SetMemoryLimit(g.runLimit)
		g.started = false
	}
}
