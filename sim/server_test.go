package sim

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/http2"
)

// TestServesCleartextHTTP2 holds 2,000 requests in the simulator at once
// over HTTP/2 without TLS: they share a few connections (over HTTP/1.1 each
// would cost a socket at both ends), and the simulator, not the connection,
// decides how long each waits.
func TestServesCleartextHTTP2(t *testing.T) {
	const n = 2000
	_, base := start(t, Config{Replicas: 1, Slots: n, QueueLimit: n, Service: Dist{Fixed: 300 * time.Millisecond}, QueueTimeout: 10 * time.Second})
	var dials atomic.Int64
	// The engine's client: x/net's HTTP/2 transport shares one dial among
	// the requests that need a new connection (net/http's dials one each).
	tr := &http2.Transport{
		AllowHTTP: true,
		DialTLSContext: func(ctx context.Context, network, addr string, _ *tls.Config) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		},
	}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	// One request first, so the others find its connection and the
	// simulator's stream limit.
	if r := get(c, base+"/warm"); r.code != 200 {
		t.Fatalf("first request: code %d", r.code)
	}
	var wg sync.WaitGroup
	var ok, h2 atomic.Int64
	began := time.Now()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Get(base + "/load")
			if err != nil {
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				ok.Add(1)
			}
			if resp.ProtoMajor == 2 {
				h2.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != n || h2.Load() != n {
		t.Fatalf("%d of %d answered 200, %d over HTTP/2", ok.Load(), n, h2.Load())
	}
	if d := dials.Load(); d > 2+n/StreamsPerConn*2 {
		t.Errorf("%d connections for %d requests in flight at once (%d streams each)", d, n, StreamsPerConn)
	}
	// All held at once: none waited for a stream behind another.
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("%d requests of 300ms each, all admitted at once, took %v", n, took)
	}
}

// TestServerErrorsCounted checks that the HTTP server's own errors are
// counted for the run to report once, the first kept, and a lack of file
// descriptors told apart, instead of a log line each on stderr.
func TestServerErrorsCounted(t *testing.T) {
	s, _ := start(t, Config{})
	// What Go's server logs when accept fails, through the log it was given.
	s.srv.ErrorLog.Printf("http: Accept error: accept tcp 127.0.0.1:1: accept4: too many open files; retrying in 5ms")
	s.srv.ErrorLog.Printf("http: TLS handshake error from 127.0.0.1:2: EOF")
	got := s.ServerErrors()
	want := ServerErrors{Count: 2, OutOfFiles: 1, First: "http: Accept error: accept tcp 127.0.0.1:1: accept4: too many open files; retrying in 5ms"}
	if got != want {
		t.Fatalf("server errors %+v, want %+v", got, want)
	}
}
