package attack

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
)

// TestClosedLoop checks the closed model: no more requests at the target at
// once than workers, each result's latency counting from its actual send,
// and the run ending by itself after its duration.
func TestClosedLoop(t *testing.T) {
	var now, most atomic.Int64
	srv := newArrivalServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := now.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(time.Millisecond)
		now.Add(-1)
	})
	k := int64(0)
	src := SourceFunc(func() (Request, bool) {
		k++
		return Request{Seq: k, Method: http.MethodGet, URL: srv.URL + "/"}, true
	})
	// The run starts a little in the future, as the CLI's do: nothing may
	// leave before it.
	began := time.Now().Add(100 * time.Millisecond)
	results := 0
	st, err := New(MaxWorkers(3), ClosedLoop(500*time.Millisecond), Timeout(time.Second)).Run(context.Background(), src, began, func(r outcome.Result) {
		results++
		if r.Class != outcome.OK || r.Intended != r.Sent || r.Planned != r.Sent || r.Sent < 0 {
			t.Errorf("request %d: %v, intended %v planned %v sent %v", r.Seq, r.Class, r.Intended, r.Planned, r.Sent)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(began)
	if srv.conns.Load() == 0 {
		t.Fatal("no connection at the server")
	}
	if most.Load() > 3 || most.Load() < 2 {
		t.Errorf("%d requests at the target at once, want up to 3 workers", most.Load())
	}
	if results < 100 || int64(results) != st.Sent || st.Unsent != 0 || st.Stopped {
		t.Errorf("%d results, stats %+v", results, st)
	}
	if took < 500*time.Millisecond || took > 2*time.Second {
		t.Errorf("a 500ms closed-loop run took %v", took)
	}
}
