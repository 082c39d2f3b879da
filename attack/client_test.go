package attack

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/burstlab/burstlab/attack/outcome"
)

// TestCleartextHTTP2 sends a burst whose requests are all in flight at once
// to a target that speaks HTTP/2 without TLS, as the embedded simulator
// does: they share a few connections instead of one socket each (a run
// that held one per request ran out of file descriptors).
func TestCleartextHTTP2(t *testing.T) {
	const n, streams = 600, 250
	s := unstartedArrivalServer(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, "want HTTP/2", http.StatusHTTPVersionNotSupported)
			return
		}
		select {
		case <-time.After(300 * time.Millisecond):
		case <-r.Context().Done():
		}
	})
	s.Config.Protocols = new(http.Protocols)
	s.Config.Protocols.SetHTTP1(true)
	s.Config.Protocols.SetUnencryptedHTTP2(true)
	s.Config.HTTP2 = &http.HTTP2Config{MaxConcurrentStreams: streams}
	s.Start()
	t.Cleanup(s.Close)

	plan := evenPlan(s.URL, n, 0, 100*time.Millisecond)
	got, _ := run(t, context.Background(), plan, WithClient(Client{Timeout: 10 * time.Second}), CleartextHTTP2(streams))
	classes := map[outcome.Class]int{}
	for _, r := range got {
		classes[r.Class]++
	}
	if len(got) != n || classes[outcome.OK] != n {
		t.Fatalf("%d results, classes %v, want %d ok", len(got), classes, n)
	}
	// n requests in flight at once need n/streams connections; the pool
	// dials a few ahead of need.
	if c := s.conns.Load(); c > 2*n/streams+4 {
		t.Errorf("%d connections opened for %d requests in flight, %d streams each", c, n, streams)
	}
}

// An HTTP/2 pool without TLS (the embedded simulator) is ready for one more
// request however many are in flight on its few connections: they share
// them. Read as HTTP/1.1 (a connection per request), the gate held due
// requests for a place, and a burst against the simulator was sent tens of
// milliseconds late.
func TestCleartextHTTP2PoolReady(t *testing.T) {
	p := &warmPool{streams: 1000}
	p.probed.Store(true)
	p.h2.Store(true)
	p.live.Store(1)
	for _, inUse := range []int{0, 1, 500, 5000} {
		if !p.ready(inUse) {
			t.Errorf("h2c pool with 1 connection: not ready at %d in flight", inUse)
		}
	}
	h1 := &warmPool{}
	h1.live.Store(2)
	if h1.ready(1) != true || h1.ready(2) != false {
		t.Errorf("HTTP/1.1 pool with 2 connections: ready(1) %v, ready(2) %v; want true, false", h1.ready(1), h1.ready(2))
	}
}
