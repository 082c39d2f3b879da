package attack

import (
	"context"
	"math"
	"net/http"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
)

// TestBackedUpTarget sends 1,000 requests per second for 400 ms to a target
// that holds each one for 500 ms: in-flight grows by a thousand per second,
// and every request must still leave at its intended time. The engine's own
// record says when each left (Sent); a schedule held at a gate until a
// sizing tick let more requests into flight sent half of them 100 ms late
// or more (p90 about 160 ms). The bounds leave room for a loaded machine
// and the race detector; the held schedule misses them many times over.
func TestBackedUpTarget(t *testing.T) {
	srv := newArrivalServer(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(500 * time.Millisecond)
	})
	plan := evenPlan(srv.URL, 400, 100*time.Millisecond, 400*time.Millisecond)
	got, st := run(t, context.Background(), plan, Timeout(5*time.Second))
	var late []time.Duration
	for _, r := range got {
		if r.Class != outcome.OK {
			t.Fatalf("request %d: %v %s", r.Seq, r.Class, r.Error)
		}
		late = append(late, r.Sent-r.Intended)
	}
	if len(got) != len(plan) {
		t.Fatalf("%d results of %d", len(got), len(plan))
	}
	slices.Sort(late)
	p99 := quantile(late, 0.99)
	t.Logf("sent late p50 %v p99 %v max %v; %d connections (%d warm, %d cold)",
		quantile(late, 0.5), p99, late[len(late)-1], srv.conns.Load(), st.WarmConns, st.ColdDials)
	if p50, p90 := quantile(late, 0.5), quantile(late, 0.9); p50 > 10*time.Millisecond || p90 > 50*time.Millisecond {
		t.Errorf("sent late p50 %v, p90 %v with the target backing up, want at most 10ms and 50ms", p50, p90)
	}
}

// TestHoldOnlyForQuickPlaces checks when a request that finds no connection
// open waits for a place rather than have one dialed: at a quick target
// that answers as fast as requests leave, yes; at a queue that backs up,
// never, however quick the head of the queue looks against what is in
// flight (these are figures logged from a run at 8 slots x 10 ms, 1,500/s,
// where Little's law on the quickest answer alone read 1,520/s of places
// freed); at a target silent for longer than answering, not while the
// schedule keeps time, and yes while it is behind (the whole machine
// stalled).
func TestHoldOnlyForQuickPlaces(t *testing.T) {
	start := time.Now().Add(-time.Second)
	paced := func(rate float64, resp time.Duration, freeing bool, silent time.Duration) *pace {
		var last atomic.Int64
		last.Store(int64(time.Since(start) - silent))
		p := &pace{start: start, lastAnswer: &last}
		p.rate.Store(math.Float64bits(rate))
		p.resp.Store(int64(resp))
		p.freeing.Store(freeing)
		return p
	}
	for _, c := range []struct {
		name  string
		p     *pace
		inUse int
		late  time.Duration
		want  bool
	}{
		{"quick target", paced(20000, 300*time.Microsecond, true, 0), 40, 0, true},
		{"quick target, generator behind", paced(20000, 300*time.Microsecond, true, 0), 40, 5 * time.Millisecond, true},
		{"too few in flight for the rate", paced(20000, 3*time.Millisecond, true, 0), 40, 0, false},
		{"queue backing up", paced(1510, 1336*time.Millisecond, false, 600*time.Microsecond), 2033, 0, false},
		{"silent target, schedule on time", paced(1000, time.Millisecond, true, 50*time.Millisecond), 40, 0, false},
		{"silent answers, schedule behind", paced(1000, time.Millisecond, true, 50*time.Millisecond), 40, 5 * time.Millisecond, true},
	} {
		if got := c.p.hold(c.inUse, start, c.late); got != c.want {
			t.Errorf("%s: hold = %v, want %v", c.name, got, c.want)
		}
	}
}
