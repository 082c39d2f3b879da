//go:build long

package burst

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// retryOnce runs check until it finds nothing wrong, twice at the most:
// the timing of these runs is real, and on a machine too busy to keep a
// 10 ms service time one check can miss, so a miss is retried once before
// the test fails.
func retryOnce(t *testing.T, check func() string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		problem := check()
		if problem == "" {
			return
		}
		if attempt == 2 {
			t.Fatal(problem)
		}
		t.Logf("attempt %d: %s\nretrying once", attempt, problem)
	}
}

// stepTarget is a loopback target that serves each request for service
// with before slots, and with after slots once open is called: a capacity
// step at a known instant. GET /replicas says how many slots are open, as a
// scale signal.
func stepTarget(t *testing.T, before, after int, service time.Duration) (srv *httptest.Server, open func()) {
	sem := make(chan struct{}, after)
	for range after - before {
		sem <- struct{}{} // slots closed until the step
	}
	var slots atomic.Int64
	slots.Store(int64(before))
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/replicas" {
			fmt.Fprintln(w, slots.Load())
			return
		}
		sem <- struct{}{}
		time.Sleep(service)
		<-sem
	}))
	t.Cleanup(srv.Close)
	return srv, func() {
		for range after - before {
			<-sem
		}
		slots.Store(int64(after))
	}
}
