package attack

import (
	"context"
	"net/http"
	"slices"
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
