package attack

import (
	"runtime/debug"
	"testing"
	"time"
)

// TestBurstGCBounded checks that the collector is held off only for a dense
// burst, for at most maxHold, not again until holdPause has passed, and that
// the settings come back as they were.
func TestBurstGCBounded(t *testing.T) {
	if userTuned {
		t.Skip("GOGC or GOMEMLIMIT is set: the engine leaves the collector alone")
	}
	percent := debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	limit := debug.SetMemoryLimit(-1)
	current := func() int { p := debug.SetGCPercent(-1); debug.SetGCPercent(p); return p }

	var g burstGC
	g.set(denseRate - 1)
	if g.held || current() != percent {
		t.Fatal("held the collector for a rate below a dense burst")
	}
	g.set(denseRate)
	if !g.held || current() != -1 {
		t.Fatal("did not hold the collector for a dense burst")
	}
	g.since = g.since.Add(-maxHold) // the burst has lasted maxHold
	g.set(denseRate)
	if g.held || current() != percent || debug.SetMemoryLimit(-1) != limit {
		t.Fatalf("after maxHold: held %v, GOGC %d (was %d)", g.held, current(), percent)
	}
	g.set(denseRate)
	if g.held {
		t.Fatal("held again before holdPause passed")
	}
	g.since = time.Now().Add(-holdPause)
	g.set(denseRate)
	if !g.held {
		t.Fatal("did not hold again after holdPause")
	}
	g.release()
	if current() != percent || debug.SetMemoryLimit(-1) != limit {
		t.Fatal("release did not restore the settings")
	}
}
