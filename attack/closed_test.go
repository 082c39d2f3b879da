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
	st, err := New(ClosedLoop(src, 3, 500*time.Millisecond), Timeout(time.Second)).Run(context.Background(), nil, began, func(r outcome.Result) {
		results++
		if r.Class != outcome.OK || r.Intended != r.Sent || r.FirstIntended != r.Sent || r.Sent < 0 {
			t.Errorf("request %d: %v, intended %v planned %v sent %v", r.Seq, r.Class, r.Intended, r.FirstIntended, r.Sent)
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

// TestClosedLoopBesidePlan runs a plan and a closed loop together: the plan's
// requests keep their intended times, the loop's count from their sends, and
// the loop never has more requests in flight than its workers.
func TestClosedLoopBesidePlan(t *testing.T) {
	var now, most atomic.Int64
	srv := newArrivalServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/loop" {
			return
		}
		n := now.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(2 * time.Millisecond)
		now.Add(-1)
	})
	plan := evenPlan(srv.URL, 100, 0, 400*time.Millisecond)
	k := int64(1000)
	loop := SourceFunc(func() (Request, bool) {
		k++
		return Request{Seq: k, Stream: 1, Method: http.MethodGet, URL: srv.URL + "/loop"}, true
	})
	planned, looped := 0, 0
	st, err := New(ClosedLoop(loop, 2, 400*time.Millisecond), Timeout(time.Second)).Run(context.Background(), sliceSource(plan), time.Now(), func(r outcome.Result) {
		if r.Class != outcome.OK {
			t.Errorf("request %d: %v %s", r.Seq, r.Class, r.Error)
		}
		switch r.Stream {
		case 0:
			planned++
			if want := plan[r.Seq].Intended; r.Intended != want {
				t.Errorf("planned request %d: intended %v, planned for %v", r.Seq, r.Intended, want)
			}
		case 1:
			looped++
			if r.Intended != r.Sent {
				t.Errorf("loop request %d: intended %v, sent %v", r.Seq, r.Intended, r.Sent)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if planned != 100 || looped < 20 || st.Sent != int64(planned+looped) {
		t.Errorf("%d planned and %d loop results, stats %+v", planned, looped, st)
	}
	if most.Load() > 2 {
		t.Errorf("%d loop requests at the target at once, want at most 2 workers", most.Load())
	}
}
